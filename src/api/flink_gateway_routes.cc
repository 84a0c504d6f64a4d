#include "api/flink_gateway_routes.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <variant>

#include "http/json_body.h"
#include "jobs/flink_result_format.h"

namespace careflow::api {

namespace {

using http::HttpRequest;
using http::HttpResponse;
using nlohmann::ordered_json;

HttpResponse ok(const ordered_json& body) {
  HttpResponse r;
  r.status = 200;  // Flink's client takes no other status as success
  r.body = body.dump();
  return r;
}

// Flink's ErrorResponseBody.
HttpResponse flink_error(int status, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.body = ordered_json{{"errors", ordered_json::array({message})}}.dump();
  return r;
}

HttpResponse flink_error(const Status& status) {
  switch (status.code()) {
    case StatusCode::kNotFound: return flink_error(404, status.message());
    case StatusCode::kInvalidArgument: return flink_error(400, status.message());
    case StatusCode::kFailedPrecondition: return flink_error(409, status.message());
    case StatusCode::kUnavailable: return flink_error(503, status.message());
    default: return flink_error(500, status.message());
  }
}

// The body as a JSON object whose fields are all in `known` (Flink's server refuses unknown ones); an
// empty body is {}.
std::variant<nlohmann::json, HttpResponse> body_object(const HttpRequest& request, std::initializer_list<std::string_view> known) {
  auto body = http::parse_optional_json_object(request);
  if (!body) return flink_error(400, "Request did not match expected format: the body must be a JSON object");
  for (const auto& [key, value] : body->items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return flink_error(400, fmt::format("Request did not match expected format: unknown field '{}'", key));
    }
  }
  return *body;
}

// An optional object of strings (properties, executionConfig); 400 naming the field otherwise.
std::variant<std::map<std::string, std::string>, HttpResponse> string_map(const nlohmann::json& body, const std::string& field) {
  std::map<std::string, std::string> out;
  if (!body.contains(field) || body[field].is_null()) return out;
  if (!body[field].is_object()) return flink_error(400, fmt::format("'{}' must be an object of strings", field));
  for (const auto& [k, v] : body[field].items()) {
    // Flink's Configuration takes numbers and booleans as their text too.
    if (v.is_string()) out[k] = v.get<std::string>();
    else if (v.is_number() || v.is_boolean()) out[k] = v.dump();
    else return flink_error(400, fmt::format("'{}.{}' must be a string", field, k));
  }
  return out;
}

std::variant<std::string, HttpResponse> statement_of(const nlohmann::json& body) {
  if (!body.contains("statement") || !body["statement"].is_string() ||
      body["statement"].get<std::string>().find_first_not_of(" \t\r\n;") == std::string::npos) {
    return flink_error(400, "'statement' must be a non-empty string of Flink SQL");
  }
  if (body.contains("executionTimeout") && !body["executionTimeout"].is_null() && !body["executionTimeout"].is_number_integer()) {
    return flink_error(400, "'executionTimeout' must be a number of milliseconds");
  }
  return body["statement"].get<std::string>();
}

std::string next_uri(std::string_view version, const HttpRequest& request, int64_t token, std::optional<jobs::RowFormat> format) {
  std::string uri = fmt::format("/{}/sessions/{}/operations/{}/result/{}", version, request.param("session"),
                                request.param("operation"), token);
  if (format) uri += fmt::format("?rowFormat={}", jobs::row_format_name(*format));
  return uri;
}

ordered_json fetch_body(const jobs::FetchPage& page, jobs::RowFormat format, const std::string& next) {
  static constexpr std::string_view kTypes[] = {"NOT_READY", "PAYLOAD", "EOS"};
  ordered_json out;
  out["resultType"] = std::string(kTypes[static_cast<int>(page.type)]);
  if (page.type != jobs::FetchPage::Type::kNotReady) {
    out["isQueryResult"] = page.is_query;
    if (!page.job_id.empty()) out["jobID"] = page.job_id;
    out["resultKind"] = page.result_kind;
    ordered_json columns = ordered_json::array();
    std::vector<values::DataType> types;
    for (const jobs::FlinkColumn& c : page.columns) {
      columns.push_back({{"name", c.name}, {"logicalType", jobs::logical_type_json(c.type)}, {"comment", nullptr}});
      types.push_back(c.type);
    }
    ordered_json data = ordered_json::array();
    for (const exec::Row& row : page.rows) data.push_back(jobs::row_json(row, types, format));
    out["results"] = {{"columns", std::move(columns)}, {"rowFormat", std::string(jobs::row_format_name(format))}, {"data", std::move(data)}};
  }
  if (!next.empty()) out["nextResultUri"] = next;
  return out;
}

void add_version(http::Router& router, jobs::FlinkGateway& gateway, const std::string& version) {
  const std::string base = "/" + version;
  const bool v1 = version == "v1";
  const std::string api = fmt::format("Flink SQL Gateway ({}): ", version);

  router.add("GET", base + "/info", [](HttpRequest&) {
    return ok({{"productName", "careflow"}, {"version", "1.20"}});
  }, api + "the product and the Flink version whose SQL Gateway API it serves");

  router.add("GET", base + "/api_versions", [](HttpRequest&) {
    return ok({{"versions", {"V1", "V2"}}});
  }, api + "the SQL Gateway API versions served");

  router.add("POST", base + "/sessions", [&gateway](HttpRequest& request) {
    auto body = body_object(request, {"sessionName", "properties"});
    if (auto* e = std::get_if<HttpResponse>(&body)) return *e;
    const nlohmann::json& b = std::get<nlohmann::json>(body);
    std::string name;
    if (b.contains("sessionName") && !b["sessionName"].is_null()) {
      if (!b["sessionName"].is_string()) return flink_error(400, "'sessionName' must be a string");
      name = b["sessionName"].get<std::string>();
    }
    auto properties = string_map(b, "properties");
    if (auto* e = std::get_if<HttpResponse>(&properties)) return *e;
    auto handle = gateway.open_session(name, std::get<std::map<std::string, std::string>>(properties));
    if (!handle) return flink_error(handle.status());
    return ok({{"sessionHandle", *handle}});
  }, api + "open a session; its properties are its SET keys");

  router.add("GET", base + "/sessions/{session}", [&gateway](HttpRequest& request) {
    auto config = gateway.session_config(request.param("session"));
    if (!config) return flink_error(config.status());
    return ok({{"properties", *config}});
  }, api + "a session's SET keys");

  router.add("DELETE", base + "/sessions/{session}", [&gateway](HttpRequest& request) {
    Status closed = gateway.close_session(request.param("session"));
    if (!closed) return flink_error(closed);
    return ok({{"status", "CLOSED"}});
  }, api + "close a session (its SELECTs stop; jobs go on)");

  router.add("POST", base + "/sessions/{session}/heartbeat", [&gateway](HttpRequest& request) {
    Status alive = gateway.heartbeat(request.param("session"));
    if (!alive) return flink_error(alive);
    return ok(ordered_json::object());
  }, api + "keep a session from expiring");

  if (!v1) {
    router.add("POST", base + "/sessions/{session}/configure-session", [&gateway](HttpRequest& request) {
      auto body = body_object(request, {"statement", "executionTimeout"});
      if (auto* e = std::get_if<HttpResponse>(&body)) return *e;
      auto statement = statement_of(std::get<nlohmann::json>(body));
      if (auto* e = std::get_if<HttpResponse>(&statement)) return *e;
      Status done = gateway.configure_session(request.param("session"), std::get<std::string>(statement));
      if (!done) return flink_error(done);
      return ok(ordered_json::object());
    }, api + "SET, RESET, CREATE, DROP, ALTER or USE in a session");

    router.add("POST", base + "/sessions/{session}/complete-statement", [&gateway](HttpRequest& request) {
      auto body = body_object(request, {"statement", "position"});
      if (auto* e = std::get_if<HttpResponse>(&body)) return *e;
      Status alive = gateway.heartbeat(request.param("session"));
      if (!alive) return flink_error(alive);
      // careflow offers no completions: an empty list, which the sql-client shows as none.
      return ok({{"candidates", ordered_json::array()}});
    }, api + "completion hints (none are offered)");
  }

  router.add("POST", base + "/sessions/{session}/statements", [&gateway](HttpRequest& request) {
    auto body = body_object(request, {"statement", "executionTimeout", "executionConfig"});
    if (auto* e = std::get_if<HttpResponse>(&body)) return *e;
    const nlohmann::json& b = std::get<nlohmann::json>(body);
    auto statement = statement_of(b);
    if (auto* e = std::get_if<HttpResponse>(&statement)) return *e;
    auto config = string_map(b, "executionConfig");
    if (auto* e = std::get_if<HttpResponse>(&config)) return *e;
    auto op = gateway.execute(request.param("session"), std::get<std::string>(statement),
                              std::get<std::map<std::string, std::string>>(config));
    if (!op) return flink_error(op.status());
    return ok({{"operationHandle", *op}});
  }, api + "execute one statement: an operation whose results are fetched by token");

  const std::string op_path = base + "/sessions/{session}/operations/{operation}";
  router.add("GET", op_path + "/status", [&gateway](HttpRequest& request) {
    auto status = gateway.operation_status(request.param("session"), request.param("operation"));
    if (!status) return flink_error(status.status());
    return ok({{"status", *status}});
  }, api + "an operation's status");

  router.add("POST", op_path + "/cancel", [&gateway](HttpRequest& request) {
    auto status = gateway.cancel(request.param("session"), request.param("operation"));
    if (!status) return flink_error(status.status());
    return ok({{"status", *status}});
  }, api + "cancel a running operation");

  router.add("DELETE", op_path + "/close", [&gateway](HttpRequest& request) {
    auto status = gateway.close_operation(request.param("session"), request.param("operation"));
    if (!status) return flink_error(status.status());
    return ok({{"status", *status}});
  }, api + "close an operation (a SELECT stops)");

  router.add("GET", op_path + "/result/{token}", [&gateway, version, v1](HttpRequest& request) {
    const std::string& token_text = request.param("token");
    int64_t token = 0;
    auto [end, ec] = std::from_chars(token_text.data(), token_text.data() + token_text.size(), token);
    if (ec != std::errc() || end != token_text.data() + token_text.size() || token < 0) {
      return flink_error(400, fmt::format("the token '{}' is not a non-negative number", token_text));
    }
    jobs::RowFormat format = jobs::RowFormat::kJson;
    if (!v1) {
      auto it = request.query.find("rowFormat");
      if (it == request.query.end()) return flink_error(400, "the query parameter rowFormat (JSON or PLAIN_TEXT) is required");
      if (!jobs::parse_row_format(it->second, &format)) {
        return flink_error(400, fmt::format("rowFormat '{}' is neither JSON nor PLAIN_TEXT", it->second));
      }
    }
    auto page = gateway.fetch(request.param("session"), request.param("operation"), token);
    if (!page) return flink_error(page.status());
    std::string next;
    if (page->next_token) next = next_uri(version, request, *page->next_token, v1 ? std::nullopt : std::optional(format));
    return ok(fetch_body(*page, format, next));
  }, api + "an operation's results from a token: rows with their kinds, the next token's URI, EOS at the end");
}

}  // namespace

void add_flink_gateway_routes(http::Router& router, jobs::FlinkGateway& gateway) {
  // What the server itself refuses under /v1 and /v2 (no token: 401, no such route, a wrong method)
  // reaches Flink's clients as Flink's error body, which they show; careflow's shape they cannot read.
  for (const char* prefix : {"/v1/", "/v2/"}) {
    router.set_error_shape(prefix, [](HttpResponse& response) {
      auto body = nlohmann::json::parse(response.body, nullptr, false);
      if (body.is_object() && body.contains("errors")) return;
      std::string message = body.is_object() && body.contains("detail") && body["detail"].is_string()
                                ? body["detail"].get<std::string>()
                                : response.body;
      response.body = ordered_json{{"errors", ordered_json::array({message})}}.dump();
      response.content_type = "application/json";
    });
  }
  add_version(router, gateway, "v1");
  add_version(router, gateway, "v2");
}

}  // namespace careflow::api
