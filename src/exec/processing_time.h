#pragma once
// A job's processing-time clock (Flink's ProcessingTimeService): the time operators assign
// processing-time windows by and fire their timers at, in epoch milliseconds. The job owns one and
// reads it when a driver calls Job::advance_processing_time (the job runner does after each batch
// and every idle round, so timers fire on wall time in `careflow up` / `careflow sql`); PROCTIME()
// reads it too. Tests give it a source of their own, so they move processing time by hand and
// need no sleeps.
//
// It never goes back: a source that steps back (a wall clock set back by NTP) leaves it where it
// was, so a window that fired cannot be reopened.
//
// Not thread-safe: the job's thread reads and advances it.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <utility>

#include "common/clock.h"

namespace careflow::exec {

class ProcessingClock {
 public:
  using Source = std::function<int64_t()>;  // epoch milliseconds

  ProcessingClock() : source_(wall_clock_ms) {}

  // Replaces where the time comes from (tests); the clock still never goes back.
  void set_source(Source source) { source_ = std::move(source); }
  // Reads the source and returns the clock's new time.
  int64_t advance() {
    now_ = std::max(now_, source_());
    return now_;
  }
  // The time of the last advance() (before any: the source's time now).
  int64_t now() const { return now_ == kNotRead ? source_() : now_; }

 private:
  static constexpr int64_t kNotRead = std::numeric_limits<int64_t>::min();
  Source source_;
  int64_t now_ = kNotRead;
};

}  // namespace careflow::exec
