// Scalar subqueries, `(SELECT ...)` used as a value, planned as Flink 1.20 plans them: Calcite's
// SubQueryRemoveRule makes each one a LEFT join ON TRUE of the query's input with the subquery's
// row. An uncorrelated subquery has no join keys, so every input row meets that one row; when it
// changes (a COUNT(*) over a stream) the join retracts the rows it joined and joins them again,
// and with no row yet every input row meets NULL. Unless the subquery's shape makes it one row at
// most (an aggregate without GROUP BY: Calcite's areColumnsUnique on no columns), a SINGLE_VALUE
// aggregate sits on it: NULL without rows, a run-time error when a second row arrives.
//
// Before that, FlinkRewriteSubQueryRule turns a WHERE condition `(SELECT COUNT(*) FROM t ...) > 0`
// (and `>= 1`, `0 < ...`, `1 <= ...`) into EXISTS (SELECT * FROM t ...): a semi join.
#include <algorithm>
#include <cstdlib>

#include "sql/planner_impl.h"

namespace careflow::sql {

namespace {

// The scalar subqueries in `e`, outermost first, not looking inside other subqueries (their own
// queries plan their own) or OVER windows.
void collect_scalar_subqueries(const Expr& e, std::vector<const Expr*>* out) {
  if (e.kind == ExprKind::kScalarSubquery) {
    out->push_back(&e);
    return;
  }
  if (e.subquery || e.kind == ExprKind::kOver) return;
  for (const ExprPtr& a : e.args) {
    if (a) collect_scalar_subqueries(*a, out);
  }
}

// Whether `q` gives one row at most by its shape, so that Calcite adds no SINGLE_VALUE: an
// aggregate without GROUP BY (COUNT(*), MAX(x), with or without HAVING), a SELECT without FROM,
// VALUES with one row.
bool one_row_at_most(const Query& q, const QueryPlanner& planner) {
  if (q.kind == Query::Kind::kValues) return q.values.size() == 1;
  if (q.kind != Query::Kind::kSelect) return false;
  const Select& s = q.select;
  if (!s.group_by.empty()) return false;
  if (!s.from || s.having) return true;
  for (const SelectItem& item : s.items) {
    if (planner.contains_aggregate(*item.expr)) return true;
  }
  return false;
}

// A numeric literal's value, if `e` is one.
std::optional<double> numeric_literal(const Expr& e) {
  if (e.kind != ExprKind::kLiteral) return std::nullopt;
  const Literal::Kind k = e.literal.kind;
  if (k != Literal::Kind::kInteger && k != Literal::Kind::kDecimal && k != Literal::Kind::kDouble) return std::nullopt;
  return std::strtod(e.literal.text.c_str(), nullptr);
}

// `SELECT COUNT(*) FROM ... [WHERE ...]`: one COUNT(*) (not DISTINCT) without GROUP BY (Flink's
// isCountStarAggWithoutGroupBy).
bool is_count_star_query(const Query& q) {
  if (q.kind != Query::Kind::kSelect || !q.with.empty() || !q.order_by.empty() || q.limit || q.offset) return false;
  const Select& s = q.select;
  if (!s.from || !s.group_by.empty() || s.having || s.distinct || s.items.size() != 1) return false;
  const Expr& item = *s.items[0].expr;
  return item.kind == ExprKind::kFunction && item.name == "COUNT" && item.star_arg && !item.distinct && !item.filter;
}

// Whether a column reference written as `path` names a column of `scope`.
bool resolves_in(const Scope& scope, const std::vector<std::string>& path) {
  for (const ScopeColumn& c : scope.columns) {
    if (path.size() >= 2 && c.qualifier == path[0] && c.name == path[1]) return true;
    if (c.name == path[0] && !c.system) return true;
  }
  return false;
}

// Calcite's Strong.isNull: whether `e` is NULL whenever the columns [lo, hi) are NULL.
bool null_when_null(const BoundExpr& e, int lo, int hi) {
  auto any = [&] {
    return std::any_of(e.args.begin(), e.args.end(), [&](const BoundExprPtr& a) { return null_when_null(*a, lo, hi); });
  };
  auto all = [&] {
    return !e.args.empty() &&
           std::all_of(e.args.begin(), e.args.end(), [&](const BoundExprPtr& a) { return null_when_null(*a, lo, hi); });
  };
  switch (e.kind) {
    case BoundKind::kInputRef: return e.index >= lo && e.index < hi;
    case BoundKind::kLiteral: return e.value.is_null();
    case BoundKind::kCompare: return e.op.find("DISTINCT") == std::string::npos && any();
    case BoundKind::kCast:
    case BoundKind::kArithmetic:
    case BoundKind::kNegate:
    case BoundKind::kConcat:
    case BoundKind::kNot:
    case BoundKind::kFieldAccess: return any();
    case BoundKind::kAnd:
    case BoundKind::kOr: return all();
    default: return false;
  }
}

// Calcite's Strong.isNotTrue: whether the condition `e` cannot be TRUE while [lo, hi) are NULL.
bool never_true_when_null(const BoundExpr& e, int lo, int hi) {
  if (null_when_null(e, lo, hi)) return true;
  auto over = [&](const BoundExprPtr& a) { return never_true_when_null(*a, lo, hi); };
  switch (e.kind) {
    case BoundKind::kAnd: return std::any_of(e.args.begin(), e.args.end(), over);
    case BoundKind::kOr: return !e.args.empty() && std::all_of(e.args.begin(), e.args.end(), over);
    case BoundKind::kIsNull: return e.negated && null_when_null(*e.args[0], lo, hi);
    default: return false;
  }
}

}  // namespace

void QueryPlanner::inner_join_under_filter(const std::vector<PlanPtr>& joins, const BoundExprPtr& filter) {
  if (!filter || joins.empty()) return;
  bool changed = false;
  for (const PlanPtr& j : joins) {
    const int lo = static_cast<int>(j->inputs[0]->schema.size());
    const int hi = static_cast<int>(j->schema.size());
    if (j->join_type == JoinType::kLeft && never_true_when_null(*filter, lo, hi)) {
      j->join_type = JoinType::kInner;
      changed = true;
    }
  }
  // Each join reads the one before it: their changelogs again, bottom up.
  if (changed) {
    for (const PlanPtr& j : joins) infer_changelog(*j);
  }
}

bool QueryPlanner::contains_scalar_subquery(const Expr& e) {
  std::vector<const Expr*> found;
  collect_scalar_subqueries(e, &found);
  return !found.empty();
}

const Query* QueryPlanner::count_star_exists(const Expr& c) {
  if (c.kind != ExprKind::kBinary) return nullptr;
  const Expr& l = *c.args[0];
  const Expr& r = *c.args[1];
  const bool sub_left = l.kind == ExprKind::kScalarSubquery;
  const Expr* sub = sub_left ? &l : (r.kind == ExprKind::kScalarSubquery ? &r : nullptr);
  if (!sub || !is_count_star_query(*sub->subquery)) return nullptr;
  std::optional<double> x = numeric_literal(sub_left ? r : l);
  if (!x) return nullptr;
  // count > x or x < count for 0 <= x < 1; count >= x or x <= count for 0 < x <= 1.
  const bool strict = sub_left ? c.name == ">" : c.name == "<";
  const bool loose = sub_left ? c.name == ">=" : c.name == "<=";
  if (strict && *x >= 0 && *x < 1) return sub->subquery.get();
  if (loose && *x > 0 && *x <= 1) return sub->subquery.get();
  return nullptr;
}

void QueryPlanner::fail_on_outer_reference(const Expr& column, const std::vector<std::string>& path) {
  for (size_t k = outer_scopes_.size(); k-- > 0;) {
    if (!resolves_in(*outer_scopes_[k], path)) continue;
    // A reference to the query right around the subquery: join_scalar_subqueries decorrelates it.
    outer_reference_ = k + 1 == outer_scopes_.size();
    std::string shown = path.size() >= 2 ? path[0] + "." + path[1] : path[0];
    plan_fail(column.pos, fmt::format("correlated scalar subqueries are not supported yet: '{}' refers to a column "
                                      "of the enclosing query; rewrite the subquery as a join",
                                      shown));
  }
}

AggCall QueryPlanner::single_value_call(const DataType& type, int arg, const std::string& arg_name, SourcePos pos) {
  const AggregateFunctionDef* def = FunctionRegistry::global().aggregate("SINGLE_VALUE");
  if (!def) plan_fail(pos, "the SINGLE_VALUE aggregate is not registered");
  Result<AggregateBinding> binding = def->bind({{type.without_time_attribute(), std::nullopt}}, false);
  if (!binding.is_ok()) plan_fail(pos, binding.status().message());
  AggCall call;
  call.name = def->name;
  call.args = {arg};
  call.binding = std::move(*binding);
  call.text = fmt::format("SINGLE_VALUE({})", arg_name);
  return call;
}

void QueryPlanner::pad_scope(Planned& in) {
  while (in.scope.columns.size() < in.node->schema.size()) {
    const PlanField& f = in.node->schema[in.scope.columns.size()];
    in.scope.columns.push_back({"", f.name, f.type, false, true});
  }
}

int QueryPlanner::left_join_subquery(Planned& in, PlanPtr right, std::vector<int> left_keys,
                                     std::vector<int> right_keys) {
  pad_scope(in);
  std::vector<PlanField> schema;
  for (const PlanField& f : in.node->schema) schema.push_back({f.name, f.type.without_time_attribute()});
  const int first = static_cast<int>(schema.size());
  for (const PlanField& f : right->schema) {
    schema.push_back({fmt::format("$subquery{}", schema.size()), f.type.without_time_attribute().with_nullable(true)});
  }
  PlanPtr join = make_node(PlanKind::kJoin, {in.node, std::move(right)}, schema);
  join->join_type = JoinType::kLeft;
  join->left_keys = std::move(left_keys);
  join->right_keys = std::move(right_keys);
  infer_changelog(*join);
  for (size_t i = 0; i < in.scope.columns.size(); ++i) in.scope.columns[i].type = schema[i].type;
  // System columns: not in '*', and named as no query can write them; bind() reaches the
  // subquery's value through scalar_results_.
  for (size_t i = static_cast<size_t>(first); i < schema.size(); ++i) {
    in.scope.columns.push_back({"", schema[i].name, schema[i].type, false, true});
  }
  in.node = join;
  return first;
}

std::vector<PlanPtr> QueryPlanner::join_scalar_subqueries(Planned& in, const std::vector<const Expr*>& exprs) {
  std::vector<PlanPtr> joins;
  std::vector<const Expr*> subqueries;
  for (const Expr* e : exprs) {
    if (e) collect_scalar_subqueries(*e, &subqueries);
  }
  for (const Expr* sq : subqueries) {
    if (scalar_results_.count(sq)) continue;
    // While the subquery is planned, a name it cannot find among its own columns but the
    // enclosing query has is a correlation (bind_column asks fail_on_outer_reference): then the
    // subquery is decorrelated instead (planner_subquery_decorrelate.cc).
    struct OuterScope {
      QueryPlanner& planner;
      bool saved_reference;
      ~OuterScope() {
        planner.outer_scopes_.pop_back();
        planner.outer_reference_ = saved_reference;
      }
    };
    Planned sub;
    bool correlated = false;
    {
      outer_scopes_.push_back(&in.scope);
      OuterScope restore{*this, outer_reference_};
      outer_reference_ = false;
      try {
        sub = query(*sq->subquery);
      } catch (const PlanError&) {
        if (!outer_reference_) throw;
        correlated = true;
      }
    }
    if (correlated) {
      scalar_results_[sq] = join_correlated_subquery(in, *sq);
      joins.push_back(in.node);
      continue;
    }
    if (sub.node->schema.size() != 1) {
      plan_fail(sq->pos, fmt::format("a scalar subquery must return one column, this one returns {}",
                                     sub.node->schema.size()));
    }
    PlanPtr right = sub.node;
    if (!one_row_at_most(*sq->subquery, *this)) {
      const DataType& type = right->schema[0].type;
      PlanPtr single = make_node(PlanKind::kGroupAggregate, {right}, {{"$f0", type.without_time_attribute().with_nullable(true)}});
      single->aggs.push_back(single_value_call(type, 0, right->schema[0].name, sq->pos));
      infer_changelog(*single);
      right = single;
    }
    const int index = left_join_subquery(in, right, {}, {});
    scalar_results_[sq] = bound_input_ref(index, in.node->schema[static_cast<size_t>(index)].type);
    joins.push_back(in.node);
  }
  return joins;
}

}  // namespace careflow::sql
