// Window table functions (TABLE(TUMBLE|HOP|CUMULATE(...)) in FROM) and window aggregation (GROUP
// BY window_start, window_end over one), as Flink plans them: the function alone is a
// WindowTableFunction; grouped by its window it merges into a WindowAggregate that reads the
// function's input and assigns rows to slices itself (Flink's SlicingWindowOperator).
#include <fmt/ranges.h>

#include "sql/planner_impl.h"

namespace careflow::sql {

namespace {

// The parameters of each function, in positional order; the last (OFFSET) may be left out.
const std::vector<std::string>& parameters(const std::string& function) {
  static const std::vector<std::string> kTumble = {"DATA", "TIMECOL", "SIZE", "OFFSET"};
  static const std::vector<std::string> kHop = {"DATA", "TIMECOL", "SLIDE", "SIZE", "OFFSET"};
  static const std::vector<std::string> kCumulate = {"DATA", "TIMECOL", "STEP", "SIZE", "OFFSET"};
  static const std::vector<std::string> kSession = {"DATA", "TIMECOL", "GAP"};
  if (function == "HOP") return kHop;
  if (function == "CUMULATE") return kCumulate;
  if (function == "SESSION") return kSession;
  return kTumble;
}

}  // namespace

// A constant INTERVAL ... DAY TO SECOND argument, in milliseconds.
int64_t QueryPlanner::window_interval(const TvfArg& arg, const std::string& function, const std::string& param) {
  if (!arg.expr) plan_fail(arg.pos, fmt::format("{}'s {} must be an INTERVAL", function, param));
  BoundExprPtr b = bind(*arg.expr, Scope{});
  if (b->kind != BoundKind::kLiteral || b->type.id != TypeId::kIntervalDayTime || b->value.is_null()) {
    plan_fail(arg.pos, fmt::format("{}'s {} must be a constant INTERVAL of days to seconds, got {}", function, param,
                                   type_name(b->type)));
  }
  return b->value.as_int();
}

QueryPlanner::Planned QueryPlanner::window_table_function(const TableRef& ref) {
  const std::string& fn = ref.function;
  const std::vector<std::string>& params = parameters(fn);
  std::vector<const TvfArg*> slot(params.size(), nullptr);
  size_t positional = 0;
  for (const TvfArg& a : ref.tvf_args) {
    size_t index = positional++;
    if (!a.name.empty()) {
      auto found = std::find(params.begin(), params.end(), a.name);
      if (found == params.end()) {
        plan_fail(a.pos, fmt::format("{} has no parameter {}; its parameters are {}", fn, a.name,
                                     fmt::join(params, ", ")));
      }
      index = static_cast<size_t>(found - params.begin());
    }
    if (index >= params.size()) plan_fail(a.pos, fmt::format("{} takes at most {} arguments", fn, params.size()));
    if (slot[index]) plan_fail(a.pos, fmt::format("{}'s {} is given twice", fn, params[index]));
    slot[index] = &a;
  }
  const bool session = fn == "SESSION";
  // Every parameter but OFFSET is required (SESSION has none).
  for (size_t i = 0; i + (session ? 0 : 1) < params.size(); ++i) {
    if (!slot[i]) plan_fail(ref.pos, fmt::format("{} needs its {} argument", fn, params[i]));
  }
  if (!slot[0]->table) plan_fail(slot[0]->pos, fmt::format("{}'s DATA must be TABLE name", fn));
  if (!session && !slot[0]->partition_by.empty()) {
    plan_fail(slot[0]->pos, fmt::format("{} takes no PARTITION BY (only SESSION does)", fn));
  }
  if (!slot[1]->is_descriptor || slot[1]->descriptor.size() != 1) {
    plan_fail(slot[1]->pos, fmt::format("{}'s TIMECOL must be DESCRIPTOR(column)", fn));
  }
  Planned in = from(*slot[0]->table);
  if (!in.node->insert_only) {
    plan_fail(ref.pos, fmt::format("{} over an updating table is not supported (Flink's WindowTableFunction takes "
                                   "insert-only input)", fn));
  }
  const std::string& time_name = slot[1]->descriptor[0];
  int time_index = -1;
  for (size_t i = 0; i < in.scope.columns.size(); ++i) {
    if (in.scope.columns[i].name == time_name) time_index = static_cast<int>(i);
  }
  if (time_index < 0) plan_fail(slot[1]->pos, fmt::format("column '{}' not found in {}'s table", time_name, fn));
  const DataType time_type = in.scope.columns[static_cast<size_t>(time_index)].type;
  // Processing time: the rows fall into the windows of the time they arrive at (Flink refuses
  // window Top-N, deduplication and joins over them: check_processing_time_windows).
  const bool proctime = time_type.time_attribute == TimeAttribute::kProctime;
  if (!proctime && time_type.time_attribute != TimeAttribute::kRowtime) {
    plan_fail(slot[1]->pos, fmt::format("The window function requires the timecol is a time attribute type, but is {}",
                                        type_name(time_type)));
  }
  WindowSpec w;
  w.pos = ref.pos;
  if (session) {
    w.kind = WindowSpec::Kind::kSession;
    w.size = w.slide = window_interval(*slot[2], fn, "GAP");
    for (const std::string& name : slot[0]->partition_by) {
      int index = -1;
      for (size_t i = 0; i < in.scope.columns.size(); ++i) {
        if (in.scope.columns[i].name == name) index = static_cast<int>(i);
      }
      if (index < 0) plan_fail(slot[0]->pos, fmt::format("PARTITION BY column '{}' not found in SESSION's table", name));
      w.partition_keys.push_back(index);
      w.partition_names.push_back(name);
    }
  } else {
    w.kind = fn == "HOP" ? WindowSpec::Kind::kHop : fn == "CUMULATE" ? WindowSpec::Kind::kCumulate
                                                                       : WindowSpec::Kind::kTumble;
    w.size = window_interval(*slot[params.size() - 2], fn, "SIZE");
    w.slide = w.kind == WindowSpec::Kind::kTumble ? w.size : window_interval(*slot[2], fn, params[2]);
    w.offset = slot.back() ? window_interval(*slot.back(), fn, "OFFSET") : 0;
  }
  w.time_column = time_name;
  w.ltz = time_type.id == TypeId::kTimestampLtz;
  w.proctime = proctime;
  if (w.size <= 0 || w.slide <= 0) plan_fail(ref.pos, fmt::format("{}'s intervals must be positive", fn));
  if (w.kind == WindowSpec::Kind::kCumulate && w.size % w.slide != 0) {
    plan_fail(ref.pos, "CUMULATE's SIZE must be an integral multiple of its STEP");
  }
  // The time column stays a time attribute (Flink refuses a result with it and window_time both).
  std::vector<PlanField> schema = in.node->schema;
  Scope scope = in.scope;
  DataType bound = DataType::timestamp(3).with_nullable(false);
  DataType window_time = (w.ltz ? DataType::timestamp_ltz(3) : DataType::timestamp(3)).with_nullable(false);
  window_time.time_attribute = proctime ? TimeAttribute::kProctime : TimeAttribute::kRowtime;
  for (const auto& [name, type] : std::vector<std::pair<std::string, DataType>>{
           {"window_start", bound}, {"window_end", bound}, {"window_time", window_time}}) {
    schema.push_back({name, type});
    scope.columns.push_back({ref.alias, name, type});
  }
  for (ScopeColumn& c : scope.columns) c.qualifier = ref.alias;
  PlanPtr n = make_node(PlanKind::kWindowTableFunction, {in.node}, schema);
  n->window = w;
  n->rowtime_index = time_index;
  infer_changelog(*n);
  return {n, scope};
}

// The window table function a GROUP BY reads, when it reads one directly or through a Calc that
// only filters (WHERE); the Calc's filter, if any, in `filter`.
const PlanNode* QueryPlanner::window_below(const PlanPtr& node, BoundExprPtr* filter) {
  if (node->kind == PlanKind::kWindowTableFunction) return node.get();
  if (node->kind != PlanKind::kCalc || node->inputs[0]->kind != PlanKind::kWindowTableFunction) return nullptr;
  const PlanNode& tvf = *node->inputs[0];
  if (node->projections.size() != tvf.schema.size()) return nullptr;
  for (size_t i = 0; i < node->projections.size(); ++i) {
    const BoundExpr& p = *node->projections[i];
    if (p.kind != BoundKind::kInputRef || p.index != static_cast<int>(i)) return nullptr;
  }
  *filter = node->filter;
  return &tvf;
}

}  // namespace careflow::sql

namespace careflow::sql {

// The WindowAggregate for GROUP BY over `tvf`: the function's input, filtered by the WHERE
// between them, projected to `pre` (the plain keys, then the aggregates' arguments) plus the
// time column; keys in GROUP BY order, window properties among them.
PlanPtr QueryPlanner::window_aggregate(const PlanNode& tvf, const BoundExprPtr& filter, std::vector<BoundExprPtr> pre,
                                       std::vector<std::string> pre_names, const std::vector<int>& window_keys,
                                       std::vector<PlanField> schema, SourcePos pos) {
  const int width = static_cast<int>(tvf.inputs[0]->schema.size());
  auto reads_window = [&](const BoundExpr& e) {
    std::vector<int> refs;
    collect_input_refs(e, &refs);
    return std::any_of(refs.begin(), refs.end(), [&](int r) { return r >= width; });
  };
  if (filter && reads_window(*filter)) {
    plan_fail(pos, "a WHERE condition on window_start, window_end or window_time before a window aggregation is not "
                   "supported yet");
  }
  for (const BoundExprPtr& p : pre) {
    if (reads_window(*p)) {
      plan_fail(pos, "window aggregation reads window_start, window_end and window_time only as GROUP BY columns; "
                     "using them inside keys or aggregate arguments is not supported yet");
    }
  }
  // (Flink's rule for the table function; the legacy HOP group window slices by gcd(size, slide).)
  if (tvf.window.kind == WindowSpec::Kind::kHop && !tvf.group_window && tvf.window.size % tvf.window.slide != 0) {
    plan_fail(pos, "HOP table function based aggregate requires size must be an integral multiple of slide");
  }
  int rowtime = -1;
  for (size_t i = 0; i < pre.size(); ++i) {
    if (pre[i]->kind == BoundKind::kInputRef && pre[i]->index == tvf.rowtime_index) rowtime = static_cast<int>(i);
  }
  if (rowtime < 0) {
    const PlanField& f = tvf.inputs[0]->schema[static_cast<size_t>(tvf.rowtime_index)];
    pre.push_back(bound_input_ref(tvf.rowtime_index, f.type));
    pre_names.push_back(f.name);
    rowtime = static_cast<int>(pre.size() - 1);
  }
  // SESSION's partition keys, as columns of the pre-projection (the planner groups by them).
  std::vector<int> partition;
  for (int p : tvf.window.partition_keys) {
    for (size_t i = 0; i < pre.size(); ++i) {
      if (pre[i]->kind == BoundKind::kInputRef && pre[i]->index == p) {
        partition.push_back(static_cast<int>(i));
        break;
      }
    }
  }
  PlanPtr pre_calc = calc(tvf.inputs[0], std::move(pre), filter, std::move(pre_names));
  PlanPtr agg = make_node(PlanKind::kWindowAggregate, {pre_calc}, std::move(schema));
  int plain = 0;
  for (int k : window_keys) agg->group_keys.push_back(k != 0 ? k : plain++);
  agg->window = tvf.window;
  agg->window.partition_keys = std::move(partition);
  agg->rowtime_index = rowtime;
  return agg;
}

// Each row is aggregated into the window its own window_start / window_end name (their names in
// `input` do not matter: "window_start AS starttime" stays the window's start), so a GROUP BY
// over a window aggregation's results is again a window aggregation, insert-only and fired by
// the watermark, as Flink's StreamPhysicalWindowAggregateRule plans it — not a regular, updating
// GROUP BY. The window columns are passed after `pre`; the rest is window_aggregate's shape.
PlanPtr QueryPlanner::attached_window_aggregate(const PlanPtr& input, std::vector<BoundExprPtr> pre,
                                                std::vector<std::string> pre_names, const std::vector<int>& window_keys,
                                                const std::vector<BoundExprPtr>& keys, std::vector<PlanField> schema) {
  const WindowSpec* spec = window_spec_of(*input);
  int start = -1, end = -1;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (window_keys[i] == kWindowStartKey && start < 0) start = keys[i]->index;
    if (window_keys[i] == kWindowEndKey && end < 0) end = keys[i]->index;
  }
  // (window_property_of finds window columns only below nodes that have a window spec.)
  if (!spec || start < 0 || end < 0) plan_fail(SourcePos{}, "internal: windowed rows without their windows");
  if (spec->proctime) {
    // (Flink attaches such windows in event time, which a processing-time pipeline never advances.)
    plan_fail(spec->pos, "a window aggregation over the windows of a processing-time window aggregation is not "
                         "supported yet");
  }
  for (int column : {start, end}) {
    const PlanField& f = input->schema[static_cast<size_t>(column)];
    pre.push_back(bound_input_ref(column, f.type));
    pre_names.push_back(f.name);
  }
  const int start_index = static_cast<int>(pre.size()) - 2;
  PlanPtr pre_calc = calc(input, std::move(pre), nullptr, std::move(pre_names));
  PlanPtr agg = make_node(PlanKind::kWindowAggregate, {pre_calc}, std::move(schema));
  int plain = 0;
  for (int k : window_keys) agg->group_keys.push_back(k != 0 ? k : plain++);
  agg->window = *spec;
  agg->window.partition_keys.clear();  // SESSION's keys were its input's; these rows carry their sessions
  agg->window_attached = true;
  agg->window_start_index = start_index;
  agg->rowtime_index = start_index + 1;
  return agg;
}

}  // namespace careflow::sql

namespace careflow::sql {

int window_property_of(const PlanNode& node, int column) {
  switch (node.kind) {
    case PlanKind::kCalc: {
      const BoundExpr& p = *node.projections[static_cast<size_t>(column)];
      return p.kind == BoundKind::kInputRef ? window_property_of(*node.inputs[0], p.index) : 0;
    }
    case PlanKind::kWindowTableFunction: {
      const int width = static_cast<int>(node.inputs[0]->schema.size());
      return column >= width ? kWindowStartKey - (column - width) : window_property_of(*node.inputs[0], column);
    }
    case PlanKind::kWindowAggregate: {
      const int k = node.group_keys.size() > static_cast<size_t>(column) ? node.group_keys[static_cast<size_t>(column)] : 0;
      return k < 0 ? k : 0;
    }
    case PlanKind::kRank:
      return node.window_rank && static_cast<size_t>(column) < node.inputs[0]->schema.size()
                 ? window_property_of(*node.inputs[0], column)
                 : 0;
    default: return 0;
  }
}

const WindowSpec* window_spec_of(const PlanNode& node) {
  if (node.kind == PlanKind::kWindowTableFunction || node.kind == PlanKind::kWindowAggregate) return &node.window;
  if (node.kind == PlanKind::kCalc || (node.kind == PlanKind::kRank && node.window_rank)) {
    return window_spec_of(*node.inputs[0]);
  }
  return nullptr;
}

bool has_window_bounds(const PlanNode& node, const std::vector<int>& columns) {
  bool start = false, end = false;
  for (int c : columns) {
    const int p = window_property_of(node, c);
    start = start || p == kWindowStartKey;
    end = end || p == kWindowEndKey;
  }
  return start && end;
}

}  // namespace careflow::sql
