#include "http/json_body.h"

namespace careflow::http {

nlohmann::json parse_json_body(const HttpRequest& request) { return nlohmann::json::parse(request.body, nullptr, false); }

}  // namespace careflow::http
