// Window joins: a join of two windowed inputs (window table functions, or window aggregations /
// Top-N over them) whose condition equates their window_start and their window_end, as Flink's
// WindowJoinUtil recognises them. Both inputs must have the same windows (Flink's limitation:
// with different ones it plans a regular join, and so does careflow); SESSION windows are not
// supported yet. The result is
// Flink's WindowJoin: rows of a window are kept per key until the watermark passes the window's
// end, then joined (INNER, LEFT, RIGHT, FULL) once.
// source: flink-table-planner WindowJoinUtil, StreamPhysicalWindowJoinRule, StreamExecWindowJoin
#include "sql/planner_impl.h"

namespace careflow::sql {

namespace {

bool same_windows(const WindowSpec& a, const WindowSpec& b) {
  return a.kind == b.kind && a.size == b.size && a.slide == b.slide && a.offset == b.offset && a.ltz == b.ltz;
}

}  // namespace

std::optional<QueryPlanner::Planned> QueryPlanner::window_join(Planned& left, Planned& right, const TableRef& ref,
                                                               Scope scope, const std::vector<int>& left_keys,
                                                               const std::vector<int>& right_keys,
                                                               const std::vector<BoundExprPtr>& residual) {
  const WindowSpec* lw = window_spec_of(*left.node);
  const WindowSpec* rw = window_spec_of(*right.node);
  if (!lw || !rw) plan_fail(ref.pos, "a window join needs windowed inputs on both sides");
  if (lw->kind == WindowSpec::Kind::kSession || rw->kind == WindowSpec::Kind::kSession) {
    plan_fail(ref.pos, "window joins over SESSION windows are not supported yet");
  }
  // Different windows on the two sides: Flink plans a regular join over the functions' rows.
  if (!same_windows(*lw, *rw)) return std::nullopt;
  if (ref.join_type == JoinType::kCross) plan_fail(ref.pos, "a window join needs an ON condition");
  const int nl = static_cast<int>(left.scope.columns.size());
  const int nr = static_cast<int>(right.scope.columns.size());
  // The window_start / window_end pairs are the windows; the other equalities are the key.
  std::vector<int> lk, rk;
  int left_end = -1, right_end = -1;
  for (size_t i = 0; i < left_keys.size(); ++i) {
    const int lp = window_property_of(*left.node, left_keys[i]);
    const int rp = window_property_of(*right.node, right_keys[i]);
    if ((lp == kWindowStartKey || lp == kWindowEndKey) && lp == rp) {
      if (lp == kWindowEndKey) {
        left_end = left_keys[i];
        right_end = right_keys[i];
      }
      continue;
    }
    lk.push_back(left_keys[i]);
    rk.push_back(right_keys[i]);
  }
  if (left_end < 0) {
    plan_fail(ref.pos, "a window join's condition must equate the inputs' window_start and their window_end");
  }
  for (const PlanPtr& in : {left.node, right.node}) {
    if (!in->insert_only) {
      plan_fail(ref.pos, fmt::format("StreamPhysicalWindowJoin doesn't support consuming update and delete changes "
                                     "which is produced by node {}",
                                     describe_update_origin(*in)));
    }
  }
  // As a regular join's, the result's columns are plain (no time attributes): careflow refuses a
  // window on a window join's result rather than guess Flink's time attribute there.
  std::vector<PlanField> schema;
  for (int i = 0; i < nl + nr; ++i) {
    ScopeColumn& c = scope.columns[static_cast<size_t>(i)];
    c.type = c.type.without_time_attribute();
    const bool from_left = i < nl;
    if ((ref.join_type == JoinType::kLeft && !from_left) || (ref.join_type == JoinType::kRight && from_left) ||
        ref.join_type == JoinType::kFull) {
      c.type.nullable = true;
    }
    schema.push_back({c.name, c.type});
  }
  PlanPtr n = make_node(PlanKind::kWindowJoin, {left.node, right.node}, schema);
  n->join_type = ref.join_type;
  n->left_keys = std::move(lk);
  n->right_keys = std::move(rk);
  n->condition = and_all(residual);
  n->window = *lw;
  n->rowtime_index = left_end;
  n->right_rowtime_index = right_end;
  infer_changelog(*n);
  return Planned{n, scope};
}

}  // namespace careflow::sql
