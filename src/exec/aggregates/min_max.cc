// MIN and MAX with retraction, after Flink's MaxWithRetractAggFunction: every value is kept with
// its count (a hash map) and the current extreme is cached; only retracting the last copy of the
// extreme scans the map for the next one.
#include <absl/container/flat_hash_map.h>

#include "exec/aggregates/unary_aggregate.h"

namespace careflow::exec {
namespace {

using values::Value;

// Values are kept in an open-addressing map: accumulating a value seen before, or retracting one,
// touches one slot and allocates nothing. `Slot` is the stored form of a value: int64_t for the
// types a Value carries as an integer (the hot case: a few bytes a slot, compared in one
// instruction), Value for the rest.
template <typename Slot>
struct SlotTraits;

template <>
struct SlotTraits<int64_t> {
  static int64_t of(const Value& v) { return v.as_int(); }
  static Value value(int64_t s) { return Value::integer(s); }
  static int compare(int64_t a, int64_t b) { return a < b ? -1 : (b < a ? 1 : 0); }
  using Hash = absl::Hash<int64_t>;
  using Eq = std::equal_to<int64_t>;
};

template <>
struct SlotTraits<Value> {
  static const Value& of(const Value& v) { return v; }
  static Value value(const Value& s) { return s; }
  static int compare(const Value& a, const Value& b) { return values::compare_values(a, b); }
  using Hash = values::ValueHash;
  using Eq = std::equal_to<Value>;
};

template <typename Slot>
class MinMaxAccumulator : public UnaryAccumulator<MinMaxAccumulator<Slot>> {
  using Traits = SlotTraits<Slot>;

 public:
  explicit MinMaxAccumulator(bool max) : max_(max) {}

  void add(const Value& v) {
    auto [it, inserted] = values_.try_emplace(Traits::of(v), 0);
    ++it->second;
    if (!has_extreme_ || better(it->first, extreme_)) {
      extreme_ = it->first;
      has_extreme_ = true;
    }
  }

  void remove(const Value& v) {
    auto it = values_.find(Traits::of(v));
    if (it == values_.end() || --it->second > 0) return;
    const bool was_extreme = Traits::compare(it->first, extreme_) == 0;
    values_.erase(it);
    if (!was_extreme) return;
    has_extreme_ = false;
    for (const auto& [candidate, count] : values_) {
      if (!has_extreme_ || better(candidate, extreme_)) {
        extreme_ = candidate;
        has_extreme_ = true;
      }
    }
  }

  Value result() const override { return has_extreme_ ? Traits::value(extreme_) : Value(); }

  // Every value with its count; the extreme is found again as the values come back.
  Value save() const override {
    std::vector<Value> out;
    out.reserve(values_.size() * 2);
    for (const auto& [value, count] : values_) {
      out.push_back(Traits::value(value));
      out.push_back(Value::integer(count));
    }
    return Value::list(std::move(out));
  }
  void load(const Value& state) override {
    const std::vector<Value>& s = state.as_list();
    for (size_t i = 0; i + 1 < s.size(); i += 2) {
      const Slot slot = Traits::of(s[i]);
      values_[slot] += s[i + 1].as_int();
      if (!has_extreme_ || better(slot, extreme_)) {
        extreme_ = slot;
        has_extreme_ = true;
      }
    }
  }

  void merge(const sql::Accumulator& other) override {
    const auto& o = static_cast<const MinMaxAccumulator&>(other);
    for (const auto& [value, count] : o.values_) {
      values_[value] += count;
      if (!has_extreme_ || better(value, extreme_)) {
        extreme_ = value;
        has_extreme_ = true;
      }
    }
  }

 private:
  bool better(const Slot& a, const Slot& b) const {
    const int c = Traits::compare(a, b);
    return max_ ? c > 0 : c < 0;
  }

  bool max_;
  bool has_extreme_ = false;
  absl::flat_hash_map<Slot, int64_t, typename Traits::Hash, typename Traits::Eq> values_;
  Slot extreme_{};
};

// MIN / MAX over input that is never retracted: only the extreme (MaxAggFunction, MinAggFunction).
class AppendMinMax : public UnaryAccumulator<AppendMinMax> {
 public:
  explicit AppendMinMax(bool max) : max_(max) {}
  void add(const Value& v) {
    if (extreme_.is_null()) {
      extreme_ = v;
      return;
    }
    const int c = values::compare_values(v, extreme_);
    if (max_ ? c > 0 : c < 0) extreme_ = v;
  }
  void remove(const Value&) { throw values::EvalError("MIN / MAX without retraction was asked to retract a row"); }
  Value result() const override { return extreme_; }
  Value save() const override { return extreme_; }
  void load(const Value& state) override { extreme_ = state; }
  void merge(const sql::Accumulator& other) override {
    const Value& o = static_cast<const AppendMinMax&>(other).extreme_;
    if (!o.is_null()) add(o);
  }

 private:
  bool max_;
  Value extreme_;
};

// The types whose values are int64_t in a Value (sql/value.h).
bool stored_as_integer(const values::DataType& t) {
  return t.is_integer() || t.is_temporal() || t.is_interval();
}

Result<sql::AggregateBinding> bind_min_max(const char* name, const values::DataType& t, bool max) {
  if (t.id == values::TypeId::kMap || t.id == values::TypeId::kMultiset || t.id == values::TypeId::kRow) {
    return sql::arg_type_error(name, 0, "a comparable value", t);
  }
  sql::AggregateBinding b = same_type_binding(t);
  b.create_append_only = [max]() -> std::unique_ptr<sql::Accumulator> { return std::make_unique<AppendMinMax>(max); };
  if (stored_as_integer(t)) {
    b.create = [max]() -> std::unique_ptr<sql::Accumulator> { return std::make_unique<MinMaxAccumulator<int64_t>>(max); };
  } else {
    b.create = [max]() -> std::unique_ptr<sql::Accumulator> { return std::make_unique<MinMaxAccumulator<Value>>(max); };
  }
  return b;
}

}  // namespace

CF_REGISTER_FUNCTION(min) {
  return unary_aggregate("MIN", "MIN(value) → same type", "Smallest non-NULL value; NULL when there are none.",
                         [](const char* name, const values::DataType& t) { return bind_min_max(name, t, false); });
}

CF_REGISTER_FUNCTION(max) {
  return unary_aggregate("MAX", "MAX(value) → same type", "Largest non-NULL value; NULL when there are none.",
                         [](const char* name, const values::DataType& t) { return bind_min_max(name, t, true); });
}

}  // namespace careflow::exec
