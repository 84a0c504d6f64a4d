#pragma once
// GET /cdc/status: the running change data capture's report (cdc::capture_report: state, slot,
// written and confirmed LSN, lag), the same document `careflow cdc status --json` prints.

#include "cdc/cdc_connector.h"
#include "http/router.h"
#include "store/database.h"

namespace careflow::api {

// `db` and `cdc` must outlive the router.
void add_cdc_routes(http::Router& router, store::Database& db, const cdc::CdcConnector& cdc);

}  // namespace careflow::api
