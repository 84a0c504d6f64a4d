#pragma once
// Statements sent to `careflow up` (REST: POST /sql/statements and POST /jobs; `careflow sql`
// beside it uses them), executed as Flink's SQL Gateway executes a session's statements:
//   - CREATE / DROP / ALTER: applied to the catalog kept under <data-dir> (catalog.sql), so later
//     statements and later starts see them (TEMPORARY tables and views live for the request only);
//   - SET / RESET: for the rest of the request (the client sends its session's keys with each one);
//   - INSERT INTO, EXECUTE STATEMENT SET, CREATE TABLE AS: a new job (job_manager.h);
//   - SELECT: a query whose changelog the client streams (query_service.h);
//   - SHOW JOBS, STOP JOB, DESCRIBE JOB: the job manager (a job named by careflow's id, "job-7", or
//     by the Flink JobID the Flink SQL Gateway protocol shows for it: flink_job_id.h);
//     SHOW / DESCRIBE / EXPLAIN: text.
// Errors are InvalidArgument "line L:C: ..." relative to the text sent, NotFound for an unknown job,
// FailedPrecondition for a job that is not running.

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "jobs/job_manager.h"
#include "jobs/query_service.h"

namespace careflow::jobs {

struct GatewayResult {
  // kJobList (SHOW JOBS) and kStopped (STOP JOB) carry the jobs as values too, for protocols that
  // answer them as rows (the Flink SQL Gateway's); careflow's own protocol shows their text.
  enum class Kind { kInfo, kText, kSet, kJob, kQuery, kJobList, kStopped };
  Kind kind = Kind::kInfo;
  std::string text;              // kInfo, kText, kJobList, kStopped
  std::string key, value;        // kSet ("" value: RESET)
  JobInfo job;                   // kJob, kStopped
  bool with_savepoint = false;   // kStopped
  std::vector<JobInfo> jobs;     // kJobList
  std::string query;             // kQuery: its id
  std::vector<std::string> columns;  // kQuery
  std::vector<values::DataType> column_types;  // kQuery
};

nlohmann::ordered_json to_json(const GatewayResult& result);

struct GatewayRequest {
  std::string script;
  std::map<std::string, std::string> settings;  // the client's SET keys
  bool bounded = false;   // SELECTs end when their sources are read to their current end
  bool jobs_only = false; // POST /jobs: DDL and SET may come first, but no SELECT / SHOW, and one job at least
};

class SqlGateway {
 public:
  SqlGateway(JobManager& jobs, QueryService& queries) : jobs_(jobs), queries_(queries) {}

  // Executes the statements in order and stops at the first error (those before it stay done).
  Result<std::vector<GatewayResult>> execute(const GatewayRequest& request);

 private:
  JobManager& jobs_;
  QueryService& queries_;
  std::mutex mu_;  // one request at a time changes the catalog
};

}  // namespace careflow::jobs
