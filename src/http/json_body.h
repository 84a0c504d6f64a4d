#pragma once
// The one place a request body is parsed as JSON, so a limit on what a body may hold (its nesting
// depth, say) is added once for every route of every listener.

#include <nlohmann/json.hpp>

#include "http/http_types.h"

namespace careflow::http {

// The body as JSON, or a discarded value (is_discarded()) when it is not JSON.
nlohmann::json parse_json_body(const HttpRequest& request);

}  // namespace careflow::http
