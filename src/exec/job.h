#pragma once
// A streaming statement ready to run: the operators built from a plan, wired one to one after its
// nodes, with entry points where each scanned table's rows come in and a collector where the
// result (a SELECT's changelog, or what an INSERT's sink receives) comes out. Whoever drives the
// job — the test runner, `careflow sql`, the pipeline runner — decides where rows come from and
// where results go; the job only computes.
//
// Not thread-safe: one thread pushes and drains.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "exec/operator.h"
#include "exec/operators/operators.h"
#include "sql/plan.h"
#include "sql/planner.h"

namespace careflow::exec {

// One scan of a table in the plan (a table read twice, as in a self-join, has two).
struct SourceSlot {
  std::shared_ptr<const sql::TableDef> table;
  Operator* entry = nullptr;  // receives rows with every column of the table (computed ones empty)
  const sql::PlanNode* node = nullptr;  // the scan: its changelog mode is what the source must give
  WatermarkAssigner* assigner = nullptr;  // the table's WATERMARK, when it has one
};

class Job {
 public:
  // Builds the operators for `root` (a query, or a kSink node for INSERT).
  static Result<std::unique_ptr<Job>> build(const sql::PlanPtr& root, const sql::SessionOptions& options);

  const std::vector<SourceSlot>& sources() const { return sources_; }
  const sql::PlanNode& plan() const { return *plan_; }
  // For INSERT: the table written; nullptr for a query.
  const sql::TableDef* sink_table() const { return plan_->kind == sql::PlanKind::kSink ? plan_->table.get() : nullptr; }
  // The result's column names and types.
  const std::vector<sql::PlanField>& result_schema() const { return result_schema_; }
  std::vector<values::DataType> result_types() const;

  // Emits constant rows (VALUES); call once before pushing input.
  Status start();
  // Rows of `table` given by its physical columns, in declaration order; metadata columns are NULL
  // and computed columns are computed. Goes to every scan of the table. A run-time failure (a
  // CAST that cannot parse, a division by zero) fails the job: Status naming the cause.
  Status push(const std::string& table, const RowBatch& rows);
  // Rows with every column of the table (physical and metadata) into one scan.
  // In a debug build, Internal when a row's kind is not in the changelog mode the plan declares
  // for the scan, or an operator emits one its node does not declare (operator.h).
  // `partition` is the source partition the rows come from (a topic's partition): each has its
  // own watermark, the source's is their minimum.
  Status push_full(size_t source, RowBatch rows, int partition = 0);
  // The number of partitions of a source (default 1): a partition that has given no row yet
  // holds the source's watermark back, as in Flink.
  void set_partitions(size_t source, int count);
  // Flink's periodic watermark emission: every source with a WATERMARK whose watermark moved
  // sends it on (windows fire); then processing time advances (advance_processing_time). Drivers
  // call it after each batch they push.
  Status emit_watermarks();
  // The end of every input: a final MAX watermark from every source, so every event-time window
  // fires, as Flink does when bounded sources end. Processing-time timers still pending do not
  // fire: Flink quiesces its processing-time service at the end of input (operator.h).
  Status end_input();

  // ---- processing time (exec/processing_time.h, job_processing_time.cc) ----
  // Where the job's processing time comes from: the wall clock unless set (tests move it by hand).
  void set_processing_time_source(ProcessingClock::Source source) { clock_.set_source(std::move(source)); }
  // Reads the clock and fires every processing-time timer due by then (windows on a PROCTIME()
  // attribute), upstream operators first. emit_watermarks() does it too, so a driver that emits
  // watermarks after each batch and when idle fires processing-time windows on time.
  Status advance_processing_time();
  int64_t processing_time() const { return clock_.now(); }
  // Rows the job's operators dropped for arriving behind the watermark.
  int64_t late_rows_dropped() const;
  // The same per operator that drops late rows (window aggregates, sessions, OVER, MATCH_RECOGNIZE,
  // window joins, window Top-N / dedup), in build order: its EXPLAIN line and its count.
  struct LateCount {
    std::string op;
    int64_t rows = 0;
  };
  std::vector<LateCount> late_rows_by_operator() const;
  // careflow's late-row side output ('table.exec.late-rows.topic', docs/sql.md#late-rows): the
  // topic, empty when off. When set, every row an operator drops as late is kept until
  // take_late_rows() returns it as the JSON value of its record on that topic (job_late_rows.cc);
  // the job runner writes them after each batch.
  const std::string& late_rows_topic() const { return late_rows_topic_; }
  std::vector<std::string> take_late_rows();
  // The rows produced since the last call.
  RowBatch take_output() { return collector_->take(); }
  // Whether take_output() would return rows.
  bool has_output() const { return !collector_->rows().empty(); }
  // Whether the job has failed; further pushes are refused.
  const Status& failure() const { return failure_; }

  // ---- checkpoints (exec/checkpoint/, docs/checkpoints.md) ----
  // Call only between pushes: the job then holds no row in flight (every push runs to the end of
  // the operator chain and the output is taken), so its operators' state is a consistent cut.
  //
  // Ok when every operator can write its state; FailedPrecondition naming the first that cannot
  // (its plan line), so a job is never checkpointed without part of its state.
  Status check_checkpointable() const;
  // Turns on change tracking in every operator's keyed state (incremental checkpoints).
  void track_changes();
  // What each operator is, one line per operator in build order (its plan node's EXPLAIN line):
  // a savepoint holds these, and state restores only into a job with the same list.
  std::vector<std::string> operator_fingerprints() const;
  // Every operator's state: records tagged with the operator's index, through `write`.
  // `incremental`: only what changed since the previous snapshot (state that tracks changes).
  Status snapshot(bool incremental, const std::function<void(uint32_t op, const StateRecord&)>& write);
  // One record written by snapshot, into this freshly built job; then finish_restore once.
  // InvalidArgument for a record that does not decode (naming the operator).
  Status restore(uint32_t op, const StateRecord& record);
  Status finish_restore();

 private:
  Job() = default;
  Operator* build_node(const sql::PlanPtr& node);      // the operator, told its plan node
  Operator* build_operator(const sql::PlanPtr& node);
  Operator* add(OperatorPtr op);
  Status guard(const std::function<void()>& body);

  sql::PlanPtr plan_;
  std::vector<OperatorPtr> operators_;
  std::vector<const sql::PlanNode*> nodes_;  // per operator: the plan node it runs (null: the collector)
  std::vector<SourceSlot> sources_;
  std::vector<WatermarkAssigner*> assigners_;
  std::vector<std::pair<Operator*, const sql::PlanNode*>> values_;
  CollectSink* collector_ = nullptr;
  std::vector<sql::PlanField> result_schema_;
  values::EvalContext ctx_;
  ProcessingClock clock_;
  Status failure_;
  Status build_error_;  // the first error making an operator's resources (a lookup source)
  std::string late_rows_topic_;
  std::vector<LateRow> late_rows_;  // dropped since the last take_late_rows, when the topic is set
  std::vector<std::string> late_lines_;  // per operator: its EXPLAIN line, made at the first late row
};

}  // namespace careflow::exec
