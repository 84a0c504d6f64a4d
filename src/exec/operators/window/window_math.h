#pragma once
// Where windows and slices fall, in milliseconds, as Flink's TimeWindow, SlidingWindowAssigner,
// CumulativeWindowAssigner and SliceAssigners place them. Times here are "window time": UTC for a
// TIMESTAMP time attribute, the session's local time for a TIMESTAMP_LTZ one (window_time.h
// converts). Shared by the window table function, the window aggregate and the tests that
// check the one against a naive evaluation.

#include <cstdint>
#include <numeric>
#include <vector>

#include "sql/plan.h"
#include "values/eval_context.h"

namespace careflow::exec::window {

struct Window {
  int64_t start, end;
  bool operator==(const Window&) const = default;
};

// TimeWindow.getWindowStartWithOffset: the start of the window of `size` that holds `ts`.
inline int64_t window_start(int64_t ts, int64_t offset, int64_t size) {
  const int64_t remainder = (ts - offset) % size;
  return remainder < 0 ? ts - (remainder + size) : ts - remainder;
}

// The windows holding `ts`, in the order Flink's window table function emits them (HOP: latest
// start first; CUMULATE: shortest first).
inline std::vector<Window> windows_of(const sql::WindowSpec& w, int64_t ts) {
  std::vector<Window> out;
  switch (w.kind) {
    case sql::WindowSpec::Kind::kTumble: {
      int64_t s = window_start(ts, w.offset, w.size);
      out.push_back({s, s + w.size});
      break;
    }
    case sql::WindowSpec::Kind::kHop:
      for (int64_t s = window_start(ts, w.offset, w.slide); s > ts - w.size; s -= w.slide) out.push_back({s, s + w.size});
      break;
    case sql::WindowSpec::Kind::kCumulate: {
      int64_t s = window_start(ts, w.offset, w.size);
      for (int64_t e = window_start(ts, w.offset, w.slide) + w.slide; e <= s + w.size; e += w.slide) out.push_back({s, e});
      break;
    }
    // A row's own session window before any merging (session_window_aggregate.cc merges).
    case sql::WindowSpec::Kind::kSession: out.push_back({ts, ts + w.size}); break;
  }
  return out;
}

// Slices: the pieces every window is a union of (TUMBLE: the window; HOP: gcd(size, slide);
// CUMULATE: the step). A row is accumulated into its slice once.
inline int64_t slice_size(const sql::WindowSpec& w) {
  switch (w.kind) {
    case sql::WindowSpec::Kind::kTumble: return w.size;
    case sql::WindowSpec::Kind::kHop: return std::gcd(w.size, w.slide);
    case sql::WindowSpec::Kind::kCumulate: return w.slide;
    case sql::WindowSpec::Kind::kSession: return w.size;  // sessions are not sliced
  }
  return w.size;
}

inline int64_t slice_end(const sql::WindowSpec& w, int64_t ts) {
  const int64_t size = slice_size(w);
  return window_start(ts, w.offset, size) + size;
}

// The end of the first window that holds the slice ending at `end`.
inline int64_t first_window_end(const sql::WindowSpec& w, int64_t end) {
  if (w.kind != sql::WindowSpec::Kind::kHop) return end;
  // The smallest aligned start >= end - size.
  return window_start(end - w.size + w.slide - 1, w.offset, w.slide) + w.size;
}

// The end of the last window that holds the slice ending at `end` (of size `ss`): once the
// watermark passes it, a row of that slice is dropped as late.
inline int64_t last_window_end(const sql::WindowSpec& w, int64_t end, int64_t ss) {
  switch (w.kind) {
    case sql::WindowSpec::Kind::kTumble: return end;
    case sql::WindowSpec::Kind::kHop: return window_start(end - ss, w.offset, w.slide) + w.size;
    case sql::WindowSpec::Kind::kCumulate: return window_start(end - ss, w.offset, w.size) + w.size;
    case sql::WindowSpec::Kind::kSession: return end;
  }
  return end;
}

// The start of the window that ends at `end` (an end that the spec's windows have).
inline int64_t start_of(const sql::WindowSpec& w, int64_t end) {
  if (w.kind == sql::WindowSpec::Kind::kCumulate) return window_start(end - 1, w.offset, w.size);
  return end - w.size;
}

// Window time ↔ the UTC epoch milliseconds watermarks count in.
inline int64_t to_window_time(const sql::WindowSpec& w, int64_t utc_ms, const values::EvalContext& ctx) {
  return w.ltz ? utc_ms + ctx.time_zone_offset_micros(utc_ms * 1000) / 1000 : utc_ms;
}
inline int64_t to_utc(const sql::WindowSpec& w, int64_t window_ms, const values::EvalContext& ctx) {
  return w.ltz ? ctx.local_to_utc_micros(window_ms * 1000) / 1000 : window_ms;
}

// Flink's TimeWindowUtil.isWindowFired: the window's last millisecond is at or behind the watermark.
inline bool fired(const sql::WindowSpec& w, int64_t window_end, int64_t watermark, const values::EvalContext& ctx) {
  return to_utc(w, window_end - 1, ctx) <= watermark;
}

// A TIMESTAMP / TIMESTAMP_LTZ value (microseconds) in milliseconds, rounding down as Flink's
// TimestampData.getMillisecond does.
inline int64_t micros_to_millis(int64_t micros) { return micros >= 0 ? micros / 1000 : -((-micros + 999) / 1000); }

}  // namespace careflow::exec::window
