#pragma once
// Factories of the operators, named after Flink's (flink-table-runtime operators/...), one file
// each. The job builder calls these with what the plan node says.

#include <vector>

#include "exec/operator.h"
#include "sql/bound_expr.h"
#include "sql/plan.h"

namespace careflow::exec {

// StreamExecCalc: filter then project, keeping each row's kind.
OperatorPtr make_calc(std::vector<sql::BoundExprPtr> projections, sql::BoundExprPtr filter);
// A source's computed columns, evaluated over the row the source read.
OperatorPtr make_computed_columns(std::vector<sql::BoundExprPtr> computed);
// ChangelogNormalize: an upsert stream (+U / -D by key) into a full changelog with -U.
OperatorPtr make_changelog_normalize(std::vector<int> key);
// GroupAggFunction: accumulate / retract per key, emit +I, -U/+U or -D.
OperatorPtr make_group_aggregate(std::vector<int> keys, std::vector<sql::AggCall> aggs);
// StreamingJoinOperator: regular inner / left / right / full join with retraction.
OperatorPtr make_streaming_join(sql::JoinType type, std::vector<int> left_keys, std::vector<int> right_keys,
                                sql::BoundExprPtr condition, size_t left_width, size_t right_width);
// StreamingSemiAntiJoinOperator.
OperatorPtr make_semi_anti_join(bool anti, std::vector<int> left_keys, std::vector<int> right_keys,
                                sql::BoundExprPtr condition, size_t left_width);
// AppendOnlyTopNFunction (insert-only input) and RetractableTopNFunction (updating input).
OperatorPtr make_top_n(const sql::PlanNode& rank, bool input_insert_only);
// ProcTime/RowTime deduplication, keep first or last.
OperatorPtr make_deduplicate(const sql::PlanNode& dedup, bool input_insert_only);
// Correlate over UNNEST.
OperatorPtr make_unnest(sql::BoundExprPtr array, bool with_ordinality, bool left_outer, size_t produced_width);
// Union: forwards rows from every input.
OperatorPtr make_union();

// The end of a job: collects rows (a SELECT's changelog, or what a sink receives).
class CollectSink : public Operator {
 public:
  void process(int, Row& row) override { rows_.push_back(std::move(row)); }
  const RowBatch& rows() const { return rows_; }
  RowBatch take() { RowBatch out; out.swap(rows_); return out; }

 private:
  RowBatch rows_;
};

}  // namespace careflow::exec
