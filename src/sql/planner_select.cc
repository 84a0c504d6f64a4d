// SELECT, clause by clause (as DuckDB's binder splits a statement): FROM and WHERE, the select
// list, GROUP BY with its aggregate calls, ROW_NUMBER() OVER, the projection with HAVING, and
// DISTINCT. ORDER BY / LIMIT apply to any query: order_limit in planner_query.cc.
#include <algorithm>
#include <functional>
#include <set>

#include "sql/planner_impl.h"
#include "sql/printer.h"

namespace careflow::sql {

namespace {

std::string output_name(const SelectItem& item, size_t index) {
  if (!item.alias.empty()) return item.alias;
  const Expr& e = *item.expr;
  if (e.kind == ExprKind::kColumn) return e.name;
  if (e.kind == ExprKind::kFieldAccess) return e.name;
  return fmt::format("EXPR${}", index);
}

}  // namespace

QueryPlanner::Planned QueryPlanner::select(const Query& q) {
  const Select& s = q.select;
  SelectState st;
  st.input = select_from(s);
  st.items = select_items(s, st.input.scope);
  st.grouped = !s.group_by.empty() || (s.having != nullptr);
  for (const SelectOutput& it : st.items) st.grouped = st.grouped || (it.expr && contains_aggregate(*it.expr));
  st.node = st.input.node;
  st.scope = st.input.scope;
  if (st.grouped) group_by(s, st);
  if (has_over_aggregate(st.items)) {
    over_aggregate(s, st);
  } else if (std::optional<size_t> over = row_number_item(st.items)) {
    rank_over(*over, st);
  }
  Planned out = project(s, st);
  if (s.distinct) out.node = distinct(out.node);
  return out;
}

// FROM (no FROM: one row without columns) and WHERE.
QueryPlanner::Planned QueryPlanner::select_from(const Select& s) {
  Planned in;
  if (s.from) {
    in = from(*s.from);
  } else {
    PlanPtr one = make_node(PlanKind::kValues, {}, {});
    one->rows.emplace_back();
    infer_changelog(*one);
    in = {one, Scope{}};
  }
  if (s.where) {
    if (contains_aggregate(*s.where)) plan_fail(s.where->pos, "aggregate functions are not allowed in WHERE; use HAVING");
    in = where(std::move(in), *s.where);
  }
  return in;
}

// The select list with '*' expanded into the columns it stands for.
std::vector<SelectOutput> QueryPlanner::select_items(const Select& s, const Scope& scope) {
  std::vector<SelectOutput> items;
  for (size_t i = 0; i < s.items.size(); ++i) {
    const SelectItem& item = s.items[i];
    if (item.expr->kind == ExprKind::kStar) {
      std::string qualifier = item.expr->qualifier.empty() ? "" : item.expr->qualifier.back();
      bool any = false;
      for (size_t c = 0; c < scope.columns.size(); ++c) {
        const ScopeColumn& col = scope.columns[c];
        if (!qualifier.empty() && col.qualifier != qualifier) continue;
        if (qualifier.empty() && col.using_duplicate) continue;
        if (col.system) continue;
        any = true;
        items.push_back({nullptr, bound_input_ref(static_cast<int>(c), col.type), col.name, item.pos});
      }
      if (!any) plan_fail(item.pos, qualifier.empty() ? "SELECT * over no columns" : fmt::format("table or alias '{}' not found in FROM", qualifier));
      continue;
    }
    items.push_back({item.expr.get(), nullptr, output_name(item, i), item.pos});
  }
  return items;
}

// GROUP BY: a pre-projection of the group keys and then every aggregate's arguments, the
// GroupAggregate over it, and the scope after it (group keys, then aggregate results).
void QueryPlanner::group_by(const Select& s, SelectState& st) {
  for (const ExprPtr& g : s.group_by) {
    if (is_group_window(*g)) return group_window(s, st);
  }
  const Scope& in_scope = st.input.scope;
  AggregateContext& agg_ctx = st.agg;
  std::vector<BoundExprPtr> pre;
  std::vector<std::string> pre_names;
  // GROUP BY window_start, window_end of a window table function: a window aggregate over the
  // function's input. `window_keys[i]` is the window property GROUP BY item i names, or 0.
  BoundExprPtr tvf_filter;
  const PlanNode* tvf = window_below(st.node, &tvf_filter);
  const int tvf_width = tvf ? static_cast<int>(tvf->inputs[0]->schema.size()) : 0;
  std::vector<int> window_keys;
  std::vector<std::string> key_names;
  std::vector<BoundExprPtr> keys;
  // The GROUP BY items, a GROUPING SETS / ROLLUP / CUBE replaced by the distinct expressions of its
  // sets (after the other items), and which of them each grouping set holds (planner_grouping.cc).
  GroupingItems grouping = grouping_items(s);
  const std::vector<const Expr*>& group_items = grouping.items;
  for (const Expr* g : group_items) {
    if (contains_aggregate(*g)) plan_fail(g->pos, "aggregate functions are not allowed in GROUP BY");
    BoundExprPtr b = bind(*g, in_scope);
    int property = 0;
    if (tvf && b->kind == BoundKind::kInputRef && b->index >= tvf_width) property = kWindowStartKey - (b->index - tvf_width);
    // Over rows that carry their windows (a window aggregation's results, under any names):
    // the window columns they come from (Flink's RelWindowProperties through the projections).
    if (!tvf && b->kind == BoundKind::kInputRef) property = window_property_of(*st.node, b->index);
    window_keys.push_back(property);
    agg_ctx.group_exprs.push_back(print_expr(*g));
    // window_time stays a time attribute (rowtime, or processing time for windows on PROCTIME()),
    // so that windows can be stacked on the result.
    agg_ctx.group_types.push_back(property == kWindowTimeKey && b->type.time_attribute != TimeAttribute::kNone
                                      ? b->type
                                      : b->type.without_time_attribute());
    key_names.push_back(g->kind == ExprKind::kColumn ? g->name : fmt::format("$f{}", key_names.size()));
    keys.push_back(b);
  }
  bool windowed = std::count(window_keys.begin(), window_keys.end(), kWindowStartKey) > 0 &&
                  std::count(window_keys.begin(), window_keys.end(), kWindowEndKey) > 0;
  // SESSION windows are aggregated per partition when the GROUP BY keys include the PARTITION BY
  // keys (without PARTITION BY: when there are no other keys); otherwise Flink 1.20 plans the
  // function alone and a regular, updating GROUP BY over its rows, and so does careflow.
  if (windowed && tvf && tvf->window.kind == WindowSpec::Kind::kSession) {
    std::set<int> grouped;
    for (size_t i = 0; i < keys.size(); ++i) {
      if (window_keys[i] != 0) continue;
      grouped.insert(keys[i]->kind == BoundKind::kInputRef ? keys[i]->index : -1);
    }
    const std::vector<int>& partition = tvf->window.partition_keys;
    windowed = partition.empty() ? grouped.empty()
                                 : std::all_of(partition.begin(), partition.end(), [&](int p) { return grouped.count(p); });
  }
  if (!windowed) {
    for (DataType& t : agg_ctx.group_types) t = t.without_time_attribute();
  }
  if (windowed && !tvf && grouping.construct) {
    plan_fail(grouping.construct->pos, fmt::format("{} over the window columns of windowed rows (window aggregation "
                                                   "results) is not supported yet",
                                                   grouping.construct->name));
  }
  if (grouping.construct) check_grouping_sets(grouping, window_keys, windowed ? tvf : nullptr, agg_ctx.group_types);
  // The pre-projection: the keys that are input columns (a window aggregate computes the window
  // properties itself), then the aggregates' arguments.
  for (size_t i = 0; i < keys.size(); ++i) {
    if (windowed && window_keys[i] != 0) {
      key_names[i] = window_keys[i] == kWindowStartKey ? "window_start"
                     : window_keys[i] == kWindowEndKey ? "window_end"
                                                       : "window_time";
      continue;
    }
    pre.push_back(keys[i]);
    pre_names.push_back(key_names[i]);
  }
  std::vector<AggCall> aggs;
  for (const Expr* call : aggregate_calls(s, st.items)) {
    AggCall ac = bind_aggregate_call(*call, in_scope, &pre, &pre_names);
    agg_ctx.agg_exprs.push_back(ac.text);
    agg_ctx.agg_types.push_back(ac.binding.result);
    aggs.push_back(std::move(ac));
  }
  std::vector<PlanField> agg_schema;
  for (size_t i = 0; i < group_items.size(); ++i) agg_schema.push_back({key_names[i], agg_ctx.group_types[i]});
  for (size_t i = 0; i < aggs.size(); ++i) agg_schema.push_back({fmt::format("EXPR${}", i), aggs[i].binding.result});
  // GROUPING() / GROUPING_ID() over grouping sets: computed by the window aggregate from each
  // result's set, after the aggregates (without sets they are the constant 0: bind_function).
  std::vector<PlanNode::GroupingFunction> grouping_functions;
  if (grouping.construct) {
    for (const Expr* call : aggregate_calls(s, st.items, true)) {
      PlanNode::GroupingFunction g{print_expr(*call), grouping_function_values(*call, grouping)};
      agg_ctx.agg_exprs.push_back(g.text);
      agg_ctx.agg_types.push_back(DataType::bigint().with_nullable(false));
      agg_schema.push_back({fmt::format("EXPR${}", agg_schema.size() - group_items.size()), agg_ctx.agg_types.back()});
      grouping_functions.push_back(std::move(g));
    }
  }
  PlanPtr agg;
  if (windowed && !tvf) {
    agg = attached_window_aggregate(st.node, std::move(pre), std::move(pre_names), window_keys, keys, agg_schema);
  } else if (windowed) {
    agg = window_aggregate(*tvf, tvf_filter, std::move(pre), std::move(pre_names), window_keys, agg_schema,
                           s.group_by_pos);
    agg->grouping_sets = plain_key_sets(grouping, window_keys);
    agg->grouping_functions = std::move(grouping_functions);
  } else if (grouping.construct) {
    // GROUPING SETS / ROLLUP / CUBE in a GROUP BY, as Flink plans them: an Expand copies each row
    // once per set (keys outside it NULL, then the set's number $e and the GROUPING values), the
    // GroupAggregate groups by the keys and $e, and a Calc drops $e and puts the GROUPING values
    // after the aggregates, where the select list finds them.
    PlanPtr pre_calc = calc(st.node, pre, nullptr, pre_names);
    const size_t k = group_items.size(), width = pre_calc->schema.size(), g = grouping_functions.size();
    std::vector<PlanField> expand_schema = pre_calc->schema;
    for (size_t i = 0; i < k; ++i) expand_schema[i].type = agg_ctx.group_types[i];
    const DataType bigint = DataType::bigint().with_nullable(false);
    expand_schema.push_back({"$e", bigint});
    for (size_t i = 0; i < g; ++i) expand_schema.push_back({fmt::format("$g{}", i), bigint});
    PlanPtr expand = make_node(PlanKind::kExpand, {pre_calc}, expand_schema);
    expand->grouping_sets = grouping.sets;
    expand->grouping_functions = grouping_functions;
    infer_changelog(*expand);
    std::vector<PlanField> grouped(agg_schema.begin(), agg_schema.begin() + static_cast<std::ptrdiff_t>(k));
    for (size_t i = 0; i <= g; ++i) grouped.push_back(expand_schema[width + i]);
    for (size_t i = 0; i < aggs.size(); ++i) grouped.push_back(agg_schema[k + i]);
    agg = make_node(PlanKind::kGroupAggregate, {expand}, grouped);
    for (size_t i = 0; i < k; ++i) agg->group_keys.push_back(static_cast<int>(i));
    for (size_t i = 0; i <= g; ++i) agg->group_keys.push_back(static_cast<int>(width + i));
    agg->aggs = std::move(aggs);
    infer_changelog(*agg);
    std::vector<BoundExprPtr> reorder;
    std::vector<std::string> names;
    auto take = [&](size_t from) {
      reorder.push_back(bound_input_ref(static_cast<int>(from), agg->schema[from].type));
      names.push_back(agg->schema[from].name);
    };
    for (size_t i = 0; i < k; ++i) take(i);
    for (size_t i = 0; i < agg->aggs.size(); ++i) take(k + 1 + g + i);
    for (size_t i = 0; i < g; ++i) take(k + 1 + i);
    st.node = calc(agg, std::move(reorder), nullptr, std::move(names));
  } else {
    PlanPtr pre_calc = calc(st.node, pre, nullptr, pre_names);
    agg = make_node(PlanKind::kGroupAggregate, {pre_calc}, agg_schema);
    for (size_t i = 0; i < group_items.size(); ++i) agg->group_keys.push_back(static_cast<int>(i));
  }
  if (!(grouping.construct && !windowed)) {
    agg->aggs = std::move(aggs);
    infer_changelog(*agg);
    st.node = agg;
  }
  agg_ctx.agg_offset = static_cast<int>(group_items.size());
  agg_ctx.input_scope = &in_scope;
  // Group keys that are plain columns stay addressable by their (qualified) names.
  st.scope = Scope{};
  for (size_t i = 0; i < group_items.size(); ++i) {
    const Expr& g = *group_items[i];
    if (g.kind == ExprKind::kColumn) {
      BoundExprPtr b = bind_column(g, in_scope);
      const ScopeColumn& src = in_scope.columns[static_cast<size_t>(b->index)];
      st.scope.columns.push_back({src.qualifier, src.name, agg_ctx.group_types[i]});
    } else {
      st.scope.columns.push_back({"", fmt::format("$group{}", i), agg_ctx.group_types[i]});
    }
  }
  for (size_t i = 0; i < agg_ctx.agg_types.size(); ++i) st.scope.columns.push_back({"", fmt::format("$agg{}", i), agg_ctx.agg_types[i]});
  for (const SelectOutput& it : st.items) {
    if (it.bound) plan_fail(it.pos, "SELECT * is not allowed with GROUP BY; list the grouped columns");
  }
}

// The aggregate calls of the select items and HAVING, once each (deduplicated by their text).
std::vector<const Expr*> QueryPlanner::aggregate_calls(const Select& s, const std::vector<SelectOutput>& items,
                                                       bool grouping) const {
  std::vector<const Expr*> calls;
  std::function<void(const Expr&)> collect = [&](const Expr& e) {
    if (is_aggregate_call(e)) {
      if (is_grouping_function(e) != grouping) return;
      std::string printed = print_expr(e);
      for (const Expr* c : calls) {
        if (print_expr(*c) == printed) return;
      }
      calls.push_back(&e);
      return;
    }
    if (e.kind == ExprKind::kOver || e.subquery) return;
    for (const ExprPtr& a : e.args) {
      if (a) collect(*a);
    }
  };
  for (const SelectOutput& it : items) {
    if (it.expr) collect(*it.expr);
  }
  if (s.having) collect(*s.having);
  return calls;
}

namespace {

// The column of the pre-projection holding `e`: the same input column when it is already there,
// else `e` appended.
int pre_projected(const BoundExprPtr& e, std::vector<BoundExprPtr>* pre, std::vector<std::string>* pre_names) {
  if (e->kind == BoundKind::kInputRef) {
    for (size_t k = 0; k < pre->size(); ++k) {
      if ((*pre)[k]->kind == BoundKind::kInputRef && (*pre)[k]->index == e->index) return static_cast<int>(k);
    }
  }
  pre->push_back(e);
  pre_names->push_back(fmt::format("$f{}", pre->size() - 1));
  return static_cast<int>(pre->size() - 1);
}

}  // namespace

// One aggregate call bound over the input scope; its arguments (and its FILTER's condition) are
// added to the pre-projection (`pre`, `pre_names`) unless the same column is already there.
AggCall QueryPlanner::bind_aggregate_call(const Expr& call, const Scope& scope, std::vector<BoundExprPtr>* pre,
                                          std::vector<std::string>* pre_names, bool over) {
  const AggregateFunctionDef* def = FunctionRegistry::global().aggregate(call.name);
  if (def->over_only && !over) plan_fail(call.pos, over_only_message(*def));
  std::vector<ArgInfo> infos;
  std::vector<BoundExprPtr> args;
  for (const ExprPtr& a : call.args) {
    if (static_cast<int>(infos.size()) == def->options_arg) {
      infos.push_back({DataType::map(DataType::string(), DataType::string()), aggregate_options(*def, *a)});
      continue;
    }
    if (contains_aggregate(*a)) plan_fail(a->pos, "aggregate functions cannot be nested");
    BoundExprPtr b = bind(*a, scope);
    ArgInfo info{b->type.without_time_attribute(), std::nullopt};
    if (b->kind == BoundKind::kLiteral) info.constant = b->value;
    infos.push_back(info);
    args.push_back(b);
  }
  Result<AggregateBinding> binding = def->bind(infos, call.distinct);
  if (!binding.is_ok()) plan_fail(call.pos, binding.status().message());
  AggCall ac;
  ac.name = def->name;
  ac.distinct = call.distinct;
  for (size_t i = 0; i < args.size(); ++i) {
    BoundExprPtr arg = i < binding->arg_types.size() ? bound_cast_if_needed(args[i], binding->arg_types[i]) : args[i];
    ac.args.push_back(pre_projected(arg, pre, pre_names));
  }
  if (call.filter) {
    if (over) plan_fail(call.filter->pos, "FILTER (WHERE ...) on an OVER aggregate is not supported");
    if (contains_aggregate(*call.filter)) plan_fail(call.filter->pos, "aggregate functions cannot be nested in FILTER");
    BoundExprPtr f = bind(*call.filter, scope);
    if (f->type.id != TypeId::kBoolean && f->type.id != TypeId::kNull) {
      plan_fail(call.filter->pos, fmt::format("FILTER expression must be of type BOOLEAN, got {}", type_name(f->type)));
    }
    ac.filter_arg = pre_projected(f, pre, pre_names);
  }
  ac.binding = std::move(*binding);
  ac.text = print_expr(call);
  return ac;
}

// The select item that is ROW_NUMBER() OVER (...), if any; fails on the OVER forms not supported.
std::optional<size_t> QueryPlanner::row_number_item(const std::vector<SelectOutput>& items) const {
  std::optional<size_t> found;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].expr || !contains_over(*items[i].expr)) continue;
    const Expr& e = *items[i].expr;
    if (e.kind != ExprKind::kOver) plan_fail(e.pos, "ROW_NUMBER() OVER (...) must be a select item of its own");
    const Expr& fn = *e.args[0];
    if (fn.name != "ROW_NUMBER") {
      if (fn.name == "LEAD") plan_fail(fn.pos, kLeadInStreamMode);
      if (fn.name == "RANK" || fn.name == "DENSE_RANK") {
        plan_fail(fn.pos, fmt::format("{}() is not supported yet; use ROW_NUMBER()", fn.name));
      }
      plan_fail(fn.pos, fmt::format("{}() OVER (...) is not supported yet; ROW_NUMBER() and aggregate functions are",
                                    fn.name));
    }
    if (!fn.args.empty()) plan_fail(fn.pos, "ROW_NUMBER() takes no arguments");
    if (!e.name.empty()) plan_fail(e.pos, "ROW_NUMBER() OVER a named window is not supported; write the window in OVER (...)");
    if (e.order_by.empty()) plan_fail(e.pos, "ROW_NUMBER() needs ORDER BY in its OVER clause");
    if (found) plan_fail(e.pos, "only one ROW_NUMBER() per SELECT is supported");
    found = i;
  }
  return found;
}

// ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...) as a Rank over the current node; the item
// then reads the Rank's row number.
void QueryPlanner::rank_over(size_t item, SelectState& st) {
  const Expr& over = *st.items[item].expr;
  // Partition and order keys must be columns of the input; computed ones are projected first.
  std::vector<BoundExprPtr> extra;
  auto key_index = [&](const Expr& k) {
    BoundExprPtr b = bind(k, st.scope, st.agg_context());
    if (b->kind == BoundKind::kInputRef) return b->index;
    extra.push_back(b);
    return static_cast<int>(st.node->schema.size() + extra.size() - 1);
  };
  std::vector<int> partition;
  for (const ExprPtr& p : over.partition_by) partition.push_back(key_index(*p));
  std::vector<SortKey> order;
  for (const OrderItem& o : over.order_by) {
    SortKey k{key_index(*o.expr), o.ascending, o.nulls_first.value_or(o.ascending)};
    order.push_back(k);
  }
  PlanPtr rank_input = st.node;
  if (!extra.empty()) {
    std::vector<std::string> names;
    for (size_t i = 0; i < extra.size(); ++i) {
      names.push_back(fmt::format("$over{}", i));
      st.scope.columns.push_back({"", names.back(), extra[i]->type});
    }
    rank_input = pass_through(st.node, nullptr, std::move(extra), std::move(names));
  }
  // Partitioned by window_start and window_end of windows below: Flink's WindowRank.
  const WindowSpec* window = has_window_bounds(*rank_input, partition) ? window_spec_of(*rank_input) : nullptr;
  std::vector<PlanField> schema = rank_input->schema;
  schema.push_back({"$rn", DataType::bigint().with_nullable(false)});
  PlanPtr rank = make_node(PlanKind::kRank, {rank_input}, schema);
  rank->partition_keys = partition;
  rank->order = order;
  rank->output_rank_number = true;
  if (window) {
    if (!rank_input->insert_only) plan_fail(over.args[0]->pos, "window Top-N over an updating input is not supported");
    if (window->kind == WindowSpec::Kind::kSession) {
      plan_fail(over.args[0]->pos, "window Top-N and deduplication over SESSION windows are not supported yet");
    }
    rank->window_rank = true;
    rank->window = *window;
    for (int p : partition) {
      if (window_property_of(*rank_input, p) == kWindowEndKey) rank->rowtime_index = p;
    }
  }
  infer_changelog(*rank);
  st.node = rank;
  st.items[item].bound = bound_input_ref(static_cast<int>(schema.size() - 1), schema.back().type);
}

// The projection of the select items, filtered by HAVING, and the scope it gives the query.
QueryPlanner::Planned QueryPlanner::project(const Select& s, const SelectState& st) {
  // Scalar subqueries of the select list and HAVING: LEFT joined ON TRUE to what they read.
  Planned input{st.node, st.scope};
  std::vector<const Expr*> clauses{s.having.get()};
  for (const SelectOutput& it : st.items) clauses.push_back(it.expr);
  const std::vector<PlanPtr> joins = join_scalar_subqueries(input, clauses);
  std::vector<BoundExprPtr> projections;
  std::vector<std::string> names;
  over_results_ = &st.over_results;
  for (const SelectOutput& it : st.items) {
    BoundExprPtr b = it.bound ? it.bound : bind(*it.expr, input.scope, st.agg_context());
    // A join below (scalar subqueries) took the time attributes of the columns '*' stands for.
    if (it.bound && b->kind == BoundKind::kInputRef) b = bound_input_ref(b->index, input.node->schema[static_cast<size_t>(b->index)].type);
    projections.push_back(b);
    names.push_back(it.name);
  }
  BoundExprPtr having;
  if (s.having) {
    having = bind(*s.having, input.scope, &st.agg);
    if (having->type.id != TypeId::kBoolean) {
      plan_fail(s.having->pos, fmt::format("HAVING condition must be BOOLEAN, got {}", type_name(having->type)));
    }
  }
  over_results_ = nullptr;
  inner_join_under_filter(joins, having);
  PlanPtr projected = calc(input.node, projections, having, names);
  Scope out;
  for (size_t i = 0; i < names.size(); ++i) {
    std::string qualifier;
    if (st.items[i].expr && st.items[i].expr->kind == ExprKind::kColumn && projections[i]->kind == BoundKind::kInputRef &&
        !st.grouped) {
      qualifier = input.scope.columns[static_cast<size_t>(projections[i]->index)].qualifier;
    }
    out.columns.push_back({qualifier, names[i], projections[i]->type});
  }
  return {projected, out};
}

// SELECT DISTINCT: a GroupAggregate keyed by every column, without aggregates.
PlanPtr QueryPlanner::distinct(PlanPtr projected) {
  PlanPtr agg = make_node(PlanKind::kGroupAggregate, {projected}, projected->schema);
  for (size_t i = 0; i < projected->schema.size(); ++i) agg->group_keys.push_back(static_cast<int>(i));
  for (PlanField& f : agg->schema) f.type = f.type.without_time_attribute();
  infer_changelog(*agg);
  return agg;
}

}  // namespace careflow::sql
