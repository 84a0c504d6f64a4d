#pragma once
// Factories of the operators, named after Flink's (flink-table-runtime operators/...), one file
// each. The job builder calls these with what the plan node says.

#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "exec/operator.h"
#include "exec/operators/state_ttl.h"
#include "sql/bound_expr.h"
#include "sql/plan.h"

namespace careflow::exec {

class LookupSource;  // exec/connectors/connector.h

// StreamExecCalc: filter then project, keeping each row's kind.
OperatorPtr make_calc(std::vector<sql::BoundExprPtr> projections, sql::BoundExprPtr filter);
// A source's computed columns, evaluated over the row the source read.
OperatorPtr make_computed_columns(std::vector<sql::BoundExprPtr> computed);
// ChangelogNormalize: an upsert stream (+U / -D by key) into a full changelog with -U (without
// them when `update_before` is false: Flink's generateUpdateBefore); a key's row expires `ttl` after
// it was last written.
OperatorPtr make_changelog_normalize(std::vector<int> key, bool update_before = true, StateTtl ttl = StateTtl());
// DropUpdateBefore: every row but -U.
OperatorPtr make_drop_update_before();
// Expand: a kExpand node, each row once per grouping set (expand.cc).
OperatorPtr make_expand(const sql::PlanNode& node);
// LookupJoin: a kLookupJoin node, looking rows up in `source` (join/lookup_join.cc).
OperatorPtr make_lookup_join(const sql::PlanNode& node, std::unique_ptr<LookupSource> source);
// TemporalRowTimeJoin: a kTemporalJoin node (join/temporal_row_time_join.cc).
OperatorPtr make_temporal_row_time_join(const sql::PlanNode& node, StateTtl ttl = StateTtl());
// RowTimeIntervalJoin: a kIntervalJoin node (join/row_time_interval_join.cc).
OperatorPtr make_row_time_interval_join(const sql::PlanNode& node);
// WindowJoin: a kWindowJoin node (join/window_join.cc).
OperatorPtr make_window_join(const sql::PlanNode& node);
// GroupAggFunction: accumulate / retract per key, emit +I, -U/+U or -D; state expires after `ttl`.
OperatorPtr make_group_aggregate(std::vector<int> keys, std::vector<sql::AggCall> aggs, StateTtl ttl = StateTtl());
// StreamingJoinOperator: regular inner / left / right / full join with retraction; each kept row
// expires `ttl` after it was last written.
OperatorPtr make_streaming_join(sql::JoinType type, std::vector<int> left_keys, std::vector<int> right_keys,
                                sql::BoundExprPtr condition, size_t left_width, size_t right_width,
                                StateTtl ttl = StateTtl());
// StreamingSemiAntiJoinOperator; each kept row expires `ttl` after it was last written.
OperatorPtr make_semi_anti_join(bool anti, std::vector<int> left_keys, std::vector<int> right_keys,
                                sql::BoundExprPtr condition, size_t left_width, StateTtl ttl = StateTtl());
// AppendOnlyTopNFunction (insert-only input) and RetractableTopNFunction (updating input).
OperatorPtr make_top_n(const sql::PlanNode& rank, bool input_insert_only);
// ProcTime/RowTime deduplication, keep first or last; a key's kept row expires `ttl` after it was
// last written.
OperatorPtr make_deduplicate(const sql::PlanNode& dedup, bool input_insert_only, StateTtl ttl = StateTtl());
// Correlate over UNNEST.
OperatorPtr make_unnest(sql::BoundExprPtr array, bool with_ordinality, bool left_outer, size_t produced_width);
// Union: forwards rows from every input.
OperatorPtr make_union();
// One aggregate call's accumulator (DISTINCT included), as GroupAggregate and WindowAggregate make them.
std::unique_ptr<sql::Accumulator> make_accumulator(const sql::AggCall& call);
// The same for input that is never retracted (window and unbounded OVER aggregation): the
// aggregate's cheaper append-only accumulator when it has one and the call is not DISTINCT.
std::unique_ptr<sql::Accumulator> make_append_only_accumulator(const sql::AggCall& call);

// The arguments of one aggregate call, contiguous: a single argument is read in place, several are
// copied into `scratch` (kept by the operator, so a hot loop allocates nothing once it has grown);
// nullptr for none.
inline const values::Value* call_arguments(const sql::AggCall& call, const std::vector<values::Value>& fields,
                                           std::vector<values::Value>& scratch) {
  if (call.args.empty()) return nullptr;
  if (call.args.size() == 1) return &fields[static_cast<size_t>(call.args[0])];
  scratch.clear();
  for (int a : call.args) scratch.push_back(fields[static_cast<size_t>(a)]);
  return scratch.data();
}

// The job's failure when an event-time operator (`op`: "WindowAggregate", "OverAggregate") reads a
// NULL in its input's time attribute `column`: Flink's text (its slice assigners'), with the
// column named. (A window table function alone drops such a row instead, as Flink's does.)
inline std::string null_rowtime_message(const sql::PlanNode& node, int column, const char* op) {
  std::string name = "?";
  if (!node.inputs.empty() && column >= 0 && static_cast<size_t>(column) < node.inputs[0]->schema.size()) {
    name = node.inputs[0]->schema[static_cast<size_t>(column)].name;
  }
  return "RowTime field should not be null, please convert it to a non-null long value. (the time attribute '" +
         name + "' is NULL in a row reaching " + op + ")";
}

// Whether a row reaches the aggregate call: the call has no FILTER (WHERE ...), or the row's
// filter column is TRUE (FALSE and NULL keep the row from it, in accumulate and retract alike).
inline bool call_selects(const sql::AggCall& call, const std::vector<values::Value>& fields) {
  if (call.filter_arg < 0) return true;
  const values::Value& f = fields[static_cast<size_t>(call.filter_arg)];
  return !f.is_null() && f.as_bool();
}

// WatermarkAssigner: forwards rows; its watermark is the largest value of the watermark expression
// seen, per source partition, the minimum over the partitions (a partition that has given no row
// holds it back, unless it has been idle for `idle_timeout_ms` of `clock`'s processing time, as
// Flink's idleness: partition_watermarks.h). It sends one when told to (emit_periodic, Flink's
// periodic emission) and ignores upstream watermarks except the end of input.
class WatermarkAssigner : public Operator {
 public:
  // The partition the next rows come from, of `count` (the source's partitions).
  virtual void set_partition(int partition, int count) = 0;
  // Sends the current watermark downstream if it moved since the last one sent.
  virtual void emit_periodic() = 0;
};
std::unique_ptr<WatermarkAssigner> make_watermark_assigner(sql::BoundExprPtr watermark, int64_t idle_timeout_ms = 0,
                                                           std::function<int64_t()> clock = steady_clock_ms);
// WindowTableFunction (Flink's AlignedWindowTableFunctionOperator): each row once per window
// it falls in, with window_start, window_end and window_time appended, at once; a NULL time is dropped.
OperatorPtr make_window_table_function(const sql::PlanNode& node);
// WindowRank / WindowDeduplicate: a kRank node with `window_rank` set (window_rank.cc).
OperatorPtr make_window_rank(const sql::PlanNode& node);
// WindowAggregate on slices (Flink's SlicingWindowOperator): see operators/window/window_aggregate.cc.
OperatorPtr make_window_aggregate(const sql::PlanNode& node);
// WindowAggregate over SESSION windows (Flink's UnsliceWindowAggProcessor, merging sessions):
// operators/window/session_window_aggregate.cc.
OperatorPtr make_session_window_aggregate(const sql::PlanNode& node);
// The SESSION window table function alone (Flink's UnalignedWindowTableFunctionOperator): rows
// come out when their session closes (operators/window/session_window_table_function.cc).
OperatorPtr make_session_window_table_function(const sql::PlanNode& node);
// OverAggregate ordered by event time (Flink's RowTime*PrecedingFunction): operators/over/over_aggregate.cc.
OperatorPtr make_over_aggregate(const sql::PlanNode& node, StateTtl ttl = StateTtl());

// Match (MATCH_RECOGNIZE): Flink's CepOperator over the pattern's NFA, per partition key
// (operators/match/match.cc).
OperatorPtr make_match(const sql::PlanNode& node);

// The end of a job: collects rows (a SELECT's changelog, or what a sink receives).
class CollectSink : public Operator {
 public:
  void process(int, Row& row) override { rows_.push_back(std::move(row)); }
  // Drained after every batch, so empty whenever a checkpoint is taken (job_runner.cc).
  bool checkpointable() const override { return true; }
  const RowBatch& rows() const { return rows_; }
  RowBatch take() { RowBatch out; out.swap(rows_); return out; }

 private:
  RowBatch rows_;
};

}  // namespace careflow::exec
