#pragma once
// Values as text and back, with Flink's CAST semantics: format_value is CAST(x AS STRING),
// parse_value is CAST('text' AS type). Both are used by CAST, by JSON formats and by test files.

#include <string>
#include <string_view>

#include "common/status.h"
#include "values/types.h"
#include "values/value.h"

namespace careflow::values {

// Java's Double.toString / Float.toString: 1.0, 0.001, 1.0E-4, 1.2345678E7, NaN, Infinity.
std::string format_double(double d);
std::string format_float(float f);
// Unscaled value with `scale` fraction digits: (1050, 2) → "10.50", (-5, 1) → "-0.5".
std::string format_decimal(int128 unscaled, int scale);
std::string int128_to_string(int128 v);

// CAST(v AS STRING) for a non-NULL v of type `type`: BOOLEAN TRUE/FALSE, TIMESTAMP(3)
// 2024-01-31 10:00:05.123, ARRAY [1, 2], MAP {a=1}, ROW (1, a), BYTES as UTF-8 text.
std::string format_value(const Value& v, const DataType& type);

// CAST('text' AS type): InvalidArgument naming the text and the type when it does not parse.
// Numbers and booleans may have surrounding spaces; DECIMAL rounds half-up to the scale and fails
// when the integral part does not fit the precision.
Result<Value> parse_value(std::string_view text, const DataType& type);

// Parses a decimal literal ("12.345", "-0.5", "1e3") into unscaled at `scale`, rounding half-up;
// false when it is not a number or does not fit `precision`.
bool parse_decimal(std::string_view text, int precision, int scale, int128* out);
// Rescales an unscaled decimal from one scale to another (half-up); false when it overflows
// `precision` digits.
bool rescale_decimal(int128 unscaled, int from_scale, int to_scale, int precision, int128* out);
double decimal_to_double(int128 unscaled, int scale);
int128 pow10_i128(int n);

}  // namespace careflow::values
