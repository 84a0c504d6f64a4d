// GROUPING SETS, ROLLUP and CUBE, as Flink 1.20 runs them in window aggregation (the Window
// Aggregation page: GROUP BY window_start, window_end, GROUPING SETS ((supplier_id), ())): the
// aggregate groups each row once per grouping set, the keys a set leaves out NULL in its results.
// Flink plans an Expand (one copy of the row per set, with the set's number $e) before the
// WindowAggregate grouped by the keys and $e; careflow's WindowAggregate does the same itself
// (PlanNode::grouping_sets). Every set must hold window_start and window_end. GROUPING(a) is 1 in
// the rows of a set that leaves a out, else 0; GROUPING_ID(a, b, ...) puts those bits together, the
// first argument the highest (Calcite's rule; PlanNode::grouping_functions). In a plain GROUP BY
// they run as Flink plans them: Expand, then a GroupAggregate keyed by the keys and $e.
#include <set>

#include "sql/planner_impl.h"
#include "sql/printer.h"

namespace careflow::sql {

namespace {

bool is_grouping_construct(const Expr& e) {
  return e.kind == ExprKind::kFunction && (e.name == "GROUPING SETS" || e.name == "ROLLUP" || e.name == "CUBE");
}

}  // namespace

GroupingItems grouping_items(const Select& s) {
  GroupingItems out;
  for (const ExprPtr& g : s.group_by) {
    if (!is_grouping_construct(*g)) {
      out.items.push_back(g.get());
      continue;
    }
    if (out.construct) {
      plan_fail(g->pos, fmt::format("a second grouping construct ({}) in one GROUP BY is not supported yet; list the "
                                    "grouping sets in one GROUPING SETS",
                                    g->name));
    }
    out.construct = g.get();
  }
  if (!out.construct) return out;
  // The construct's expressions, each once (by its text), after the other items.
  const size_t outside = out.items.size();
  std::vector<std::string> texts;
  for (const Expr* item : out.items) texts.push_back(print_expr(*item));
  for (const ExprPtr& set : out.construct->args) {
    std::vector<bool> in(outside, true);
    for (const ExprPtr& e : set->args) {
      const std::string text = print_expr(*e);
      size_t at = 0;
      while (at < texts.size() && texts[at] != text) ++at;
      if (at == texts.size()) {
        texts.push_back(text);
        out.items.push_back(e.get());
        for (std::vector<bool>& earlier : out.sets) earlier.push_back(false);
      }
      if (in.size() < out.items.size()) in.resize(out.items.size(), false);
      in[at] = true;
    }
    in.resize(out.items.size(), false);
    out.sets.push_back(std::move(in));
  }
  for (std::vector<bool>& set : out.sets) set.resize(out.items.size(), false);
  return out;
}

bool is_grouping_function(const Expr& e) {
  return e.kind == ExprKind::kFunction && (e.name == "GROUPING" || e.name == "GROUPING_ID");
}

std::vector<int64_t> grouping_function_values(const Expr& call, const GroupingItems& grouping) {
  if (call.args.empty()) plan_fail(call.pos, fmt::format("{} needs at least one argument", call.name));
  if (call.args.size() > 62) plan_fail(call.pos, fmt::format("{} takes at most 62 arguments", call.name));
  std::vector<size_t> items;
  for (const ExprPtr& a : call.args) {
    const std::string text = print_expr(*a);
    size_t at = 0;
    while (at < grouping.items.size() && print_expr(*grouping.items[at]) != text) ++at;
    if (at == grouping.items.size()) {
      plan_fail(a->pos, fmt::format("the argument {} of {} is not a GROUP BY expression", text, call.name));
    }
    items.push_back(at);
  }
  std::vector<int64_t> values;
  for (const std::vector<bool>& set : grouping.sets) {
    int64_t v = 0;
    for (size_t item : items) v = (v << 1) | (set[item] ? 0 : 1);
    values.push_back(v);
  }
  return values;
}

void check_grouping_sets(const GroupingItems& grouping, const std::vector<int>& window_keys, const PlanNode* tvf,
                         std::vector<DataType>& group_types) {
  const Expr& construct = *grouping.construct;
  if (tvf && tvf->window.kind == WindowSpec::Kind::kSession) {
    plan_fail(construct.pos, fmt::format("{} over SESSION windows is not supported yet", construct.name));
  }
  for (const std::vector<bool>& set : grouping.sets) {
    if (!tvf) break;  // a plain GROUP BY: an Expand before the GroupAggregate (planner_select.cc)
    bool start = false, end = false;
    for (size_t i = 0; i < set.size(); ++i) {
      if (window_keys[i] == kWindowTimeKey && !set[i]) {
        plan_fail(construct.pos, "window_time must be in every grouping set of a window aggregation, or in none");
      }
      start = start || (set[i] && window_keys[i] == kWindowStartKey);
      end = end || (set[i] && window_keys[i] == kWindowEndKey);
    }
    if (!start || !end) {
      plan_fail(construct.pos, "every grouping set of a window aggregation must hold window_start and window_end; "
                               "write GROUP BY window_start, window_end, " + construct.name + " (...)");
    }
  }
  for (size_t i = 0; i < group_types.size(); ++i) {
    for (const std::vector<bool>& set : grouping.sets) {
      if (!set[i]) group_types[i] = group_types[i].with_nullable(true);
    }
  }
}

std::vector<std::vector<bool>> plain_key_sets(const GroupingItems& grouping, const std::vector<int>& window_keys) {
  std::vector<std::vector<bool>> out;
  for (const std::vector<bool>& set : grouping.sets) {
    std::vector<bool> plain;
    for (size_t i = 0; i < set.size(); ++i) {
      if (window_keys[i] == 0) plain.push_back(set[i]);
    }
    out.push_back(std::move(plain));
  }
  return out;
}

}  // namespace careflow::sql
