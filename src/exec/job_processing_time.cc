// Job::advance_processing_time: the job's processing-time clock moves, and operators fire the
// processing-time timers due by then (job.h, exec/processing_time.h).
#include "exec/job.h"

namespace careflow::exec {

Status Job::advance_processing_time() {
  return guard([&] {
    // guard() advanced the clock. Operators are built downstream first (an operator, then its
    // inputs): walking them backwards fires upstream ones first, so the rows a window emits reach
    // a window below it before that one fires.
    const int64_t now = clock_.now();
    for (auto op = operators_.rbegin(); op != operators_.rend(); ++op) (*op)->advance_processing_time(now);
  });
}

}  // namespace careflow::exec
