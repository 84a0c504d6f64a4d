#pragma once
// What a Match plan node (MATCH_RECOGNIZE) runs: the pattern as Flink's SQL translation hands it
// to CEP (CommonExecMatch#translatePattern: one element per variable, strictly consecutive), the
// DEFINE conditions and the MEASURES. Expressions read the input row followed by "slots": values
// that come from the rows matched so far (a variable's last or first rows, a running aggregate,
// the match's rowtime), which the operator computes from the partial match before evaluating.

#include <cstdint>
#include <string>
#include <vector>

#include "sql/bound_expr.h"
#include "sql/functions.h"

namespace careflow::sql {

// One value an expression reads from the match rather than from the row at hand.
struct MatchSlot {
  enum class Kind {
    kField,        // `expr` over the row at a logical position of `variable`'s rows (FIRST / LAST)
    kAggregate,    // `aggregate` over `variable`'s rows, its arguments `args` over each row
    kMatchRowtime  // MATCH_ROWTIME(): the timestamp the match is emitted at
  };
  Kind kind = Kind::kField;
  int variable = -1;   // index into MatchSpec::variables; -1: every variable (`*`)
  bool first = false;  // kField: FIRST(x, offset), else LAST(x, offset)
  int64_t offset = 0;
  BoundExprPtr expr;   // kField: over the input row
  std::vector<BoundExprPtr> args;  // kAggregate: the aggregate's arguments, over the input row
  AggregateBinding aggregate;      // kAggregate
  DataType type;
};

// Expressions over the input row (indexes < input width) and the slots (input width + i).
struct MatchExpressions {
  std::vector<BoundExprPtr> exprs;
  std::vector<MatchSlot> slots;
};

// One variable of the pattern with its quantifier as CEP's Pattern has it after
// CommonExecMatch#applyQuantifier.
struct MatchElement {
  int variable = 0;
  enum class Kind { kSingle, kTimes, kLooping };
  Kind kind = Kind::kSingle;
  int64_t times_from = 1, times_to = 1;  // kTimes: from..to; kLooping: from (at least)
  bool optional = false;
  bool greedy = false;
};

struct MatchSpec {
  std::vector<std::string> variables;       // in pattern order
  std::vector<MatchElement> pattern;        // in order, one per variable
  std::vector<MatchExpressions> define;     // per variable: one condition, or none (always true)
  MatchExpressions measures;                // one expression per measure
  std::vector<int> partition_keys;
  int rowtime_index = -1;                   // the ORDER BY time attribute
  std::vector<int> secondary_order;         // further ORDER BY columns, ascending flags below
  std::vector<bool> secondary_ascending;
  enum class After { kPastLastRow, kToNextRow, kToFirst, kToLast };
  After after = After::kPastLastRow;
  int after_variable = -1;
  int64_t within_ms = 0;                    // 0: no WITHIN
  std::string text;                         // EXPLAIN's description
};

}  // namespace careflow::sql
