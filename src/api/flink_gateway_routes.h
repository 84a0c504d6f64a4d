#pragma once
// Flink 1.20's SQL Gateway REST API (API versions V1 and V2) on careflow's HTTP port, so Flink's own
// sql-client (`sql-client.sh gateway --endpoint http://host:port`) and JDBC driver
// (`jdbc:flink://host:port`) run statements in careflow up (docs/jobs.md#flink-sql-gateway):
//   GET  /v{1,2}/info, /v{1,2}/api_versions
//   POST /v{1,2}/sessions                      {"sessionName", "properties"} → {"sessionHandle"}
//   GET / DELETE /v{1,2}/sessions/{h}          → {"properties"} / {"status": "CLOSED"}
//   POST /v{1,2}/sessions/{h}/heartbeat, /v2/sessions/{h}/configure-session {"statement"}
//   POST /v{1,2}/sessions/{h}/statements       {"statement", "executionTimeout", "executionConfig"}
//   GET  .../operations/{op}/status, POST .../cancel, DELETE .../close → {"status"}
//   GET  .../operations/{op}/result/{token}[?rowFormat=JSON|PLAIN_TEXT] (mandatory in V2)
// The paths have no prefix: the JDBC driver cannot send one (its URL's path names a catalog and a
// database), and none of careflow's other routes starts with /v1 or /v2. Answers have Flink's
// shapes, errors Flink's {"errors": ["..."]} with a 4xx status for the request's faults. The token
// check, Host and Origin checks are the server's, as for every route: Flink's clients send the token
// from FLINK_REST_CLIENT_HEADERS="Authorization:Bearer <token>".

#include "http/router.h"
#include "jobs/flink_gateway.h"

namespace careflow::api {

// `gateway` must outlive the router.
void add_flink_gateway_routes(http::Router& router, jobs::FlinkGateway& gateway);

}  // namespace careflow::api
