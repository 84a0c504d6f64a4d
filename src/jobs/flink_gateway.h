#pragma once
// The sessions and operations of Flink 1.20's SQL Gateway protocol (served over REST by
// src/api/flink_gateway_routes.cc), on top of careflow's own statement gateway (sql_gateway.h):
// a statement runs exactly as POST /sql/statements runs it — DDL into the kept catalog, INSERT /
// STATEMENT SET / CTAS as a job, SELECT as a query of query_service.h — and this class only keeps
// what Flink's protocol adds around it:
//   - sessions (a random UUID handle) with their SET keys, a heartbeat, an idle timeout after which
//     a session and its operations are closed (Flink's sql-gateway.session.idle-timeout), and a cap;
//   - operations (a UUID each) with Flink's statuses (RUNNING, FINISHED, CANCELED, CLOSED, ERROR) and
//     their results paged by token as Flink's ResultFetcher pages them: token n gives the rows after
//     the page of token n-1 and names token n+1, asking for token n-1 again gives the same page again
//     (a client's retry), any other token is an error; the last page is EOS with no next token.
//     A SELECT's changelog rows wait in a bounded buffer: the query is held back while its reader is
//     behind (Flink's back-pressure), never dropped.
// One statement per operation, as Flink's gateway takes them. With SET 'table.dml-sync' = 'true' an
// INSERT's operation stays RUNNING, its results NOT_READY, until its job ends (COMPLETED: FINISHED;
// FAILED or STOPPED: ERROR), as Flink's gateway awaits the job.
//
// Errors: NotFound for an unknown session or operation; InvalidArgument for SQL that does not parse
// or plan (line:column, as POST /sql/statements) and bad tokens; FailedPrecondition for results of an
// operation that was cancelled or closed; Unavailable at a cap. Thread-safe.

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "exec/row.h"
#include "jobs/job_manager.h"
#include "jobs/query_service.h"
#include "jobs/sql_gateway.h"
#include "values/types.h"

namespace careflow::jobs {

struct FlinkGatewayOptions {
  std::chrono::milliseconds idle_timeout{600'000};  // Flink's default: 10 min
  size_t max_sessions = 100;
  size_t max_operations = 256;       // open (not closed) per session
  size_t max_buffered_rows = 10'000; // a SELECT's rows waiting for their fetch
  size_t max_page_rows = 10'000;
  // How long a fetch of a running SELECT with nothing new waits for rows before it answers an
  // empty page: Flink's clients fetch again at once, so this keeps them from spinning.
  std::chrono::milliseconds fetch_wait{50};
};

struct FlinkColumn {
  std::string name;
  values::DataType type;
};

struct FetchPage {
  enum class Type { kNotReady, kPayload, kEos };
  Type type = Type::kPayload;
  bool is_query = false;
  std::string job_id;       // Flink's JobID of the job an INSERT made (flink_job_id.h); "" for none
  std::string result_kind;  // SUCCESS or SUCCESS_WITH_CONTENT
  std::vector<FlinkColumn> columns;
  std::vector<exec::Row> rows;
  std::optional<int64_t> next_token;  // nullopt after the last page
};

class FlinkGateway {
 public:
  // Everything given must outlive this.
  FlinkGateway(SqlGateway& sql, JobManager& jobs, QueryService& queries, FlinkGatewayOptions options = {});
  ~FlinkGateway();  // closes every session (their SELECTs stop); jobs go on
  FlinkGateway(const FlinkGateway&) = delete;
  FlinkGateway& operator=(const FlinkGateway&) = delete;

  // A new session with `properties` as its SET keys; its handle.
  Result<std::string> open_session(const std::string& name, const std::map<std::string, std::string>& properties);
  Status heartbeat(const std::string& session);
  Result<std::map<std::string, std::string>> session_config(const std::string& session);
  Status close_session(const std::string& session);
  // SET, RESET, CREATE / DROP / ALTER (not CREATE TABLE AS) and USE only, as Flink's
  // configure-session; the effect is the same as executing them.
  Status configure_session(const std::string& session, const std::string& statement);

  // Runs one statement with the session's keys and `execution_config` over them (for this statement
  // only); the operation's handle. A statement that fails still makes an operation, in ERROR, whose
  // results are the error (as Flink's); NotFound / Unavailable are answered at once.
  Result<std::string> execute(const std::string& session, const std::string& statement,
                              const std::map<std::string, std::string>& execution_config);
  Result<std::string> operation_status(const std::string& session, const std::string& operation);
  Result<std::string> cancel(const std::string& session, const std::string& operation);
  Result<std::string> close_operation(const std::string& session, const std::string& operation);
  Result<FetchPage> fetch(const std::string& session, const std::string& operation, int64_t token);

  size_t session_count() const;

  struct Operation;  // flink_operation.h, private to src/jobs
  struct Session;

 private:
  Result<std::shared_ptr<Session>> find(const std::string& session);  // and marks it used
  Result<std::shared_ptr<Operation>> find(const std::string& session, const std::string& operation);
  void settle(Operation& op);  // an awaited job's end, under op.mu
  void expire();  // closes sessions idle longer than the timeout

  SqlGateway& sql_;
  JobManager& jobs_;
  QueryService& queries_;
  FlinkGatewayOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool closing_ = false;
  std::map<std::string, std::shared_ptr<Session>> sessions_;
  std::thread expirer_;
};

}  // namespace careflow::jobs
