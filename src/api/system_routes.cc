#include "api/system_routes.h"

#include <memory>

namespace careflow::api {

void add_health_route(http::Router& router, std::vector<HealthCheck> checks) {
  auto shared = std::make_shared<std::vector<HealthCheck>>(std::move(checks));
  router.add("GET", "/health", [shared](http::HttpRequest&) {
    nlohmann::json components = nlohmann::json::object();
    std::vector<std::string> failing;
    for (const HealthCheck& h : *shared) {
      Status s = h.check();
      components[h.component] = s.is_ok() ? nlohmann::json{{"status", "ok"}}
                                          : nlohmann::json{{"status", "down"}, {"message", s.message()}};
      if (!s.is_ok()) failing.push_back(h.component);
    }
    if (failing.empty()) return http::HttpResponse::json(200, {{"status", "ok"}, {"components", components}});
    return http::HttpResponse::json(503, {{"status", "degraded"}, {"failing", failing}, {"components", components}});
  }, "Health of every component");
}

void add_openapi_route(http::Router& router, std::vector<std::string> stream_paths) {
  router.add("GET", "/openapi.json", [&router, stream_paths](http::HttpRequest&) {
    nlohmann::json paths = nlohmann::json::object();
    for (const http::Router::Route& route : router.routes()) {
      nlohmann::json op = {{"summary", route.summary.empty() ? route.method + " " + route.pattern : route.summary},
                           {"responses", {{"200", {{"description", "success"}}},
                                          {"4XX", {{"description", "{\"error\":{\"code\",\"message\",\"field\"},\"detail\"}"}}}}}};
      nlohmann::json parameters = nlohmann::json::array();
      for (const std::string& segment : route.segments) {
        if (segment.size() > 2 && segment.front() == '{') {
          parameters.push_back({{"name", segment.substr(1, segment.size() - 2)},
                                {"in", "path"},
                                {"required", true},
                                {"schema", {{"type", "string"}}}});
        }
      }
      if (!parameters.empty()) op["parameters"] = parameters;
      std::string method = route.method;
      for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      paths[route.pattern][method] = op;
    }
    for (const std::string& path : stream_paths) {
      paths[path]["get"] = {{"summary", "Server-Sent Events stream"},
                            {"responses", {{"200", {{"description", "text/event-stream"},
                                                    {"content", {{"text/event-stream", nlohmann::json::object()}}}}}}}};
    }
    return http::HttpResponse::json(200, {{"openapi", "3.0.3"},
                                    {"info", {{"title", "careflow API"}, {"version", "0.1.0"}}},
                                    {"paths", paths}});
  }, "This OpenAPI document");
}

}  // namespace careflow::api
