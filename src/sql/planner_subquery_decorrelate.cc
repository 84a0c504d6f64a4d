// Correlated scalar subqueries, decorrelated as Flink 1.20's RelDecorrelator does when each
// reference to the enclosing query is an equality with a column of the subquery (no value
// generator): `(SELECT agg(x) FROM s WHERE s.k = t.k [AND <conditions on s>])` becomes an
// aggregate of s grouped by the correlation columns (s.k), LEFT joined to the enclosing query's
// rows on t.k = s.k. A key without rows in s meets NULL, which AdjustProjectForCountAggregateRule
// turns into 0 for a COUNT, as COUNT over no rows would be; the subquery's expression is computed
// over the joined row. A subquery without an aggregate is a SINGLE_VALUE per key.
#include <algorithm>

#include "sql/planner_impl.h"

namespace careflow::sql {

namespace {

// `e` with each input reference that `replace` maps replaced by its expression.
BoundExprPtr replace_refs(const BoundExprPtr& e, const std::map<int, BoundExprPtr>& replace) {
  if (e->kind == BoundKind::kInputRef) {
    auto it = replace.find(e->index);
    return it == replace.end() ? e : it->second;
  }
  if (e->args.empty()) return e;
  auto copy = std::make_shared<BoundExpr>(*e);
  for (BoundExprPtr& a : copy->args) a = replace_refs(a, replace);
  return copy;
}

// CASE WHEN ref IS NULL THEN 0 ELSE ref END over a COUNT's joined column.
BoundExprPtr zero_if_null(BoundExprPtr ref) {
  const DataType bigint = DataType::bigint().with_nullable(false);
  auto is_null = std::make_shared<BoundExpr>();
  is_null->kind = BoundKind::kIsNull;
  is_null->type = DataType::boolean().with_nullable(false);
  is_null->args = {ref};
  auto c = std::make_shared<BoundExpr>();
  c->kind = BoundKind::kCase;
  c->type = bigint;
  c->args = {is_null, bound_literal(Value::integer(0), bigint), std::move(ref)};
  return c;
}

// Columns whose values are unique among `n`'s rows as Flink's metadata knows them: its upsert
// key, or a source table's primary key (whatever its changelog mode), through Calcs and the
// watermark assigner that pass the columns on.
std::vector<int> unique_columns(const PlanNode& n) {
  if (!n.upsert_key.empty()) return n.upsert_key;
  if (n.kind == PlanKind::kSource && n.table) return n.table->primary_key_indexes();
  if (n.kind == PlanKind::kWatermarkAssigner) return unique_columns(*n.inputs[0]);
  if (n.kind != PlanKind::kCalc) return {};
  std::vector<int> out;
  for (int below : unique_columns(*n.inputs[0])) {
    int found = -1;
    for (size_t i = 0; i < n.projections.size() && found < 0; ++i) {
      const BoundExpr& p = *n.projections[i];
      if (p.kind == BoundKind::kInputRef && p.index == below) found = static_cast<int>(i);
    }
    if (found < 0) return {};
    out.push_back(found);
  }
  return out;
}

}  // namespace

BoundExprPtr QueryPlanner::join_correlated_subquery(Planned& in, const Expr& sq) {
  const Query& q = *sq.subquery;
  const Select& s = q.select;
  auto unsupported = [](SourcePos pos, std::string_view why) {
    plan_fail(pos, fmt::format("this correlated scalar subquery is not supported: {}; careflow decorrelates "
                               "(SELECT <expression> FROM ... WHERE <column> = <outer column> [AND ...])",
                               why));
  };
  if (q.kind != Query::Kind::kSelect || !q.with.empty() || !q.order_by.empty() || q.limit || q.offset) {
    unsupported(sq.pos, "it is not a single SELECT");
  }
  if (!s.from) unsupported(sq.pos, "it has no FROM");
  if (!s.group_by.empty() || s.having || s.distinct || !s.windows.empty()) {
    unsupported(sq.pos, "it has GROUP BY, HAVING, DISTINCT or WINDOW");
  }
  if (s.items.size() != 1 || s.items[0].expr->kind == ExprKind::kStar) {
    plan_fail(sq.pos, "a scalar subquery must return one column");
  }
  const Expr& item = *s.items[0].expr;
  Planned inner = from(*s.from);
  // Pad the enclosing scope to its node's width, so that combined indexes are row indexes.
  pad_scope(in);
  const int nl = static_cast<int>(in.node->schema.size());
  Scope combined = in.scope;
  for (const ScopeColumn& c : inner.scope.columns) combined.columns.push_back(c);

  // WHERE: conditions on the subquery's columns filter them; `inner column = outer column`
  // equalities are the correlation keys.
  std::vector<BoundExprPtr> inner_filters;
  std::vector<int> outer_keys, inner_keys;
  std::vector<const Expr*> conjuncts;
  if (s.where) split_and(*s.where, &conjuncts);
  for (const Expr* c : conjuncts) {
    try {
      inner_filters.push_back(bind(*c, inner.scope));
      continue;
    } catch (const PlanError&) {
      // Refers to the enclosing query (or is wrong: bound again below, it fails with its error).
    }
    BoundExprPtr b = bind(*c, combined);
    const bool equality = b->kind == BoundKind::kCompare && b->op == "=" &&
                          b->args[0]->kind == BoundKind::kInputRef && b->args[1]->kind == BoundKind::kInputRef;
    if (equality) {
      int x = b->args[0]->index, y = b->args[1]->index;
      if (x >= nl) std::swap(x, y);
      if (x < nl && y >= nl) {
        outer_keys.push_back(x);
        inner_keys.push_back(y - nl);
        continue;
      }
    }
    unsupported(c->pos, "a condition on the enclosing query's columns that is not `column = outer column`");
  }
  if (outer_keys.empty()) unsupported(sq.pos, "it refers to the enclosing query outside `column = outer column` conditions");
  // Rows unique on the correlation columns and an expression over the aggregate: Calcite's
  // RemoveCorrelationForScalarAggregateRule then joins first and aggregates per outer row, whose
  // changelog differs from this plan's.
  const std::vector<int> unique = unique_columns(*in.node);
  const bool outer_unique = !unique.empty() && std::all_of(unique.begin(), unique.end(), [&](int k) {
    return std::find(outer_keys.begin(), outer_keys.end(), k) != outer_keys.end();
  });
  if (outer_unique && !is_aggregate_call(item)) {
    unsupported(sq.pos, "the enclosing query's rows are unique on the correlation columns and the subquery computes "
                        "an expression over its aggregate (Flink then aggregates over a join per enclosing row)");
  }
  PlanPtr filtered = inner_filters.empty() ? inner.node : pass_through(inner.node, and_all(inner_filters));

  // The aggregate, grouped by the correlation columns (each once), the keys cast to the outer
  // columns' types.
  std::vector<BoundExprPtr> pre;
  std::vector<std::string> pre_names;
  std::vector<int> right_keys;
  for (size_t i = 0; i < inner_keys.size(); ++i) {
    const DataType& outer_type = in.node->schema[static_cast<size_t>(outer_keys[i])].type;
    const DataType& inner_type = inner.scope.columns[static_cast<size_t>(inner_keys[i])].type;
    DataType common;
    if (!find_common_type(outer_type, inner_type, &common) || !common.same_logical_type(outer_type.without_time_attribute())) {
      unsupported(sq.pos, fmt::format("it compares {} with an outer column of {}", type_name(inner_type), type_name(outer_type)));
    }
    BoundExprPtr key = bound_cast_if_needed(bound_input_ref(inner_keys[i], inner_type.without_time_attribute()), common);
    right_keys.push_back(static_cast<int>(pre.size()));
    pre.push_back(key);
    pre_names.push_back(inner.scope.columns[static_cast<size_t>(inner_keys[i])].name);
  }
  const int key_count = static_cast<int>(pre.size());
  std::vector<AggCall> aggs;
  if (contains_aggregate(item)) {
    for (const Expr* call : aggregate_calls(s, select_items(s, inner.scope))) {
      aggs.push_back(bind_aggregate_call(*call, inner.scope, &pre, &pre_names));
    }
  } else {
    BoundExprPtr value = bind(item, inner.scope);
    pre.push_back(value);
    pre_names.push_back("$f" + std::to_string(pre.size() - 1));
    aggs.push_back(single_value_call(value->type, static_cast<int>(pre.size() - 1), pre_names.back(), item.pos));
  }
  PlanPtr pre_calc = calc(filtered, pre, nullptr, pre_names);
  std::vector<PlanField> schema;
  for (int i = 0; i < key_count; ++i) schema.push_back({pre_names[static_cast<size_t>(i)], pre[static_cast<size_t>(i)]->type.without_time_attribute()});
  for (size_t i = 0; i < aggs.size(); ++i) schema.push_back({fmt::format("EXPR${}", i), aggs[i].binding.result});
  PlanPtr agg = make_node(PlanKind::kGroupAggregate, {pre_calc}, schema);
  for (int i = 0; i < key_count; ++i) agg->group_keys.push_back(i);
  const std::vector<AggCall> calls = aggs;
  agg->aggs = std::move(aggs);
  infer_changelog(*agg);

  const int first = left_join_subquery(in, agg, outer_keys, right_keys);
  const int agg_offset = first + key_count;
  if (calls.size() == 1 && calls[0].name == "SINGLE_VALUE") {
    return bound_input_ref(agg_offset, in.node->schema[static_cast<size_t>(agg_offset)].type);
  }
  // The subquery's expression over the joined row: its aggregates read the joined columns, a
  // COUNT's NULL (no rows for the key) read as 0.
  AggregateContext ctx;
  ctx.agg_offset = agg_offset;
  std::map<int, BoundExprPtr> counts;
  for (size_t i = 0; i < calls.size(); ++i) {
    const int column = agg_offset + static_cast<int>(i);
    const DataType& joined = in.node->schema[static_cast<size_t>(column)].type;
    ctx.agg_exprs.push_back(calls[i].text);
    const bool count = calls[i].name == "COUNT";
    ctx.agg_types.push_back(count ? joined.with_nullable(false) : joined);
    if (count) counts[column] = zero_if_null(bound_input_ref(column, joined));
  }
  ctx.input_scope = &inner.scope;
  return replace_refs(bind(item, in.scope, &ctx), counts);
}

}  // namespace careflow::sql
