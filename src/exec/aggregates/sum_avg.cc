// SUM and AVG with retraction (Flink's SumWithRetractAggFunction, AvgAggFunction). SUM keeps the
// argument's type (SUM(INT) is INT, wrapping on overflow as Java does; DECIMAL(p, s) gives
// DECIMAL(38, s)); AVG of integers is an integer (truncated), AVG of DECIMAL(p, s) is
// DECIMAL(38, max(6, s)). Both are NULL when no non-NULL value remains.
#include <fmt/format.h>

#include "exec/aggregates/unary_aggregate.h"
#include "sql/functions.h"
#include "values/value_format.h"

namespace careflow::exec {
namespace {

using values::DataType;
using values::int128;
using values::TypeId;
using values::Value;

class SumAccumulator : public UnaryAccumulator<SumAccumulator> {
 public:
  // The argument's kind and the scales are taken from the types once: an accumulator exists per
  // group, so it keeps a few bytes rather than two DataTypes (a million groups are a million of them).
  SumAccumulator(const DataType& arg, const DataType& result, bool average)
      : kind_(arg.is_integer() ? Kind::kInteger : arg.is_approximate() ? Kind::kApproximate : Kind::kDecimal),
        average_(average), result_id_(result.id), arg_scale_(static_cast<int16_t>(arg.scale)),
        result_scale_(static_cast<int16_t>(result.scale)) {}

  void add(const Value& v) { apply(v, 1); }
  void remove(const Value& v) { apply(v, -1); }

  void merge(const sql::Accumulator& other) override {
    const auto& o = static_cast<const SumAccumulator&>(other);
    count_ += o.count_;
    int_sum_ = static_cast<int64_t>(static_cast<uint64_t>(int_sum_) + static_cast<uint64_t>(o.int_sum_));
    double_sum_ += o.double_sum_;
    dec_sum_ += o.dec_sum_;
  }

  // The count and the one sum the argument's type uses: a checkpoint writes this per group, so
  // the two unused sums (a double and a 16-byte decimal) are left out. load() also reads the
  // four-field form [count, integer sum, double sum, decimal sum] of earlier checkpoints.
  Value save() const override {
    if (kind_ == Kind::kInteger) return Value::list({Value::integer(count_), Value::integer(int_sum_)});
    if (kind_ == Kind::kApproximate) return Value::list({Value::integer(count_), Value::real(double_sum_)});
    return Value::list({Value::integer(count_), Value::decimal(dec_sum_)});
  }
  void load(const Value& state) override {
    const std::vector<Value>& s = state.as_list();
    count_ = s.at(0).as_int();
    if (s.size() == 4) {
      int_sum_ = s[1].as_int();
      double_sum_ = s[2].as_double();
      dec_sum_ = s[3].as_decimal();
    } else if (kind_ == Kind::kInteger) {
      int_sum_ = s.at(1).as_int();
    } else if (kind_ == Kind::kApproximate) {
      double_sum_ = s.at(1).as_double();
    } else {
      dec_sum_ = s.at(1).as_decimal();
    }
  }

  Value result() const override {
    if (count_ == 0) return Value();
    if (kind_ == Kind::kInteger) {
      if (!average_) return Value::integer(values::wrap_to_width(int_sum_, result_id_));
      return Value::integer(values::wrap_to_width(int_sum_ / count_, result_id_));
    }
    if (kind_ == Kind::kApproximate) {
      double r = average_ ? double_sum_ / static_cast<double>(count_) : double_sum_;
      if (result_id_ == TypeId::kFloat) r = static_cast<float>(r);
      return Value::real(r);
    }
    // DECIMAL
    if (!average_) {
      int128 out;
      if (!values::rescale_decimal(dec_sum_, arg_scale_, result_scale_, 38, &out)) return Value();
      return Value::decimal(out);
    }
    int shift = result_scale_ - arg_scale_;
    int128 num;
    if (!values::rescale_decimal(dec_sum_, 0, shift, 38, &num)) return Value();
    int128 q = num / count_, r = num % count_;
    int128 twice = r * 2 < 0 ? -r * 2 : r * 2;
    if (twice >= count_) q += num < 0 ? -1 : 1;
    return Value::decimal(q);
  }

 private:
  void apply(const Value& v, int sign) {
    count_ += sign;
    if (kind_ == Kind::kInteger) {
      uint64_t u = static_cast<uint64_t>(int_sum_);
      u += sign > 0 ? static_cast<uint64_t>(v.as_int()) : -static_cast<uint64_t>(v.as_int());
      int_sum_ = static_cast<int64_t>(u);
    } else if (kind_ == Kind::kApproximate) {
      double_sum_ += sign * v.as_double();
    } else {
      dec_sum_ += sign * v.as_decimal();
    }
  }

  enum class Kind : uint8_t { kInteger, kApproximate, kDecimal };
  Kind kind_;
  bool average_;
  TypeId result_id_;
  int16_t arg_scale_, result_scale_;  // DECIMAL scales (at most 38)
  int64_t count_ = 0;
  int64_t int_sum_ = 0;
  double double_sum_ = 0;
  int128 dec_sum_ = 0;
};

Result<sql::AggregateBinding> bind_sum_or_avg(const char* name, const DataType& t, bool average) {
  if (!t.is_numeric()) return sql::arg_type_error(name, 0, "a numeric value", t);
  sql::AggregateBinding b;
  b.arg_types = {t};
  if (t.id == TypeId::kDecimal) {
    b.result = average ? DataType::decimal(38, std::max(6, t.scale)) : DataType::decimal(38, t.scale);
  } else {
    b.result = DataType::of(t.id);
  }
  b.result.nullable = true;
  DataType arg = t, result = b.result;
  b.create = [arg, result, average] { return std::make_unique<SumAccumulator>(arg, result, average); };
  return b;
}

}  // namespace

CF_REGISTER_FUNCTION(sum) {
  return unary_aggregate("SUM", "SUM([DISTINCT] numeric) → same numeric type (DECIMAL(38, s) for DECIMAL)",
                         "Sum of the non-NULL values; NULL when there are none.",
                         [](const char* name, const DataType& t) { return bind_sum_or_avg(name, t, false); });
}

CF_REGISTER_FUNCTION(avg) {
  return unary_aggregate("AVG", "AVG([DISTINCT] numeric) → same numeric type (DECIMAL(38, max(6, s)) for DECIMAL)",
                         "Average of the non-NULL values (integer division for integer types); NULL when there are none.",
                         [](const char* name, const DataType& t) { return bind_sum_or_avg(name, t, true); });
}

}  // namespace careflow::exec
