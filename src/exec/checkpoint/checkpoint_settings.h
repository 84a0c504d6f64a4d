#pragma once
// The checkpoint settings of a run, by Flink's configuration keys (SET 'key' = 'value' in a
// session, or a job's options): see docs/checkpoints.md.
//
//   execution.checkpointing.interval       how often (a Flink duration: "3 s", "500 ms", "1 min");
//                                           default 3 s once a directory is set
//   execution.checkpointing.dir            where (Flink 2.x; 'state.checkpoints.dir' in 1.20):
//                                           each job checkpoints into <dir>/<job name>/
//   execution.checkpointing.incremental    true (default): deltas over a base ('state.backend.incremental')
//   execution.checkpointing.num-retained   checkpoints kept (default 1; 'state.checkpoints.num-retained')
//   execution.checkpointing.savepoint-dir  where a stop with savepoint writes ('state.savepoints.dir')
//   execution.state-recovery.path          a savepoint to start from when the job has no checkpoint
//                                           of its own yet ('execution.savepoint.path' in 1.20)
//   execution.checkpointing.mode           EXACTLY_ONCE (default) or AT_LEAST_ONCE (runs exactly once)

#include <chrono>
#include <map>
#include <string>

#include "common/status.h"

namespace careflow::exec {

struct CheckpointSettings {
  std::string directory;  // empty: no checkpoints
  std::chrono::milliseconds interval{3000};
  bool incremental = true;
  int num_retained = 1;
  std::string savepoint_dir;
  std::string restore_from;
  bool enabled() const { return !directory.empty(); }
};

// The settings among `options` (other keys are ignored). InvalidArgument naming the key for a
// value that does not parse, and for an interval set without a directory to write to.
Result<CheckpointSettings> parse_checkpoint_settings(const std::map<std::string, std::string>& options);

// A Flink duration ("10 s", "10s", "500 ms", "2 min", "1 h", a bare number of milliseconds).
Result<std::chrono::milliseconds> parse_flink_duration(const std::string& text);

}  // namespace careflow::exec
