#pragma once
// The pipelines careflow up deploys (docs/pipelines.md#in-careflow-up):
//   GET /pipelines           the last deployment: each table's DDL and job outcome, its job's state now
//   POST /pipelines/deploy   deploy pipelines.path again (new or stopped pipelines start; running
//                            ones are left alone); 409 when pipelines.path is not set
// Token auth, Host/Origin and Content-Type checks come from src/http like every route's.

#include <string>

#include "http/router.h"
#include "jobs/pipeline_deployer.h"

namespace careflow::api {

// `pipelines` must outlive the router; `path` is pipelines.path ("" for none).
void add_pipeline_routes(http::Router& router, jobs::PipelineService& pipelines, std::string path);

}  // namespace careflow::api
