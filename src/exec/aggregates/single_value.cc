// SINGLE_VALUE(x): the one value its group holds, NULL when it holds none, and a run-time error
// when a second row arrives. Calcite puts it on top of a scalar subquery that may give more than
// one row (SubQueryRemoveRule); its behaviour is Flink's SingleValueAggFunction: the error is
// raised on accumulating while a row is held, and on retracting while more than one is held.
#include "sql/functions.h"
#include "values/eval_context.h"

namespace careflow::exec {
namespace {

using values::Value;

// Flink's message (SingleValueAggFunction.ERROR_MSG), so a user searching for it finds Flink's docs too.
constexpr const char* kMoreThanOne = "SingleValueAggFunction received more than one element.";

class SingleValueAccumulator : public sql::Accumulator {
 public:
  void accumulate(const Value* args) override {
    if (count_ > 0) throw values::EvalError(kMoreThanOne);
    value_ = args[0];
    ++count_;
  }
  void retract(const Value*) override {
    if (count_ != 0 && count_ != 1) throw values::EvalError(kMoreThanOne);
    value_ = Value();
    --count_;
  }
  Value result() const override { return value_; }
  void merge(const sql::Accumulator& other) override {
    const auto& o = static_cast<const SingleValueAccumulator&>(other);
    const int64_t total = count_ + o.count_;
    if (total > 1) throw values::EvalError(kMoreThanOne);
    if (total != 0 || count_ == 0 || o.count_ > 0) value_ = o.value_;
    count_ = total;
  }
  Value save() const override { return Value::list({value_, Value::integer(count_)}); }
  void load(const Value& state) override {
    const std::vector<Value>& s = state.as_list();
    value_ = s.at(0);
    count_ = s.at(1).as_int();
  }

 private:
  Value value_;
  int64_t count_ = 0;  // rows accumulated minus rows retracted
};

}  // namespace

CF_REGISTER_FUNCTION(single_value) {
  sql::AggregateFunctionDef def;
  def.name = "SINGLE_VALUE";
  def.signature = "SINGLE_VALUE(value) → the value's type";
  def.description = "The group's only value; NULL without rows, an error when the group has more than one row.";
  def.bind = [](const std::vector<sql::ArgInfo>& args, bool) -> Result<sql::AggregateBinding> {
    if (args.size() != 1) return sql::arg_count_error("SINGLE_VALUE", 1, 1, args.size());
    sql::AggregateBinding b;
    b.arg_types = {args[0].type};
    b.result = args[0].type.with_nullable(true);
    b.create = [] { return std::make_unique<SingleValueAccumulator>(); };
    return b;
  };
  return def;
}

}  // namespace careflow::exec
