// Windows on a processing-time attribute (`proc AS PROCTIME()`), as Flink 1.20.4 takes them: the
// window table functions and window aggregation over them run (their operators fire on the job's
// processing-time clock), but window Top-N, deduplication and joins over such windows are refused,
// with the messages of Flink's StreamExecWindowRank, StreamExecWindowDeduplicate and
// StreamExecWindowJoin. Flink checks a node before its inputs (a window join over two table
// functions names the join), and so does this walk.
#include "sql/planner_impl.h"

namespace careflow::sql {

void check_processing_time_windows(const PlanNode& n) {
  switch (n.kind) {
    case PlanKind::kRank:
      if (n.window_rank && n.window.proctime) {
        plan_fail(n.window.pos, is_window_deduplicate(n) ? "Processing time Window Deduplication is not supported yet."
                                                         : "Processing time Window TopN is not supported yet.");
      }
      break;
    case PlanKind::kWindowJoin:
      for (const PlanPtr& in : n.inputs) {
        const WindowSpec* w = window_spec_of(*in);
        if (w && w->proctime) plan_fail(w->pos, "Processing time Window Join is not supported yet.");
      }
      break;
    default: break;
  }
  // (As deep as the plan, which the parser's nesting limit bounds.)
  for (const PlanPtr& in : n.inputs) check_processing_time_windows(*in);
}

}  // namespace careflow::sql
