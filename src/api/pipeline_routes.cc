#include "api/pipeline_routes.h"

#include <fmt/format.h>

#include "http/json_body.h"

namespace careflow::api {

using http::HttpRequest;
using http::HttpResponse;

void add_pipeline_routes(http::Router& router, jobs::PipelineService& pipelines, std::string path) {
  router.add("GET", "/pipelines", [&pipelines](HttpRequest&) {
    return HttpResponse::json(200, nlohmann::json::parse(pipelines.status().dump()));
  }, "The pipelines deployed from pipelines.path: each table's DDL and job outcome and its job's state");

  router.add("POST", "/pipelines/deploy", [&pipelines, path](HttpRequest& request) {
    auto body = http::parse_optional_json_object(request);
    if (!body) return HttpResponse::error(400, "bad_json", "the body must be empty or a JSON object");
    if (!body->empty()) {
      const std::string key = body->begin().key();
      return HttpResponse::error(422, "validation_error",
                                 fmt::format("unknown field '{}': the folder deployed is pipelines.path", key), key);
    }
    if (path.empty()) {
      return HttpResponse::error(409, "conflict", "pipelines.path is not set: careflow up has no pipelines folder to deploy");
    }
    auto deployed = pipelines.deploy(path);
    if (!deployed) return HttpResponse::from_status(deployed.status());
    return HttpResponse::json(200, nlohmann::json::parse(pipelines.status().dump()));
  }, "Deploy pipelines.path again: tables missing from the catalog, jobs of pipelines not running");
}

}  // namespace careflow::api
