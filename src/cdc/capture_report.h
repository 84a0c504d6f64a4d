#pragma once
// What `careflow cdc status` and GET /cdc/status show: the connector's own view (state, written
// LSN, counters) joined with PostgreSQL's (the slot's confirmed LSN, the server's WAL position,
// the replication lag it measures).

#include <nlohmann/json.hpp>

#include <string>

#include "cdc/cdc_connector.h"
#include "common/config.h"
#include "store/pg_connection.h"

namespace careflow::cdc {

// The connector options the configuration describes (cdc.* keys, see docs/configuration.md).
// InvalidArgument naming the key for a bad value.
Result<CdcOptions> cdc_options_from_config(const Config& config, const std::string& conninfo);

// {"state", "slot", "publication", "slot_exists", "written_lsn", "confirmed_lsn", "server_lsn",
//  "lag_bytes", "lag_seconds", "events_written", "transactions_written", "snapshot_rows",
//  "last_error", "tables_without_primary_key"}; LSNs as "16/B374D848" (null when unknown),
// lag_bytes = server_lsn - written_lsn, lag_seconds = PostgreSQL's flush_lag of the slot's
// connection (0 when caught up or not streaming).
Result<nlohmann::ordered_json> capture_report(store::PgConnection& conn, const CdcStatus& status);

// The report as aligned "name: value" lines for a terminal.
std::string format_capture_report(const nlohmann::ordered_json& report);

}  // namespace careflow::cdc
