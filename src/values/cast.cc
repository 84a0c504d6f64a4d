#include "values/cast.h"

#include <fmt/format.h>

#include <cmath>

#include "values/datetime.h"
#include "values/value_format.h"

namespace careflow::values {

namespace {

// Java's (long) cast of a double: NaN → 0, saturating at the bounds, truncation toward zero.
int64_t double_to_long(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9.2233720368547758e18) return INT64_MAX;
  if (d <= -9.2233720368547758e18) return INT64_MIN;
  return static_cast<int64_t>(d);
}

int64_t double_to_integer(double d, TypeId to) {
  if (to == TypeId::kBigInt) return double_to_long(d);
  // Java: (int) d saturates at int bounds, then narrower types wrap from int.
  int64_t as_int;
  if (std::isnan(d)) as_int = 0;
  else if (d >= 2147483647.0) as_int = 2147483647;
  else if (d <= -2147483648.0) as_int = -2147483648LL;
  else as_int = static_cast<int64_t>(d);
  return wrap_to_width(as_int, to);
}

Value fail(const Value& v, const DataType& from, const DataType& to, bool try_cast) {
  if (try_cast) return Value();
  throw EvalError(fmt::format("cannot cast '{}' of type {} to {}", format_value(v, from),
                              from.without_time_attribute().to_string(), to.without_time_attribute().to_string()));
}

Value to_string_type(std::string s, const DataType& to) {
  if (to.id == TypeId::kChar) {
    // CHAR(n) pads with spaces to n code points; Flink trims to n too.
    size_t length = 0;
    for (unsigned char c : s) length += (c & 0xC0) != 0x80;
    if (length < static_cast<size_t>(to.precision) && to.precision < 1000) s.append(to.precision - length, ' ');
  }
  if (to.precision != DataType::kMaxLength) {
    // Truncate to n code points.
    size_t points = 0, i = 0;
    for (; i < s.size(); ++i) {
      if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
        if (points == static_cast<size_t>(to.precision)) break;
        ++points;
      }
    }
    s.resize(i);
  }
  return Value::string(std::move(s));
}

}  // namespace

Value cast_value(const Value& v, const DataType& from, const DataType& to, bool try_cast, const EvalContext& ctx) {
  if (v.is_null()) return v;
  if (from.same_logical_type(to) && from.id != TypeId::kChar && from.id != TypeId::kVarChar) return v;
  // → STRING
  if (to.is_string()) {
    if (from.id == TypeId::kTimestampLtz) {
      int64_t local = v.as_int() + ctx.time_zone_offset_micros(v.as_int());
      return to_string_type(format_timestamp(local, from.precision), to);
    }
    return to_string_type(format_value(v, from), to);
  }
  // STRING →
  if (from.is_string()) {
    const std::string& s = v.as_string();
    if (to.is_binary()) return Value::bytes(s);
    Result<Value> parsed = parse_value(s, to);
    if (!parsed.is_ok()) {
      if (try_cast) return Value();
      throw EvalError(parsed.status().message());
    }
    if (to.id == TypeId::kTimestampLtz) return Value::integer(ctx.local_to_utc_micros(parsed->as_int()));
    return *parsed;
  }
  switch (to.id) {
    case TypeId::kBoolean:
      if (from.is_integer()) return Value::boolean(v.as_int() != 0);
      if (from.is_approximate()) return Value::boolean(v.as_double() != 0);
      if (from.id == TypeId::kDecimal) return Value::boolean(v.as_decimal() != 0);
      break;
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt:
    case TypeId::kBigInt:
      if (from.is_integer()) return Value::integer(wrap_to_width(v.as_int(), to.id));
      if (from.is_approximate()) return Value::integer(double_to_integer(v.as_double(), to.id));
      if (from.id == TypeId::kDecimal) {
        int128 q = v.as_decimal() / pow10_i128(from.scale);  // truncation toward zero, as BigDecimal.longValue
        return Value::integer(wrap_to_width(static_cast<int64_t>(q), to.id));
      }
      if (from.id == TypeId::kBoolean) return Value::integer(v.as_bool() ? 1 : 0);
      if (from.is_timestamp()) return Value::integer(wrap_to_width(floor_div(v.as_int(), kMicrosPerSecond), to.id));
      break;
    case TypeId::kFloat:
    case TypeId::kDouble: {
      double d;
      if (from.is_integer()) d = static_cast<double>(v.as_int());
      else if (from.is_approximate()) d = v.as_double();
      else if (from.id == TypeId::kDecimal) d = decimal_to_double(v.as_decimal(), from.scale);
      else if (from.id == TypeId::kBoolean) d = v.as_bool() ? 1 : 0;
      else if (from.is_timestamp()) d = static_cast<double>(v.as_int()) / kMicrosPerSecond;
      else break;
      if (to.id == TypeId::kFloat) d = static_cast<float>(d);
      return Value::real(d);
    }
    case TypeId::kDecimal: {
      int128 out;
      if (from.is_integer()) {
        if (!rescale_decimal(v.as_int(), 0, to.scale, to.precision, &out)) return Value();
        return Value::decimal(out);
      }
      if (from.id == TypeId::kDecimal) {
        if (!rescale_decimal(v.as_decimal(), from.scale, to.scale, to.precision, &out)) return Value();
        return Value::decimal(out);
      }
      if (from.is_approximate()) {
        double d = v.as_double();
        if (!std::isfinite(d)) return fail(v, from, to, try_cast);
        if (!parse_decimal(fmt::format("{:.17g}", d), to.precision, to.scale, &out)) return Value();
        return Value::decimal(out);
      }
      if (from.id == TypeId::kBoolean) return Value::decimal(v.as_bool() ? pow10_i128(to.scale) : 0);
      break;
    }
    case TypeId::kDate:
      if (from.id == TypeId::kTimestamp) return Value::integer(floor_div(v.as_int(), kMicrosPerDay));
      if (from.id == TypeId::kTimestampLtz) {
        int64_t local = v.as_int() + ctx.time_zone_offset_micros(v.as_int());
        return Value::integer(floor_div(local, kMicrosPerDay));
      }
      break;
    case TypeId::kTime:
      if (from.id == TypeId::kTimestamp) return Value::integer(floor_mod(v.as_int(), kMicrosPerDay) / kMicrosPerMilli);
      if (from.id == TypeId::kTimestampLtz) {
        int64_t local = v.as_int() + ctx.time_zone_offset_micros(v.as_int());
        return Value::integer(floor_mod(local, kMicrosPerDay) / kMicrosPerMilli);
      }
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz: {
      int64_t micros;
      if (from.id == TypeId::kDate) {
        micros = v.as_int() * kMicrosPerDay;
        if (to.id == TypeId::kTimestampLtz) micros = ctx.local_to_utc_micros(micros);
      } else if (from.id == TypeId::kTime) {
        micros = v.as_int() * kMicrosPerMilli;
      } else if (from.id == to.id) {
        micros = v.as_int();
      } else if (from.id == TypeId::kTimestamp) {  // → LTZ: local time in the session zone
        micros = ctx.local_to_utc_micros(v.as_int());
      } else if (from.id == TypeId::kTimestampLtz) {  // → TIMESTAMP: the local time of the instant
        micros = v.as_int() + ctx.time_zone_offset_micros(v.as_int());
      } else if (from.is_integer()) {
        micros = v.as_int() * kMicrosPerSecond;  // epoch seconds, as Flink's CAST(BIGINT AS TIMESTAMP_LTZ)
      } else if (from.is_approximate()) {
        micros = static_cast<int64_t>(v.as_double() * kMicrosPerSecond);
      } else if (from.id == TypeId::kDecimal) {
        micros = static_cast<int64_t>(decimal_to_double(v.as_decimal(), from.scale) * kMicrosPerSecond);
      } else {
        break;
      }
      return Value::integer(truncate_micros(micros, to.precision));
    }
    case TypeId::kBinary:
    case TypeId::kVarBinary:
      if (from.is_binary()) return v;
      break;
    case TypeId::kArray:
    case TypeId::kMultiset:
      if (from.id == to.id) {
        std::vector<Value> items;
        for (const Value& item : v.as_list()) items.push_back(cast_value(item, from.children[0], to.children[0], try_cast, ctx));
        return Value::list(std::move(items));
      }
      break;
    case TypeId::kMap:
      if (from.id == TypeId::kMap) {
        MapEntries entries;
        for (const auto& [k, val] : v.as_map()) {
          entries.emplace_back(cast_value(k, from.children[0], to.children[0], try_cast, ctx),
                               cast_value(val, from.children[1], to.children[1], try_cast, ctx));
        }
        return Value::map(std::move(entries));
      }
      break;
    case TypeId::kRow:
      if (from.id == TypeId::kRow && from.children.size() == to.children.size()) {
        std::vector<Value> fields;
        const auto& in = v.as_list();
        for (size_t i = 0; i < in.size(); ++i) fields.push_back(cast_value(in[i], from.children[i], to.children[i], try_cast, ctx));
        return Value::list(std::move(fields));
      }
      break;
    default: break;
  }
  return fail(v, from, to, try_cast);
}

}  // namespace careflow::values
