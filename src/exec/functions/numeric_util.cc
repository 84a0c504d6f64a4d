#include "exec/functions/numeric_util.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

#include "exec/functions/helpers.h"
#include "values/value_format.h"

namespace careflow::exec::fn {

int decimal_digits(int128 v) {
  if (v < 0) v = -v;
  int n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

int128 round_unscaled(int128 unscaled, int scale, int64_t r, RoundMode mode) {
  if (r >= scale) {
    int128 scaled = unscaled;
    if (r - scale > 38 || __builtin_mul_overflow(unscaled, values::pow10_i128(static_cast<int>(r - scale)), &scaled)) {
      return unscaled;
    }
    return scaled;
  }
  int64_t drop = scale - r;
  if (drop > 38) return 0;
  int128 div = values::pow10_i128(static_cast<int>(drop));
  int128 q = unscaled / div, rem = unscaled % div;
  if (mode == RoundMode::kHalfUp) {
    int128 abs_rem = rem < 0 ? -rem : rem;
    if (abs_rem * 2 >= div) q += unscaled < 0 ? -1 : 1;
  }
  if (r < 0) {
    if (-r > 38) return 0;
    int128 scaled;
    if (__builtin_mul_overflow(q, values::pow10_i128(static_cast<int>(-r)), &scaled)) return 0;
    q = scaled;
  }
  return q;
}

double round_double(double d, int64_t r, RoundMode mode, const char* function) {
  if (std::isnan(d) || std::isinf(d)) fail("{}: cannot round {} (not a finite number)", function, values::format_double(d));
  if (d == 0) return d;
  // Shortest round-trip digits: d = 0.DIGITS × 10^exp10.
  std::string shortest = fmt::format("{}", d);
  bool negative = shortest[0] == '-';
  if (negative) shortest.erase(0, 1);
  std::string digits;
  int64_t exp10 = 0;  // value = digits × 10^(exp10 - digits.size())
  size_t e = shortest.find_first_of("eE");
  int64_t extra_exp = 0;
  if (e != std::string::npos) {
    extra_exp = std::strtoll(shortest.c_str() + e + 1, nullptr, 10);
    shortest.resize(e);
  }
  size_t dot = shortest.find('.');
  std::string int_part = dot == std::string::npos ? shortest : shortest.substr(0, dot);
  std::string frac_part = dot == std::string::npos ? "" : shortest.substr(dot + 1);
  digits = int_part + frac_part;
  exp10 = static_cast<int64_t>(int_part.size()) + extra_exp;
  // Strip leading zeros.
  size_t nz = digits.find_first_not_of('0');
  if (nz == std::string::npos) return d;
  exp10 -= static_cast<int64_t>(nz);
  digits.erase(0, nz);
  // Keep digits up to position exp10 + r (number of integer digits plus r fraction digits).
  int64_t keep = exp10 + r;
  std::string kept;
  bool round_up = false;
  if (keep <= 0) {
    if (mode == RoundMode::kHalfUp && keep == 0 && digits[0] >= '5') round_up = true;
    if (!round_up) return 0.0;
    kept = "1";  // one unit of 10^-r
    std::string text = fmt::format("{}{}e{}", negative ? "-" : "", kept, -r);
    return std::strtod(text.c_str(), nullptr);
  }
  if (static_cast<size_t>(keep) >= digits.size()) return d;
  kept = digits.substr(0, static_cast<size_t>(keep));
  if (mode == RoundMode::kHalfUp && digits[static_cast<size_t>(keep)] >= '5') {
    int i = static_cast<int>(kept.size()) - 1;
    while (i >= 0 && kept[static_cast<size_t>(i)] == '9') kept[static_cast<size_t>(i--)] = '0';
    if (i < 0) {
      kept.insert(kept.begin(), '1');
      ++exp10;
      ++keep;
    } else {
      ++kept[static_cast<size_t>(i)];
    }
  }
  // value = kept × 10^(exp10 - keep)
  std::string text = fmt::format("{}{}e{}", negative ? "-" : "", kept, exp10 - keep);
  return std::strtod(text.c_str(), nullptr);
}

double numeric_as_double(const Value& v, const DataType& t) {
  switch (t.id) {
    case TypeId::kDecimal: return values::decimal_to_double(v.as_decimal(), t.scale);
    case TypeId::kFloat:
    case TypeId::kDouble: return v.as_double();
    default: return static_cast<double>(v.as_int());
  }
}

int64_t wrap_integer(int64_t v, TypeId id) {
  switch (id) {
    case TypeId::kTinyInt: return static_cast<int8_t>(static_cast<uint64_t>(v) & 0xFF);
    case TypeId::kSmallInt: return static_cast<int16_t>(static_cast<uint64_t>(v) & 0xFFFF);
    case TypeId::kInt: return static_cast<int32_t>(static_cast<uint64_t>(v) & 0xFFFFFFFF);
    default: return v;
  }
}

}  // namespace careflow::exec::fn
