// MIN and MAX with retraction, after Flink's MaxWithRetractAggFunction: every value is kept with
// its count (a hash map) and the current extreme is cached; only retracting the last copy of the
// extreme scans the map for the next one.
#include <unordered_map>

#include "sql/functions.h"

namespace careflow::exec {
namespace {

using sql::Value;

class MinMaxAccumulator : public sql::Accumulator {
 public:
  explicit MinMaxAccumulator(bool max) : max_(max) {}

  void accumulate(const Value* args) override {
    const Value& v = args[0];
    if (v.is_null()) return;
    ++values_[v];
    if (extreme_.is_null() || better(v, extreme_)) extreme_ = v;
  }

  void retract(const Value* args) override {
    const Value& v = args[0];
    if (v.is_null()) return;
    auto it = values_.find(v);
    if (it == values_.end() || --it->second > 0) return;
    values_.erase(it);
    if (v == extreme_) {
      extreme_ = Value();
      for (const auto& [candidate, count] : values_) {
        if (extreme_.is_null() || better(candidate, extreme_)) extreme_ = candidate;
      }
    }
  }

  Value result() const override { return extreme_; }

 private:
  bool better(const Value& a, const Value& b) const {
    int c = sql::compare_values(a, b);
    return max_ ? c > 0 : c < 0;
  }

  bool max_;
  std::unordered_map<Value, int64_t, sql::ValueHash> values_;
  Value extreme_;
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
