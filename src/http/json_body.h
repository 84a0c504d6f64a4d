#pragma once
// The one place a request body is parsed as JSON, so what a body may hold is limited once for every
// route of every listener: common/json_parse.h's nesting limit, no NUL byte, nothing after the value.

#include <nlohmann/json.hpp>

#include <optional>

#include "common/status.h"
#include "http/http_types.h"

namespace careflow::http {

// The body as JSON; InvalidArgument naming the byte (and the limit) when it is not one JSON value.
Result<nlohmann::json> parse_json_body(const HttpRequest& request);

// A body that may be left out: an empty (or all-whitespace) body is {}; otherwise it must be a JSON
// object. nullopt when it is not.
std::optional<nlohmann::json> parse_optional_json_object(const HttpRequest& request);

}  // namespace careflow::http
