#pragma once
// The jobs of `careflow up`: each INSERT INTO, EXECUTE STATEMENT SET or CREATE TABLE AS submitted
// becomes a named job that runs on a thread of its own until it is stopped, its bounded inputs end
// (COMPLETED) or it fails for good (FAILED, after the restarts its restart strategy allows).
// Definitions and states are kept under <data-dir> (job_store.h); opening the manager resumes every
// job that was RUNNING (or PENDING) when careflow last stopped.
//
// Delivery (delivery.h, docs/jobs.md): a job checkpoints into <data-dir>/jobs/<id>/checkpoints
// every few seconds and its sinks into the log commit with each checkpoint, so a resumed job —
// after a clean stop or a crash — continues from its last completed checkpoint (operator state and
// source offsets) and readers see each result once. A job whose plan cannot be checkpointed, or
// with checkpointing off, runs at least once: after each batch it wrote, the offsets its sources
// read up to are committed for the consumer group "careflow-job-<id>", where a resumed job starts
// with its stateful operators empty; the reason is part of its JobInfo.
//
// Thread-safe. A job that fails — an error or an exception — is reported in its state, never takes
// the process down.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "exec/formats/schema_registry_clients.h"
#include "exec/session.h"
#include "jobs/job_store.h"
#include "log/topics.h"

namespace careflow::jobs {

// The last checkpoint of a job (summed over the INSERTs of a statement set).
struct CheckpointInfo {
  int64_t id = 0;            // of the first INSERT's checkpoints
  int64_t time_ms = 0;       // wall clock, when it was taken
  double duration_ms = 0;    // writing and committing it
  int64_t bytes = 0;         // what it wrote (a delta, or a base)
  int64_t state_bytes = 0;   // what a restore reads (the base and its deltas)
  int64_t count = 0;         // checkpoints completed since careflow started
  std::optional<int64_t> restored_from;  // the checkpoint or savepoint id this run started from
};

struct PartitionLag {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;      // the next offset the job reads
  int64_t end_offset = 0;  // the partition's end when the job last read it
};

// A job as SHOW JOBS, DESCRIBE JOB and GET /jobs show it.
struct JobInfo {
  std::string id, name, statement, state;  // PENDING, RUNNING, FAILED, STOPPED, COMPLETED
  std::string error;           // the last failure ("" for none), kept after a successful restart
  std::string error_location;  // "topic 'x' partition 0 offset 12", when a source's row caused it
  int64_t restarts = 0;
  std::string restart_strategy;
  int64_t rows_in = 0, rows_out = 0;  // since the job was submitted (all attempts; this run of careflow)
  double rows_in_per_second = 0, rows_out_per_second = 0;
  std::optional<int64_t> watermark_ms;  // the minimum over its sources with a WATERMARK
  // Rows dropped as late, per operator that dropped any (its EXPLAIN line), this run of the job
  // (restored from its checkpoint when it has one; Flink's numLateRecordsDropped per operator).
  std::vector<exec::Job::LateCount> late_rows;
  std::vector<PartitionLag> lag;
  int64_t created_ms = 0;
  std::string dir;        // <data-dir>/jobs/<id>
  std::string positions;  // how its place is kept (checkpoints, or consumer-group offsets)
  // "exactly-once", or "at-least-once: <why>"; "" for a kept job that has not run since careflow started.
  std::string delivery;
  std::optional<CheckpointInfo> last_checkpoint;
  std::vector<std::string> savepoints;  // written by its STOP JOB ... WITH SAVEPOINT
};

nlohmann::ordered_json to_json(const JobInfo& info);

struct JobManagerOptions {
  std::string data_dir;
  log::Topics* topics = nullptr;
  // A set of Schema Registry clients per run of a job (the Avro formats use them).
  std::function<std::unique_ptr<exec::SchemaRegistryClients>()> make_registries;
};

// A session with the catalog's DDL and `settings` (SET) applied: the statements a client sends are
// planned in one of these.
Result<std::unique_ptr<exec::Session>> session_with(const std::string& catalog, const std::map<std::string, std::string>& settings);

class JobManager {
 public:
  // Loads the jobs kept in <data-dir>/jobs and resumes those that were running.
  static Result<std::unique_ptr<JobManager>> open(JobManagerOptions options);
  ~JobManager();  // stops every job; their kept states stay as they were, so a restart resumes them
  JobManager(const JobManager&) = delete;
  JobManager& operator=(const JobManager&) = delete;

  // Plans `definition` (id and created_ms are filled here), keeps it and starts it. InvalidArgument
  // (with line:column) when the statement does not plan or is not a job; the restart strategy's and
  // checkpoints' keys are checked too, and a savepoint to start from ('execution.savepoint.path')
  // must exist and fit the statement's plan (else InvalidArgument with the reason).
  Result<JobInfo> submit(JobDefinition definition);
  std::vector<JobInfo> list() const;
  // NotFound naming the id and the ids there are.
  Result<JobInfo> describe(const std::string& id) const;
  // Stops a PENDING or RUNNING job (STOPPED, kept). FailedPrecondition when it is not running.
  // With `savepoint`, the job's last checkpoint is a savepoint, copied into the savepoint directory
  // (JobInfo::savepoints says where; 'execution.savepoint.path' starts a new job from it):
  // FailedPrecondition, and the job goes on, when it is not RUNNING or runs at least once (no
  // state to save); Internal naming the cause when the savepoint could not be written (the job is
  // then STOPPED with its last committed checkpoint).
  Result<JobInfo> stop(const std::string& id, bool savepoint);

  // The catalog's DDL (catalog.sql) and adding to it; serialized with submissions.
  Result<std::string> catalog() const;
  Status append_catalog(const std::string& statement);

  size_t resumed() const { return resumed_; }

  struct Job;  // private to job_manager.cc

 private:
  explicit JobManager(JobManagerOptions options, JobStore store);
  void start(const std::shared_ptr<Job>& job);
  void run(const std::shared_ptr<Job>& job);
  Status attempt(Job& job);
  JobInfo info(const Job& job) const;

  JobManagerOptions options_;
  mutable std::mutex mu_;  // jobs_ and the store
  JobStore store_;
  std::vector<std::shared_ptr<Job>> jobs_;
  size_t resumed_ = 0;
};

// SHOW JOBS's table and DESCRIBE JOB's text.
std::string jobs_table(const std::vector<JobInfo>& jobs);
std::string job_description(const JobInfo& job);

}  // namespace careflow::jobs
