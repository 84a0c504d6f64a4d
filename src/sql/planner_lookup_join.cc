// JOIN t FOR SYSTEM_TIME AS OF left.proctime ON left.k = t.k, where t is a lookup table (its
// connector looks rows up by key, as Flink's LookupTableSource: 'connector' = 'jdbc'): Flink's
// LookupJoin. Each left row, as it arrives, is joined with the rows the table holds for its key at
// that moment; nothing is kept of the table, so later changes there do not change earlier results.
// source: flink-table-planner CommonPhysicalLookupJoin, LookupJoinUtil; the joins page of Flink's docs
#include <algorithm>

#include "sql/planner_impl.h"

namespace careflow::sql {

QueryPlanner::Planned QueryPlanner::lookup_join(Planned left, const TableRef& ref, const TableDef& def) {
  const TableRef& right_ref = *ref.right;
  for (const TableColumn& c : def.columns) {
    if (!c.is_physical()) {
      plan_fail(right_ref.pos, fmt::format("lookup table '{}' has the computed or metadata column '{}'; a lookup "
                                           "join reads physical columns only",
                                           def.name, c.name));
    }
  }
  const std::string qualifier = right_ref.alias.empty() ? right_ref.name.back() : right_ref.alias;
  Scope scope = left.scope;
  const int nl = static_cast<int>(left.scope.columns.size());
  for (const TableColumn& c : def.columns) scope.columns.push_back({qualifier, c.name, c.type});
  auto [left_keys, right_keys, residual] = bind_join_condition(*ref.on, scope, nl);
  // `left expression = table column` with an implicit cast between them: Flink wants the types
  // equal, the left side cast by the query.
  for (const BoundExprPtr& p : residual) {
    if (p->kind != BoundKind::kCompare || p->op != "=") continue;
    for (int side = 0; side < 2; ++side) {
      const BoundExpr* column = p->args[static_cast<size_t>(side)].get();
      while (column->kind == BoundKind::kCast) column = column->args[0].get();
      std::vector<int> other;
      collect_input_refs(*p->args[static_cast<size_t>(1 - side)], &other);
      const bool other_is_left = !other.empty() && std::all_of(other.begin(), other.end(), [&](int r) { return r < nl; });
      if (column->kind == BoundKind::kInputRef && column->index >= nl && other_is_left &&
          p->args[static_cast<size_t>(side)].get() != column) {
        plan_fail(ref.on->pos, fmt::format("a lookup join compares keys of the same type (as Flink requires); '{}' "
                                           "is {}: CAST the left side to it",
                                           scope.columns[static_cast<size_t>(column->index)].name,
                                           type_name(column->type)));
      }
    }
  }
  if (left_keys.empty()) {
    plan_fail(ref.on->pos, fmt::format("a lookup join needs an equality between a left column and a column of '{}' "
                                       "to look rows up by",
                                       def.name));
  }
  for (size_t i = 0; i < left_keys.size(); ++i) {
    const DataType& l = scope.columns[static_cast<size_t>(left_keys[i])].type;
    const TableColumn& r = def.columns[static_cast<size_t>(right_keys[i])];
    if (!l.same_logical_type(r.type)) {
      plan_fail(ref.on->pos, fmt::format("a lookup join compares keys of the same type (as Flink requires); '{}' is "
                                         "{} and '{}' is {}: CAST the left side",
                                         scope.columns[static_cast<size_t>(left_keys[i])].name, type_name(l), r.name,
                                         type_name(r.type)));
    }
  }
  std::vector<PlanField> schema;
  for (int i = 0; i < static_cast<int>(scope.columns.size()); ++i) {
    ScopeColumn& c = scope.columns[static_cast<size_t>(i)];
    if (i >= nl && ref.join_type == JoinType::kLeft) c.type.nullable = true;
    schema.push_back({c.name, c.type});
  }
  PlanPtr n = make_node(PlanKind::kLookupJoin, {left.node}, schema);
  n->table = std::make_shared<const TableDef>(def);
  n->join_type = ref.join_type;
  n->left_keys = std::move(left_keys);
  n->right_keys = std::move(right_keys);
  n->condition = and_all(residual);
  infer_changelog(*n);
  return {n, scope};
}

}  // namespace careflow::sql
