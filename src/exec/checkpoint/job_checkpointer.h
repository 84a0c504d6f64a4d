#pragma once
// The checkpoints of one running job (docs/checkpoints.md): recovery when it starts, a checkpoint
// when the runner asks, a savepoint when it stops. Used by the job runner
// (exec/connectors/job_runner.h); not thread-safe (the runner's thread).
//
// Consistency. The runner calls checkpoint() only between two batches, after the first has run
// through every operator and its output has reached the sink: a careflow job is synchronous and
// single-threaded, so no row is then in flight anywhere, and the operators' state, the sources'
// positions and the rows the sink holds describe the same cut of the input — what Flink's aligned
// barriers establish across threads, obtained here by draining.
//
// Exactly once. A checkpoint writes its state file and its metadata (fsynced, renamed), then
// commits: one atomic append (log::Topics::append_atomic) of every record the sink held since
// the previous checkpoint together with a consumer-group offset whose value is the checkpoint id
// (group "careflow.checkpoint.<job name>", on the sink topic's partition 0). Readers see the
// records when the commit lands, and a checkpoint is committed exactly when its id is in the log.
// At start, checkpoints above the committed id are removed (with files only they used) and the
// job restores the committed one: the records it held were never visible and are produced again.
// A job whose sink is not the log (a SELECT, a file) commits by the metadata's rename alone. A
// two-phase sink (an Iceberg table: Sink::two_phase) prepares its commit before the metadata is
// written — the metadata records what it prepared — and commits after; a restart that restores
// the checkpoint has the sink commit it again if the crash came in between (idempotently).

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "exec/checkpoint/checkpoint_files.h"
#include "exec/checkpoint/checkpoint_settings.h"
#include "exec/connectors/connector.h"
#include "exec/job.h"
#include "log/topics.h"

namespace careflow::exec {

struct CheckpointStats {
  int64_t checkpoints = 0;        // completed since start
  int64_t last_id = 0;            // the last committed checkpoint (0: none)
  int64_t last_bytes = 0;         // state bytes the last checkpoint wrote
  bool last_was_base = false;     // whether it wrote a full base rather than a delta
  std::chrono::microseconds last_duration{0};
  int64_t last_time_ms = 0;       // wall-clock time the last checkpoint was taken (0: none)
  int64_t state_bytes = 0;        // the files a restore of the last checkpoint reads (base + deltas)
  std::optional<int64_t> restored_from;  // the checkpoint or savepoint id the job started from
};

class JobCheckpointer {
 public:
  // `name` identifies the job across restarts: its checkpoints live in <settings.directory>/<name>.
  JobCheckpointer(Job& job, std::string name, CheckpointSettings settings, log::Topics* topics,
                  std::vector<Source*> sources, Sink* sink);

  // Refuses a job that cannot be checkpointed (an operator or source that cannot write its
  // state: FailedPrecondition naming it); recovers the job's directory and restores the last
  // committed checkpoint, else the savepoint of settings.restore_from, else starts empty.
  // Corruption naming the file and byte for a damaged committed checkpoint; InvalidArgument when
  // the savepoint's operators are not this plan's (naming the first that differs).
  Status start();
  // Whether the interval has passed since the last checkpoint (or the start).
  bool due(std::chrono::steady_clock::time_point now) const { return now - last_ >= settings_.interval; }
  // Takes and commits a checkpoint (see above). An error leaves the job unusable: the runner
  // fails it, and a restart recovers from the last committed checkpoint.
  Status checkpoint();
  // A checkpoint in full, committed, then copied into <dir>/savepoint-<name>-<id>/; returns that
  // directory (what execution.state-recovery.path takes).
  Result<std::string> savepoint(const std::string& dir);

  const CheckpointStats& stats() const { return stats_; }
  const std::string& directory() const { return dir_; }

 private:
  Status take(bool force_base);
  Status restore_meta(const std::string& dir, const checkpoint::CheckpointMeta& meta);
  Status remove_unreferenced();
  std::string group() const { return "careflow.checkpoint." + name_; }

  Job& job_;
  std::string name_;
  CheckpointSettings settings_;
  log::Topics* topics_;
  std::vector<Source*> sources_;
  Sink* sink_;
  bool transactional_ = false;
  bool two_phase_ = false;  // the sink commits itself on checkpoints (Sink::two_phase)
  log::TopicPartition marker_;
  std::string dir_;
  int64_t next_id_ = 1;
  // The committed checkpoints kept (newest last); the files of the newest form the chain the
  // next delta builds on.
  std::vector<checkpoint::CheckpointMeta> retained_;
  std::chrono::steady_clock::time_point last_;
  std::optional<checkpoint::CheckpointMeta> restored_meta_;  // between restore_meta and the sink's recover
  CheckpointStats stats_;
};

}  // namespace careflow::exec
