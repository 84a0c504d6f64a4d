#include "api/cdc_routes.h"

#include "cdc/capture_report.h"

namespace careflow::api {

void add_cdc_routes(http::Router& router, store::Database& db, const cdc::CdcConnector& cdc) {
  router.add("GET", "/cdc/status", [&db, &cdc](http::HttpRequest&) {
    auto report = db.with_connection<nlohmann::ordered_json>(
        [&cdc](store::PgConnection& conn) { return cdc::capture_report(conn, cdc.status()); });
    if (!report) return http::HttpResponse::from_status(report.status());
    return http::HttpResponse::json(200, nlohmann::json::parse(report->dump()));
  }, "Change data capture: state, slot, written and confirmed LSN, lag");
}

}  // namespace careflow::api
