// The SESSION window table function alone (not under a window aggregation), after Flink 1.20's
// UnalignedWindowTableFunctionOperator: rows are kept per PARTITION BY key in sessions merged as
// merging_sessions.h describes; when a session fires its rows go out in arrival order (Flink
// numbers them per key and sorts by that number), each with window_start, window_end and
// window_time (end - 1 ms) appended. A row with a NULL time is dropped, as Flink drops it; a
// late row that touches no open session is dropped and counted (late_rows_dropped). On a
// processing-time attribute, a row's window starts at the processing time it arrives at, sessions
// fire on the job's processing-time clock, and window_time is the time they fire at
// (window_clock.h).
#include "exec/operators/operators.h"
#include "exec/operators/window/merging_sessions.h"
#include "exec/operators/window/window_clock.h"

namespace careflow::exec {

namespace {

struct SessionRows {
  std::vector<std::pair<uint64_t, Row>> rows;  // (arrival number, row)
};

void merge_rows(SessionRows& into, SessionRows& from) {
  for (auto& r : from.rows) into.rows.push_back(std::move(r));
}

class SessionWindowTableFunction : public Operator {
 public:
  explicit SessionWindowTableFunction(const sql::PlanNode& node)
      : window_(node.window), keys_(node.window.partition_keys),
        window_clock_(node.window.proctime, node.rowtime_index), sessions_(window_, &merge_rows) {}

  // Checkpoints, written whole (space 0): the arrival counter, late rows and the open sessions
  // with their rows (merging_sessions.h); they live only until the watermark passes their end.
  bool checkpointable() const override { return true; }
  void snapshot(StateWriter& out) override {
    sessions_.snapshot(out, 0, next_, late_, [](ByteWriter& b, const SessionRows& c) {
      b.varint(c.rows.size());
      for (const auto& [number, row] : c.rows) {
        b.varint(number);
        b.values(row.fields);
      }
    });
  }
  void restore(const StateRecord& record) override {
    sessions_.restore(record, next_, late_, [](ByteReader& b) {
      SessionRows c;
      c.rows.resize(b.count());
      for (auto& [number, row] : c.rows) {
        number = b.varint();
        row = Row{RowKind::kInsert, b.values()};
      }
      return c;
    });
  }

  void process(int, Row& row) override {
    const std::optional<int64_t> time = window_clock_.row_time(row, *this);
    if (!time) return;
    const int64_t ts = window::to_window_time(window_, *time, ctx());
    const int64_t wm = window_clock_.late_bound(*this);
    fill_key(key_, row.fields, keys_);
    auto* session = sessions_.assign(key_, ts, wm, ctx(), [] { return SessionRows{}; });
    if (!session) {
      ++late_;
      dropped_late(0, row, ts, wm,
                   "the session the row would open has fired (its time + gap - 1 ms is at or before the watermark)");
      return;
    }
    session->content.rows.emplace_back(next_++, std::move(row));
  }

  int64_t late_rows_dropped() const override { return late_; }

 protected:
  void on_watermark(int64_t watermark) override {
    if (window_clock_.fires_on(true)) fire_until(watermark);
  }
  void on_processing_time(int64_t now) override {
    if (window_clock_.fires_on(false)) fire_until(now);
  }

 private:
  // Emits the sessions whose last millisecond is at or before `time` (watermark or processing time).
  void fire_until(int64_t time) {
    sessions_.fire(time, [&](const Key&, auto& s) {
      auto& rows = s.content.rows;
      std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      for (auto& [number, row] : rows) {
        row.fields.push_back(Value::integer(s.start * 1000));
        row.fields.push_back(Value::integer(s.end * 1000));
        row.fields.push_back(Value::integer(window_clock_.window_time_micros(sessions_.last_instant(s.end, ctx()), *this)));
        emit(RowKind::kInsert, std::move(row.fields));
      }
    });
  }

  sql::WindowSpec window_;
  std::vector<int> keys_;
  window::WindowClock window_clock_;
  window::MergingSessions<SessionRows> sessions_;
  uint64_t next_ = 0;
  int64_t late_ = 0;
  Key key_;
};

}  // namespace

OperatorPtr make_session_window_table_function(const sql::PlanNode& node) {
  return std::make_unique<SessionWindowTableFunction>(node);
}

}  // namespace careflow::exec
