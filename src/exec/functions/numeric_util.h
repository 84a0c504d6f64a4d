#pragma once
// Decimal and Java-number helpers shared by the math functions and the JSON functions.

#include <cstdint>
#include <string>

#include "values/types.h"
#include "values/value.h"

namespace careflow::exec::fn {

enum class RoundMode { kHalfUp, kDown };

// BigDecimal.valueOf(d).movePointRight(r).setScale(0, mode).movePointLeft(r).doubleValue(), the
// way Flink rounds and truncates DOUBLE (on the shortest decimal text of d). Throws EvalError
// for NaN and infinities naming `function`.
double round_double(double d, int64_t r, RoundMode mode, const char* function);

// Rounds an unscaled decimal of scale `scale` to `r` fraction digits (r may be negative) and
// returns it at scale max(r, 0). No overflow check.
values::int128 round_unscaled(values::int128 unscaled, int scale, int64_t r, RoundMode mode);

// Number of decimal digits of |v| (0 has 1).
int decimal_digits(values::int128 v);

// Value of a numeric argument as double, whatever its numeric type.
double numeric_as_double(const values::Value& v, const values::DataType& t);

// Wraps an integer to the width of an integer type, as Java's (int) / (short) / (byte) casts do.
int64_t wrap_integer(int64_t v, values::TypeId id);

}  // namespace careflow::exec::fn
