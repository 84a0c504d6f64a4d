#pragma once
// careflow up's jobs over REST (docs/api.md#jobs) and the SQL statements of `careflow sql` beside it:
//   GET /jobs, GET /jobs/{id}, POST /jobs {"statement": ..., "settings": {...}}, POST /jobs/{id}/stop
//   {"savepoint": false}; POST /sql/statements {"statement": ..., "settings": {...}, "bounded": false};
//   GET /sql/results?query=<id>: a SELECT's changelog as Server-Sent Events.
// Token auth, Host/Origin and Content-Type checks come from src/http like every route's.

#include "http/http_server.h"
#include "http/router.h"
#include "jobs/job_manager.h"
#include "jobs/query_service.h"
#include "jobs/sql_gateway.h"

namespace careflow::api {

// Everything given must outlive the server.
void add_job_routes(http::Router& router, http::HttpServer& server, jobs::JobManager& jobs, jobs::SqlGateway& gateway,
                    jobs::QueryService& queries);

}  // namespace careflow::api
