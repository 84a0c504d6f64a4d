#pragma once
// Runs jobs against real sources and sinks: each scan of a job reads its table's source, and an
// INSERT's rows go to its table's sink, both made by the table's connector (connector.h). Several jobs run in one loop, in turn,
// so that a pipeline whose jobs feed each other through topics makes progress; with `bounded`,
// the loop ends when a whole round moves no row (every source read to its end and nothing left
// in flight), else when `stop` is set. When every source has ended, each job gets the end of
// input (a final MAX watermark: windows fire) and what that emits is delivered.

#include <atomic>
#include <functional>
#include <map>
#include <vector>

#include "common/status.h"
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
  // Where topic sources start (ConnectorContext::start_offsets); empty: at each partition's first offset.
  std::map<std::pair<std::string, int32_t>, int64_t> start_offsets;
  // Progress per job (JobProgress); null for none.
  std::function<void(const JobProgress&)> on_progress;
};

struct RunStats {
  int64_t rows_read = 0;
  int64_t rows_written = 0;
};

// Fails with the first job's error, naming the statement's table.
Result<RunStats> run_jobs(const std::vector<Job*>& jobs, log::Topics* topics, const RunOptions& options);

}  // namespace careflow::exec
