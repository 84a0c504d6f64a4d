#pragma once
// The foreground processes (`careflow up`, the benchmark's listener, the capture test's helper)
// stop on SIGINT or SIGTERM, taken in one place: StopSignals blocks both in the calling thread, so
// every thread started afterwards inherits the mask, and wait() is where they arrive.

#include <signal.h>

namespace careflow {

class StopSignals {
 public:
  // Blocks SIGINT and SIGTERM; construct it before starting any thread.
  StopSignals();
  // Waits for one of them: SIGINT or SIGTERM.
  int wait() const;

 private:
  sigset_t set_;
};

}  // namespace careflow
