#include "api/job_routes.h"

#include <fmt/format.h>

#include <variant>

#include "http/json_body.h"

namespace careflow::api {

namespace {

using http::HttpRequest;
using http::HttpResponse;

// {"statement": "...", "settings": {"k": "v"}, "bounded": false} → a gateway request; a 422 naming
// the field otherwise.
std::variant<jobs::GatewayRequest, HttpResponse> statement_request(const HttpRequest& request) {
  auto body = http::parse_json_body(request);
  if (!body) return HttpResponse::error(400, "bad_json", body.status().message());
  if (!body->is_object()) return HttpResponse::error(400, "bad_json", "the body must be a JSON object");
  jobs::GatewayRequest out;
  for (const auto& [key, value] : body->items()) {
    if (key == "statement") {
      if (!value.is_string() || value.get<std::string>().find_first_not_of(" \t\r\n;") == std::string::npos) {
        return HttpResponse::error(422, "validation_error", "statement must be a non-empty string of Flink SQL", "statement");
      }
      out.script = value.get<std::string>();
    } else if (key == "settings") {
      if (!value.is_object()) return HttpResponse::error(422, "validation_error", "settings must be an object of strings", "settings");
      for (const auto& [k, v] : value.items()) {
        if (!v.is_string()) {
          return HttpResponse::error(422, "validation_error", fmt::format("settings.{} must be a string", k), "settings");
        }
        out.settings[k] = v.get<std::string>();
      }
    } else if (key == "bounded") {
      if (!value.is_boolean()) return HttpResponse::error(422, "validation_error", "bounded must be true or false", "bounded");
      out.bounded = value.get<bool>();
    } else {
      return HttpResponse::error(422, "validation_error", fmt::format("unknown field '{}'", key), key);
    }
  }
  if (out.script.empty()) return HttpResponse::error(422, "validation_error", "statement is required", "statement");
  return out;
}

HttpResponse sql_error(const Status& status) {
  // SQL that does not parse or plan is the request's fault, with its line:column: 422 on "statement".
  if (status.code() == StatusCode::kInvalidArgument) return HttpResponse::error(422, "validation_error", status.message(), "statement");
  return HttpResponse::from_status(status);
}

}  // namespace

void add_job_routes(http::Router& router, http::HttpServer& server, jobs::JobManager& jobs, jobs::SqlGateway& gateway,
                    jobs::QueryService& queries) {
  router.add("GET", "/jobs", [&jobs](HttpRequest&) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const jobs::JobInfo& j : jobs.list()) list.push_back(jobs::to_json(j));
    return HttpResponse::json(200, nlohmann::json::parse(nlohmann::ordered_json{{"jobs", list}}.dump()));
  }, "Jobs: state, rows in and out, rows/s, lag per source partition, watermark, restarts, error");

  router.add("GET", "/jobs/{id}", [&jobs](HttpRequest& request) {
    auto job = jobs.describe(request.param("id"));
    if (!job) return HttpResponse::from_status(job.status());
    return HttpResponse::json(200, nlohmann::json::parse(jobs::to_json(*job).dump()));
  }, "One job");

  router.add("POST", "/jobs", [&gateway](HttpRequest& request) {
    auto parsed = statement_request(request);
    if (auto* error = std::get_if<HttpResponse>(&parsed)) return *error;
    jobs::GatewayRequest r = std::get<jobs::GatewayRequest>(parsed);
    r.jobs_only = true;
    auto results = gateway.execute(r);
    if (!results) return sql_error(results.status());
    nlohmann::ordered_json made = nlohmann::ordered_json::array();
    for (const jobs::GatewayResult& result : *results) {
      if (result.kind == jobs::GatewayResult::Kind::kJob) made.push_back(jobs::to_json(result.job));
    }
    return HttpResponse::json(201, nlohmann::json::parse(nlohmann::ordered_json{{"jobs", made}}.dump()));
  }, "Submit INSERT INTO / EXECUTE STATEMENT SET / CREATE TABLE AS (DDL and SET may come first): new jobs");

  router.add("POST", "/jobs/{id}/stop", [&jobs](HttpRequest& request) {
    auto body = http::parse_optional_json_object(request);
    if (!body) return HttpResponse::error(400, "bad_json", "the body must be empty or a JSON object");
    bool savepoint = false;
    for (const auto& [key, value] : body->items()) {
      if (key != "savepoint") return HttpResponse::error(422, "validation_error", fmt::format("unknown field '{}'", key), key);
      if (!value.is_boolean()) return HttpResponse::error(422, "validation_error", "savepoint must be true or false", "savepoint");
      savepoint = value.get<bool>();
    }
    auto job = jobs.stop(request.param("id"), savepoint);
    if (!job) return HttpResponse::from_status(job.status(), savepoint ? std::optional<std::string>("savepoint") : std::nullopt);
    return HttpResponse::json(200, nlohmann::json::parse(jobs::to_json(*job).dump()));
  }, "Stop a job (STOPPED); with {\"savepoint\": true} its last checkpoint is a savepoint (the job's savepoints list says where)");

  router.add("POST", "/sql/statements", [&gateway](HttpRequest& request) {
    auto parsed = statement_request(request);
    if (auto* error = std::get_if<HttpResponse>(&parsed)) return *error;
    auto results = gateway.execute(std::get<jobs::GatewayRequest>(parsed));
    if (!results) return sql_error(results.status());
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const jobs::GatewayResult& r : *results) out.push_back(jobs::to_json(r));
    return HttpResponse::json(200, nlohmann::json::parse(nlohmann::ordered_json{{"results", out}}.dump()));
  }, "Run Flink SQL statements in careflow up (careflow sql beside it): DDL, SET, jobs, SHOW/DESCRIBE, SELECT (streamed)");

  // A SELECT's changelog: "event: rows" with a JSON array of rows, then "end" or "error". Closing the
  // connection cancels the query.
  server.add_stream("/sql/results", [&queries](const HttpRequest& request, std::shared_ptr<http::EventStream> stream) {
    auto id = request.query.find("query");
    jobs::QueryOutput output;
    output.send = [stream](const std::string& event, const std::string& data) {
      return stream->send(fmt::format("event: {}\ndata: {}\n\n", event, data));
    };
    output.is_open = [stream] { return stream->is_open(); };
    output.close = [stream] { stream->close(); };
    Status started = id == request.query.end() ? Status::invalid_argument("GET /sql/results needs ?query=<id>")
                                               : queries.stream(id->second, output);
    if (!started) {
      // The client closes the stream after an error event.
      output.send("error", nlohmann::json{{"message", started.message()}}.dump());
    }
  });
}

}  // namespace careflow::api
