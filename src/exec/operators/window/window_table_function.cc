// WindowTableFunction for TUMBLE, HOP and CUMULATE (Flink's AlignedWindowTableFunctionOperator):
// a row goes out at once, once per window it falls in, with window_start, window_end (TIMESTAMP(3))
// and window_time (the window's last millisecond, a time attribute) appended. Rows are not held
// for the watermark and none is late here; a row whose time is NULL is dropped. On a
// processing-time attribute, the windows of the processing time the row arrives at, and window_time
// that processing time (window_clock.h).
#include "exec/operators/operators.h"
#include "exec/operators/window/window_clock.h"
#include "exec/operators/window/window_math.h"

namespace careflow::exec {

namespace {

class WindowTableFunction : public Operator {
 public:
  explicit WindowTableFunction(const sql::PlanNode& node)
      : window_(node.window), window_clock_(node.window.proctime, node.rowtime_index) {}

  bool checkpointable() const override { return true; }  // no state
  void process(int, Row& row) override {
    const std::optional<int64_t> time = window_clock_.row_time(row, *this);
    if (!time) return;
    const int64_t ts = window::to_window_time(window_, *time, ctx());
    for (const window::Window& w : window::windows_of(window_, ts)) {
      Row out{row.kind, row.fields};
      out.fields.push_back(Value::integer(w.start * 1000));
      out.fields.push_back(Value::integer(w.end * 1000));
      out.fields.push_back(Value::integer(window_clock_.window_time_micros(window::to_utc(window_, w.end - 1, ctx()), *this)));
      emit(std::move(out));
    }
  }

 private:
  sql::WindowSpec window_;
  window::WindowClock window_clock_;
};

}  // namespace

OperatorPtr make_window_table_function(const sql::PlanNode& node) { return std::make_unique<WindowTableFunction>(node); }

}  // namespace careflow::exec
