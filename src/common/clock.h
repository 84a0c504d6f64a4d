#pragma once
// The two clocks careflow reads, in milliseconds: wall time for record and event timestamps,
// steady time for intervals (it never jumps).

#include <chrono>
#include <cstdint>

namespace careflow {

inline int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

inline int64_t steady_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace careflow
