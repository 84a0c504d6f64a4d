// Recognising an interval join, as Flink's IntervalJoinUtil does: a join condition with a
// comparison that bounds a time attribute of one input by a time attribute of the other (`o.ts
// BETWEEN s.ts - INTERVAL '1' HOUR AND s.ts`). Flink plans such a join as an IntervalJoin, which
// emits only inserts and pads outer rows when the watermark passes; a regular join over the same
// condition would emit a padded row at once and retract it later, a different changelog. Until
// careflow has the IntervalJoin operator the planner refuses these joins by name; this is where
// extracting the window bounds goes then.
#include "sql/planner_impl.h"

namespace careflow::sql {

namespace {

// The time attribute (if any) among the columns `e` reads from the left input (columns
// [0, left_width)) and from the right one.
struct TimeRefs {
  TimeAttribute left = TimeAttribute::kNone, right = TimeAttribute::kNone;
};

TimeRefs time_refs(const BoundExpr& e, const Scope& scope, int left_width) {
  std::vector<int> refs;
  collect_input_refs(e, &refs);
  TimeRefs out;
  for (int r : refs) {
    if (r < 0 || static_cast<size_t>(r) >= scope.columns.size()) continue;
    TimeAttribute a = scope.columns[static_cast<size_t>(r)].type.time_attribute;
    if (a == TimeAttribute::kNone) continue;
    (r < left_width ? out.left : out.right) = a;
  }
  return out;
}

// One side of a comparison reads a left time attribute and the other a right one of the same kind.
bool bounds(const BoundExpr& a, const BoundExpr& b, const Scope& scope, int left_width) {
  TimeRefs x = time_refs(a, scope, left_width), y = time_refs(b, scope, left_width);
  return (x.left != TimeAttribute::kNone && x.left == y.right) || (x.right != TimeAttribute::kNone && x.right == y.left);
}

}  // namespace

bool is_interval_join_bound(const BoundExpr& conjunct, const Scope& scope, int left_width) {
  if (conjunct.kind == BoundKind::kCompare && conjunct.args.size() == 2 &&
      (conjunct.op == "<" || conjunct.op == "<=" || conjunct.op == ">" || conjunct.op == ">=")) {
    return bounds(*conjunct.args[0], *conjunct.args[1], scope, left_width);
  }
  if (conjunct.kind == BoundKind::kBetween && !conjunct.negated && conjunct.args.size() == 3) {
    return bounds(*conjunct.args[0], *conjunct.args[1], scope, left_width) ||
           bounds(*conjunct.args[0], *conjunct.args[2], scope, left_width);
  }
  return false;
}

void refuse_interval_join(SourcePos pos) {
  plan_fail(pos, "interval joins (a join condition bounding one input's time attribute by the other's) are not "
                 "supported yet; they arrive with event time");
}

}  // namespace careflow::sql
