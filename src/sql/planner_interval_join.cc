// Interval joins, as Flink's IntervalJoinUtil recognises them: a join condition (ON, or a WHERE
// over a join) holding two range comparisons, or one equality, each between a time attribute of
// the left input and one of the right (`o.ts BETWEEN s.ts - INTERVAL '1' HOUR AND s.ts`, `o.ts >=
// s.ts AND o.ts < s.ts + INTERVAL '5' MINUTE`, `o.ts = s.ts`). Such a join is Flink's IntervalJoin:
// it keeps each row until the watermark says no row of the other input can fall in its window,
// emits only inserts, pads an outer row with NULLs when it leaves the window unjoined, and keeps
// both inputs' rowtime attributes in its result. A comparison that bounds in one direction only
// leaves a regular join, as in Flink.
// source: flink-table-planner IntervalJoinUtil (extractWindowBoundsFromPredicate,
//         computeWindowBoundFromPredicate), StreamPhysicalIntervalJoinRule, StreamExecIntervalJoin
#include "sql/planner_impl.h"

namespace careflow::sql {

namespace {

struct TimeAccess {
  TimeAttribute kind = TimeAttribute::kNone;
  bool left = false;
  int index = -1;  // in its own input's row
};

// A conjunct that compares a time attribute of one input with one of the other.
struct TimePredicate {
  const BoundExpr* pred;
  TimeAccess lhs, rhs;  // the accesses on each side of the comparison
};

// Whether `e` reads a column that is not a time attribute (then it is no window bound).
bool reads_non_time_column(const BoundExpr& e, const Scope& scope) {
  std::vector<int> refs;
  collect_input_refs(e, &refs);
  for (int r : refs) {
    if (r < 0 || static_cast<size_t>(r) >= scope.columns.size() ||
        scope.columns[static_cast<size_t>(r)].type.time_attribute == TimeAttribute::kNone) {
      return true;
    }
  }
  return false;
}

// The one time attribute `e` reads (kind kNone when none); false when it reads more than one.
bool time_access(const BoundExpr& e, const Scope& scope, int left_width, TimeAccess* out) {
  std::vector<int> refs;
  collect_input_refs(e, &refs);
  if (refs.size() > 1) return false;
  if (refs.size() == 1) {
    const int r = refs[0];
    out->kind = scope.columns[static_cast<size_t>(r)].type.time_attribute;
    out->left = r < left_width;
    out->index = r < left_width ? r : r - left_width;
  }
  return true;
}

std::optional<TimePredicate> time_predicate(const BoundExpr& p, const Scope& scope, int left_width) {
  if (p.kind != BoundKind::kCompare || p.args.size() != 2) return std::nullopt;
  if (p.op != "<" && p.op != "<=" && p.op != ">" && p.op != ">=" && p.op != "=") return std::nullopt;
  if (reads_non_time_column(*p.args[0], scope) || reads_non_time_column(*p.args[1], scope)) return std::nullopt;
  TimePredicate t{&p, {}, {}};
  if (!time_access(*p.args[0], scope, left_width, &t.lhs) || !time_access(*p.args[1], scope, left_width, &t.rhs)) {
    return std::nullopt;
  }
  if (t.lhs.kind == TimeAttribute::kNone || t.rhs.kind == TimeAttribute::kNone) return std::nullopt;
  if (t.lhs.kind != t.rhs.kind || t.lhs.left == t.rhs.left) return std::nullopt;
  return t;
}

// One side of a window bound with its time attribute read as 0: a constant in milliseconds. Flink
// reduces the side with its expression reducer; careflow folds the shapes a bound is written in
// (the time attribute plus or minus day-time INTERVALs, multiplied by integers, CASTs of them) and
// refuses the rest rather than plan a different join.
bool fold_bound(const BoundExpr& e, int64_t* out) {
  switch (e.kind) {
    case BoundKind::kInputRef: *out = 0; return true;
    case BoundKind::kLiteral:
      if (e.value.is_null() || (e.type.id != TypeId::kIntervalDayTime && !e.type.is_integer())) return false;
      *out = e.value.as_int();
      return true;
    case BoundKind::kCast:
      return (e.type.is_timestamp() || e.type.id == TypeId::kIntervalDayTime) && fold_bound(*e.args[0], out);
    case BoundKind::kNegate: {
      int64_t a = 0;
      return fold_bound(*e.args[0], &a) && !__builtin_sub_overflow(int64_t{0}, a, out);
    }
    case BoundKind::kArithmetic: {
      int64_t a = 0, b = 0;
      if (!fold_bound(*e.args[0], &a) || !fold_bound(*e.args[1], &b)) return false;
      if (e.op == "+") return !__builtin_add_overflow(a, b, out);
      if (e.op == "-") return !__builtin_sub_overflow(a, b, out);
      if (e.op == "*") return !__builtin_mul_overflow(a, b, out);
      return false;
    }
    default: return false;
  }
}

struct WindowBound {
  int64_t bound;
  bool left_lower;
};

WindowBound window_bound(const TimePredicate& t, SourcePos pos) {
  const std::string& op = t.pred->op;
  const bool left_on_lhs = t.lhs.left;
  bool left_lower = true;
  if (op == ">" || op == ">=") left_lower = left_on_lhs;
  if (op == "<" || op == "<=") left_lower = !left_on_lhs;
  int64_t lhs = 0, rhs = 0, offset = 0;
  if (!fold_bound(*t.pred->args[0], &lhs) || !fold_bound(*t.pred->args[1], &rhs) ||
      __builtin_sub_overflow(left_on_lhs ? rhs : lhs, left_on_lhs ? lhs : rhs, &offset) || offset == INT64_MIN ||
      offset == INT64_MAX) {
    plan_fail(pos, "an interval join bound must compare the time attributes plus or minus constant day-time "
                   "INTERVALs (`l.ts BETWEEN r.ts - INTERVAL '1' HOUR AND r.ts`); careflow cannot compute this one");
  }
  int64_t bound = offset;
  // A strict comparison is the inclusive one a millisecond closer.
  if (op == "<") bound = left_on_lhs ? offset - 1 : offset + 1;
  if (op == ">") bound = left_on_lhs ? offset + 1 : offset - 1;
  return {bound, left_lower};
}

// BETWEEN is two range comparisons, as Calcite expands it.
void expand_between(const BoundExprPtr& p, std::vector<BoundExprPtr>* out) {
  if (p->kind != BoundKind::kBetween || p->negated || p->args.size() != 3) {
    out->push_back(p);
    return;
  }
  for (int i = 1; i <= 2; ++i) {
    auto c = std::make_shared<BoundExpr>();
    c->kind = BoundKind::kCompare;
    c->op = i == 1 ? ">=" : "<=";
    c->type = p->type;
    c->args = {p->args[0], p->args[static_cast<size_t>(i)]};
    out->push_back(c);
  }
}


}  // namespace

// A duration as Flink's TimeUtils.parseDuration reads one: a whole number, then optional blanks and
// a unit (none: milliseconds); nullopt when it is not one or does not fit.
std::optional<int64_t> parse_duration_ms(std::string_view text) {
  static const std::pair<const char*, int64_t> kUnits[] = {
      {"ms", 1}, {"milli", 1}, {"millis", 1}, {"millisecond", 1}, {"milliseconds", 1},
      {"s", 1000}, {"sec", 1000}, {"secs", 1000}, {"second", 1000}, {"seconds", 1000},
      {"min", 60000}, {"m", 60000}, {"minute", 60000}, {"minutes", 60000},
      {"h", 3600000}, {"hour", 3600000}, {"hours", 3600000},
      {"d", 86400000}, {"day", 86400000}, {"days", 86400000}};
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  size_t digits = 0;
  int64_t value = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    if (__builtin_mul_overflow(value, int64_t{10}, &value) || __builtin_add_overflow(value, text[digits] - '0', &value)) {
      return std::nullopt;
    }
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  std::string_view unit = text.substr(digits);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  if (unit.empty()) return value;
  std::string lower;
  for (char c : unit) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  for (const auto& [name, ms] : kUnits) {
    int64_t out = 0;
    if (lower == name) return __builtin_mul_overflow(value, ms, &out) ? std::nullopt : std::optional<int64_t>(out);
  }
  return std::nullopt;
}

std::optional<IntervalJoinSplit> extract_interval_bounds(const std::vector<BoundExprPtr>& conjuncts,
                                                         const Scope& scope, int left_width, SourcePos pos) {
  std::vector<BoundExprPtr> parts;
  for (const BoundExprPtr& c : conjuncts) expand_between(c, &parts);
  std::vector<TimePredicate> times;
  std::vector<BoundExprPtr> rest;
  for (const BoundExprPtr& p : parts) {
    if (std::optional<TimePredicate> t = time_predicate(*p, scope, left_width)) {
      times.push_back(*t);
    } else {
      rest.push_back(p);
    }
  }
  // Two range comparisons, or one equality (Flink's rule); anything else is a regular join.
  const auto equality = [](const TimePredicate& t) { return t.pred->op == "="; };
  if (times.size() == 1 && !equality(times[0])) return std::nullopt;
  if (times.size() == 2 && (equality(times[0]) || equality(times[1]))) return std::nullopt;
  if (times.empty() || times.size() > 2) return std::nullopt;

  IntervalJoinSplit out;
  out.bounds.rowtime = times[0].lhs.kind == TimeAttribute::kRowtime;
  if (times.size() == 1) {
    const WindowBound b = window_bound(times[0], pos);
    out.bounds.left_lower = out.bounds.left_upper = b.bound;
  } else {
    const WindowBound x = window_bound(times[0], pos), y = window_bound(times[1], pos);
    if (x.left_lower == y.left_lower) return std::nullopt;  // both bound the same direction
    out.bounds.left_lower = x.left_lower ? x.bound : y.bound;
    out.bounds.left_upper = x.left_lower ? y.bound : x.bound;
  }
  const TimePredicate& head = times[0];
  out.bounds.left_time = head.lhs.left ? head.lhs.index : head.rhs.index;
  out.bounds.right_time = head.lhs.left ? head.rhs.index : head.lhs.index;
  out.rest = std::move(rest);
  return out;
}

bool is_interval_join_bound(const BoundExpr& conjunct, const Scope& scope, int left_width) {
  std::vector<BoundExprPtr> parts;
  expand_between(std::make_shared<BoundExpr>(conjunct), &parts);
  for (const BoundExprPtr& p : parts) {
    if (time_predicate(*p, scope, left_width)) return true;
  }
  return false;
}

QueryPlanner::Planned QueryPlanner::interval_join(Planned left, Planned right, JoinType type,
                                                  const IntervalJoinSplit& split, SourcePos pos) {
  const IntervalBounds& b = split.bounds;
  const int nl = static_cast<int>(left.scope.columns.size());
  const int nr = static_cast<int>(right.scope.columns.size());
  if (!b.rowtime) {
    plan_fail(pos, "processing-time interval joins (bounds between PROCTIME() columns) are not supported yet; bound "
                   "the inputs' rowtime attributes");
  }
  const DataType& lt = left.node->schema[static_cast<size_t>(b.left_time)].type;
  const DataType& rt = right.node->schema[static_cast<size_t>(b.right_time)].type;
  if (lt.id != rt.id) {
    plan_fail(pos, fmt::format("Interval join with rowtime attribute requires same rowtime types, but the types are "
                               "{} *ROWTIME* and {} *ROWTIME*",
                               type_name(lt), type_name(rt)));
  }
  for (const PlanPtr& in : {left.node, right.node}) {
    if (!in->insert_only) {
      plan_fail(pos, fmt::format("StreamPhysicalIntervalJoin doesn't support consuming update and delete changes "
                                 "which is produced by node {}",
                                 describe_update_origin(*in)));
    }
  }
  Scope scope = left.scope;
  for (const ScopeColumn& c : right.scope.columns) scope.columns.push_back(c);
  std::vector<int> left_keys, right_keys;
  std::vector<BoundExprPtr> residual;
  if (BoundExprPtr rest = and_all(split.rest)) split_join_condition(rest, nl, &left_keys, &right_keys, &residual);
  // Both inputs' time attributes stay time attributes (Flink keeps them through an interval join).
  std::vector<PlanField> schema;
  for (int i = 0; i < nl + nr; ++i) {
    ScopeColumn& c = scope.columns[static_cast<size_t>(i)];
    const bool from_left = i < nl;
    if ((type == JoinType::kLeft && !from_left) || (type == JoinType::kRight && from_left) || type == JoinType::kFull) {
      c.type.nullable = true;
    }
    schema.push_back({c.name, c.type});
  }
  std::optional<int64_t> min_cleanup = parse_duration_ms(options_.interval_join_min_cleanup);
  if (!min_cleanup) {
    plan_fail(pos, fmt::format("'table.exec.interval-join.min-cleanup-interval' = '{}' is not a duration (such as "
                               "'0', '500 ms', '5 s', '1 min')",
                               options_.interval_join_min_cleanup));
  }
  PlanPtr n = make_node(PlanKind::kIntervalJoin, {left.node, right.node}, schema);
  n->join_type = type == JoinType::kCross ? JoinType::kInner : type;
  n->left_keys = std::move(left_keys);
  n->right_keys = std::move(right_keys);
  n->condition = and_all(residual);
  n->interval = b;
  n->interval.min_cleanup = *min_cleanup;
  infer_changelog(*n);
  return {n, scope};
}

}  // namespace careflow::sql
