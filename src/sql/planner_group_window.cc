// Legacy group windows: GROUP BY SESSION(rowtime, gap) [, keys] with SESSION_START(...),
// SESSION_END(...) and SESSION_ROWTIME(...) in the select list, as Flink 1.20 runs them
// (GroupWindowAggregate: its WindowOperator with a SessionWindowAssigner merges sessions per
// group key with the MergingWindowSet the SESSION table function's aggregate uses). careflow plans
// them as that WindowAggregate: sessions per group key, fired when the watermark reaches their
// end - 1 ms, late rows dropped. TUMBLE / HOP group windows are not supported yet (Flink's
// WindowOperator orders their results by its timer heap, careflow's slicing operator by window).
#include <tuple>

#include "sql/planner_impl.h"
#include "sql/printer.h"

namespace careflow::sql {

bool QueryPlanner::is_group_window(const Expr& e) {
  return e.kind == ExprKind::kFunction && (e.name == "SESSION" || e.name == "TUMBLE" || e.name == "HOP");
}

void QueryPlanner::group_window(const Select& s, SelectState& st) {
  const Scope& in_scope = st.input.scope;
  AggregateContext& agg_ctx = st.agg;
  const Expr* window = nullptr;
  for (const ExprPtr& g : s.group_by) {
    if (!is_group_window(*g)) continue;
    if (g->name != "SESSION") {
      plan_fail(g->pos, fmt::format("group window {}(...) in GROUP BY is not supported yet; use the window table "
                                    "function: FROM TABLE({}(TABLE t, DESCRIPTOR(ts), ...)) GROUP BY window_start, "
                                    "window_end",
                                    g->name, g->name));
    }
    if (window) plan_fail(g->pos, "GROUP BY takes one group window");
    window = g.get();
  }
  if (window->args.size() != 2) plan_fail(window->pos, "SESSION(time_attr, gap) takes two arguments");
  BoundExprPtr time = bind(*window->args[0], in_scope);
  if (time->kind != BoundKind::kInputRef || time->type.time_attribute != TimeAttribute::kRowtime) {
    plan_fail(window->args[0]->pos, time->type.time_attribute == TimeAttribute::kProctime
                                        ? "processing-time group windows are not supported yet"
                                        : "SESSION's first argument must be a rowtime attribute");
  }
  if (time->type.id != TypeId::kTimestamp) {
    plan_fail(window->args[0]->pos, "group windows over a TIMESTAMP_LTZ rowtime are not supported yet");
  }
  BoundExprPtr gap = bind(*window->args[1], Scope{});
  if (gap->kind != BoundKind::kLiteral || gap->type.id != TypeId::kIntervalDayTime || gap->value.is_null() ||
      gap->value.as_int() <= 0) {
    plan_fail(window->args[1]->pos, "SESSION's gap must be a positive constant INTERVAL of days to seconds");
  }

  // The window as the SESSION table function would describe it, over the GROUP BY's input.
  PlanNode tvf;
  tvf.kind = PlanKind::kWindowTableFunction;
  tvf.inputs = {st.node};
  tvf.rowtime_index = time->index;
  tvf.window.kind = WindowSpec::Kind::kSession;
  tvf.window.size = tvf.window.slide = gap->value.as_int();
  tvf.window.time_column = in_scope.columns[static_cast<size_t>(time->index)].name;
  tvf.window.pos = window->pos;

  // Keys: the plain ones, the window in its place (its start), then its end and rowtime.
  const std::string args = print_expr(*window).substr(window->name.size());  // "(ts, INTERVAL ...)"
  std::vector<int> window_keys;
  std::vector<BoundExprPtr> pre;
  std::vector<std::string> pre_names, key_names;
  const DataType bound_type = DataType::timestamp(3).with_nullable(false);
  DataType rowtime_type = bound_type;
  rowtime_type.time_attribute = TimeAttribute::kRowtime;
  for (const ExprPtr& g : s.group_by) {
    if (g.get() == window) {
      window_keys.push_back(kWindowStartKey);
      agg_ctx.group_exprs.push_back("SESSION_START" + args);
      agg_ctx.group_types.push_back(bound_type);
      key_names.push_back("window_start");
      continue;
    }
    if (contains_aggregate(*g)) plan_fail(g->pos, "aggregate functions are not allowed in GROUP BY");
    BoundExprPtr b = bind(*g, in_scope);
    if (b->kind != BoundKind::kInputRef) {
      plan_fail(g->pos, "with a group window, GROUP BY keys must be columns (select the expression in a subquery)");
    }
    window_keys.push_back(0);
    agg_ctx.group_exprs.push_back(print_expr(*g));
    agg_ctx.group_types.push_back(b->type.without_time_attribute());
    key_names.push_back(g->kind == ExprKind::kColumn ? g->name : fmt::format("$f{}", key_names.size()));
    tvf.window.partition_keys.push_back(b->index);
    tvf.window.partition_names.push_back(in_scope.columns[static_cast<size_t>(b->index)].name);
    pre.push_back(b);
    pre_names.push_back(key_names.back());
  }
  for (const auto& [key, text, type, name] :
       std::vector<std::tuple<int, std::string, DataType, std::string>>{
           {kWindowEndKey, "SESSION_END" + args, bound_type, "window_end"},
           {kWindowTimeKey, "SESSION_ROWTIME" + args, rowtime_type, "window_time"}}) {
    window_keys.push_back(key);
    agg_ctx.group_exprs.push_back(text);
    agg_ctx.group_types.push_back(type);
    key_names.push_back(name);
  }
  std::vector<AggCall> aggs;
  for (const Expr* call : aggregate_calls(s, st.items)) {
    AggCall ac = bind_aggregate_call(*call, in_scope, &pre, &pre_names);
    agg_ctx.agg_exprs.push_back(ac.text);
    agg_ctx.agg_types.push_back(ac.binding.result);
    aggs.push_back(std::move(ac));
  }
  std::vector<PlanField> schema;
  for (size_t i = 0; i < key_names.size(); ++i) schema.push_back({key_names[i], agg_ctx.group_types[i]});
  for (size_t i = 0; i < aggs.size(); ++i) schema.push_back({fmt::format("EXPR${}", i), aggs[i].binding.result});
  PlanPtr agg = window_aggregate(tvf, nullptr, std::move(pre), std::move(pre_names), window_keys, schema,
                                 s.group_by_pos);
  agg->aggs = std::move(aggs);
  infer_changelog(*agg);
  st.node = agg;
  agg_ctx.agg_offset = static_cast<int>(key_names.size());
  agg_ctx.input_scope = &in_scope;
  st.scope = Scope{};
  for (size_t i = 0; i < key_names.size(); ++i) {
    const int k = window_keys[i];
    if (k == 0) {
      const Expr& g = *s.group_by[i];
      const ScopeColumn& src = in_scope.columns[static_cast<size_t>(bind(g, in_scope)->index)];
      st.scope.columns.push_back({g.kind == ExprKind::kColumn ? src.qualifier : "",
                                  g.kind == ExprKind::kColumn ? src.name : fmt::format("$group{}", i),
                                  agg_ctx.group_types[i]});
    } else {
      st.scope.columns.push_back({"", fmt::format("$group{}", i), agg_ctx.group_types[i]});
    }
  }
  for (size_t i = 0; i < agg->aggs.size(); ++i) {
    st.scope.columns.push_back({"", fmt::format("$agg{}", i), agg_ctx.agg_types[i]});
  }
  for (const SelectOutput& it : st.items) {
    if (it.bound) plan_fail(it.pos, "SELECT * is not allowed with GROUP BY; list the grouped columns");
  }
}

}  // namespace careflow::sql
