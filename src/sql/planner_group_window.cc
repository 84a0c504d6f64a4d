// Legacy group windows: GROUP BY TUMBLE(rowtime, size), HOP(rowtime, slide, size) or
// SESSION(rowtime, gap) [, keys] with <W>_START(...), <W>_END(...) and <W>_ROWTIME(...) in the
// select list, as Flink 1.20 runs them (GroupWindowAggregate: its WindowOperator with a
// Tumbling / Sliding / SessionWindowAssigner). careflow plans them onto the window aggregation
// the table functions use (one implementation), marked `group_window`: the operator then keeps
// one timer per key and window in Flink's timer heap, registered when a row arrives for every
// window holding it (WindowOperator#processElement), so windows that end at one instant come out
// in Flink's order; EXPLAIN names the node GroupWindowAggregate. Sessions merge per group key
// (MergingWindowSet), fired when the watermark reaches their end - 1 ms; late rows are dropped.
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
    if (window) plan_fail(g->pos, "GROUP BY takes one group window");
    window = g.get();
  }
  const std::string& fn = window->name;
  const size_t arity = fn == "HOP" ? 3 : 2;
  if (window->args.size() != arity) {
    plan_fail(window->pos, fn == "HOP"        ? "HOP(time_attr, slide, size) takes three arguments"
                           : fn == "TUMBLE"   ? "TUMBLE(time_attr, size) takes two arguments (a window with an "
                                                  "alignment time is not supported, as in Flink)"
                                                : "SESSION(time_attr, gap) takes two arguments");
  }
  BoundExprPtr time = bind(*window->args[0], in_scope);
  const bool proctime = time->type.time_attribute == TimeAttribute::kProctime;
  if (time->kind != BoundKind::kInputRef || (!proctime && time->type.time_attribute != TimeAttribute::kRowtime)) {
    plan_fail(window->args[0]->pos, fmt::format("{}'s first argument must be a time attribute", fn));
  }
  if (!proctime && time->type.id != TypeId::kTimestamp) {
    plan_fail(window->args[0]->pos, "group windows over a TIMESTAMP_LTZ rowtime are not supported yet");
  }
  // The interval arguments: SESSION's gap, TUMBLE's size, HOP's slide then size.
  std::vector<int64_t> lengths;
  for (size_t i = 1; i < window->args.size(); ++i) {
    BoundExprPtr b = bind(*window->args[i], Scope{});
    if (b->kind != BoundKind::kLiteral || b->type.id != TypeId::kIntervalDayTime || b->value.is_null() ||
        b->value.as_int() <= 0) {
      plan_fail(window->args[i]->pos,
                fmt::format("{}'s {} must be a positive constant INTERVAL of days to seconds", fn,
                            fn == "SESSION" ? "gap" : fn == "TUMBLE" || i == 2 ? "size" : "slide"));
    }
    lengths.push_back(b->value.as_int());
  }

  // The window as the table function would describe it, over the GROUP BY's input.
  PlanNode tvf;
  tvf.kind = PlanKind::kWindowTableFunction;
  tvf.inputs = {st.node};
  tvf.rowtime_index = time->index;
  tvf.window.kind = fn == "SESSION" ? WindowSpec::Kind::kSession
                    : fn == "TUMBLE" ? WindowSpec::Kind::kTumble
                                       : WindowSpec::Kind::kHop;
  tvf.window.slide = lengths.front();
  tvf.window.size = lengths.back();
  tvf.window.time_column = in_scope.columns[static_cast<size_t>(time->index)].name;
  tvf.window.pos = window->pos;
  // A PROCTIME() is a TIMESTAMP_LTZ: windows align in the session time zone (Flink's shiftTimeZone).
  tvf.window.proctime = proctime;
  tvf.window.ltz = proctime;
  tvf.group_window = true;
  if (tvf.window.kind == WindowSpec::Kind::kHop && tvf.window.slide > tvf.window.size) {
    plan_fail(window->args[1]->pos, "a HOP group window whose slide is larger than its size is not supported yet");
  }

  // Keys: the plain ones, the window in its place (its start), then its end and rowtime, named as
  // Flink names the window properties (w$start, ...).
  const std::string args = print_expr(*window).substr(window->name.size());  // "(ts, INTERVAL ...)"
  std::vector<int> window_keys;
  std::vector<BoundExprPtr> pre;
  std::vector<std::string> pre_names, key_names;
  const DataType bound_type = DataType::timestamp(3).with_nullable(false);
  // <W>_ROWTIME for an event-time window, <W>_PROCTIME (a TIMESTAMP_LTZ) for a processing-time one.
  DataType time_type = proctime ? DataType::timestamp_ltz(3).with_nullable(false) : bound_type;
  time_type.time_attribute = proctime ? TimeAttribute::kProctime : TimeAttribute::kRowtime;
  const std::string time_property = proctime ? "_PROCTIME" : "_ROWTIME";
  for (const ExprPtr& g : s.group_by) {
    if (g.get() == window) {
      window_keys.push_back(kWindowStartKey);
      agg_ctx.group_exprs.push_back(fn + "_START" + args);
      agg_ctx.group_types.push_back(bound_type);
      key_names.push_back("w$start");
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
    if (tvf.window.kind == WindowSpec::Kind::kSession) {
      tvf.window.partition_keys.push_back(b->index);
      tvf.window.partition_names.push_back(in_scope.columns[static_cast<size_t>(b->index)].name);
    }
    pre.push_back(b);
    pre_names.push_back(key_names.back());
  }
  for (const auto& [key, text, type, name] :
       std::vector<std::tuple<int, std::string, DataType, std::string>>{
           {kWindowEndKey, fn + "_END" + args, bound_type, "w$end"},
           {kWindowTimeKey, fn + time_property + args, time_type, proctime ? "w$proctime" : "w$rowtime"}}) {
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
  agg->group_window = true;
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
