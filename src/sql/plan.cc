#include "sql/plan.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "sql/printer.h"

namespace careflow::sql {

std::vector<std::string> PlanNode::field_names() const {
  std::vector<std::string> out;
  for (const PlanField& f : schema) out.push_back(f.name);
  return out;
}

std::string changelog_kinds(const PlanNode& node) {
  if (node.insert_only) return "I";
  return node.drops_update_before ? "I,UA,D" : "I,UB,UA,D";
}

namespace {

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out;
}

std::vector<std::string> names_of(const PlanNode& n, const std::vector<int>& indexes) {
  std::vector<std::string> out;
  for (int i : indexes) out.push_back(n.schema[static_cast<size_t>(i)].name);
  return out;
}

std::string order_text(const PlanNode& input, const std::vector<SortKey>& order) {
  std::vector<std::string> parts;
  for (const SortKey& k : order) {
    parts.push_back(input.schema[static_cast<size_t>(k.index)].name + (k.ascending ? " ASC" : " DESC"));
  }
  return join(parts);
}

// Flink's TimeUtils.formatWithHighestUnit: the largest unit that divides the duration.
std::string duration_text(int64_t ms) {
  static const std::pair<int64_t, const char*> kUnits[] = {{86400000, "d"}, {3600000, "h"}, {60000, "min"}, {1000, "s"}};
  for (const auto& [unit, name] : kUnits) {
    if (ms != 0 && ms % unit == 0) return fmt::format("{} {}", ms / unit, name);
  }
  return fmt::format("{} ms", ms);
}

std::string group_key_name(const PlanNode& input, int key) {
  if (key == kWindowStartKey) return "window_start";
  if (key == kWindowEndKey) return "window_end";
  if (key == kWindowTimeKey) return "window_time";
  return input.schema[static_cast<size_t>(key)].name;
}

// Calcite's uniquify: a name already taken gets the first free suffix 0, 1, ... (currency0).
std::vector<std::string> unique_names(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const std::string& name : names) {
    std::string candidate = name;
    for (int suffix = 0; std::find(out.begin(), out.end(), candidate) != out.end(); ++suffix) {
      candidate = name + std::to_string(suffix);
    }
    out.push_back(candidate);
  }
  return out;
}

// As Flink prints it: TemporalJoin(joinType=[InnerJoin], where=[AND(=(currency, currency0),
// __TEMPORAL_JOIN_CONDITION(order_time, update_time, __TEMPORAL_JOIN_CONDITION_PRIMARY_KEY(currency0),
// __TEMPORAL_JOIN_LEFT_KEY(currency), __TEMPORAL_JOIN_RIGHT_KEY(currency0)))], select=[...]).
std::string describe_temporal_join(const PlanNode& n) {
  const PlanNode& left = *n.inputs[0];
  const PlanNode& right = *n.inputs[1];
  std::vector<std::string> all = left.field_names();
  for (const PlanField& f : right.schema) all.push_back(f.name);
  all = unique_names(all);
  const size_t nl = left.schema.size();
  auto left_name = [&](int i) { return all[static_cast<size_t>(i)]; };
  auto right_name = [&](int i) { return all[nl + static_cast<size_t>(i)]; };
  std::vector<std::string> conjuncts, left_keys, right_keys, primary_key;
  for (size_t i = 0; i < n.left_keys.size(); ++i) {
    conjuncts.push_back(fmt::format("=({}, {})", left_name(n.left_keys[i]), right_name(n.right_keys[i])));
    left_keys.push_back(left_name(n.left_keys[i]));
    right_keys.push_back(right_name(n.right_keys[i]));
  }
  for (int k : n.versioned_key) primary_key.push_back(right_name(k));
  if (n.condition) conjuncts.push_back(describe_bound(*n.condition, all));
  conjuncts.push_back(fmt::format("__TEMPORAL_JOIN_CONDITION({}, {}, __TEMPORAL_JOIN_CONDITION_PRIMARY_KEY({}), "
                                  "__TEMPORAL_JOIN_LEFT_KEY({}), __TEMPORAL_JOIN_RIGHT_KEY({}))",
                                  left_name(n.rowtime_index), right_name(n.right_rowtime_index), join(primary_key),
                                  join(left_keys), join(right_keys)));
  // The fields as Flink lists them: the system column $rowtime only when a query reads it, which
  // careflow's scans do not track; it is left out.
  std::vector<std::string> select;
  for (size_t i = 0; i < all.size(); ++i) {
    const PlanField& f = i < nl ? left.schema[i] : right.schema[i - nl];
    if (f.name != "$rowtime") select.push_back(all[i]);
  }
  return fmt::format("TemporalJoin(joinType=[{}], where=[AND({})], select=[{}])",
                     n.join_type == JoinType::kLeft ? "LeftOuterJoin" : "InnerJoin", join(conjuncts), join(select));
}

// As Flink prints it: LookupJoin(table=[customers], joinType=[InnerJoin], lookup=[id=customer_id],
// [where=[...], ]select=[...]).
std::string describe_lookup_join(const PlanNode& n) {
  const PlanNode& left = *n.inputs[0];
  std::vector<std::string> all = unique_names(n.field_names());
  const size_t nl = left.schema.size();
  std::vector<std::string> lookup;
  for (size_t i = 0; i < n.left_keys.size(); ++i) {
    lookup.push_back(n.table->columns[static_cast<size_t>(n.right_keys[i])].name + "=" +
                     all[static_cast<size_t>(n.left_keys[i])]);
  }
  std::vector<std::string> select;
  for (size_t i = 0; i < all.size(); ++i) {
    if (i >= nl || left.schema[i].name != "$rowtime") select.push_back(all[i]);
  }
  std::string where = n.condition ? ", where=[" + describe_bound(*n.condition, all) + "]" : "";
  return fmt::format("LookupJoin(table=[{}], joinType=[{}], lookup=[{}]{}, select=[{}])", n.table->name,
                     n.join_type == JoinType::kLeft ? "LeftOuterJoin" : "InnerJoin", join(lookup), where, join(select));
}

// As Flink prints it: IntervalJoin(joinType=[InnerJoin], windowBounds=[isRowTime=true,
// leftLowerBound=-3600000, leftUpperBound=0, leftTimeIndex=2, rightTimeIndex=1], where=[...],
// select=[...]); `where` shows the keys and the rest of the condition as Join does (the bounds
// are the window).
std::string describe_interval_join(const PlanNode& n) {
  static const char* kTypes[] = {"InnerJoin", "LeftOuterJoin", "RightOuterJoin", "FullOuterJoin", "InnerJoin"};
  const PlanNode& left = *n.inputs[0];
  const PlanNode& right = *n.inputs[1];
  std::vector<std::string> all = unique_names(n.field_names());
  std::vector<std::string> where;
  for (size_t i = 0; i < n.left_keys.size(); ++i) {
    where.push_back(all[static_cast<size_t>(n.left_keys[i])] + " = " +
                    all[left.schema.size() + static_cast<size_t>(n.right_keys[i])]);
  }
  if (n.condition) where.push_back(describe_bound(*n.condition, all));
  std::vector<std::string> select;
  for (size_t i = 0; i < all.size(); ++i) {
    const PlanField& f = i < left.schema.size() ? left.schema[i] : right.schema[i - left.schema.size()];
    if (f.name != kRowtimeColumn) select.push_back(all[i]);
  }
  const IntervalBounds& b = n.interval;
  return fmt::format("IntervalJoin(joinType=[{}], windowBounds=[isRowTime={}, leftLowerBound={}, leftUpperBound={}, "
                     "leftTimeIndex={}, rightTimeIndex={}], where=[{}], select=[{}])",
                     kTypes[static_cast<int>(n.join_type)], b.rowtime ? "true" : "false", b.left_lower, b.left_upper,
                     b.left_time, b.right_time,
                     where.empty() ? "true" : fmt::format("{}", fmt::join(where, " AND ")), join(select));
}

// A legacy group window as Flink 1.20 prints its GroupWindowAggregate: plain keys in groupBy, the
// window as TumblingGroupWindow('w$, time, size) / SlidingGroupWindow('w$, time, size, slide) /
// SessionGroupWindow('w$, time, gap) in milliseconds, and all four window properties after the
// aggregates (Flink lists them whichever the query reads; careflow computes no proctime).
std::string describe_group_window(const PlanNode& n) {
  const PlanNode& in = *n.inputs[0];
  const WindowSpec& w = n.window;
  std::vector<std::string> keys;
  for (int k : n.group_keys) {
    if (k >= 0) keys.push_back(in.schema[static_cast<size_t>(k)].name);
  }
  std::vector<std::string> select = keys;
  for (size_t i = 0; i < n.aggs.size(); ++i) select.push_back(fmt::format("{} AS EXPR${}", n.aggs[i].text, i));
  // A processing-time window has no rowtime property (Flink's LogicalWindowAggregateRuleBase).
  std::vector<const char*> properties = {"start", "end", "rowtime", "proctime"};
  if (w.proctime) properties.erase(properties.begin() + 2);
  std::vector<std::string> property_names;
  for (const char* p : properties) {
    select.push_back(fmt::format("{}('w$) AS w${}", p, p));
    property_names.push_back(fmt::format("w${}", p));
  }
  const std::string& time = in.schema[static_cast<size_t>(n.rowtime_index)].name;
  std::string window;
  switch (w.kind) {
    case WindowSpec::Kind::kHop: window = fmt::format("SlidingGroupWindow('w$, {}, {}, {})", time, w.size, w.slide); break;
    case WindowSpec::Kind::kSession: window = fmt::format("SessionGroupWindow('w$, {}, {})", time, w.size); break;
    default: window = fmt::format("TumblingGroupWindow('w$, {}, {})", time, w.size); break;
  }
  std::string out = "GroupWindowAggregate(";
  if (!keys.empty()) out += "groupBy=[" + join(keys) + "], ";
  return out + fmt::format("window=[{}], properties=[{}], select=[{}])", window, join(property_names), join(select));
}

std::string describe(const PlanNode& n) {
  const PlanNode* in = n.inputs.empty() ? nullptr : n.inputs[0].get();
  std::vector<std::string> in_names = in ? in->field_names() : std::vector<std::string>{};
  switch (n.kind) {
    case PlanKind::kSource: {
      // The declared columns, as Flink lists them; a system column ($rowtime) only when the query
      // reads it would be truer, but the scan reads it always (one integer per row).
      std::vector<std::string> fields;
      for (size_t i = 0; i < n.schema.size(); ++i) {
        if (i >= n.table->columns.size() || !n.table->columns[i].system) fields.push_back(n.schema[i].name);
      }
      return fmt::format("TableSourceScan(table=[[{}]], fields=[{}])", n.table->name, join(fields));
    }
    case PlanKind::kValues: return fmt::format("Values(tuples=[{} row{}])", n.rows.size(), n.rows.size() == 1 ? "" : "s");
    case PlanKind::kCalc: {
      std::vector<std::string> select;
      for (size_t i = 0; i < n.projections.size(); ++i) {
        std::string e = describe_bound(*n.projections[i], in_names);
        select.push_back(e == n.schema[i].name ? e : e + " AS " + n.schema[i].name);
      }
      std::string out = "Calc(select=[" + join(select) + "]";
      if (n.filter) out += ", where=[" + describe_bound(*n.filter, in_names) + "]";
      return out + ")";
    }
    case PlanKind::kChangelogNormalize:
      return fmt::format("ChangelogNormalize(key=[{}])", join(names_of(n, n.partition_keys)));
    case PlanKind::kGroupAggregate: {
      std::vector<std::string> select = names_of(*in, n.group_keys);
      for (const AggCall& a : n.aggs) select.push_back(a.text);
      std::string out = "GroupAggregate(";
      if (!n.group_keys.empty()) out += "groupBy=[" + join(names_of(*in, n.group_keys)) + "], ";
      return out + "select=[" + join(select) + "])";
    }
    case PlanKind::kJoin:
    case PlanKind::kSemiJoin: {
      static const char* kTypes[] = {"InnerJoin", "LeftOuterJoin", "RightOuterJoin", "FullOuterJoin", "InnerJoin"};
      std::string type = n.kind == PlanKind::kSemiJoin ? (n.anti ? "LeftAntiJoin" : "LeftSemiJoin")
                                                       : kTypes[static_cast<int>(n.join_type)];
      std::vector<std::string> keys;
      const PlanNode& right = *n.inputs[1];
      for (size_t i = 0; i < n.left_keys.size(); ++i) {
        keys.push_back(in->schema[static_cast<size_t>(n.left_keys[i])].name + " = " +
                       right.schema[static_cast<size_t>(n.right_keys[i])].name);
      }
      std::vector<std::string> all = in_names;
      for (const PlanField& f : right.schema) all.push_back(f.name);
      std::string where = join(keys);
      if (n.condition) where += (where.empty() ? "" : " AND ") + describe_bound(*n.condition, all);
      return fmt::format("Join(joinType=[{}], where=[{}])", type, where.empty() ? "true" : where);
    }
    case PlanKind::kRank:
      if (n.window_rank) {
        // Flink's names: WindowDeduplicate for the first / last row by time, else WindowRank.
        if (is_window_deduplicate(n)) {
          return fmt::format("WindowDeduplicate(window=[{}], keep=[{}], partitionKeys=[{}], orderKey=[{}])",
                             describe_window(n.window), n.order[0].ascending ? "FirstRow" : "LastRow",
                             join(names_of(*in, n.partition_keys)), in->schema[static_cast<size_t>(n.order[0].index)].name);
        }
        return fmt::format("WindowRank(window=[{}], rankType=[ROW_NUMBER], rankRange=[rankStart={}, rankEnd={}], "
                           "partitionBy=[{}], orderBy=[{}], select=[{}])",
                           describe_window(n.window), n.rank_start, n.rank_end, join(names_of(*in, n.partition_keys)),
                           order_text(*in, n.order), join(n.field_names()));
      }
      return fmt::format("Rank(strategy=[{}], rankType=[ROW_NUMBER], rankRange=[rankStart={}, rankEnd={}], "
                         "partitionBy=[{}], orderBy=[{}], select=[{}])",
                         in->insert_only ? "AppendFastStrategy" : "RetractStrategy", n.rank_start, n.rank_end,
                         join(names_of(*in, n.partition_keys)), order_text(*in, n.order), join(n.field_names()));
    case PlanKind::kDeduplicate:
      return fmt::format("Deduplicate(keep=[{}], key=[{}], order=[{}])", n.keep_last ? "LastRow" : "FirstRow",
                         join(names_of(*in, n.partition_keys)), n.rowtime ? "ROWTIME" : "PROCTIME");
    case PlanKind::kCorrelate:
      return fmt::format("Correlate(invocation=[UNNEST({})], joinType=[{}]{})", describe_bound(*n.unnest, in_names),
                         n.left_outer ? "LEFT" : "INNER", n.with_ordinality ? ", withOrdinality=[true]" : "");
    case PlanKind::kUnion: return fmt::format("Union(all=[true], union=[{}])", join(n.field_names()));
    case PlanKind::kSink: return fmt::format("Sink(table=[{}], fields=[{}])", n.table->name, join(n.field_names()));
    case PlanKind::kWatermarkAssigner:
      // The expression as the table declares it.
      return fmt::format("WatermarkAssigner(rowtime=[{}], watermark=[{}])", in_names[static_cast<size_t>(n.rowtime_index)],
                         in->table && in->table->watermark ? print_expr(*in->table->watermark)
                                                           : describe_bound(*n.watermark, in_names));
    case PlanKind::kMatch: return n.match->text;
    case PlanKind::kWindowTableFunction: return fmt::format("WindowTableFunction(window=[{}])", describe_window(n.window));
    case PlanKind::kWindowAggregate: {
      if (n.group_window) return describe_group_window(n);
      // Flink lists the plain keys in groupBy and the window properties last in select, as
      // start('w$) AS window_start; careflow keeps them where GROUP BY put them.
      std::vector<std::string> keys, select;
      for (size_t i = 0; i < n.group_keys.size(); ++i) {
        int k = n.group_keys[i];
        if (k >= 0) keys.push_back(in->schema[static_cast<size_t>(k)].name);
        static const char* kProperty[] = {"", "start('w$)", "end('w$)", "rowtime('w$)"};
        const char* property = k == kWindowTimeKey && n.window.proctime ? "proctime('w$)" : kProperty[-k];
        select.push_back(k >= 0 ? group_key_name(*in, k) : fmt::format("{} AS {}", property, group_key_name(*in, k)));
      }
      for (const AggCall& a : n.aggs) select.push_back(a.text);
      for (const PlanNode::GroupingFunction& g : n.grouping_functions) select.push_back(g.text);
      std::string out = "WindowAggregate(";
      if (!keys.empty()) out += "groupBy=[" + join(keys) + "], ";
      if (!n.grouping_sets.empty()) {
        // Flink plans an Expand whose $e numbers the sets; careflow names them here.
        std::vector<std::string> sets;
        for (const std::vector<bool>& set : n.grouping_sets) {
          std::vector<std::string> members;
          for (size_t i = 0; i < set.size() && i < keys.size(); ++i) {
            if (set[i]) members.push_back(keys[i]);
          }
          sets.push_back("[" + join(members) + "]");
        }
        out += "groupingSets=[" + join(sets) + "], ";
      }
      const std::string windowing =
          n.window_attached ? fmt::format("win_start=[{}], win_end=[{}]", in_names[static_cast<size_t>(n.window_start_index)],
                                          in_names[static_cast<size_t>(n.rowtime_index)])
                            : "";
      return out + "window=[" + describe_window(n.window, windowing) + "], select=[" + join(select) + "])";
    }
    case PlanKind::kTemporalJoin: return describe_temporal_join(n);
    case PlanKind::kIntervalJoin: return describe_interval_join(n);
    case PlanKind::kWindowJoin: {
      static const char* kTypes[] = {"InnerJoin", "LeftOuterJoin", "RightOuterJoin", "FullOuterJoin", "InnerJoin"};
      std::vector<std::string> all = unique_names(n.field_names());
      std::vector<std::string> where;
      for (size_t i = 0; i < n.left_keys.size(); ++i) {
        where.push_back(all[static_cast<size_t>(n.left_keys[i])] + " = " +
                        all[in->schema.size() + static_cast<size_t>(n.right_keys[i])]);
      }
      if (n.condition) where.push_back(describe_bound(*n.condition, all));
      return fmt::format("WindowJoin(leftWindow=[{}], rightWindow=[{}], joinType=[{}], where=[{}], select=[{}])",
                         describe_window(n.window), describe_window(n.window), kTypes[static_cast<int>(n.join_type)],
                         where.empty() ? "true" : fmt::format("{}", fmt::join(where, " AND ")), join(all));
    }
    case PlanKind::kDropUpdateBefore: return "DropUpdateBefore";
    case PlanKind::kExpand: {
      // Flink's form: one {...} per grouping set, the keys it leaves out null, then its $e.
      std::vector<std::string> sets;
      for (size_t s = 0; s < n.grouping_sets.size(); ++s) {
        std::vector<std::string> cols;
        for (size_t i = 0; i < in->schema.size(); ++i) {
          const std::string& name = in->schema[i].name;
          cols.push_back(i < n.grouping_sets[s].size() && !n.grouping_sets[s][i] ? "null AS " + name : name);
        }
        cols.push_back(fmt::format("{} AS $e", s));
        for (size_t g = 0; g < n.grouping_functions.size(); ++g) {
          cols.push_back(fmt::format("{} AS $g{}", n.grouping_functions[g].values[s], g));
        }
        sets.push_back("{" + join(cols) + "}");
      }
      return "Expand(projects=[" + join(sets) + "])";
    }
    case PlanKind::kLookupJoin: return describe_lookup_join(n);
    case PlanKind::kOverAggregate: {
      // Flink prints RANGE as "RANG" (Calcite's digest) and the bound in milliseconds or rows;
      // each aggregate is named w0$o<i>.
      std::string bound = n.over.unbounded ? "UNBOUNDED" : std::to_string(n.over.preceding);
      // A table's system column ($rowtime) is not one of Flink's fields.
      std::vector<std::string> select;
      for (const std::string& name : in_names) {
        if (name != kRowtimeColumn) select.push_back(name);
      }
      for (size_t i = 0; i < n.aggs.size(); ++i) select.push_back(fmt::format("{} AS w0$o{}", n.aggs[i].text, i));
      return fmt::format("OverAggregate(partitionBy=[{}], orderBy=[{} ASC], window=[ {} BETWEEN {} PRECEDING AND "
                         "CURRENT ROW], select=[{}])",
                         join(names_of(*in, n.partition_keys)), in_names[static_cast<size_t>(n.rowtime_index)],
                         n.over.rows ? "ROWS" : "RANG", bound, join(select));
    }
  }
  return "?";
}

void explain(const PlanNode& n, const std::string& prefix, bool last, bool root, std::string* out) {
  *out += prefix + (root ? "" : "+- ") + describe(n) + ", changelogMode=[" + changelog_kinds(n) + "]\n";
  std::string child_prefix = root ? "" : prefix + (last ? "   " : ":  ");
  for (size_t i = 0; i < n.inputs.size(); ++i) {
    explain(*n.inputs[i], child_prefix, i + 1 == n.inputs.size(), false, out);
  }
}

}  // namespace

std::string describe_window(const WindowSpec& w, const std::string& windowing) {
  const std::string on = windowing.empty() ? fmt::format("time_col=[{}]", w.time_column) : windowing;
  std::string out;
  switch (w.kind) {
    case WindowSpec::Kind::kTumble:
      out = fmt::format("TUMBLE({}, size=[{}]", on, duration_text(w.size));
      break;
    case WindowSpec::Kind::kHop:
      out = fmt::format("HOP({}, size=[{}], slide=[{}]", on, duration_text(w.size), duration_text(w.slide));
      break;
    case WindowSpec::Kind::kCumulate:
      out = fmt::format("CUMULATE({}, max_size=[{}], step=[{}]", on, duration_text(w.size), duration_text(w.slide));
      break;
    case WindowSpec::Kind::kSession:
      out = fmt::format("SESSION({}, gap=[{}]", on, duration_text(w.size));
      if (!w.partition_names.empty()) out += fmt::format(", partition keys=[{}]", join(w.partition_names));
      break;
  }
  if (w.offset != 0) out += fmt::format(", offset=[{}]", duration_text(w.offset));
  return out + ")";
}

bool is_window_deduplicate(const PlanNode& n) {
  return n.window_rank && !n.output_rank_number && n.rank_start == 1 && n.rank_end == 1 && n.order.size() == 1 &&
         n.inputs[0]->schema[static_cast<size_t>(n.order[0].index)].type.time_attribute != TimeAttribute::kNone;
}

std::string explain_plan(const PlanNode& root) {
  std::string out;
  explain(root, "", true, true, &out);
  return out;
}

}  // namespace careflow::sql
