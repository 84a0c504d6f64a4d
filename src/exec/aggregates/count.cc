// COUNT(*), COUNT(x), COUNT(DISTINCT x): BIGINT NOT NULL. COUNT(x) counts rows where x is not NULL.
#include "sql/functions.h"

namespace careflow::exec {
namespace {

using values::Value;

class CountAccumulator : public sql::Accumulator {
 public:
  explicit CountAccumulator(size_t arity) : arity_(arity) {}
  void accumulate(const Value* args) override { if (counts(args)) ++n_; }
  void retract(const Value* args) override { if (counts(args)) --n_; }
  Value result() const override { return Value::integer(n_); }
  void merge(const sql::Accumulator& other) override { n_ += static_cast<const CountAccumulator&>(other).n_; }
  Value save() const override { return Value::integer(n_); }
  void load(const Value& state) override { n_ = state.as_int(); }

 private:
  bool counts(const Value* args) const {
    for (size_t i = 0; i < arity_; ++i) {
      if (args[i].is_null()) return false;
    }
    return true;
  }
  size_t arity_;
  int64_t n_ = 0;
};

}  // namespace

CF_REGISTER_FUNCTION(count) {
  sql::AggregateFunctionDef def;
  def.name = "COUNT";
  def.signature = "COUNT(*) | COUNT([DISTINCT] value) → BIGINT NOT NULL";
  def.description = "Number of rows, or of rows where value is not NULL.";
  def.bind = [](const std::vector<sql::ArgInfo>& args, bool) -> Result<sql::AggregateBinding> {
    sql::AggregateBinding b;
    b.result = values::DataType::bigint().with_nullable(false);
    for (const auto& a : args) b.arg_types.push_back(a.type);
    size_t arity = args.size();
    b.create = [arity] { return std::make_unique<CountAccumulator>(arity); };
    return b;
  };
  return def;
}

}  // namespace careflow::exec
