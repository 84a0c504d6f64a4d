#include "values/value_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "values/datetime.h"
#include "common/ascii_case.h"

namespace careflow::values {

namespace {

// Shortest round-trip digits and exponent of |d| (d finite, non-zero): digits "12345", exp such
// that value = 0.d1d2... × 10^(exp+1), i.e. scientific d1.d2d3 × 10^exp.
template <typename F>
void shortest_digits(F d, std::string* digits, int* exp) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(end - buf));
  size_t e = s.find('e');
  std::string_view mantissa = s.substr(0, e);
  *exp = std::atoi(std::string(s.substr(e + 1)).c_str());
  digits->clear();
  for (char c : mantissa) {
    if (c != '.' && c != '-') digits->push_back(c);
  }
  while (digits->size() > 1 && digits->back() == '0') digits->pop_back();
}

template <typename F>
std::string java_format(F d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  std::string sign = d < 0 ? "-" : "";
  F a = d < 0 ? -d : d;
  std::string digits;
  int exp;
  shortest_digits(a, &digits, &exp);
  if (a >= F(1e-3) && a < F(1e7)) {
    std::string out;
    if (exp >= 0) {
      std::string integral = digits.substr(0, std::min(digits.size(), static_cast<size_t>(exp + 1)));
      while (static_cast<int>(integral.size()) < exp + 1) integral += '0';
      std::string frac = digits.size() > static_cast<size_t>(exp + 1) ? digits.substr(static_cast<size_t>(exp + 1)) : "0";
      out = integral + "." + frac;
    } else {
      out = "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
    }
    return sign + out;
  }
  std::string frac = digits.size() > 1 ? digits.substr(1) : "0";
  return sign + digits.substr(0, 1) + "." + frac + "E" + std::to_string(exp);
}

}  // namespace

std::string format_double(double d) { return java_format(d); }
std::string format_float(float f) { return java_format(f); }

std::string int128_to_string(int128 v) {
  if (v == 0) return "0";
  bool negative = v < 0;
  uint128 u = negative ? -static_cast<uint128>(v) : static_cast<uint128>(v);
  std::string out;
  while (u > 0) {
    out.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  if (negative) out.push_back('-');
  std::reverse(out.begin(), out.end());
  return out;
}

int128 pow10_i128(int n) {
  int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

std::string format_decimal(int128 unscaled, int scale) {
  bool negative = unscaled < 0;
  std::string digits = int128_to_string(negative ? -unscaled : unscaled);
  if (scale > 0) {
    if (static_cast<int>(digits.size()) <= scale) digits = std::string(static_cast<size_t>(scale) + 1 - digits.size(), '0') + digits;
    digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  }
  return (negative ? "-" : "") + digits;
}

double decimal_to_double(int128 unscaled, int scale) {
  return std::strtod(format_decimal(unscaled, scale).c_str(), nullptr);
}

bool rescale_decimal(int128 unscaled, int from_scale, int to_scale, int precision, int128* out) {
  int128 v = unscaled;
  if (to_scale > from_scale) {
    int128 f = pow10_i128(to_scale - from_scale);
    int128 limit = pow10_i128(38) / f;
    if (v > limit || v < -limit) return false;
    v *= f;
  } else if (to_scale < from_scale) {
    int128 f = pow10_i128(from_scale - to_scale);
    int128 q = v / f, r = v % f;
    if (r * 2 >= f) ++q;        // half-up, away from zero
    else if (r * 2 <= -f) --q;
    v = q;
  }
  int128 bound = pow10_i128(precision);
  if (v >= bound || v <= -bound) return false;
  *out = v;
  return true;
}

bool parse_decimal(std::string_view text, int precision, int scale, int128* out) {
  std::string_view s = text;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  int128 mantissa = 0;
  int frac_digits = 0, digits = 0;
  bool seen_point = false;
  while (!s.empty() && (std::isdigit(static_cast<unsigned char>(s.front())) || s.front() == '.')) {
    if (s.front() == '.') {
      if (seen_point) return false;
      seen_point = true;
    } else {
      if (digits < 38) {
        mantissa = mantissa * 10 + (s.front() - '0');
        if (seen_point) ++frac_digits;
        if (mantissa != 0) ++digits;
      } else if (!seen_point) {
        return false;  // more than 38 integral digits
      }
    }
    s.remove_prefix(1);
  }
  int exponent = 0;
  if (!s.empty() && (s.front() == 'e' || s.front() == 'E')) {
    s.remove_prefix(1);
    std::string exp_text(s);
    char* end = nullptr;
    long e = std::strtol(exp_text.c_str(), &end, 10);
    if (end == exp_text.c_str() || *end != '\0' || e > 100 || e < -100) return false;
    exponent = static_cast<int>(e);
    s = {};
  }
  if (!s.empty() || (digits == 0 && mantissa == 0 && text.find_first_of("0123456789") == std::string_view::npos)) {
    return false;
  }
  int current_scale = frac_digits - exponent;
  if (current_scale < 0) {
    if (!rescale_decimal(mantissa, 0, -current_scale, 38, &mantissa)) return false;
    current_scale = 0;
  }
  if (!rescale_decimal(negative ? -mantissa : mantissa, current_scale, scale, precision, out)) return false;
  return true;
}

std::string format_value(const Value& v, const DataType& type) {
  if (v.is_null()) return "NULL";
  switch (type.id) {
    case TypeId::kNull: return "NULL";
    case TypeId::kBoolean: return v.as_bool() ? "TRUE" : "FALSE";
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt:
    case TypeId::kBigInt: return std::to_string(v.as_int());
    case TypeId::kFloat: return format_float(static_cast<float>(v.as_double()));
    case TypeId::kDouble: return format_double(v.as_double());
    case TypeId::kDecimal: return format_decimal(v.as_decimal(), type.scale);
    case TypeId::kChar:
    case TypeId::kVarChar: return v.as_string();
    case TypeId::kBinary:
    case TypeId::kVarBinary: return v.as_bytes();
    case TypeId::kDate: return format_date(v.as_int());
    case TypeId::kTime: return format_time(v.as_int(), type.precision);
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz: return format_timestamp(v.as_int(), type.precision);
    case TypeId::kIntervalDayTime: {
      int64_t ms = v.as_int();
      std::string sign = ms < 0 ? "-" : "+";
      ms = ms < 0 ? -ms : ms;
      return fmt::format("{}{} {:02d}:{:02d}:{:02d}.{:03d}", sign, ms / kMillisPerDay, ms / 3600000 % 24,
                         ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
    }
    case TypeId::kIntervalYearMonth: {
      int64_t m = v.as_int();
      std::string sign = m < 0 ? "-" : "+";
      m = m < 0 ? -m : m;
      return fmt::format("{}{}-{:02d}", sign, m / 12, m % 12);
    }
    case TypeId::kArray:
    case TypeId::kMultiset: {
      std::string out = "[";
      const auto& items = v.as_list();
      for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + format_value(items[i], type.children[0]);
      return out + "]";
    }
    case TypeId::kMap: {
      std::vector<std::string> entries;
      for (const auto& [k, val] : v.as_map()) {
        entries.push_back(format_value(k, type.children[0]) + "=" + format_value(val, type.children[1]));
      }
      std::string out = "{";
      for (size_t i = 0; i < entries.size(); ++i) out += (i ? ", " : "") + entries[i];
      return out + "}";
    }
    case TypeId::kRow: {
      std::string out = "(";
      const auto& fields = v.as_list();
      for (size_t i = 0; i < fields.size(); ++i) out += (i ? ", " : "") + format_value(fields[i], type.children[i]);
      return out + ")";
    }
  }
  return "";
}

namespace {

Status cannot_parse(std::string_view text, const DataType& type) {
  return Status::invalid_argument(fmt::format("cannot cast '{}' to {}", text, type.without_time_attribute().to_string()));
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<Value> parse_value(std::string_view text, const DataType& type) {
  std::string_view t = trimmed(text);
  switch (type.id) {
    case TypeId::kBoolean:
      if (iequals(t, "true")) return Value::boolean(true);
      if (iequals(t, "false")) return Value::boolean(false);
      return cannot_parse(text, type);
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt:
    case TypeId::kBigInt: {
      int64_t v = 0;
      std::string_view digits = t;
      if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) return cannot_parse(text, type);
      int64_t lo = type.id == TypeId::kTinyInt ? -128 : type.id == TypeId::kSmallInt ? -32768
                   : type.id == TypeId::kInt   ? -2147483648LL : INT64_MIN;
      int64_t hi = type.id == TypeId::kTinyInt ? 127 : type.id == TypeId::kSmallInt ? 32767
                   : type.id == TypeId::kInt   ? 2147483647LL : INT64_MAX;
      if (v < lo || v > hi) return cannot_parse(text, type);
      return Value::integer(v);
    }
    case TypeId::kFloat:
    case TypeId::kDouble: {
      // Java's Double.parseDouble for decimal text: an optional sign, digits, a point, an exponent;
      // and its three words. No hexadecimal, no other words ("inf", "nan", "infinity").
      if (t == "NaN") return Value::real(NAN);
      if (t == "Infinity" || t == "+Infinity") return Value::real(INFINITY);
      if (t == "-Infinity") return Value::real(-INFINITY);
      std::string_view number = t;
      if (!number.empty() && number.front() == '+') number.remove_prefix(1);
      if (number.empty() || number.front() == '+' || number.find_first_not_of("0123456789.eE+-") != std::string_view::npos) {
        return cannot_parse(text, type);
      }
      double d = 0;
      auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), d);
      if (end != number.data() + number.size()) return cannot_parse(text, type);
      if (ec == std::errc::result_out_of_range) {
        d = std::strtod(std::string(number).c_str(), nullptr);  // ±Infinity or a signed zero, as Java
      } else if (ec != std::errc()) {
        return cannot_parse(text, type);
      }
      if (type.id == TypeId::kFloat) d = static_cast<float>(d);
      return Value::real(d);
    }
    case TypeId::kDecimal: {
      int128 u;
      if (!parse_decimal(t, type.precision, type.scale, &u)) return cannot_parse(text, type);
      return Value::decimal(u);
    }
    case TypeId::kChar:
    case TypeId::kVarChar: return Value::string(std::string(text));
    case TypeId::kBinary:
    case TypeId::kVarBinary: return Value::bytes(std::string(text));
    case TypeId::kDate: {
      auto d = parse_date(t);
      if (!d) {
        auto ts = parse_timestamp_micros(t);
        if (!ts) return cannot_parse(text, type);
        return Value::integer(floor_div(*ts, kMicrosPerDay));
      }
      return Value::integer(*d);
    }
    case TypeId::kTime: {
      auto ms = parse_time_millis(t);
      if (!ms) return cannot_parse(text, type);
      return Value::integer(*ms);
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz: {
      auto us = parse_timestamp_micros(t);
      if (!us) return cannot_parse(text, type);
      return Value::integer(truncate_micros(*us, type.precision));
    }
    default: return Status::invalid_argument(fmt::format("cannot cast a string to {}", type.to_string()));
  }
}

}  // namespace careflow::values
