// MIN and MAX with retraction (MinWithRetractAggFunction): every value is kept with its count so
// that retracting the current minimum reveals the next one.
#include <map>

#include "sql/functions.h"

namespace careflow::exec {
namespace {

using sql::Value;

struct ValueLess {
  bool operator()(const Value& a, const Value& b) const { return sql::compare_values(a, b) < 0; }
};

class MinMaxAccumulator : public sql::Accumulator {
 public:
  explicit MinMaxAccumulator(bool max) : max_(max) {}
  void accumulate(const Value* args) override {
    if (!args[0].is_null()) ++values_[args[0]];
  }
  void retract(const Value* args) override {
    if (args[0].is_null()) return;
    auto it = values_.find(args[0]);
    if (it != values_.end() && --it->second == 0) values_.erase(it);
  }
  Value result() const override {
    if (values_.empty()) return Value();
    return max_ ? values_.rbegin()->first : values_.begin()->first;
  }

 private:
  bool max_;
  std::map<Value, int64_t, ValueLess> values_;
};

Result<sql::AggregateBinding> bind_min_max(const char* name, const std::vector<sql::ArgInfo>& args, bool max) {
  if (args.size() != 1) return sql::arg_count_error(name, 1, 1, args.size());
  const sql::DataType& t = args[0].type;
  if (t.id == sql::TypeId::kMap || t.id == sql::TypeId::kMultiset || t.id == sql::TypeId::kRow) {
    return sql::arg_type_error(name, 0, "a comparable value", t);
  }
  sql::AggregateBinding b;
  b.arg_types = {t};
  b.result = t.with_nullable(true);
  b.create = [max] { return std::make_unique<MinMaxAccumulator>(max); };
  return b;
}

}  // namespace

CF_REGISTER_FUNCTION(min) {
  sql::AggregateFunctionDef def;
  def.name = "MIN";
  def.signature = "MIN(value) → same type";
  def.description = "Smallest non-NULL value; NULL when there are none.";
  def.bind = [](const std::vector<sql::ArgInfo>& args, bool) { return bind_min_max("MIN", args, false); };
  return def;
}

CF_REGISTER_FUNCTION(max) {
  sql::AggregateFunctionDef def;
  def.name = "MAX";
  def.signature = "MAX(value) → same type";
  def.description = "Largest non-NULL value; NULL when there are none.";
  def.bind = [](const std::vector<sql::ArgInfo>& args, bool) { return bind_min_max("MAX", args, true); };
  return def;
}

}  // namespace careflow::exec
