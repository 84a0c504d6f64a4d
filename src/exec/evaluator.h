#pragma once
// Evaluates bound expressions over a row, with Flink's three-valued logic, Java's integer
// overflow, DECIMAL precision rules and run-time errors (values::EvalError) where Flink throws.

#include <vector>

#include "sql/bound_expr.h"
#include "sql/functions.h"
#include "values/value.h"

namespace careflow::exec {

values::Value evaluate(const sql::BoundExpr& e, const std::vector<values::Value>& row, const values::EvalContext& ctx);

// The expression with every constant part (no input column, deterministic calls only) evaluated
// once and replaced by its value, so a row does not redo it (CAST(10 AS DOUBLE) in "val > 10").
// A part whose evaluation fails stays as it is: it fails, or not, per row as before.
sql::BoundExprPtr fold_constants(const sql::BoundExprPtr& e, const values::EvalContext& ctx);

// A filter passes only when its condition is TRUE (NULL and FALSE both drop the row).
inline bool passes(const sql::BoundExpr* filter, const std::vector<values::Value>& row, const values::EvalContext& ctx) {
  if (!filter) return true;
  values::Value v = evaluate(*filter, row, ctx);
  return !v.is_null() && v.as_bool();
}

}  // namespace careflow::exec
