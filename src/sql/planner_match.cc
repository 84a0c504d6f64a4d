// MATCH_RECOGNIZE as Flink plans it (StreamPhysicalMatch / CommonExecMatch): an append-only input
// partitioned by PARTITION BY, ordered by a rowtime attribute, matched against the PATTERN
// translated one variable at a time into CEP's strictly consecutive Pattern (applyQuantifier's
// rules), emitting one row per match: the partition columns, then the MEASURES. What Flink refuses
// (alternation, quantified groups, ALL ROWS PER MATCH, empty matches, a greedy last variable,
// physical offsets, ...) is refused here with Flink's reason, at the construct.
#include <fmt/ranges.h>

#include "sql/planner_impl.h"
#include "common/numbers.h"
#include "sql/printer.h"

namespace careflow::sql {

// While a DEFINE condition or a measure is bound: what pattern variables mean there.
struct QueryPlanner::MatchBinding {
  std::vector<std::string> variables;
  bool measures = false;     // MEASURES (final) rather than DEFINE (running)
  int input_width = 0;
  DataType rowtime_type;     // MATCH_ROWTIME()'s type
  MatchExpressions* out = nullptr;
  // Inside FIRST / LAST / an aggregate: columns are read from one row of one variable.
  bool navigating = false;
  int nav_variable = -2;     // -2: none seen yet; -1: `*`
  int variable_of(const std::vector<std::string>& qualifier) const {
    if (qualifier.size() != 1) return -2;
    for (size_t i = 0; i < variables.size(); ++i) {
      if (variables[i] == qualifier[0]) return static_cast<int>(i);
    }
    return -2;
  }
};

namespace {

BoundExprPtr slot_ref(QueryPlanner::MatchBinding& m, MatchSlot slot) {
  slot.type = slot.type.with_nullable(true);
  DataType type = slot.type;
  m.out->slots.push_back(std::move(slot));
  return bound_input_ref(m.input_width + static_cast<int>(m.out->slots.size() - 1), type);
}

int64_t navigation_offset(const Expr& call, size_t arg) {
  if (call.args.size() <= arg) return -1;
  const Expr& o = *call.args[arg];
  if (o.kind != ExprKind::kLiteral || o.literal.kind != Literal::Kind::kInteger) {
    plan_fail(o.pos, fmt::format("{}'s offset must be a non-negative integer literal", call.name));
  }
  const std::optional<int64_t> v = parse_number<int64_t>(o.literal.text);
  if (!v || *v < 0 || *v > INT32_MAX) plan_fail(o.pos, fmt::format("{}'s offset {} is out of range", call.name, o.literal.text));
  return *v;
}

}  // namespace

BoundExprPtr QueryPlanner::bind_match_reference(const Expr& e, const Scope& scope) {
  MatchBinding& m = *match_;
  // A column as the input has it: `A.price` read as `price`.
  auto plain_column = [&](const Expr& column) {
    Expr unqualified(ExprKind::kColumn, column.pos);
    unqualified.name = column.name;
    MatchBinding* saved = match_;
    match_ = nullptr;
    BoundExprPtr b = bind_column(unqualified, scope);
    match_ = saved;
    return b;
  };
  // The argument of FIRST / LAST / an aggregate, its columns all of one variable (or of none: `*`).
  auto navigate = [&](const Expr& arg, int* variable) {
    if (m.navigating) plan_fail(arg.pos, "pattern navigation and aggregates cannot be nested in MATCH_RECOGNIZE");
    m.navigating = true;
    m.nav_variable = -2;
    BoundExprPtr b = bind(arg, scope);
    m.navigating = false;
    *variable = m.nav_variable == -2 ? -1 : m.nav_variable;
    return b;
  };
  if (e.kind == ExprKind::kColumn) {
    const int v = m.variable_of(e.qualifier);
    if (v == -2 && !e.qualifier.empty()) {
      plan_fail(e.pos, fmt::format("'{}' is not a pattern variable of the PATTERN", join_name(e.qualifier)));
    }
    if (m.navigating) {
      if (m.nav_variable != -2 && m.nav_variable != std::max(v, -1)) {
        plan_fail(e.pos, "an expression in FIRST, LAST or an aggregate must reference a single pattern variable");
      }
      m.nav_variable = std::max(v, -1);
      return plain_column(e);
    }
    if (v < 0 && !m.measures) return nullptr;  // DEFINE: the row being classified
    MatchSlot slot;
    slot.variable = std::max(v, -1);
    slot.expr = plain_column(e);
    slot.type = slot.expr->type.without_time_attribute();
    return slot_ref(m, std::move(slot));
  }
  if (e.kind == ExprKind::kStar && m.navigating) plan_fail(e.pos, "Unknown field '*'");
  if (e.kind != ExprKind::kFunction) return nullptr;
  const std::string& name = e.name;
  if (name == "FIRST" || name == "LAST" || name == "PREV" || name == "NEXT") {
    if (e.args.empty() || e.args.size() > 2) plan_fail(e.pos, fmt::format("{} takes a column and an optional offset", name));
    int64_t offset = navigation_offset(e, 1);
    if (name == "PREV" || name == "NEXT") {
      if (m.measures) plan_fail(e.pos, fmt::format("Cannot use PREV/NEXT in MEASURE '{}'", print_expr(e)));
      if (offset != 0) {
        plan_fail(e.pos, fmt::format("{} with a physical offset is not supported (as in Flink: Flink does not support "
                                     "physical offsets within partition); use LAST(var.col, n)", name));
      }
    }
    MatchSlot slot;
    slot.first = name == "FIRST";
    slot.offset = std::max<int64_t>(offset, 0);
    slot.expr = navigate(*e.args[0], &slot.variable);
    slot.type = slot.expr->type.without_time_attribute();
    return slot_ref(m, std::move(slot));
  }
  if (name == "MATCH_ROWTIME") {
    if (e.args.size() > 1) plan_fail(e.pos, "MATCH_ROWTIME takes no argument or a rowtime column");
    MatchSlot slot;
    slot.kind = MatchSlot::Kind::kMatchRowtime;
    slot.type = m.rowtime_type;
    if (!e.args.empty()) {
      BoundExprPtr arg = plain_column(*e.args[0]);
      if (arg->type.time_attribute != TimeAttribute::kRowtime) {
        plan_fail(e.args[0]->pos, "MATCH_ROWTIME's argument must be a rowtime attribute");
      }
      slot.type = arg->type;
    }
    DataType type = slot.type.with_nullable(false);
    m.out->slots.push_back(std::move(slot));
    return bound_input_ref(m.input_width + static_cast<int>(m.out->slots.size() - 1), type);
  }
  if (name == "MATCH_PROCTIME") plan_fail(e.pos, "MATCH_PROCTIME() is not supported yet");
  if (name == "CLASSIFIER") plan_fail(e.pos, "CLASSIFIER() is not supported (as in Flink)");
  if (name == "RUNNING" || name == "FINAL") plan_fail(e.pos, fmt::format("{} is not supported yet", name));
  if (!is_aggregate_call(e)) return nullptr;
  if (e.distinct) plan_fail(e.pos, "DISTINCT aggregations are not supported in MATCH_RECOGNIZE (as in Flink)");
  if (e.filter) plan_fail(e.filter->pos, "FILTER (WHERE ...) on aggregations is not supported in MATCH_RECOGNIZE");
  const AggregateFunctionDef* def = FunctionRegistry::global().aggregate(e.name);
  if (def->over_only) plan_fail(e.pos, over_only_message(*def));
  MatchSlot slot;
  slot.kind = MatchSlot::Kind::kAggregate;
  std::vector<ArgInfo> infos;
  int variable = -2;
  for (const ExprPtr& a : e.args) {
    int v = -1;
    BoundExprPtr b = navigate(*a, &v);
    if (variable != -2 && v != variable) plan_fail(a->pos, "an aggregate must reference a single pattern variable");
    variable = v;
    ArgInfo info{b->type.without_time_attribute(), std::nullopt};
    if (b->kind == BoundKind::kLiteral) info.constant = b->value;
    infos.push_back(info);
    slot.args.push_back(b);
  }
  Result<AggregateBinding> binding = def->bind(infos, false);
  if (!binding.is_ok()) plan_fail(e.pos, binding.status().message());
  for (size_t i = 0; i < slot.args.size() && i < binding->arg_types.size(); ++i) {
    slot.args[i] = bound_cast_if_needed(slot.args[i], binding->arg_types[i]);
  }
  slot.variable = std::max(variable, -1);
  slot.type = binding->result;
  slot.aggregate = std::move(*binding);
  return slot_ref(m, std::move(slot));
}

namespace {

// The pattern's variables in order, each with CEP's quantifier (CommonExecMatch#applyQuantifier
// and Pattern's own checks).
void translate_pattern(const PatternTerm& t, std::vector<std::string>* names, std::vector<MatchElement>* out,
                       std::vector<SourcePos>* positions) {
  switch (t.kind) {
    case PatternTerm::Kind::kConcat:
      for (const PatternTerm& item : t.items) translate_pattern(item, names, out, positions);
      return;
    case PatternTerm::Kind::kGroup:
      if (t.quantified) {
        plan_fail(t.pos, "a quantifier on a group of the pattern is not supported (as in Flink: Group patterns are "
                         "not supported yet)");
      }
      translate_pattern(t.items[0], names, out, positions);
      return;
    case PatternTerm::Kind::kAlternation:
      plan_fail(t.pos, "alternation '|' in PATTERN is not supported (as in Flink: CEP doesn't support branching "
                       "patterns)");
    case PatternTerm::Kind::kPermute: plan_fail(t.pos, "PERMUTE is not supported in PATTERN (as in Flink)");
    case PatternTerm::Kind::kExclusion: plan_fail(t.pos, "exclusion {- -} is not supported in PATTERN (as in Flink)");
    case PatternTerm::Kind::kAnchor: plan_fail(t.pos, "anchors are not supported in PATTERN (as in Flink)");
    case PatternTerm::Kind::kVariable: break;
  }
  for (const std::string& n : *names) {
    if (n == t.name) {
      plan_fail(t.pos, fmt::format("pattern variable '{}' appears twice; Flink requires pattern variables to be "
                                   "unique",
                                   t.name));
    }
  }
  MatchElement el;
  el.variable = static_cast<int>(names->size());
  names->push_back(t.name);
  positions->push_back(t.pos);
  if (t.quantified) {
    const bool greedy = !t.reluctant;
    const bool optional_only = t.min == 0 && t.max == 1;
    if (t.quantifier_text.starts_with("{,")) {
      plan_fail(t.pos, fmt::format("the quantifier {} is not supported (as in Flink: The from should be a positive "
                                   "number greater than 0.); write {{0,{}}}",
                                   t.quantifier_text, t.max));
    }
    if (t.max == 0) plan_fail(t.pos, fmt::format("quantifier {} matches no row", t.quantifier_text));
    bool checks_previous = false;  // Pattern#optional refuses to follow a greedy pattern
    if (t.max < 0) {
      el.kind = MatchElement::Kind::kLooping;
      el.times_from = std::max<int64_t>(t.min, 1);
      el.optional = t.min == 0;
      checks_previous = el.optional;
    } else if (optional_only) {
      el.optional = true;
      checks_previous = true;
    } else {
      el.kind = MatchElement::Kind::kTimes;
      el.times_from = std::max<int64_t>(t.min, 1);
      el.times_to = t.max;
      el.optional = t.min == 0;
    }
    if (checks_previous && !out->empty() && out->back().greedy) {
      plan_fail(t.pos, "an optional pattern variable cannot follow a greedy one (as in Flink: Optional pattern "
                       "cannot be preceded by greedy pattern)");
    }
    if (greedy && !optional_only && t.min != t.max) el.greedy = true;
    if (!greedy && optional_only) {
      plan_fail(t.pos, "the reluctant optional quantifier (A?? or A{0,1}?) is not supported (as in Flink)");
    }
  }
  out->push_back(el);
}

}  // namespace

QueryPlanner::Planned QueryPlanner::match_recognize(const TableRef& ref) {
  const MatchRecognize& mr = *ref.match;
  Planned in = from(*ref.left);
  if (!in.node->insert_only) {
    plan_fail(mr.pos, "MATCH_RECOGNIZE over an updating table is not supported (as in Flink: Match Recognize doesn't "
                      "support consuming update and delete changes)");
  }
  if (mr.all_rows) {
    plan_fail(mr.rows_pos, "ALL ROWS PER MATCH is not supported (as in Flink: All rows per match mode is not supported "
                           "yet); use ONE ROW PER MATCH");
  }
  auto spec = std::make_shared<MatchSpec>();
  std::vector<PlanField> schema;
  Scope scope;
  for (const ExprPtr& p : mr.partition_by) {
    BoundExprPtr b = bind(*p, in.scope);
    if (b->kind != BoundKind::kInputRef) plan_fail(p->pos, "PARTITION BY of MATCH_RECOGNIZE takes columns");
    spec->partition_keys.push_back(b->index);
    const ScopeColumn& c = in.scope.columns[static_cast<size_t>(b->index)];
    schema.push_back({c.name, c.type.without_time_attribute()});
    scope.columns.push_back({ref.alias, c.name, c.type.without_time_attribute()});
  }
  if (mr.order_by.empty()) plan_fail(mr.pos, "You must specify either rowtime or proctime for order by.");
  for (size_t i = 0; i < mr.order_by.size(); ++i) {
    const OrderItem& o = mr.order_by[i];
    BoundExprPtr b = bind(*o.expr, in.scope);
    if (b->kind != BoundKind::kInputRef) plan_fail(o.expr->pos, "ORDER BY of MATCH_RECOGNIZE takes columns");
    if (i == 0) {
      if (b->type.time_attribute == TimeAttribute::kProctime) {
        plan_fail(o.expr->pos, "MATCH_RECOGNIZE ordered by processing time is not supported yet; order by a rowtime "
                               "attribute");
      }
      if (b->type.time_attribute != TimeAttribute::kRowtime) {
        plan_fail(o.expr->pos, "You must specify either rowtime or proctime for order by as the first one.");
      }
      if (!o.ascending) plan_fail(o.expr->pos, "Primary sort order of a streaming table must be ascending on time.");
      spec->rowtime_index = b->index;
    } else {
      spec->secondary_order.push_back(b->index);
      spec->secondary_ascending.push_back(o.ascending);
    }
  }
  std::vector<SourcePos> positions;
  translate_pattern(mr.pattern, &spec->variables, &spec->pattern, &positions);
  bool all_optional = true;
  for (const MatchElement& el : spec->pattern) all_optional = all_optional && el.optional;
  if (all_optional) {
    plan_fail(mr.pattern.pos, "a pattern that can match no row is not supported (as in Flink: Patterns that can "
                              "produce empty matches are not supported. There must be at least one non-optional "
                              "state.)");
  }
  if (spec->pattern.back().greedy) {
    plan_fail(positions.back(), "Greedy quantifiers are not allowed as the last element of a Pattern yet. Finish your "
                                "pattern with either a simple variable or reluctant quantifier.");
  }
  auto variable_index = [&](const std::string& name, SourcePos pos, std::string_view where) {
    for (size_t i = 0; i < spec->variables.size(); ++i) {
      if (spec->variables[i] == name) return static_cast<int>(i);
    }
    plan_fail(pos, fmt::format("{} names '{}', which is not a variable of the PATTERN", where, name));
  };
  switch (mr.after) {
    case MatchRecognize::After::kPastLastRow: spec->after = MatchSpec::After::kPastLastRow; break;
    case MatchRecognize::After::kToNextRow: spec->after = MatchSpec::After::kToNextRow; break;
    case MatchRecognize::After::kToFirst: spec->after = MatchSpec::After::kToFirst; break;
    case MatchRecognize::After::kToLast: spec->after = MatchSpec::After::kToLast; break;
  }
  if (!mr.after_variable.empty()) spec->after_variable = variable_index(mr.after_variable, mr.after_pos, "AFTER MATCH SKIP");
  if (mr.within) {
    BoundExprPtr w = bind(*mr.within, Scope{});
    if (w->kind != BoundKind::kLiteral || w->type.id != TypeId::kIntervalDayTime || w->value.is_null() ||
        w->value.as_int() <= 0) {
      plan_fail(mr.within->pos, "Only constant intervals with millisecond resolution are supported as time constraints "
                                "of patterns.");
    }
    spec->within_ms = w->value.as_int();
  }
  MatchBinding binding;
  // An expression bound with pattern variables in scope (then out of scope again, error or not).
  auto bind_matched = [&](const Expr& e) {
    match_ = &binding;
    try {
      BoundExprPtr b = bind(e, in.scope);
      match_ = nullptr;
      return b;
    } catch (...) {
      match_ = nullptr;
      throw;
    }
  };
  binding.variables = spec->variables;
  binding.input_width = static_cast<int>(in.node->schema.size());
  const DataType& order_type = in.node->schema[static_cast<size_t>(spec->rowtime_index)].type;
  binding.rowtime_type = (order_type.id == TypeId::kTimestampLtz ? DataType::timestamp_ltz(3) : DataType::timestamp(3));
  binding.rowtime_type.time_attribute = TimeAttribute::kRowtime;
  spec->define.resize(spec->variables.size());
  std::vector<std::string> define_texts;
  for (const PatternDefinition& d : mr.define) {
    // Flink ignores the definition of a variable the PATTERN does not have.
    if (std::find(spec->variables.begin(), spec->variables.end(), d.variable) == spec->variables.end()) continue;
    const int v = variable_index(d.variable, d.pos, "DEFINE");
    if (!spec->define[static_cast<size_t>(v)].exprs.empty()) {
      plan_fail(d.pos, fmt::format("pattern variable '{}' is defined twice", d.variable));
    }
    binding.measures = false;
    binding.out = &spec->define[static_cast<size_t>(v)];
    BoundExprPtr cond = bind_matched(*d.condition);
    if (cond->type.id != TypeId::kBoolean && cond->type.id != TypeId::kNull) {
      plan_fail(d.condition->pos, fmt::format("the condition of '{}' must be BOOLEAN, got {}", d.variable,
                                              type_name(cond->type)));
    }
    binding.out->exprs.push_back(cond);
    define_texts.push_back(d.variable + "=[" + print_expr(*d.condition) + "]");
  }
  binding.measures = true;
  binding.out = &spec->measures;
  std::vector<std::string> measure_texts;
  for (const MeasureItem& item : mr.measures) {
    BoundExprPtr b = bind_matched(*item.expr);
    spec->measures.exprs.push_back(b);
    DataType type = b->type;
    const bool is_rowtime = b->kind == BoundKind::kInputRef && b->index >= binding.input_width &&
                            spec->measures.slots[static_cast<size_t>(b->index - binding.input_width)].kind ==
                                MatchSlot::Kind::kMatchRowtime;
    if (!is_rowtime) type = type.without_time_attribute();
    schema.push_back({item.alias, type});
    scope.columns.push_back({ref.alias, item.alias, type});
    measure_texts.push_back(print_expr(*item.expr) + " AS " + item.alias);
  }
  static const char* kAfter[] = {"SKIP PAST LAST ROW", "SKIP TO NEXT ROW", "SKIP TO FIRST ", "SKIP TO LAST "};
  std::vector<std::string> partition_names, order_names;
  for (int k : spec->partition_keys) partition_names.push_back(in.node->schema[static_cast<size_t>(k)].name);
  order_names.push_back(in.node->schema[static_cast<size_t>(spec->rowtime_index)].name + " ASC");
  for (size_t i = 0; i < spec->secondary_order.size(); ++i) {
    order_names.push_back(in.node->schema[static_cast<size_t>(spec->secondary_order[i])].name +
                          (spec->secondary_ascending[i] ? " ASC" : " DESC"));
  }
  spec->text = fmt::format("Match(partitionBy=[{}], orderBy=[{}], measures=[{}], rowsPerMatch=[ONE ROW PER MATCH], "
                           "after=[{}{}], pattern=[{}]{}, define=[{}])",
                           fmt::join(partition_names, ", "), fmt::join(order_names, ", "),
                           fmt::join(measure_texts, ", "), kAfter[static_cast<int>(spec->after)], mr.after_variable,
                           print_pattern(mr.pattern),
                           spec->within_ms ? fmt::format(", within=[{} ms]", spec->within_ms) : "",
                           fmt::join(define_texts, ", "));
  PlanPtr n = make_node(PlanKind::kMatch, {in.node}, schema);
  n->match = spec;
  infer_changelog(*n);
  return {n, scope};
}

}  // namespace careflow::sql
