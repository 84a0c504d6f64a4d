// Changelog inference and the rules that turn ROW_NUMBER patterns into Top-N or deduplication.
#include <algorithm>

#include "sql/planner_impl.h"

namespace careflow::sql {

namespace {

bool all_insert_only(const PlanNode& n) {
  for (const PlanPtr& in : n.inputs) {
    if (!in->insert_only) return false;
  }
  return true;
}

}  // namespace

void infer_changelog(PlanNode& n) {
  n.upsert_key.clear();
  n.filters_updates = false;
  switch (n.kind) {
    case PlanKind::kSource: {
      ChangelogMode mode = n.table->changelog_mode();
      n.insert_only = mode == ChangelogMode::kAppend;
      if (mode == ChangelogMode::kUpsert) n.upsert_key = n.table->primary_key_indexes();
      break;
    }
    case PlanKind::kValues: n.insert_only = true; break;
    case PlanKind::kCalc: {
      n.insert_only = n.inputs[0]->insert_only;
      // The key survives when every key column is projected as is.
      std::vector<int> key;
      for (int k : n.inputs[0]->upsert_key) {
        int found = -1;
        for (size_t i = 0; i < n.projections.size(); ++i) {
          if (n.projections[i]->kind == BoundKind::kInputRef && n.projections[i]->index == k) found = static_cast<int>(i);
        }
        if (found < 0) { key.clear(); break; }
        key.push_back(found);
      }
      if (!n.inputs[0]->upsert_key.empty()) n.upsert_key = key;
      n.filters_updates = n.inputs[0]->filters_updates || (n.filter && !n.insert_only);
      break;
    }
    case PlanKind::kChangelogNormalize:
      n.insert_only = false;
      n.upsert_key = n.partition_keys;
      break;
    case PlanKind::kGroupAggregate:
      n.insert_only = false;
      n.upsert_key = n.group_keys;
      break;
    case PlanKind::kJoin: n.insert_only = all_insert_only(n) && n.join_type == JoinType::kInner; break;
    case PlanKind::kSemiJoin: n.insert_only = all_insert_only(n) && !n.anti; break;
    case PlanKind::kRank:
      if (n.window_rank) {
        n.insert_only = true;
        break;
      }
      n.insert_only = false;
      n.upsert_key = n.partition_keys;
      if (n.output_rank_number) n.upsert_key.push_back(static_cast<int>(n.schema.size() - 1));
      break;
    case PlanKind::kDeduplicate:
      n.insert_only = !n.keep_last && !n.rowtime && n.inputs[0]->insert_only;
      n.upsert_key = n.partition_keys;
      break;
    case PlanKind::kCorrelate: n.insert_only = n.inputs[0]->insert_only; break;
    case PlanKind::kUnion: n.insert_only = all_insert_only(n); break;
    case PlanKind::kSink: n.insert_only = n.inputs[0]->insert_only; break;
    case PlanKind::kWatermarkAssigner: n.insert_only = n.inputs[0]->insert_only; break;
    // Window table functions and window aggregates take insert-only input (the planner refuses
    // the rest) and emit rows once: a window's result when the watermark passes its end.
    case PlanKind::kWindowTableFunction:
    case PlanKind::kWindowAggregate: n.insert_only = true; break;
    // Each left row is joined once, with the version valid at its time, keeping its kind.
    case PlanKind::kTemporalJoin:
    case PlanKind::kLookupJoin: n.insert_only = n.inputs[0]->insert_only; break;
    case PlanKind::kDropUpdateBefore:
      n.insert_only = n.inputs[0]->insert_only;
      n.drops_update_before = true;
      n.upsert_key = n.inputs[0]->upsert_key;
      break;
    // OVER aggregation takes insert-only input and emits each row once, with its aggregates, when
    // the watermark passes its time.
    case PlanKind::kOverAggregate: n.insert_only = true; break;
    // MATCH_RECOGNIZE takes an append table and emits one row per match, once (Flink's rule).
    case PlanKind::kMatch: n.insert_only = true; break;
    // An interval join takes append-only inputs (the planner refuses the rest) and emits each
    // joined or padded row once.
    case PlanKind::kIntervalJoin: n.insert_only = true; break;
    // A window join takes windowed (insert-only) inputs and joins each window once.
    case PlanKind::kWindowJoin: n.insert_only = true; break;
    // Expand copies each row once per grouping set, keeping its kind.
    case PlanKind::kExpand: n.insert_only = n.inputs[0]->insert_only; break;
  }
}

namespace {

// e with every input reference i replaced by inner[i] (Calc fusion).
BoundExprPtr substitute(const BoundExprPtr& e, const std::vector<BoundExprPtr>& inner) {
  if (e->kind == BoundKind::kInputRef) return inner[static_cast<size_t>(e->index)];
  if (e->args.empty()) return e;
  auto copy = std::make_shared<BoundExpr>(*e);
  for (BoundExprPtr& a : copy->args) a = substitute(a, inner);
  return copy;
}

BoundExprPtr and_of(BoundExprPtr a, BoundExprPtr b) {
  if (!a) return b;
  if (!b) return a;
  auto e = std::make_shared<BoundExpr>();
  e->kind = BoundKind::kAnd;
  e->type = DataType::boolean();
  e->type.nullable = a->type.nullable || b->type.nullable;
  e->args = {std::move(a), std::move(b)};
  return e;
}

void split(const BoundExprPtr& e, std::vector<BoundExprPtr>* out) {
  if (e->kind == BoundKind::kAnd) {
    for (const auto& a : e->args) split(a, out);
  } else {
    out->push_back(e);
  }
}

bool uses_column(const BoundExpr& e, int column) {
  std::vector<int> refs;
  collect_input_refs(e, &refs);
  return std::find(refs.begin(), refs.end(), column) != refs.end();
}

// `rn <op> literal` or `literal <op> rn` over the rank column → updates [start, end]; true if it
// was a rank bound.
bool absorb_rank_bound(const BoundExpr& e, int rank_column, int64_t* start, int64_t* end) {
  // Casts of the rank column (BIGINT) or of the literals (INT) are looked through.
  auto strip = [](const BoundExpr* x) {
    while (x->kind == BoundKind::kCast) x = x->args[0].get();
    return x;
  };
  auto is_int_literal = [](const BoundExpr* x) {
    return x->kind == BoundKind::kLiteral && x->type.is_integer() && !x->value.is_null();
  };
  if (e.kind == BoundKind::kBetween && !e.negated) {
    const BoundExpr* col = strip(e.args[0].get());
    const BoundExpr* lo = strip(e.args[1].get());
    const BoundExpr* hi = strip(e.args[2].get());
    if (col->kind == BoundKind::kInputRef && col->index == rank_column && is_int_literal(lo) && is_int_literal(hi)) {
      *start = std::max(*start, lo->value.as_int());
      *end = std::min(*end, hi->value.as_int());
      return true;
    }
    return false;
  }
  if (e.kind != BoundKind::kCompare) return false;
  const BoundExpr* col = e.args[0].get();
  const BoundExpr* lit = e.args[1].get();
  std::string op = e.op;
  col = strip(col);
  lit = strip(lit);
  if (col->kind == BoundKind::kLiteral) {
    std::swap(col, lit);
    if (op == "<") op = ">";
    else if (op == ">") op = "<";
    else if (op == "<=") op = ">=";
    else if (op == ">=") op = "<=";
  }
  if (col->kind != BoundKind::kInputRef || col->index != rank_column || lit->kind != BoundKind::kLiteral ||
      !lit->type.is_integer() || lit->value.is_null()) {
    return false;
  }
  int64_t v = lit->value.as_int();
  if (op == "=") { *start = std::max(*start, v); *end = std::min(*end, v); return true; }
  if (op == "<=") { *end = std::min(*end, v); return true; }
  if (op == "<") { *end = std::min(*end, v - 1); return true; }
  if (op == ">=") { *start = std::max(*start, v); return true; }
  if (op == ">") { *start = std::max(*start, v + 1); return true; }
  return false;
}

PlanPtr rewrite(PlanPtr n);

// Calc over an open ROW_NUMBER Rank: bound the rank by the filter, drop the number if unused,
// recognize deduplication.
PlanPtr bound_rank(PlanPtr calc_node) {
  PlanPtr rank = calc_node->inputs[0];
  const int rank_column = static_cast<int>(rank->schema.size() - 1);
  std::vector<BoundExprPtr> conjuncts, rest;
  if (calc_node->filter) split(calc_node->filter, &conjuncts);
  int64_t start = 1, end = INT64_MAX;
  bool bounded = false;
  for (const BoundExprPtr& c : conjuncts) {
    if (absorb_rank_bound(*c, rank_column, &start, &end)) bounded = true;
    else rest.push_back(c);
  }
  if (!bounded || end == INT64_MAX) {
    throw PlanError{"ROW_NUMBER() needs a filter on its result in the enclosing query, such as WHERE rn = 1 "
                    "(deduplication) or WHERE rn <= 3 (Top-N); a streaming query cannot number rows without one"};
  }
  if (end < start) throw PlanError{"the filter on ROW_NUMBER() selects no rows (its range is empty)"};
  rank->rank_start = start;
  rank->rank_end = end;
  BoundExprPtr remaining;
  for (const auto& r : rest) remaining = and_of(remaining, r);
  calc_node->filter = remaining;
  bool number_used = (remaining && uses_column(*remaining, rank_column));
  for (const auto& p : calc_node->projections) number_used = number_used || uses_column(*p, rank_column);
  rank->output_rank_number = number_used;
  if (!number_used) rank->schema.pop_back();
  // Deduplication: the first row by a time attribute, nothing else asked of the rank.
  if (!number_used && start == 1 && end == 1 && rank->order.size() == 1 && !rank->window_rank) {
    const DataType& t = rank->inputs[0]->schema[static_cast<size_t>(rank->order[0].index)].type;
    if (t.time_attribute != TimeAttribute::kNone) {
      rank->kind = PlanKind::kDeduplicate;
      rank->keep_last = !rank->order[0].ascending;
      rank->rowtime = t.time_attribute == TimeAttribute::kRowtime;
      if (!rank->keep_last && !rank->rowtime && !rank->inputs[0]->insert_only) {
        throw PlanError{"deduplication keeping the first row by PROCTIME() needs an insert-only input; this one "
                        "has updates (keep the last row with ORDER BY ... DESC instead)"};
      }
    }
  }
  infer_changelog(*rank);
  infer_changelog(*calc_node);
  return calc_node;
}

PlanPtr rewrite(PlanPtr n) {
  // Fuse Calc(Calc(x)) chains first, top-down, so that a rank filter written in an outer query
  // meets the Rank it bounds.
  while (n->kind == PlanKind::kCalc && n->inputs[0]->kind == PlanKind::kCalc) {
    PlanPtr inner = n->inputs[0];
    auto fused = std::make_shared<PlanNode>(*n);
    fused->inputs = inner->inputs;
    fused->projections.clear();
    for (const auto& p : n->projections) fused->projections.push_back(substitute(p, inner->projections));
    BoundExprPtr outer_filter = n->filter ? substitute(n->filter, inner->projections) : nullptr;
    fused->filter = and_of(inner->filter, outer_filter);
    n = fused;
  }
  for (PlanPtr& in : n->inputs) in = rewrite(in);
  if (n->kind == PlanKind::kCalc && n->inputs[0]->kind == PlanKind::kRank && n->inputs[0]->output_rank_number &&
      n->inputs[0]->rank_end == INT64_MAX) {
    n = bound_rank(n);
  }
  infer_changelog(*n);
  return n;
}

void check_ranks_bounded(const PlanNode& n) {
  if (n.kind == PlanKind::kRank && n.rank_end == INT64_MAX) {
    throw PlanError{"ROW_NUMBER() needs a filter on its result in the enclosing query, such as WHERE rn = 1 "
                    "(deduplication) or WHERE rn <= 3 (Top-N); a streaming query cannot number rows without one"};
  }
  for (const PlanPtr& in : n.inputs) check_ranks_bounded(*in);
}

}  // namespace

PlanPtr apply_rank_rules(PlanPtr root) {
  root = rewrite(root);
  check_ranks_bounded(*root);
  return root;
}

}  // namespace careflow::sql
