// WatermarkAssigner: the event-time clock of a source table with WATERMARK FOR col AS expr. As
// Flink's generated watermark generator: each row's expression value (NULL ignored) raises the
// partition's watermark, which never goes back; the source's watermark is the minimum over its
// partitions (Flink's WatermarkOutputMultiplexer), emitted periodically when it moved.
#include <algorithm>

#include "exec/evaluator.h"
#include "exec/operators/operators.h"
#include "exec/operators/window/window_math.h"

namespace careflow::exec {

namespace {

class Assigner : public WatermarkAssigner {
 public:
  explicit Assigner(sql::BoundExprPtr watermark) : expr_(std::move(watermark)) {}

  void set_partition(int partition, int count) override {
    if (static_cast<size_t>(count) > partitions_.size()) partitions_.resize(static_cast<size_t>(count), kNoWatermark);
    partition_ = static_cast<size_t>(partition);
  }

  // Checkpoints: each partition's watermark and the one last sent (space 0).
  bool checkpointable() const override { return true; }
  void snapshot(StateWriter& out) override {
    ByteWriter w;
    w.varint(partitions_.size());
    for (int64_t p : partitions_) w.svarint(p);
    w.svarint(sent_);
    out.misc(0, w.data());
  }
  void restore(const StateRecord& record) override {
    ByteReader in(record.value);
    partitions_.resize(in.count());
    for (int64_t& p : partitions_) p = in.svarint();
    if (partitions_.empty()) partitions_.push_back(kNoWatermark);
    sent_ = in.svarint();
  }

  void process(int, Row& row) override {
    Value v = evaluate(*expr_, row.fields, ctx());
    if (!v.is_null()) {
      int64_t& w = partitions_[partition_];
      w = std::max(w, window::micros_to_millis(v.as_int()));
    }
    emit(std::move(row));
  }

  void emit_periodic() override {
    int64_t combined = *std::min_element(partitions_.begin(), partitions_.end());
    if (combined == kNoWatermark || combined <= sent_) return;
    sent_ = combined;
    forward_watermark(combined);
  }

  // Watermarks from upstream (there is none but the end of input) are not this source's clock.
  void push_watermark(int, int64_t watermark) override {
    if (watermark == kMaxWatermark && sent_ != kMaxWatermark) {
      sent_ = kMaxWatermark;
      forward_watermark(kMaxWatermark);
    }
  }

 private:
  sql::BoundExprPtr expr_;
  std::vector<int64_t> partitions_ = {kNoWatermark};
  size_t partition_ = 0;
  int64_t sent_ = kNoWatermark;
};

}  // namespace

std::unique_ptr<WatermarkAssigner> make_watermark_assigner(sql::BoundExprPtr watermark) {
  return std::make_unique<Assigner>(std::move(watermark));
}

}  // namespace careflow::exec
