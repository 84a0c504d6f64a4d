#pragma once
// A resolved expression: every column is an index into the input row, every call is bound to
// its kernel, every type is known. The planner produces these; src/exec evaluates them.

#include <memory>
#include <string>
#include <vector>

#include "sql/functions.h"
#include "sql/value_system.h"
#include "values/types.h"
#include "values/value.h"

namespace careflow::sql {

struct BoundExpr;
using BoundExprPtr = std::shared_ptr<const BoundExpr>;

enum class BoundKind {
  kInputRef,     // index
  kLiteral,      // value
  kCall,         // binding (kernel) over args
  kCast,         // args[0] → type; try_cast
  kArithmetic,   // op: + - * / % over numeric, DECIMAL, temporal ± interval; args[0], args[1]
  kNegate,       // -args[0]
  kCompare,      // op: = <> < <= > >= ; IS [NOT] DISTINCT FROM as op "IS DISTINCT FROM"/"IS NOT DISTINCT FROM"
  kConcat,       // args[0] || args[1]
  kAnd,          // three-valued, over all args
  kOr,
  kNot,
  kIsNull,       // negated: IS NOT NULL
  kIsTrue,       // op TRUE|FALSE|UNKNOWN; negated
  kCase,         // args: when, then, when, then, ..., else (always present; NULL literal if not written)
  kInList,       // args[0] IN (args[1..]); negated
  kLike,         // args[0] LIKE args[1] [ESCAPE args[2]]; negated
  kBetween,      // args[0] BETWEEN args[1] AND args[2]; negated
  kProctime,     // PROCTIME(): the wall clock when evaluated
  kFieldAccess,  // args[0].field `index`
  kSubscript,    // args[0][args[1]]: ARRAY (1-based) or MAP
  kRowCtor,
  kArrayCtor,
  kMapCtor,
};

struct BoundExpr {
  BoundKind kind;
  DataType type;
  int index = -1;
  Value value;
  std::string op;  // kArithmetic, kCompare, kIsTrue; function name for kCall
  bool negated = false;
  bool try_cast = false;
  bool deterministic = true;  // kCall: false for CURRENT_TIMESTAMP, RAND, UUID
  std::vector<BoundExprPtr> args;
  ScalarBinding binding;
};

BoundExprPtr bound_input_ref(int index, DataType type);
BoundExprPtr bound_literal(Value value, DataType type);
// A cast when `to` differs from the expression's type (ignoring nullability); else `e` itself.
BoundExprPtr bound_cast_if_needed(BoundExprPtr e, const DataType& to);
// Whether the expression reads no input column and calls only deterministic functions.
bool is_constant(const BoundExpr& e);
// "$1 + 1", "UPPER($0)": for EXPLAIN, with column names when given.
std::string describe_bound(const BoundExpr& e, const std::vector<std::string>& input_names);
// Indexes of input columns the expression reads, appended to `out`.
void collect_input_refs(const BoundExpr& e, std::vector<int>* out);
// A copy with every input reference i replaced by mapping[i] (which must be >= 0).
BoundExprPtr remap_inputs(const BoundExprPtr& e, const std::vector<int>& mapping);

}  // namespace careflow::sql
