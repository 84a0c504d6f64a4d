#pragma once
// A client of Flink 1.20's SQL Gateway REST API (v1: sessions, statements, operation status and
// results), for `careflow pipeline deploy --target flink`: Apache Flink's own sql-gateway, or
// careflow up's (docs/jobs.md "Flink SQL Gateway"). Plain HTTP over up_client.h's requests (each
// with a 60 s timeout); https is refused with a message naming --gateway.
//
// One session; each statement is one operation, polled until it is FINISHED or fails (at most
// `statement_timeout`), its first result page read (an INSERT's job id), then closed.

#include <chrono>
#include <string>

#include "app/up_client.h"
#include "common/status.h"

namespace careflow::app {

struct GatewayStatementResult {
  std::string job_id;  // the Flink JobID of the job an INSERT started; "" for DDL and SET
};

class FlinkGatewayClient {
 public:
  // `url` is http://host:port[/prefix] (--gateway); `token` is sent as a bearer token when not "".
  static Result<FlinkGatewayClient> connect(const std::string& url, const std::string& token,
                                            std::chrono::milliseconds statement_timeout);
  FlinkGatewayClient(FlinkGatewayClient&& other) noexcept;
  FlinkGatewayClient& operator=(FlinkGatewayClient&&) = delete;
  ~FlinkGatewayClient();  // closes the session (the jobs it started go on)

  // Runs one statement. The gateway's own message when it refuses the statement or the statement
  // fails (InvalidArgument); Unavailable / Timeout when the gateway does not answer.
  Result<GatewayStatementResult> execute(const std::string& statement);
  const std::string& session() const { return session_; }

 private:
  FlinkGatewayClient() = default;
  Result<UpAnswer> call(const std::string& method, const std::string& path, const nlohmann::json* body = nullptr);

  UpAddress address_;
  std::string prefix_;  // the URL's path, "" or "/prefix"
  std::string session_;
  std::chrono::milliseconds statement_timeout_{0};
};

}  // namespace careflow::app
