#pragma once
// Push-based streaming operators. A source pushes a batch into the first operator; each operator
// processes the batch row by row, collects what it emits and pushes that batch on. Operators with
// two inputs (joins) are told which input a batch came through. State is keyed and in memory
// (state.h); an operator never knows where its rows come from or go to.
//
// Event time: watermarks (milliseconds since the epoch, as Flink's) travel the same way, after the
// rows emitted before them. An operator's watermark is the minimum over its inputs (Flink's
// StreamTwoInputProcessor / StatusWatermarkValve rule), an input that has sent none holding it at
// kNoWatermark; it only moves forward. Operators that fire on event time (windows) override
// on_watermark and emit before the watermark goes on.
//
// Idleness (Flink's WatermarkStatus through StatusWatermarkValve): a source whose partitions are
// all idle marks its output idle; an idle input does not hold back the minimum; an operator whose
// inputs are all idle is idle downstream. An input that becomes active again counts once its
// watermark has caught up with the operator's (it is "aligned"), so it does not stall the others
// while it is behind.
//
// Processing time (exec/processing_time.h): the job's clock, which every operator reads through
// processing_time(). When a driver advances it, the job calls advance_processing_time on every
// operator, upstream first; operators with processing-time timers (windows on a PROCTIME()
// attribute) override on_processing_time and fire what is due. No processing-time timer fires at
// the end of input: Flink quiesces the processing-time service before it finishes an operator
// (StreamOperatorWrapper#quiesceTimeServiceAndFinishOperator), so pending ones are dropped.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "exec/checkpoint/state_io.h"
#include "exec/processing_time.h"
#include "exec/row.h"
#include "sql/functions.h"
#include "sql/plan.h"

namespace careflow::exec {

// Thrown by an operator in a debug build when it emits a row kind that the changelog mode its
// plan node declares does not allow (an insert-only node emitting -U, +U or -D): the plan and the
// running operators disagree, so a sink planned for that mode would store wrong rows. Job turns
// it into an Internal error naming the operator and the kind.
struct ChangelogViolation {
  std::string message;
};

// No watermark yet (Flink's Long.MIN_VALUE) and the end of input (Watermark.MAX_WATERMARK).
inline constexpr int64_t kNoWatermark = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kMaxWatermark = std::numeric_limits<int64_t>::max();

class Operator;

// careflow's late-row side output (not Flink's; 'table.exec.late-rows.topic', docs/sql.md): a row
// an operator dropped for arriving behind its event-time clock, with what made it late. The job
// collects them only while the option is set (Job::take_late_rows).
struct LateRow {
  const Operator* op = nullptr;
  int input = 0;          // the operator's input the row came through (a join's 1: the right side)
  Row row;                // as it arrived
  int64_t time = 0;       // its event time (ms since the epoch; for window operators its window's)
  int64_t watermark = 0;  // the operator's clock when it was dropped (ms; kNoWatermark before any)
  const char* reason = "";
};

class Operator {
 public:
  virtual ~Operator() = default;

  // One row through `input` (0, or 1 for a join's right side). The row may be moved from.
  virtual void process(int input, Row& row) = 0;
  // Bounded inputs have ended: a last chance to emit (nothing does yet in part 1).
  virtual void finish() { flush(); }

  void push_batch(int input, RowBatch& batch) {
    for (Row& row : batch) process(input, row);
    flush();
  }
  void connect(Operator* downstream, int downstream_input) {
    next_ = downstream;
    next_input_ = downstream_input;
    downstream->add_input(downstream_input);
  }

  // A watermark arrives through `input`. When the minimum over the inputs moves forward, the
  // operator reacts (on_watermark: windows fire), its rows go downstream, then the watermark.
  virtual void push_watermark(int input, int64_t watermark) {
    auto in = static_cast<size_t>(input);
    add_input(input);
    if (watermark <= input_watermarks_[in]) return;
    input_watermarks_[in] = watermark;
    if (!input_aligned_[in] && watermark >= watermark_) input_aligned_[in] = true;
    advance();
  }
  // An input turns idle (true) or active again (false).
  virtual void push_watermark_status(int input, bool idle) {
    auto in = static_cast<size_t>(input);
    add_input(input);
    if (input_idle_[in] == idle) return;
    input_idle_[in] = idle;
    if (!idle) {
      input_aligned_[in] = input_watermarks_[in] >= watermark_;
      if (idle_) {
        idle_ = false;
        forward_watermark_status(false);
      }
      return;
    }
    advance();
    if (std::all_of(input_idle_.begin(), input_idle_.end(), [](bool b) { return b; }) && !idle_) {
      idle_ = true;
      forward_watermark_status(true);
    }
  }
  // This operator's event-time clock: the last watermark it passed on (kNoWatermark before any).
  int64_t current_watermark() const { return watermark_; }
  // Rows dropped because they arrived behind the watermark (Flink's numLateRecordsDropped).
  virtual int64_t late_rows_dropped() const { return 0; }
  // Where dropped late rows go (null, the default: nowhere, as in Flink).
  void collect_late_rows(std::vector<LateRow>* out) { late_rows_ = out; }
  void set_context(const values::EvalContext* ctx) { ctx_ = ctx; }
  void set_processing_clock(const ProcessingClock* clock) { clock_ = clock; }
  // The job's processing time (epoch ms); the wall clock for an operator outside a job.
  int64_t processing_time() const { return clock_ ? clock_->now() : wall_clock_ms(); }
  // The job's clock moved to `now`: timers due by then fire, their rows go downstream.
  void advance_processing_time(int64_t now) {
    on_processing_time(now);
    flush();
  }
  // The plan node this operator runs; its changelog mode is checked on every row emitted in a
  // debug build (NDEBUG not defined).
  void set_plan_node(const sql::PlanNode* node) { node_ = node; }

  // ---- checkpoints (exec/checkpoint/state_io.h, docs/checkpoints.md) ----
  // Whether snapshot() captures all of this operator's state. An operator that keeps state it
  // cannot write yet leaves this false, and a job with it refuses checkpoints naming it, rather
  // than restoring it empty. Stateless operators say true.
  virtual bool checkpointable() const { return false; }
  // Writes the operator's state: in full, or when out.incremental() what changed since the
  // previous snapshot (for state that tracks changes).
  virtual void snapshot(StateWriter& out) { (void)out; }
  // Reads one record snapshot() wrote, into a freshly built operator of the same plan node;
  // records arrive in the order written, the base file's first, then each delta's.
  virtual void restore(const StateRecord& record) { (void)record; }
  // Every record is read: derived structures (timer queues) are rebuilt from the state.
  virtual void restored() {}
  // Turns on change tracking of the keyed state (incremental checkpoints).
  virtual void track_changes() {}
  // The event-time clock every operator has (its inputs' watermarks and its own), written by the
  // job for each operator in space kClockSpace.
  void snapshot_clock(ByteWriter& out) const {
    out.varint(input_watermarks_.size());
    for (int64_t w : input_watermarks_) out.svarint(w);
    out.svarint(watermark_);
  }
  void restore_clock(ByteReader& in) {
    input_watermarks_.resize(in.count());
    for (int64_t& w : input_watermarks_) w = in.svarint();
    watermark_ = in.svarint();
    input_idle_.assign(input_watermarks_.size(), false);
    input_aligned_.assign(input_watermarks_.size(), true);
  }

 protected:
  // Called when the operator's watermark advanced, before it goes downstream; rows emitted here
  // precede it. Default: nothing to fire.
  virtual void on_watermark(int64_t watermark) { (void)watermark; }
  // Called when the job's processing time advanced to `now`; rows emitted here go downstream
  // right after. Default: no processing-time timers.
  virtual void on_processing_time(int64_t now) { (void)now; }
  // The watermark sent downstream once this operator's has advanced to `watermark`: the same,
  // unless the operator emits rows older than its watermark (an interval join holds it back).
  virtual int64_t output_watermark(int64_t watermark) const { return watermark; }
  // Sends a watermark downstream (after flushing what was emitted before it).
  void forward_watermark(int64_t watermark) {
    flush();
    if (next_) next_->push_watermark(next_input_, watermark);
  }
  // Tells downstream this operator's output turned idle or active.
  void forward_watermark_status(bool idle) {
    flush();
    if (next_) next_->push_watermark_status(next_input_, idle);
  }
  // An operator that drops `row` as late calls this (after counting it): a copy goes to the late-row
  // side output when there is one. `time` is what it compared with `watermark`.
  void dropped_late(int input, const Row& row, int64_t time, int64_t watermark, const char* reason) {
    if (late_rows_) late_rows_->push_back(LateRow{this, input, row, time, watermark, reason});
  }
  void emit(Row row) { out_.push_back(std::move(row)); }
  void emit(RowKind kind, std::vector<Value> fields) { out_.push_back(Row{kind, std::move(fields)}); }
  void flush() {
    if (out_.empty()) return;
#ifndef NDEBUG
    if (node_ && (node_->insert_only || node_->drops_update_before)) check_kinds();
#endif
    // Two buffers that keep their capacity: no allocation per batch once warmed up.
    sending_.swap(out_);
    if (next_) next_->push_batch(next_input_, sending_);
    sending_.clear();
  }
  const values::EvalContext& ctx() const { return *ctx_; }

 private:
  // Only +I from an insert-only node; no -U from one that gives updates as +U alone.
  void check_kinds() const {
    for (const Row& row : out_) {
      if (row.kind == RowKind::kInsert || (!node_->insert_only && row.kind != RowKind::kUpdateBefore)) continue;
      std::string line = sql::explain_plan(*node_);
      throw ChangelogViolation{"operator " + line.substr(0, line.find(", changelogMode")) + " emitted a " +
                               std::string(kind_symbol(row.kind)) + " row, but the plan declares changelogMode=[" +
                               sql::changelog_kinds(*node_) + "] for it"};
    }
  }

  void add_input(int input) {
    auto in = static_cast<size_t>(input);
    if (in >= input_watermarks_.size()) input_watermarks_.resize(in + 1, kNoWatermark);
    if (in >= input_idle_.size()) {
      input_idle_.resize(in + 1, false);
      input_aligned_.resize(in + 1, true);
    }
  }

  // The minimum over the active, aligned inputs, if it moved forward: fire, then send it on.
  void advance() {
    int64_t combined = kMaxWatermark;
    bool any = false;
    for (size_t i = 0; i < input_watermarks_.size(); ++i) {
      if (i < input_idle_.size() && (input_idle_[i] || !input_aligned_[i])) continue;
      combined = std::min(combined, input_watermarks_[i]);
      any = true;
    }
    if (!any || combined <= watermark_) return;
    watermark_ = combined;
    on_watermark(combined);
    flush();
    forward_watermark(output_watermark(combined));
  }

  Operator* next_ = nullptr;
  int next_input_ = 0;
  std::vector<int64_t> input_watermarks_;  // per input: the highest watermark it sent
  // Per input: idle (Flink's WatermarkStatus.IDLE), and aligned (active and caught up). Not
  // checkpointed: idleness is processing time and starts afresh, as in Flink.
  std::vector<bool> input_idle_, input_aligned_;
  bool idle_ = false;  // this operator's output (all inputs idle)
  int64_t watermark_ = kNoWatermark;
  RowBatch out_;
  RowBatch sending_;
  const values::EvalContext* ctx_ = nullptr;
  const ProcessingClock* clock_ = nullptr;
  const sql::PlanNode* node_ = nullptr;
  std::vector<LateRow>* late_rows_ = nullptr;
};

using OperatorPtr = std::unique_ptr<Operator>;

}  // namespace careflow::exec
