#include "app/flink_gateway_client.h"

#include <fmt/format.h>

#include <thread>
#include <utility>

namespace careflow::app {

namespace {

// "Caused by: org.apache.flink.table.api.ValidationException: msg" -> "ValidationException: msg".
std::string cause_text(std::string_view line) {
  line.remove_prefix(std::string_view("Caused by: ").size());
  const size_t colon = line.find(": ");
  const std::string_view name = line.substr(0, colon);
  const size_t dot = name.rfind('.');
  return std::string(dot == std::string_view::npos ? line : line.substr(dot + 1));
}

// Apache Flink's gateway wraps an error in "<Exception on server side: ...>", a Java stack trace
// whose "Caused by:" lines go from its own wrappers down to the root. The deepest cause that names
// a place ("At line 1, column 32: ...") says it best, else the root cause.
std::string from_stack_trace(const std::string& text) {
  std::string placed, root;
  size_t at = 0;
  while ((at = text.find("\nCaused by: ", at)) != std::string::npos) {
    const size_t begin = at + 1;
    const size_t end = text.find('\n', begin);
    const std::string cause = cause_text(std::string_view(text).substr(begin, end - begin));
    root = cause;
    if (cause.find("At line ") != std::string::npos) placed = cause;
    at = begin;
  }
  if (!placed.empty()) return placed;
  return root.empty() ? text.substr(0, text.find('\n')) : root;
}

// The gateway's {"errors": [...]}: careflow's is one message; Apache Flink puts "Internal server
// error." first and the stack trace second.
std::string gateway_error(const UpAnswer& answer) {
  const nlohmann::json& body = answer.body;
  if (!body.is_object() || !body.contains("errors") || !body["errors"].is_array()) {
    return fmt::format("HTTP {}: {}", answer.status, body.dump());
  }
  std::string out;
  for (const nlohmann::json& e : body["errors"]) {
    if (!e.is_string()) continue;
    const std::string text = e.get<std::string>();
    if (text == "Internal server error." && body["errors"].size() > 1) continue;
    out += (out.empty() ? "" : "; ") + from_stack_trace(text);
  }
  return out.empty() ? fmt::format("HTTP {}", answer.status) : out;
}

}  // namespace

Result<FlinkGatewayClient> FlinkGatewayClient::connect(const std::string& url, const std::string& token,
                                                       std::chrono::milliseconds statement_timeout) {
  const auto refuse = [&](const std::string& why) {
    return Status::invalid_argument(fmt::format("--gateway '{}': {}", url, why));
  };
  if (url.starts_with("https://")) return refuse("https is not supported; use http:// (a TLS proxy in front of the gateway needs a plain-HTTP side)");
  if (!url.starts_with("http://")) return refuse("expected http://HOST:PORT[/prefix], Flink's SQL Gateway (port 8083 by default)");
  std::string rest = url.substr(7);
  FlinkGatewayClient client;
  const size_t slash = rest.find('/');
  if (slash != std::string::npos) {
    client.prefix_ = rest.substr(slash);
    rest = rest.substr(0, slash);
    while (!client.prefix_.empty() && client.prefix_.back() == '/') client.prefix_.pop_back();
  }
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size() ||
      rest.find_first_not_of("0123456789", colon + 1) != std::string::npos) {
    return refuse("expected http://HOST:PORT[/prefix] with a port");
  }
  client.address_ = UpAddress{rest.substr(0, colon), rest.substr(colon + 1), token, "the SQL gateway"};
  client.statement_timeout_ = statement_timeout;
  const nlohmann::json open = {{"sessionName", "careflow pipeline deploy"}, {"properties", nlohmann::json::object()}};
  CF_ASSIGN_OR_RETURN(UpAnswer answer, client.call("POST", "/v1/sessions", &open));
  if (answer.status != 200 || !answer.body.contains("sessionHandle") || !answer.body["sessionHandle"].is_string()) {
    return Status::unavailable(fmt::format("the SQL gateway at {} did not open a session: {}", url, gateway_error(answer)));
  }
  client.session_ = answer.body["sessionHandle"].get<std::string>();
  return client;
}

FlinkGatewayClient::FlinkGatewayClient(FlinkGatewayClient&& other) noexcept
    : address_(std::move(other.address_)),
      prefix_(std::move(other.prefix_)),
      session_(std::exchange(other.session_, std::string())),
      statement_timeout_(other.statement_timeout_) {}

FlinkGatewayClient::~FlinkGatewayClient() {
  if (session_.empty()) return;
  auto closed = call("DELETE", fmt::format("/v1/sessions/{}", session_));
  (void)closed;  // the gateway expires it anyway
}

Result<UpAnswer> FlinkGatewayClient::call(const std::string& method, const std::string& path, const nlohmann::json* body) {
  return up_request(address_, method, prefix_ + path, body);
}

Result<GatewayStatementResult> FlinkGatewayClient::execute(const std::string& statement) {
  const nlohmann::json request = {{"statement", statement}};
  CF_ASSIGN_OR_RETURN(UpAnswer submitted, call("POST", fmt::format("/v1/sessions/{}/statements", session_), &request));
  if (submitted.status != 200 || !submitted.body.contains("operationHandle") || !submitted.body["operationHandle"].is_string()) {
    return Status::invalid_argument(gateway_error(submitted));
  }
  const std::string op_path =
      fmt::format("/v1/sessions/{}/operations/{}", session_, submitted.body["operationHandle"].get<std::string>());
  const auto deadline = std::chrono::steady_clock::now() + statement_timeout_;
  std::string status;
  for (auto wait = std::chrono::milliseconds(20);; wait = std::min(wait * 2, std::chrono::milliseconds(500))) {
    CF_ASSIGN_OR_RETURN(UpAnswer answer, call("GET", op_path + "/status"));
    if (answer.status != 200) return Status::invalid_argument(gateway_error(answer));
    status = answer.body.value("status", "");
    if (status != "RUNNING" && status != "PENDING" && status != "INITIALIZED") break;
    if (std::chrono::steady_clock::now() > deadline) {
      auto cancelled = call("POST", op_path + "/cancel");
      (void)cancelled;
      return Status::timeout(fmt::format("the statement was still {} after {} s (cancelled)", status,
                                         std::chrono::duration_cast<std::chrono::seconds>(statement_timeout_).count()));
    }
    std::this_thread::sleep_for(wait);
  }
  // FINISHED: the first page has the result (an INSERT's job id); ERROR: fetching answers the error.
  CF_ASSIGN_OR_RETURN(UpAnswer page, call("GET", op_path + "/result/0"));
  auto closed = call("DELETE", op_path + "/close");
  (void)closed;
  if (status != "FINISHED") {
    return Status::invalid_argument(page.status != 200 ? gateway_error(page) : fmt::format("the operation ended {}", status));
  }
  if (page.status != 200) return Status::invalid_argument(gateway_error(page));
  GatewayStatementResult out;
  if (page.body.contains("jobID") && page.body["jobID"].is_string()) out.job_id = page.body["jobID"].get<std::string>();
  return out;
}

}  // namespace careflow::app
