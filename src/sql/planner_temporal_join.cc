// JOIN t FOR SYSTEM_TIME AS OF left.time ON ...: Flink's temporal joins. With the left input's
// rowtime attribute it is an event-time temporal join against a versioned table (a table with a
// PRIMARY KEY and a WATERMARK, or a view keeping the last row per key by its rowtime): each left
// row is joined with the version valid at its time, once the watermark has passed that time.
// Flink refuses a processing-time temporal join against anything but a lookup source, and so
// does careflow.
// source: flink-table-planner TemporalJoinRewriteWithUniqueKeyRule, StreamPhysicalTemporalJoinRule,
//         StreamExecTemporalJoin; FlinkChangelogModeInferenceProgram (the versioned side gives
//         updates as +U only: ChangelogNormalize / Deduplicate without -U, else DropUpdateBefore)
#include <algorithm>

#include "sql/planner_impl.h"

namespace careflow::sql {

namespace {

// The versioned side's unique key: the table's PRIMARY KEY when the node is its scan (through
// its WatermarkAssigner and ChangelogNormalize), else the key the plan infers (the partition key
// of a deduplication keeping the last row, carried through Calcs).
std::vector<int> versioned_key_of(const PlanNode& n) {
  if (!n.upsert_key.empty()) return n.upsert_key;
  const PlanNode* scan = &n;
  while (scan->kind == PlanKind::kWatermarkAssigner || scan->kind == PlanKind::kChangelogNormalize) {
    scan = scan->inputs[0].get();
  }
  if (scan->kind == PlanKind::kSource) return scan->table->primary_key_indexes();
  return {};
}

// Flink asks the versioned side for its updates as +U alone: ChangelogNormalize and Deduplicate
// then emit no -U, the Calcs between pass that on, and any other updating node gets a
// DropUpdateBefore above it.
PlanPtr without_update_before(PlanPtr n) {
  if (n->insert_only) return n;
  switch (n->kind) {
    case PlanKind::kChangelogNormalize:
    case PlanKind::kDeduplicate:
      n->drops_update_before = true;
      return n;
    case PlanKind::kCalc:
      n->inputs[0] = without_update_before(n->inputs[0]);
      n->drops_update_before = n->inputs[0]->drops_update_before;
      return n;
    default: {
      PlanPtr drop = make_node(PlanKind::kDropUpdateBefore, {n}, n->schema);
      infer_changelog(*drop);
      return drop;
    }
  }
}

std::string table_name(const TableRef& ref) {
  std::string out;
  for (const std::string& part : ref.name) out += (out.empty() ? "" : ".") + part;
  return out;
}

}  // namespace

QueryPlanner::JoinCondition QueryPlanner::bind_join_condition(const Expr& on, const Scope& scope, int left_width) {
  BoundExprPtr condition = bind(on, scope);
  if (condition->type.id != TypeId::kBoolean) {
    plan_fail(on.pos, fmt::format("join condition must be BOOLEAN, got {}", type_name(condition->type)));
  }
  JoinCondition out;
  split_join_condition(condition, left_width, &out.left_keys, &out.right_keys, &out.residual);
  return out;
}

QueryPlanner::Planned QueryPlanner::temporal_join(Planned left, const TableRef& ref) {
  const TableRef& right_ref = *ref.right;
  const std::string name = table_name(right_ref);
  // FOR SYSTEM_TIME AS OF names a time attribute of the left input, as it is.
  BoundExprPtr period = bind(*right_ref.system_time, left.scope);
  if (period->kind != BoundKind::kInputRef || period->type.time_attribute == TimeAttribute::kNone) {
    plan_fail(right_ref.system_time->pos,
              "FOR SYSTEM_TIME AS OF takes a time attribute of the left table as it is (its WATERMARK column or a "
              "PROCTIME() column), not an expression or another column");
  }
  const TableDef* def = catalog_.table(name);
  const bool lookup = def && options_.is_lookup_table && options_.is_lookup_table(*def);
  if (period->type.time_attribute == TimeAttribute::kProctime && !lookup) {
    plan_fail(right_ref.pos, fmt::format("a processing-time temporal join against '{}' is not supported (neither is "
                                         "it in Flink: FLINK-19830); join a lookup table ('connector' = 'jdbc') or "
                                         "join FOR SYSTEM_TIME AS OF the left table's rowtime attribute",
                                         name));
  }
  if (ref.join_type != JoinType::kInner && ref.join_type != JoinType::kLeft) {
    static const char* kNames[] = {"INNER", "LEFT", "RIGHT", "FULL", "CROSS"};
    plan_fail(ref.pos, fmt::format("a temporal join is an INNER or LEFT JOIN, not {} JOIN",
                                   kNames[static_cast<int>(ref.join_type)]));
  }
  if (!ref.on) plan_fail(ref.pos, "a temporal join needs an ON condition with the versioned table's key");
  if (lookup) {
    if (period->type.time_attribute != TimeAttribute::kProctime) {
      plan_fail(right_ref.system_time->pos, fmt::format("'{}' is a lookup table: join it FOR SYSTEM_TIME AS OF a "
                                                        "PROCTIME() column of the left table (an event-time temporal "
                                                        "join needs a versioned table)",
                                                        name));
    }
    return lookup_join(std::move(left), ref, *def);
  }
  Planned right = table(right_ref, /*versioned=*/true);
  // A versioned view's ROW_NUMBER becomes a Deduplicate only once its filter is applied.
  right.node = apply_rank_rules(right.node);

  const int nl = static_cast<int>(left.scope.columns.size());
  const int nr = static_cast<int>(right.scope.columns.size());
  int right_time = -1;
  for (int i = 0; i < nr; ++i) {
    if (right.node->schema[static_cast<size_t>(i)].type.time_attribute == TimeAttribute::kRowtime) right_time = i;
  }
  if (right_time < 0) {
    plan_fail(right_ref.pos, fmt::format("an event-time temporal join needs a versioned table with a rowtime "
                                         "attribute: '{}' has none (declare a WATERMARK on its time column)",
                                         name));
  }
  std::vector<int> key = versioned_key_of(*right.node);
  if (key.empty()) {
    plan_fail(right_ref.pos, fmt::format("an event-time temporal join needs a versioned table with a primary key: "
                                         "'{}' has none (declare PRIMARY KEY (...) NOT ENFORCED, or keep the last "
                                         "row per key: ROW_NUMBER() OVER (PARTITION BY key ORDER BY rowtime DESC) "
                                         "= 1)",
                                         name));
  }

  Scope scope = left.scope;
  for (const ScopeColumn& c : right.scope.columns) scope.columns.push_back(c);
  auto [left_keys, right_keys, residual] = bind_join_condition(*ref.on, scope, nl);
  if (left_keys.empty()) {
    plan_fail(ref.on->pos, "a temporal join needs an equality between a left column and the versioned table's key");
  }
  for (int k : key) {
    if (std::find(right_keys.begin(), right_keys.end(), k) == right_keys.end()) {
      plan_fail(ref.on->pos, fmt::format("the temporal join condition must hold an equality on every column of the "
                                         "versioned table's key; '{}' has none",
                                         right.node->schema[static_cast<size_t>(k)].name));
    }
  }

  // The left columns keep their types (the time attribute goes on: windows can follow); the
  // versions' time is a plain TIMESTAMP in the result.
  std::vector<PlanField> schema;
  for (int i = 0; i < nl + nr; ++i) {
    ScopeColumn& c = scope.columns[static_cast<size_t>(i)];
    if (i >= nl) {
      c.type = c.type.without_time_attribute();
      if (ref.join_type == JoinType::kLeft) c.type.nullable = true;
    }
    schema.push_back({c.name, c.type});
  }
  PlanPtr n = make_node(PlanKind::kTemporalJoin, {left.node, without_update_before(right.node)}, schema);
  n->join_type = ref.join_type;
  n->left_keys = std::move(left_keys);
  n->right_keys = std::move(right_keys);
  n->condition = and_all(residual);
  n->rowtime_index = period->index;
  n->right_rowtime_index = right_time;
  n->versioned_key = std::move(key);
  infer_changelog(*n);
  return {n, scope};
}

}  // namespace careflow::sql
