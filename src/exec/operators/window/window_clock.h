#pragma once
// The clock a window operator runs on, one place for what differs between event-time windows and
// windows on a PROCTIME() attribute (Flink's WindowAssigner#isEventTime):
//   event time: a row falls into windows by its time column, rows behind the watermark are late,
//     windows fire on the watermark, and window_time is the window's last millisecond;
//   processing time: a row falls into windows by the job's processing time when it arrives (its
//     time column is not read), nothing is late, windows fire when the processing-time clock
//     passes their end - 1 ms (Operator::on_processing_time), and window_time is the processing
//     time the row goes out at, as Flink materializes a processing-time attribute.

#include <cstdint>
#include <optional>

#include "exec/operator.h"
#include "exec/operators/window/window_math.h"

namespace careflow::exec::window {

class WindowClock {
 public:
  // `rowtime`: the time column of the operator's input rows (not read in processing time).
  WindowClock(bool proctime, int rowtime) : proctime_(proctime), rowtime_(rowtime) {}

  bool proctime() const { return proctime_; }
  // The row's time in UTC epoch ms; nullopt when its time column is NULL.
  std::optional<int64_t> row_time(const Row& row, const Operator& op) const {
    if (proctime_) return op.processing_time();
    const Value& t = row.fields[static_cast<size_t>(rowtime_)];
    if (t.is_null()) return std::nullopt;
    return micros_to_millis(t.as_int());
  }
  // What a row's windows are checked against for lateness: the operator's watermark, or
  // kNoWatermark (nothing is late) in processing time.
  int64_t late_bound(const Operator& op) const { return proctime_ ? kNoWatermark : op.current_watermark(); }
  // Whether windows fire on a watermark (`from_watermark`) or on a processing-time advance.
  bool fires_on(bool from_watermark) const { return from_watermark != proctime_; }
  // window_time in UTC epoch microseconds, for a window whose last millisecond is the UTC instant
  // `last_instant_ms`.
  int64_t window_time_micros(int64_t last_instant_ms, const Operator& op) const {
    return (proctime_ ? op.processing_time() : last_instant_ms) * 1000;
  }

 private:
  bool proctime_;
  int rowtime_;
};

}  // namespace careflow::exec::window
