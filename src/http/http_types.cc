#include "http/http_types.h"

namespace careflow::http {

std::string HttpRequest::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

HttpResponse HttpResponse::json(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

HttpResponse HttpResponse::error(int status, std::string_view code, std::string_view message,
                                 std::optional<std::string> field) {
  nlohmann::json error = {{"code", code}, {"message", message}};
  if (field) error["field"] = *field;
  // `detail` is FastAPI's error field: clients written for the reference stack show it.
  return json(status, {{"error", error}, {"detail", message}});
}

HttpResponse HttpResponse::from_status(const Status& status, std::optional<std::string> field) {
  switch (status.code()) {
    case StatusCode::kOk: return json(200, nlohmann::json::object());
    case StatusCode::kNotFound: return error(404, "not_found", status.message(), std::move(field));
    case StatusCode::kAlreadyExists: return error(409, "conflict", status.message(), std::move(field));
    case StatusCode::kFailedPrecondition: return error(409, "conflict", status.message(), std::move(field));
    case StatusCode::kInvalidArgument:
    case StatusCode::kOutOfRange: return error(422, "validation_error", status.message(), std::move(field));
    case StatusCode::kUnavailable: return error(503, "unavailable", status.message(), std::move(field));
    case StatusCode::kTimeout: return error(504, "timeout", status.message(), std::move(field));
    default: return error(500, "internal", status.message(), std::move(field));
  }
}

}  // namespace careflow::http
