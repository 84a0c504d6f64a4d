#pragma once
// A source's watermark over its partitions, as Flink's WatermarkOutputMultiplexer combines the
// per-split outputs (CombinedWatermarkStatus) and WatermarksWithIdleness marks a split idle:
//   - each partition's watermark only rises (the largest watermark value of its rows);
//   - with an idle timeout (> 0), a partition is idle once it gave no row for longer than the
//     timeout, measured in processing time from the first periodic check that saw it inactive
//     (Flink's IdlenessTimer#checkIfIdle: the timer starts at a check, not at the last row, and
//     idleness is "more than" the timeout); a row makes it active again at the next check;
//   - the source's watermark is the minimum over the active partitions, sent only when it rises;
//     while every partition is idle nothing is sent and the source is idle (all_idle(): Flink
//     marks the whole output idle, so it no longer holds back the operators after it).
// The clock is injected so tests can move processing time by hand.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "exec/operator.h"

namespace careflow::exec {

class PartitionWatermarks {
 public:
  using Clock = std::function<int64_t()>;  // processing time, milliseconds, never going back

  explicit PartitionWatermarks(int64_t idle_timeout_ms = 0, Clock clock = steady_clock_ms)
      : idle_timeout_ms_(idle_timeout_ms), clock_(std::move(clock)), parts_(1) {}

  // The source has `count` partitions (it never shrinks).
  void resize(size_t count) {
    if (count > parts_.size()) parts_.resize(count);
  }
  size_t size() const { return parts_.size(); }

  // A row of `partition` (< size()) whose watermark expression gave `watermark` (nullopt: NULL).
  void on_row(size_t partition, std::optional<int64_t> watermark) {
    Part& p = parts_[partition];
    ++p.activity;
    if (watermark) p.watermark = std::max(p.watermark, *watermark);
  }

  // The periodic emission: updates each partition's idleness and returns the combined watermark
  // when it rose past the last one returned (or set by restore()).
  std::optional<int64_t> on_periodic_emit() {
    const int64_t now = idle_timeout_ms_ > 0 ? clock_() : 0;
    int64_t combined = kMaxWatermark;
    bool any_active = false;
    for (Part& p : parts_) {
      if (idle_timeout_ms_ > 0) p.idle = check_if_idle(p, now);
      if (p.idle) continue;
      any_active = true;
      combined = std::min(combined, p.watermark);
    }
    all_idle_ = !any_active;
    if (!any_active || combined == kNoWatermark || combined <= sent_) return std::nullopt;
    sent_ = combined;
    return combined;
  }

  bool idle(size_t partition) const { return parts_[partition].idle; }
  // Whether every partition was idle at the last periodic emission.
  bool all_idle() const { return all_idle_; }
  int64_t sent() const { return sent_; }
  void set_sent(int64_t sent) { sent_ = sent; }

  // Checkpoints: each partition's watermark (idleness is processing time: it starts afresh).
  std::vector<int64_t> watermarks() const {
    std::vector<int64_t> out;
    for (const Part& p : parts_) out.push_back(p.watermark);
    return out;
  }
  void restore(const std::vector<int64_t>& watermarks, int64_t sent) {
    parts_.assign(std::max<size_t>(watermarks.size(), 1), Part{});
    for (size_t i = 0; i < watermarks.size(); ++i) parts_[i].watermark = watermarks[i];
    sent_ = sent;
  }

 private:
  struct Part {
    int64_t watermark = kNoWatermark;
    uint64_t activity = 0;       // rows seen
    uint64_t checked = 0;        // `activity` at the last check
    bool inactive = false;       // a check found no row since the one before: the timer runs
    int64_t inactive_since = 0;  // processing time when it started
    bool idle = false;
  };

  bool check_if_idle(Part& p, int64_t now) const {
    if (p.activity != p.checked) {
      p.checked = p.activity;
      p.inactive = false;
      return false;
    }
    if (!p.inactive) {
      p.inactive = true;
      p.inactive_since = now;
      return false;
    }
    return now - p.inactive_since > idle_timeout_ms_;
  }

  int64_t idle_timeout_ms_;
  Clock clock_;
  std::vector<Part> parts_;
  int64_t sent_ = kNoWatermark;
  bool all_idle_ = false;
};

}  // namespace careflow::exec
