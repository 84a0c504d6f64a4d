// WatermarkAssigner: the event-time clock of a source table with WATERMARK FOR col AS expr. As
// Flink's generated watermark generator: each row's expression value (NULL ignored) raises the
// partition's watermark, which never goes back; the source's watermark is the minimum over its
// partitions (Flink's WatermarkOutputMultiplexer), emitted periodically when it moved; with an
// idle timeout a partition without rows for that long stops holding it back
// (partition_watermarks.h).
#include <algorithm>

#include "exec/evaluator.h"
#include "exec/operators/operators.h"
#include "exec/operators/partition_watermarks.h"
#include "exec/operators/window/window_math.h"

namespace careflow::exec {

namespace {

class Assigner : public WatermarkAssigner {
 public:
  Assigner(sql::BoundExprPtr watermark, int64_t idle_timeout_ms, PartitionWatermarks::Clock clock)
      : expr_(std::move(watermark)), partitions_(idle_timeout_ms, std::move(clock)) {}

  void set_partition(int partition, int count) override {
    partitions_.resize(static_cast<size_t>(count));
    partition_ = static_cast<size_t>(partition);
  }

  // Checkpoints: each partition's watermark and the one last sent (space 0).
  bool checkpointable() const override { return true; }
  void snapshot(StateWriter& out) override {
    ByteWriter w;
    const std::vector<int64_t> marks = partitions_.watermarks();
    w.varint(marks.size());
    for (int64_t p : marks) w.svarint(p);
    w.svarint(partitions_.sent());
    out.misc(0, w.data());
  }
  void restore(const StateRecord& record) override {
    ByteReader in(record.value);
    std::vector<int64_t> marks(in.count());
    for (int64_t& p : marks) p = in.svarint();
    partitions_.restore(marks, in.svarint());
  }

  void process(int, Row& row) override {
    Value v = evaluate(*expr_, row.fields, ctx());
    partitions_.on_row(partition_, v.is_null() ? std::nullopt : std::optional<int64_t>(window::micros_to_millis(v.as_int())));
    emit(std::move(row));
  }

  // The source's watermark, and its status when every partition turned idle or one came back.
  void emit_periodic() override {
    std::optional<int64_t> combined = partitions_.on_periodic_emit();
    set_idle(partitions_.all_idle());
    if (combined) forward_watermark(*combined);
  }

  // Watermarks from upstream (there is none but the end of input) are not this source's clock.
  void push_watermark(int, int64_t watermark) override {
    if (watermark == kMaxWatermark && partitions_.sent() != kMaxWatermark) {
      set_idle(false);
      partitions_.set_sent(kMaxWatermark);
      forward_watermark(kMaxWatermark);
    }
  }

 private:
  void set_idle(bool idle) {
    if (idle == idle_) return;
    idle_ = idle;
    forward_watermark_status(idle);
  }

  sql::BoundExprPtr expr_;
  PartitionWatermarks partitions_;
  size_t partition_ = 0;
  bool idle_ = false;  // the status last sent downstream
};

}  // namespace

std::unique_ptr<WatermarkAssigner> make_watermark_assigner(sql::BoundExprPtr watermark, int64_t idle_timeout_ms,
                                                           std::function<int64_t()> clock) {
  return std::make_unique<Assigner>(std::move(watermark), idle_timeout_ms, std::move(clock));
}

}  // namespace careflow::exec
