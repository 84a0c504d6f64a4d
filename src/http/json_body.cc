#include "http/json_body.h"

#include "common/json_parse.h"

namespace careflow::http {

Result<nlohmann::json> parse_json_body(const HttpRequest& request) { return parse_json(request.body); }

std::optional<nlohmann::json> parse_optional_json_object(const HttpRequest& request) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return nlohmann::json::object();
  auto body = parse_json_body(request);
  if (!body || !body->is_object()) return std::nullopt;
  return std::move(*body);
}

}  // namespace careflow::http
