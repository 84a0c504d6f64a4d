#pragma once
// One operation of the Flink SQL Gateway protocol (flink_gateway.h) and how it is filled: the answer
// Flink's gateway gives for a statement's result, and the buffer a SELECT's changelog streams into.
// Private to src/jobs.

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "jobs/flink_gateway.h"

namespace careflow::jobs {

struct FlinkGateway::Operation {
  std::mutex mu;
  std::condition_variable changed;  // rows came, rows were taken, or the operation ended
  std::string status = "RUNNING";   // RUNNING, FINISHED, CANCELED, CLOSED, ERROR
  Status error;                     // ERROR: why
  bool is_query = false;
  std::string job_id;
  std::string result_kind = "SUCCESS";
  std::vector<FlinkColumn> columns;
  std::deque<exec::Row> buffer;
  bool ended = false;  // no more rows come
  int64_t token = 0;   // the token the next new page answers
  std::optional<FetchPage> last_page;  // the page of token - 1, for a retry
  std::string awaited_job;  // table.dml-sync: RUNNING until this job ends
};

// Fills a finished statement's operation with what Flink's gateway answers for it (docs/jobs.md);
// a SELECT's operation is left RUNNING with its columns, and `query` names the query to stream.
// `set_alone`: the statement was SET without a key (its answer is the session's keys, `settings`).
void answer(FlinkGateway::Operation& op, GatewayResult& r, bool set_alone, const std::map<std::string, std::string>& settings,
            std::optional<std::string>* query);

// Where a SELECT's changelog goes: the operation's buffer, which holds the query back while it is
// full (Flink's back-pressure) and stops it once the operation is cancelled or closed.
QueryOutput operation_output(const std::weak_ptr<FlinkGateway::Operation>& op, size_t max_rows);

}  // namespace careflow::jobs
