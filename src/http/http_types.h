#pragma once
// Requests and responses as route handlers see them: plain values, no Beast types, so routes are
// testable without sockets. Errors have one JSON shape everywhere, careflow's error object beside
// FastAPI's `detail` string (the reference stack's clients read that one):
//   {"error": {"code": "validation_error", "message": "...", "field": "startDate"}, "detail": "..."}

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace careflow::http {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded path without the query, e.g. "/patients/P001"
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::map<std::string, std::string> params;   // from the route pattern: {"id": "P001"}

  // The header's value or "".
  std::string header(const std::string& lower_name) const;
  const std::string& param(const std::string& name) const { return params.at(name); }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse json(int status, const nlohmann::json& body);
  // {"error": {"code": code, "message": message[, "field": field]}, "detail": message}
  static HttpResponse error(int status, std::string_view code, std::string_view message,
                            std::optional<std::string> field = std::nullopt);
  // Maps a Status to its HTTP meaning: NotFound 404, AlreadyExists/FailedPrecondition 409,
  // InvalidArgument 422, Unavailable 503, everything else 500.
  static HttpResponse from_status(const Status& status, std::optional<std::string> field = std::nullopt);
};

// A request-level failure carrying the field it is about (for 422 answers).
struct FieldError {
  std::string field;
  std::string message;
};

}  // namespace careflow::http
