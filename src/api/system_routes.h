#pragma once
// GET /health (each component's state; 503 naming what fails) and GET /openapi.json (generated
// from the router, so it lists exactly the routes that exist).

#include <functional>
#include <string>
#include <vector>

#include "http/router.h"

namespace careflow::api {

struct HealthCheck {
  std::string component;         // "database", "log", "simulator", ...
  std::function<Status()> check;  // OK = up
};

void add_health_route(http::Router& router, std::vector<HealthCheck> checks);
// Call last: the document covers the routes registered before it (and itself).
void add_openapi_route(http::Router& router, std::vector<std::string> stream_paths);

}  // namespace careflow::api
