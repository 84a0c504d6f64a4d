#pragma once
// Runs jobs against real sources and sinks: each scan of a job reads its table's source, and an
// INSERT's rows go to its table's sink, both made by the table's connector (connector.h). Several jobs run in one loop, in turn,
// so that a pipeline whose jobs feed each other through topics makes progress; with `bounded`,
// the loop ends when a whole round moves no row (every source read to its end and nothing left
// in flight), else when `stop` is set. When every source has ended, each job gets the end of
// input (a final MAX watermark: windows fire) and what that emits is delivered.
//
// Checkpoints (docs/checkpoints.md), on when options.checkpoint.directory is set: each job
// checkpoints into <directory>/<its name>/ every checkpoint.interval, between two batches (the
// consistency argument is in exec/checkpoint/job_checkpointer.h), and an INSERT into the log
// becomes exactly once: its records are held and committed with each checkpoint. A run that
// starts finds each job's last committed checkpoint and resumes from it (else from the savepoint
// of checkpoint.restore_from, else from the beginning). A run that ends (bounded input read, or
// `stop` set) takes a last checkpoint — a savepoint when options.stop_with_savepoint is set —
// so what it produced is committed.
//
// For the job manager (src/jobs): one run_jobs call per job, with
//   options.checkpoint = parse_checkpoint_settings(the statement's SET options) (plus the
//     directory it keeps checkpoints in when none is set),
//   options.job_names = {the job's name} (stable across restarts: it names the directory and
//     the commit marker),
//   options.stop = its stop flag; options.stop_with_savepoint set before it for a stop with
//     savepoint,
// and a restart with the same name resumes; RunStats::savepoints says where a savepoint went,
// which a new job starts from with checkpoint.restore_from ('execution.state-recovery.path').

#include <atomic>
#include <functional>
#include <map>
#include <vector>

#include "common/status.h"
#include "exec/checkpoint/checkpoint_settings.h"
#include "exec/checkpoint/job_checkpointer.h"
#include "exec/connectors/connector.h"
#include "exec/formats/schema_registry_clients.h"
#include "exec/job.h"
#include "log/topics.h"

namespace careflow::exec {

// What one job of a run has done so far: reported after each batch its sinks received (an INSERT's
// rows are written by then), and once more just before the run fails with its error. Whoever
// shows jobs (careflow up) reads it; `job` is valid only during the call (same thread as the run).
struct JobProgress {
  size_t index = 0;  // in the jobs given to run_jobs
  const Job* job = nullptr;
  int64_t rows_read = 0;
  int64_t rows_written = 0;
  std::vector<SourcePosition> positions;  // every source's, in the job's source order
  bool failing = false;  // the last call: the batch being pushed failed
};

struct RunOptions {
  bool bounded = false;
  const std::atomic<bool>* stop = nullptr;
  // A SELECT's changelog, as it is produced (job index, rows, result types).
  std::function<void(size_t, const RowBatch&, const std::vector<values::DataType>&)> on_rows;
  size_t batch_rows = 1000;
  // The Schema Registries the Avro formats of sources and sinks use; null for none (a table
  // whose format needs one then fails to start, naming what to configure).
  SchemaRegistryClients* registries = nullptr;
  // Off while checkpoint.directory is empty.
  CheckpointSettings checkpoint;
  // The jobs' names, by index (letters, digits, '.', '_', '-'); a missing or empty one is
  // "job-<index>-<sink table>" ("job-<index>-select" for a query), stable for a script that does
  // not change.
  std::vector<std::string> job_names;
  // Read when the run stops (`stop` set, or the input ended): when it points at true, the last
  // checkpoint is a savepoint in checkpoint.savepoint_dir (STOP JOB ... WITH SAVEPOINT: set it,
  // then `stop`). Without a savepoint directory the run still commits a last checkpoint, then
  // fails with FailedPrecondition naming the setting.
  const std::atomic<bool>* stop_with_savepoint = nullptr;
  // Where topic sources start (ConnectorContext::start_offsets); empty: at each partition's first offset.
  std::map<std::pair<std::string, int32_t>, int64_t> start_offsets;
  // Progress per job (JobProgress); null for none.
  std::function<void(const JobProgress&)> on_progress;
  // After each checkpoint a job commits (periodic, the last one, a savepoint) and once after a
  // job restored one at start: the job's index and its checkpoint statistics. Same thread as the run.
  std::function<void(size_t, const CheckpointStats&)> on_checkpoint;
};

struct RunStats {
  int64_t rows_read = 0;
  int64_t rows_written = 0;  // records made; with checkpoints, committed by the last checkpoint
  std::vector<CheckpointStats> checkpoints;  // per job, when checkpointing
  std::vector<std::string> savepoints;       // per job: the savepoint directory written at the end
};

// Fails with the first job's error, naming the statement's table. With checkpoints, also with
// JobCheckpointer::start's refusals (a job that cannot be checkpointed, damaged checkpoint files,
// a savepoint of another plan) and a checkpoint that cannot be written or committed.
Result<RunStats> run_jobs(const std::vector<Job*>& jobs, log::Topics* topics, const RunOptions& options);

}  // namespace careflow::exec
