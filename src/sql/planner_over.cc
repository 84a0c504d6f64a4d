// OVER aggregation: `agg(...) OVER (PARTITION BY ... ORDER BY rowtime [ROWS | RANGE] ...)` select
// items, planned as Flink's StreamPhysicalOverAggregate: one OverAggregate node appending each
// aggregate's value to its input row. As in Flink's streaming planner, the window must be ordered
// ascending by an event-time attribute, every OVER aggregate of the SELECT must share one window,
// the frame ends at CURRENT ROW, and the input must be insert-only.
#include <cmath>

#include "sql/planner_impl.h"
#include "sql/printer.h"

namespace careflow::sql {

namespace {

// The window specification of an OVER expression as text: equal windows print equally.
std::string window_text(const Expr& spec) {
  if (spec.args.empty()) return print_expr(spec);  // a WINDOW clause's spec: "(...)"
  std::string printed = print_expr(spec);
  return printed.substr(print_expr(*spec.args[0]).size() + std::string(" OVER ").size());
}

// Every OVER expression in `e`, outside subqueries, in the order written.
void collect_overs(const Expr& e, std::vector<const Expr*>* out) {
  if (e.kind == ExprKind::kOver) {
    out->push_back(&e);
    return;
  }
  if (e.subquery) return;
  for (const ExprPtr& a : e.args) {
    if (a) collect_overs(*a, out);
  }
}

}  // namespace

// Whether `e` is an aggregate function called OVER a window (not ROW_NUMBER, RANK, LAG, ...).
bool QueryPlanner::is_over_aggregate(const Expr& e) const {
  return e.kind == ExprKind::kOver && FunctionRegistry::global().aggregate(e.args[0]->name) != nullptr &&
         e.args[0]->kind == ExprKind::kFunction;
}

bool QueryPlanner::has_over_aggregate(const std::vector<SelectOutput>& items) const {
  for (const SelectOutput& it : items) {
    if (!it.expr) continue;
    std::vector<const Expr*> overs;
    collect_overs(*it.expr, &overs);
    for (const Expr* o : overs) {
      if (is_over_aggregate(*o)) return true;
    }
  }
  return false;
}

// The specification an OVER expression uses: its own, or the WINDOW clause's it names.
const Expr& QueryPlanner::window_of(const Expr& over, const Select& s) {
  if (over.name.empty()) return over;
  for (const auto& [name, spec] : s.windows) {
    if (name == over.name) return *spec;
  }
  plan_fail(over.pos, fmt::format("window '{}' is not defined in this SELECT's WINDOW clause", over.name));
}

// The frame's preceding bound: a row count (ROWS) or milliseconds (RANGE).
int64_t QueryPlanner::over_preceding(const OverFrame& frame) {
  BoundExprPtr b = bind(*frame.preceding, Scope{});
  if (frame.rows) {
    if (b->kind != BoundKind::kLiteral || b->value.is_null() || !b->type.is_integer() || b->value.as_int() < 0) {
      plan_fail(frame.preceding->pos, "ROWS n PRECEDING needs a non-negative integer literal n");
    }
    return b->value.as_int();
  }
  // At most about 31,000 years: frame arithmetic on millisecond times then cannot overflow.
  constexpr int64_t kMaxRangeMs = 1'000'000'000'000'000;
  if (b->kind != BoundKind::kLiteral || b->value.is_null() || b->type.id != TypeId::kIntervalDayTime ||
      b->value.as_int() < 0 || b->value.as_int() > kMaxRangeMs) {
    plan_fail(frame.preceding->pos,
              fmt::format("RANGE ... PRECEDING over a time attribute needs a constant, non-negative INTERVAL of days to "
                          "seconds (at most 10^15 ms), got {}",
                          type_name(b->type)));
  }
  return b->value.as_int();
}

std::string over_only_message(const AggregateFunctionDef& def) {
  if (def.window_function) {
    return fmt::format("OVER clause is necessary for window functions: {}(...) OVER (PARTITION BY ... ORDER BY "
                       "time_attribute)",
                       def.name);
  }
  return fmt::format("{} can only be called OVER a window (as in Confluent Cloud): {}(...) OVER (PARTITION BY ... "
                     "ORDER BY time_attribute RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
                     def.name, def.name);
}

// Plans the SELECT's OVER aggregates as one OverAggregate over the current node; the projection
// then reads each one's column (over_results_).
void QueryPlanner::over_aggregate(const Select& s, SelectState& st) {
  std::vector<const Expr*> calls;  // distinct by printed text
  const Expr* first = nullptr;
  const Expr* window = nullptr;
  for (const SelectOutput& item : st.items) {
    if (!item.expr) continue;
    std::vector<const Expr*> overs;
    collect_overs(*item.expr, &overs);
    for (const Expr* e : overs) {
      if (!is_over_aggregate(*e)) {
        if (e->args[0]->name == "LEAD") plan_fail(e->args[0]->pos, kLeadInStreamMode);
        if (e->args[0]->name == "ROW_NUMBER") {
          plan_fail(e->pos, "ROW_NUMBER() OVER (...) and OVER aggregates in one SELECT are not supported");
        }
        plan_fail(e->args[0]->pos, fmt::format("{}() OVER (...) is not supported yet; aggregate functions are",
                                               e->args[0]->name));
      }
      const Expr& spec = window_of(*e, s);
      if (!window) {
        window = &spec;
        first = e;
      } else if (window_text(spec) != window_text(*window)) {
        plan_fail(e->pos, "all OVER aggregates of a SELECT must use the same window (as in Flink's streaming OVER aggregation)");
      }
      const std::string printed = print_expr(*e);
      bool seen = false;
      for (const Expr* c : calls) seen = seen || print_expr(*c) == printed;
      if (!seen) calls.push_back(e);
    }
  }
  if (st.grouped) plan_fail(first->pos, "OVER aggregates in a grouped SELECT are not supported");
  if (!st.node->insert_only) {
    plan_fail(first->pos, "OVER aggregation over an updating input is not supported (Flink's OverAggregate consumes "
                          "only inserts)");
  }
  if (window->order_by.size() != 1) {
    plan_fail(first->pos, "an OVER aggregate's window needs ORDER BY on one time attribute");
  }
  const OrderItem& order = window->order_by[0];
  BoundExprPtr time = bind(*order.expr, st.scope);
  if (time->kind != BoundKind::kInputRef || time->type.time_attribute == TimeAttribute::kNone) {
    plan_fail(order.expr->pos, "OVER windows' ordering in stream mode must be defined on a time attribute");
  }
  if (time->type.time_attribute == TimeAttribute::kProctime) {
    plan_fail(order.expr->pos, "OVER aggregation ordered by a processing-time attribute is not supported: its "
                               "results depend on when rows arrive; order by an event-time (rowtime) attribute");
  }
  if (!order.ascending) plan_fail(order.expr->pos, "OVER windows can only be ordered ascending by their time attribute");

  OverFrameSpec frame;  // no frame written: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
  if (window->frame) {
    frame.rows = window->frame->rows;
    frame.unbounded = window->frame->unbounded;
    if (!frame.unbounded) frame.preceding = over_preceding(*window->frame);
  }

  // The input's columns, then the partition keys and aggregate arguments that are expressions.
  const int width = static_cast<int>(st.node->schema.size());
  std::vector<BoundExprPtr> pre;
  std::vector<std::string> pre_names;
  for (int c = 0; c < width; ++c) {
    pre.push_back(bound_input_ref(c, st.node->schema[static_cast<size_t>(c)].type));
    pre_names.push_back(st.node->schema[static_cast<size_t>(c)].name);
  }
  std::vector<int> partition;
  for (const ExprPtr& p : window->partition_by) {
    BoundExprPtr b = bind(*p, st.scope);
    if (b->kind == BoundKind::kInputRef) {
      partition.push_back(b->index);
      continue;
    }
    pre.push_back(b);
    pre_names.push_back(fmt::format("$f{}", pre.size() - 1));
    partition.push_back(static_cast<int>(pre.size() - 1));
  }
  std::vector<AggCall> aggs;
  for (const Expr* over : calls) {
    const Expr& call = *over->args[0];
    if (call.star_arg && call.name != "COUNT") plan_fail(call.pos, fmt::format("{}(*) is not a valid call", call.name));
    aggs.push_back(bind_aggregate_call(call, st.scope, &pre, &pre_names, /*over=*/true));
    const AggregateFunctionDef* def = FunctionRegistry::global().aggregate(call.name);
    if (def->window_function && window->frame) {
      // Calcite's rule (SqlWindow#validate: the function does not allow framing), so Flink's.
      plan_fail(window->frame->pos, fmt::format("ROW/RANGE not allowed with RANK, DENSE_RANK or ROW_NUMBER "
                                                "functions ({} takes the window's default frame)",
                                                def->name));
    }
    if (def->over_only && !frame.unbounded) {
      // The model keeps its own bounded history (maxTrainingSize); a frame that drops rows would
      // need it to forget them, which an ARIMA fitted incrementally cannot do.
      plan_fail(window->frame->pos, fmt::format("{} needs a window from UNBOUNDED PRECEDING to CURRENT ROW (its "
                                                "history is bounded by 'maxTrainingSize'); a bounded frame is not "
                                                "supported",
                                                def->name));
    }
  }
  PlanPtr input = st.node;
  if (static_cast<int>(pre.size()) > width) {
    std::vector<BoundExprPtr> extra(pre.begin() + width, pre.end());
    std::vector<std::string> extra_names(pre_names.begin() + width, pre_names.end());
    for (size_t k = 0; k < extra.size(); ++k) st.scope.columns.push_back({"", extra_names[k], extra[k]->type});
    input = pass_through(st.node, nullptr, std::move(extra), std::move(extra_names));
  }

  std::vector<PlanField> schema = input->schema;
  const int first_agg = static_cast<int>(schema.size());
  for (size_t k = 0; k < aggs.size(); ++k) {
    schema.push_back({fmt::format("w0$o{}", k), aggs[k].binding.result});
    st.scope.columns.push_back({"", schema.back().name, schema.back().type, false, true});
  }
  PlanPtr node = make_node(PlanKind::kOverAggregate, {input}, schema);
  node->partition_keys = partition;
  node->rowtime_index = time->index;
  node->aggs = std::move(aggs);
  node->over = frame;
  infer_changelog(*node);
  st.node = node;
  for (size_t k = 0; k < calls.size(); ++k) {
    st.over_results.emplace_back(print_expr(*calls[k]),
                                 bound_input_ref(first_agg + static_cast<int>(k), schema[static_cast<size_t>(first_agg) + k].type));
  }
}

}  // namespace careflow::sql

namespace careflow::sql {

namespace {

// A constant option value as BOOLEAN, BIGINT, DOUBLE or STRING; nullopt when `b` is not one.
std::optional<Value> option_value(const BoundExpr& b) {
  if (b.kind == BoundKind::kNegate && b.args.size() == 1) {
    std::optional<Value> inner = option_value(*b.args[0]);
    if (!inner) return std::nullopt;
    if (inner->is_int()) return Value::integer(-inner->as_int());
    if (inner->is_double()) return Value::real(-inner->as_double());
    return std::nullopt;
  }
  if (b.kind != BoundKind::kLiteral) return std::nullopt;
  const Value& v = b.value;
  if (v.is_null() || v.is_bool() || v.is_int() || v.is_double() || v.is_string()) return v;
  if (v.is_decimal()) {
    return Value::real(static_cast<double>(v.as_decimal()) / std::pow(10.0, b.type.scale));
  }
  return std::nullopt;
}

// The first column reference or subquery in `e`, or nullptr: an option must be known when the
// query is planned (the model's parameters are fixed for all rows), so neither may appear in one.
const Expr* first_non_constant(const Expr& e) {
  if (e.kind == ExprKind::kColumn || e.kind == ExprKind::kScalarSubquery || e.kind == ExprKind::kExists ||
      e.kind == ExprKind::kInSubquery || e.kind == ExprKind::kOver) {
    return &e;
  }
  for (const ExprPtr& a : e.args) {
    if (!a) continue;
    if (const Expr* found = first_non_constant(*a)) return found;
  }
  return nullptr;
}

std::string describe_non_constant(const Expr& e) {
  if (e.kind == ExprKind::kColumn) return fmt::format("column '{}'", e.name);
  return e.kind == ExprKind::kOver ? "an OVER aggregate" : "a subquery";
}

}  // namespace

Value QueryPlanner::aggregate_options(const AggregateFunctionDef& def, const Expr& arg) {
  const bool json = arg.kind == ExprKind::kFunction && arg.name == "JSON_OBJECT";
  if (!json && arg.kind != ExprKind::kMapCtor) {
    plan_fail(arg.pos, fmt::format("{}'s parameters must be JSON_OBJECT('name' VALUE value, ...) or MAP['name', "
                                   "value, ...] of constants",
                                   def.name));
  }
  MapEntries entries;
  for (size_t i = 0; i + 1 < arg.args.size(); i += 2) {
    const Expr& key_expr = *arg.args[i];
    const Expr& value_expr = *arg.args[i + 1];
    if (const Expr* bad = first_non_constant(key_expr)) {
      plan_fail(bad->pos, fmt::format("{}'s parameter names must be string literals, not {}", def.name,
                                      describe_non_constant(*bad)));
    }
    BoundExprPtr key = bind(key_expr, Scope{});
    if (key->kind != BoundKind::kLiteral || !key->value.is_string()) {
      plan_fail(key_expr.pos, fmt::format("{}'s parameter names must be string literals", def.name));
    }
    const std::string& name = key->value.as_string();
    for (const auto& [k, v] : entries) {
      if (k.as_string() == name) plan_fail(key_expr.pos, fmt::format("{}: parameter '{}' is given twice", def.name, name));
    }
    if (const Expr* bad = first_non_constant(value_expr)) {
      plan_fail(bad->pos, fmt::format("{}: parameter '{}' must be a constant, not {}: the model's options are fixed "
                                      "when the query is planned",
                                      def.name, name, describe_non_constant(*bad)));
    }
    std::optional<Value> value = option_value(*bind(value_expr, Scope{}));
    if (!value) plan_fail(value_expr.pos, fmt::format("{}: parameter '{}' needs a constant value", def.name, name));
    if (def.check_option) {
      Status s = def.check_option(name, *value);
      if (!s.is_ok()) plan_fail(key_expr.pos, fmt::format("{}: {}", def.name, s.message()));
    }
    entries.emplace_back(Value::string(name), std::move(*value));
  }
  return Value::map(std::move(entries));
}

}  // namespace careflow::sql
