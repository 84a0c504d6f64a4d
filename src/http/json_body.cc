#include "http/json_body.h"

#include "common/json_parse.h"

namespace careflow::http {

Result<nlohmann::json> parse_json_body(const HttpRequest& request) { return parse_json(request.body); }

}  // namespace careflow::http
