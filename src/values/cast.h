#pragma once
// CAST and TRY_CAST between any two types Flink allows (types.h: is_explicit_cast), with Flink's
// rules: numeric narrowing wraps like Java's casts for integers, DOUBLE → integer truncates, a
// string that does not parse fails CAST (EvalError) and gives NULL for TRY_CAST, DECIMAL that does
// not fit its precision gives NULL (Flink's behavior for decimal overflow).

#include "values/eval_context.h"
#include "values/types.h"
#include "values/value.h"

namespace careflow::values {

// `v` non-NULL of type `from`. Throws EvalError when the cast fails and `try_cast` is false; with
// `try_cast` returns NULL instead.
Value cast_value(const Value& v, const DataType& from, const DataType& to, bool try_cast, const EvalContext& ctx);

}  // namespace careflow::values
