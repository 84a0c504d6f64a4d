#pragma once
// How a job of `careflow up` delivers its results (docs/jobs.md#delivery): exactly once, with
// checkpoints in its own folder and sinks into the log committing with them, or — when its plan
// cannot be checkpointed or checkpointing is off — at least once, by consumer-group offsets
// committed after each batch, with the reason shown in SHOW JOBS, DESCRIBE JOB and GET /jobs.
//
// Settings are Flink's `execution.checkpointing.*` keys among the job's SET keys
// (exec/checkpoint/checkpoint_settings.h), with what `up` adds: checkpointing is on by default
// every kDefaultInterval, 'execution.checkpointing.interval' = '0' turns it off (as in Flink, where
// an interval of 0 or less means no checkpoints), the job's checkpoints are always in
// <data-dir>/jobs/<id>/checkpoints/ and its savepoints go to <data-dir>/savepoints unless
// 'execution.checkpointing.savepoint-dir' says otherwise.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "exec/checkpoint/checkpoint_settings.h"
#include "exec/connectors/connector.h"
#include "exec/job.h"

namespace careflow::jobs {

inline constexpr std::chrono::milliseconds kDefaultInterval{3000};

struct Delivery {
  // Empty (disabled) for at least once.
  exec::CheckpointSettings checkpoint;
  // "exactly-once", or "at-least-once: <why>".
  std::string guarantee;
  bool exactly_once() const { return guarantee == "exactly-once"; }
};

// The checkpoint settings of a job kept in `job_dir` (<data-dir>/jobs/<id>) from its SET keys;
// disabled when the interval is '0'. InvalidArgument naming the key for a value that does not parse.
Result<exec::CheckpointSettings> job_checkpoint_settings(const std::map<std::string, std::string>& settings,
                                                        const std::string& data_dir, const std::string& job_dir);

// How the planned `jobs` of one statement deliver with `settings`: exactly once when checkpointing
// is on and every job can write its state (Job::check_checkpointable), every source can resume
// from a position and every sink is a topic of the log; at least once with the first reason
// otherwise. A sink that cannot commit with checkpoints (a file) still checkpoints the state (a
// restart resumes it) but is reported at least once: rows since the last checkpoint are written
// again after a crash. `context` opens the sources to ask them (nothing is read).
Delivery plan_delivery(const exec::CheckpointSettings& settings, const std::vector<exec::Job*>& jobs,
                       const exec::ConnectorContext& context);

// A savepoint a new job starts from ('execution.savepoint.path' / 'execution.state-recovery.path';
// `path` empty: none) must exist and fit the statement: InvalidArgument with the reason when the job
// would run without checkpoints, makes more than one INSERT (a savepoint holds one), or its plan's
// operators or sources are not the savepoint's; NotFound or Corruption naming the file when the
// savepoint is missing or damaged.
Status check_savepoint(const std::string& path, const Delivery& delivery, const std::vector<exec::Job*>& jobs);

// The checkpoint names of a statement's jobs ("job-3"; "job-3.1", ... for the further INSERTs of a
// statement set): stable across restarts, they name the checkpoint folders and commit markers.
std::vector<std::string> checkpoint_names(const std::string& id, size_t jobs);

}  // namespace careflow::jobs
