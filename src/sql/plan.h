#pragma once
// The plan of a streaming statement: a tree of nodes named after Flink's physical operators
// (StreamPhysicalCalc, GroupAggregate, Join, Rank, Deduplicate, Correlate, ChangelogNormalize, ...)
// so that EXPLAIN reads like Flink's. Each node knows its output schema and the changelog it
// emits; src/exec turns nodes into running operators one to one.

#include <memory>
#include <string>
#include <vector>

#include "sql/ast.h"
#include "sql/bound_expr.h"
#include "sql/catalog.h"
#include "sql/functions.h"
#include "sql/match_spec.h"

namespace careflow::sql {

struct PlanField {
  std::string name;
  DataType type;
};

struct AggCall {
  std::string name;        // COUNT, SUM, ...
  std::vector<int> args;   // input columns
  bool distinct = false;
  // FILTER (WHERE ...): the input column (BOOLEAN) that must be TRUE for a row to reach this
  // aggregate, as Calcite's AggregateCall.filterArg; -1 for none.
  int filter_arg = -1;
  AggregateBinding binding;
  std::string text;        // "COUNT(*) AS cnt" for EXPLAIN
};

struct SortKey {
  int index;
  bool ascending = true;
  bool nulls_first = true;  // Flink: NULLS FIRST for ASC, NULLS LAST for DESC unless written
};

// A window table function's windows (TUMBLE, HOP, CUMULATE), in milliseconds. `slide` is HOP's
// slide and CUMULATE's step (TUMBLE: the size). Windows start at multiples of their alignment
// (TUMBLE: size, HOP: slide, CUMULATE: size) plus `offset`.
//
// SESSION: `size` is the gap; a row at t opens the window [t, t + gap), and windows of one key
// that touch merge (Flink's MergingWindowSet). Sessions are per partition key (the TVF's
// PARTITION BY, `partition_keys` into its input) and per group key of the aggregate above it.
struct WindowSpec {
  enum class Kind { kTumble, kHop, kCumulate, kSession };
  Kind kind = Kind::kTumble;
  int64_t size = 0, slide = 0, offset = 0;
  std::vector<int> partition_keys;            // SESSION ... PARTITION BY, input columns
  std::vector<std::string> partition_names;   // their names, for EXPLAIN
  SourcePos pos;                              // where the function is written
  std::string time_column;  // the time attribute's name, for EXPLAIN
  // The time attribute is a TIMESTAMP_LTZ: windows are aligned in the session time zone and
  // window_time is a TIMESTAMP_LTZ (Flink's shiftTimeZone); else UTC, window_time a TIMESTAMP.
  bool ltz = false;
  // The time attribute is a PROCTIME(): rows fall into the window of the processing time they
  // arrive at, and windows fire when the job's processing-time clock passes their end.
  bool proctime = false;
};

// "TUMBLE(time_col=[ts], size=[5 s])", as Flink's EXPLAIN prints a window; `windowing` instead of
// time_col=[...] when given ("win_start=[s], win_end=[e]" for windows attached to the rows).
std::string describe_window(const WindowSpec& w, const std::string& windowing = "");

// A window aggregate's group key that is not an input column but a property of the window.
inline constexpr int kWindowStartKey = -1, kWindowEndKey = -2, kWindowTimeKey = -3;

enum class PlanKind {
  kSource,              // table scan; computed columns evaluated here
  kValues,              // constant rows
  kCalc,                // projection + filter
  kChangelogNormalize,  // upsert source → full changelog, keyed by the primary key
  kGroupAggregate,      // GROUP BY with retraction
  kJoin,                // regular join, equi keys + residual condition
  kSemiJoin,            // IN / EXISTS (anti: NOT IN / NOT EXISTS)
  kRank,                // ROW_NUMBER() ... WHERE rn <= N (Top-N), LIMIT
  kDeduplicate,         // ROW_NUMBER() OVER (.. ORDER BY time attribute) WHERE rn = 1
  kCorrelate,           // CROSS JOIN UNNEST / LEFT JOIN UNNEST ON TRUE
  kUnion,               // UNION ALL
  kSink,                // INSERT INTO
  kWatermarkAssigner,   // WATERMARK FOR col AS expr: the source's event-time clock
  kWindowTableFunction, // TABLE(TUMBLE|HOP|CUMULATE(...)) alone: each row once per window it falls in
  kWindowAggregate,     // GROUP BY window_start, window_end over a window table function (slicing) or windowed rows
  kTemporalJoin,        // JOIN versioned FOR SYSTEM_TIME AS OF left.rowtime: the version valid at the row's time
  kLookupJoin,          // JOIN lookup_table FOR SYSTEM_TIME AS OF left.proctime: rows looked up by key
  kDropUpdateBefore,    // drops -U rows: an input that must give updates as +U only (Flink's ONLY_UPDATE_AFTER)
  kOverAggregate,       // agg(...) OVER (PARTITION BY ... ORDER BY rowtime ROWS|RANGE ... PRECEDING)
  kMatch,               // MATCH_RECOGNIZE: Flink's StreamExecMatch (CEP's NFA per partition key)
  kIntervalJoin,        // JOIN bounding one input's rowtime by the other's: Flink's IntervalJoin (RowTimeIntervalJoin)
  kWindowJoin,          // JOIN of two windowed inputs on window_start and window_end: Flink's WindowJoin
  kExpand,              // GROUPING SETS / ROLLUP / CUBE in a GROUP BY: each row once per grouping set (Flink's Expand)
};

// An interval join's window, as Flink's IntervalJoinSpec.WindowBounds: a left row at time lt and a
// right row at time rt join when rt + left_lower <= lt <= rt + left_upper (milliseconds, both
// inclusive: a strict `<` was turned into `<=` one millisecond closer). The time columns are
// indexes into each input's own row.
struct IntervalBounds {
  bool rowtime = true;
  int64_t left_lower = 0, left_upper = 0;
  int left_time = -1, right_time = -1;
  int64_t min_cleanup = 0;  // 'table.exec.interval-join.min-cleanup-interval', milliseconds
};

// An OVER aggregation's frame, ending at the current row: the `preceding` rows (ROWS) or
// milliseconds (RANGE) before it, or everything before it (unbounded).
struct OverFrameSpec {
  bool rows = false;
  bool unbounded = true;
  int64_t preceding = 0;
};

struct PlanNode;
using PlanPtr = std::shared_ptr<PlanNode>;

struct PlanNode {
  PlanKind kind;
  std::vector<PlanField> schema;
  std::vector<PlanPtr> inputs;

  // The changelog this node emits: only +I, or also updates (-U/+U) and deletes (-D).
  bool insert_only = true;
  // An updating node that gives updates as +U alone, without the -U before them (Flink's
  // ONLY_UPDATE_AFTER, changelogMode=[I,UA,D]): set where a consumer asks for no -U (the versioned
  // side of a temporal join), on ChangelogNormalize, Deduplicate and the Calcs between.
  bool drops_update_before = false;
  // Columns that are unique among the rows currently in the result (Flink's upsert key).
  std::vector<int> upsert_key;
  // A Calc with a filter lies between here and the node that made the updates: an update whose new
  // row fails the filter leaves only its -U, which an upsert sink needs to delete the key's row, so
  // the sink keeps -U rows. Flink's rule (FlinkChangelogModeInferenceProgram, FLINK-9528): a Calc
  // with a condition never satisfies ONLY_UPDATE_AFTER, whatever columns the condition reads.
  bool filters_updates = false;

  // kSource / kSink
  std::shared_ptr<const TableDef> table;
  std::vector<BoundExprPtr> computed;  // kSource: one per column; nullptr for physical/metadata
  bool normalize_upserts = false;      // kSource: an upsert table (a kChangelogNormalize follows)
  std::vector<int> sink_key;           // kSink: primary key columns (upsert materialization)

  // kValues: constant expressions, one list per row
  std::vector<std::vector<BoundExprPtr>> rows;

  // kCalc
  std::vector<BoundExprPtr> projections;
  BoundExprPtr filter;

  // kGroupAggregate
  std::vector<int> group_keys;
  std::vector<AggCall> aggs;
  // kGroupAggregate / kJoin / kSemiJoin / kChangelogNormalize / kDeduplicate / kTemporalJoin: 'table.exec.state.ttl'
  // in milliseconds (0 = state kept forever).
  int64_t state_ttl_ms = 0;

  // kJoin / kSemiJoin
  JoinType join_type = JoinType::kInner;
  bool anti = false;
  std::vector<int> left_keys, right_keys;
  BoundExprPtr condition;  // over left columns followed by right columns; nullptr if none

  // kRank / kDeduplicate / kChangelogNormalize (partition_keys = the key)
  std::vector<int> partition_keys;
  std::vector<SortKey> order;
  int64_t rank_start = 1, rank_end = INT64_MAX;
  bool output_rank_number = false;
  bool keep_last = false;       // kDeduplicate
  bool rowtime = false;         // kDeduplicate: ordered by event time, else by arrival
  // kRank partitioned by window_start and window_end: Flink's WindowRank (WindowDeduplicate when
  // it keeps the first or last row by time), insert-only, emitting when the watermark passes the
  // window's end; rowtime_index is then the window_end column and `window` the windows.
  bool window_rank = false;

  // kCorrelate
  BoundExprPtr unnest;          // ARRAY, MAP or MULTISET over the input row
  bool with_ordinality = false;
  bool left_outer = false;

  // kWatermarkAssigner: the rowtime column and the watermark expression over the input row.
  // kWindowTableFunction / kWindowAggregate: the input's rowtime column and the windows; a window
  // aggregate's group_keys may hold kWindowStartKey / kWindowEndKey / kWindowTimeKey.
  int rowtime_index = -1;
  BoundExprPtr watermark;
  // kWatermarkAssigner: after how many milliseconds of processing time without rows a source
  // partition is idle (its watermark no longer holds back the source's); 0 = never.
  int64_t idle_timeout_ms = 0;
  WindowSpec window;
  // kWindowAggregate planned from a legacy group window (GROUP BY TUMBLE|HOP|SESSION(...)): Flink's
  // GroupWindowAggregate (WindowOperator), whose results at one instant come out in the order of
  // its per-window timers; EXPLAIN names it so.
  bool group_window = false;
  // kWindowAggregate over rows that carry their windows (GROUP BY the window_start and window_end
  // of a window aggregation's results, under any names): Flink's WindowAttachedWindowingStrategy.
  // Each row's window is its own window_start (window_start_index) and window_end (rowtime_index)
  // columns; `window` is the windows the input was aggregated in.
  bool window_attached = false;
  int window_start_index = -1;
  // kWindowAggregate with GROUPING SETS / ROLLUP / CUBE: per grouping set, whether each plain key
  // (the group_keys >= 0, in order) is in it; empty for a plain GROUP BY. A row is aggregated once
  // per set with the keys outside it NULL, the set's index part of the key (Flink: an Expand with
  // its $e column before the WindowAggregate).
  std::vector<std::vector<bool>> grouping_sets;
  // kExpand uses grouping_sets over its input's leading key columns: each row goes out once per set
  // with the keys outside the set NULL, then the set's number ($e), then grouping_functions' values.
  // kWindowAggregate with grouping sets: the GROUPING(...) / GROUPING_ID(...) calls of the query,
  // output after the aggregates (BIGINT NOT NULL): each one's value in each grouping set (a bit per
  // argument, the first argument the highest, set when the set leaves that expression out).
  struct GroupingFunction {
    std::string text;             // "GROUPING_ID(a, b)" for EXPLAIN
    std::vector<int64_t> values;  // by grouping set
  };
  std::vector<GroupingFunction> grouping_functions;

  // kTemporalJoin: join_type (INNER or LEFT), left_keys / right_keys (NULL keys match each other,
  // as Flink keys its state), condition (the rest, over left then right columns), rowtime_index
  // (the left's time attribute, FOR SYSTEM_TIME AS OF), right_rowtime_index (the versions' time)
  // and versioned_key (the versioned side's primary key, for EXPLAIN).
  int right_rowtime_index = -1;
  std::vector<int> versioned_key;
  // kLookupJoin: `table` is the looked-up table, its columns the right half of the schema;
  // left_keys / right_keys pair left columns with the table's columns to look up by (a NULL key
  // finds nothing); condition is the rest, over left then table columns.
  // kOverAggregate: partition_keys, the rowtime column it is ordered by (rowtime_index), `aggs`
  // over the input's columns (appended to them in the output) and the frame.
  OverFrameSpec over;
  // kMatch
  std::shared_ptr<const MatchSpec> match;
  // kIntervalJoin: join_type (any of the four), left_keys / right_keys (a NULL key joins nothing),
  // condition (the rest, over left then right columns, time bounds taken out) and the window.
  IntervalBounds interval;
  // kWindowJoin: join_type, left_keys / right_keys (without the window columns; a NULL key joins
  // nothing), condition (the rest), `window` (both inputs'), rowtime_index / right_rowtime_index
  // (each input's window_end column).

  std::vector<std::string> field_names() const;
  bool updates() const { return !insert_only; }
};

// Flink-style plan text, one node per line, children indented:
//   Sink(table=[sink], fields=[a, cnt])
//   +- GroupAggregate(groupBy=[a], select=[a, COUNT(*) AS cnt])
//      +- TableSourceScan(table=[[orders]], fields=[a, b], changelogMode=[I])
std::string explain_plan(const PlanNode& root);
// Whether a window Top-N (kRank, window_rank) keeps the first or last row by a time attribute:
// Flink's WindowDeduplicate.
bool is_window_deduplicate(const PlanNode& rank);

// "I", "I,UB,UA,D": the changelog kinds a node emits, as Flink's EXPLAIN CHANGELOG_MODE prints.
std::string changelog_kinds(const PlanNode& node);

}  // namespace careflow::sql
