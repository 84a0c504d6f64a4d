#pragma once
// The pipelines under a folder (docs/pipelines.md: <layer>/<table>/sql-scripts/ddl.<table>.sql and
// dml.<table>.sql) deployed into `careflow up`: every table's DDL goes into the catalog, and every
// DML becomes a job named after its table ('pipeline.name'), unless a job of that name is already
// RUNNING or PENDING (a restarted up resumes its jobs from their checkpoints, so deploying again
// starts nothing twice). Layers go in the order data flows (raw, src, dim, fct, alerts), tables by
// name within a layer; a DDL that names a table of a later one (a view) is retried once the others
// are in. A table that fails is reported with its file and the error, and the others go on.
//
// A DDL is `CREATE TABLE IF NOT EXISTS` / `CREATE VIEW IF NOT EXISTS`: a table already in the
// catalog keeps its definition (a changed DDL needs the table dropped first; the report says
// "kept").

#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "jobs/job_manager.h"
#include "jobs/sql_gateway.h"

namespace careflow::jobs {

struct PipelineTable {
  std::string layer, name;
  std::string ddl_file, dml_file;  // dml_file "" for a table without one (raw tables, views)
  std::string ddl, dml;
};

// The tables under `root`, in deployment order. NotFound when `root` is not a folder; InvalidArgument
// naming the file for a table folder without its DDL or a script that cannot be read (or is over
// 1 MiB). Folders that are not one of the five layers are left alone.
Result<std::vector<PipelineTable>> read_pipelines(const std::string& root);

struct PipelineOutcome {
  std::string layer, name;
  std::string table;  // "created", "kept" (already in the catalog) or "failed"
  std::string job;    // "started", "running" (already), "none" (no DML) or "failed"
  std::string job_id;
  std::string error;  // "<file>: <message>" when something failed
  std::string warning;  // a kept table whose file now defines it differently
};

struct PipelineDeployment {
  std::string root;
  std::vector<PipelineOutcome> tables;
  size_t failed() const;
};

nlohmann::ordered_json to_json(const PipelineOutcome& outcome);

// Deploys `tables` through `gateway` (DDL into the catalog, DML as jobs of `jobs`).
PipelineDeployment deploy_pipelines(const std::string& root, const std::vector<PipelineTable>& tables,
                                    SqlGateway& gateway, JobManager& jobs);

// The deployments of one `careflow up` (at start from pipelines.path, and POST /pipelines/deploy),
// one at a time, and the last one's tables with their jobs' states now (GET /pipelines).
class PipelineService {
 public:
  PipelineService(SqlGateway& gateway, JobManager& jobs) : gateway_(gateway), jobs_(jobs) {}
  // read_pipelines' error when the folder cannot be read (nothing is deployed then).
  Result<PipelineDeployment> deploy(const std::string& root);
  // {"path": ... or null, "tables": [{layer, table, ddl, job, jobId, error, state, rowsIn, rowsOut, jobError}]}
  nlohmann::ordered_json status() const;

 private:
  SqlGateway& gateway_;
  JobManager& jobs_;
  mutable std::mutex mu_;
  std::optional<PipelineDeployment> last_;
};

}  // namespace careflow::jobs
