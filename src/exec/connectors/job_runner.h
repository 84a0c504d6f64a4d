#pragma once
// Runs jobs against real sources and sinks: each scan of a job reads its table's source, and an
// INSERT's rows go to its table's sink, both made by the table's connector (connector.h). Several jobs run in one loop, in turn,
// so that a pipeline whose jobs feed each other through topics makes progress; with `bounded`,
// the loop ends when a whole round moves no row (every source read to its end and nothing left
// in flight), else when `stop` is set. When every source has ended, each job gets the end of
// input (a final MAX watermark: windows fire) and what that emits is delivered.

#include <atomic>
#include <functional>
#include <vector>

#include "common/status.h"
#include "exec/formats/schema_registry_clients.h"
#include "exec/job.h"
#include "log/topics.h"

namespace careflow::exec {

struct RunOptions {
  bool bounded = false;
  const std::atomic<bool>* stop = nullptr;
  // A SELECT's changelog, as it is produced (job index, rows, result types).
  std::function<void(size_t, const RowBatch&, const std::vector<values::DataType>&)> on_rows;
  size_t batch_rows = 1000;
  // The Schema Registries the Avro formats of sources and sinks use; null for none (a table
  // whose format needs one then fails to start, naming what to configure).
  SchemaRegistryClients* registries = nullptr;
};

struct RunStats {
  int64_t rows_read = 0;
  int64_t rows_written = 0;
};

// Fails with the first job's error, naming the statement's table.
Result<RunStats> run_jobs(const std::vector<Job*>& jobs, log::Topics* topics, const RunOptions& options);

}  // namespace careflow::exec
