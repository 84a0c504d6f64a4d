// LAG(value [, offset [, default]]) OVER (... ORDER BY rowtime), as Flink's streaming
// LagAggFunction computes it: the accumulator keeps the last offset + 1 values accumulated (NULLs
// included: LAG counts rows, not values); the result is the oldest of them when there are that
// many, else the default (the one given with the latest row; NULL without one). Offset 0 is the
// current row. It cannot retract nor merge: the planner allows it only OVER a window without a
// frame (Calcite's rule), whose default frame starts at UNBOUNDED PRECEDING.
#include <fmt/format.h>

#include <deque>

#include "sql/functions.h"
#include "values/eval_context.h"

namespace careflow::exec {
namespace {

using values::Value;

class LagAccumulator : public sql::Accumulator {
 public:
  explicit LagAccumulator(size_t arity) : arity_(arity) {}

  void accumulate(const Value* args) override {
    if (arity_ >= 2) {
      if (args[1].is_null()) throw values::EvalError("LAG's offset is NULL");
      if (args[1].as_int() < 0) throw values::EvalError(fmt::format("Offset({}) should be positive.", args[1].as_int()));
      offset_ = args[1].as_int();
    }
    if (arity_ >= 3) default_ = args[2];
    buffer_.push_back(args[0]);
    while (static_cast<int64_t>(buffer_.size()) > offset_ + 1) buffer_.pop_front();
  }
  void retract(const Value*) override {
    throw values::EvalError("LAG Function with retraction is not supported in stream mode.");
  }
  void merge(const sql::Accumulator&) override {
    throw values::EvalError("LAG cannot merge accumulators: it is only an OVER function");
  }
  Value result() const override {
    return static_cast<int64_t>(buffer_.size()) < offset_ + 1 ? default_ : buffer_.front();
  }
  Value save() const override {
    std::vector<Value> state{Value::integer(offset_), default_};
    state.insert(state.end(), buffer_.begin(), buffer_.end());
    return Value::list(std::move(state));
  }
  void load(const Value& state) override {
    const std::vector<Value>& s = state.as_list();
    if (s.size() < 2) throw values::EvalError("LAG: a checkpointed accumulator without its offset");
    offset_ = s[0].as_int();
    default_ = s[1];
    buffer_.assign(s.begin() + 2, s.end());
  }

 private:
  size_t arity_;
  int64_t offset_ = 1;
  Value default_;
  std::deque<Value> buffer_;
};

}  // namespace

CF_REGISTER_FUNCTION(lag) {
  sql::AggregateFunctionDef def;
  def.name = "LAG";
  def.signature = "LAG(value [, offset [, default]]) OVER (... ORDER BY time) → same type";
  def.description =
      "The value offset rows (default 1) before the current one in the window's order, or default (NULL) when there "
      "is no such row. Only OVER a window ordered by a time attribute, without a frame.";
  def.over_only = true;
  def.window_function = true;
  def.bind = [](const std::vector<sql::ArgInfo>& args, bool distinct) -> Result<sql::AggregateBinding> {
    if (args.empty() || args.size() > 3) return sql::arg_count_error("LAG", 1, 3, args.size());
    if (distinct) return Status::invalid_argument("LAG does not take DISTINCT");
    if (args.size() >= 2) {
      if (!args[1].type.is_integer()) return sql::arg_type_error("LAG", 1, "INT", args[1].type);
      if (args[1].constant && !args[1].constant->is_null() && args[1].constant->as_int() < 0) {
        return Status::invalid_argument(fmt::format("LAG's offset must not be negative, got {}", args[1].constant->as_int()));
      }
    }
    const values::DataType& t = args[0].type;
    if (args.size() == 3 && args[2].type.id != values::TypeId::kNull && !(args[2].type == t) &&
        !values::is_implicit_cast(args[2].type, t)) {
      return Status::invalid_argument(fmt::format("LAG's default must have the value's type {}, got {}",
                                                  t.without_time_attribute().to_string(), args[2].type.to_string()));
    }
    sql::AggregateBinding b;
    b.arg_types = {t};
    if (args.size() >= 2) b.arg_types.push_back(values::DataType::bigint());
    if (args.size() == 3) b.arg_types.push_back(t);
    b.result = t.with_nullable(true);
    const size_t arity = args.size();
    b.create = [arity] { return std::make_unique<LagAccumulator>(arity); };
    return b;
  };
  return def;
}

}  // namespace careflow::exec
