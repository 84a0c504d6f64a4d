#include "cdc/capture_report.h"

#include <fmt/format.h>

#include <sstream>

#include "common/numbers.h"

namespace careflow::cdc {
namespace {

nlohmann::ordered_json lsn_or_null(Lsn lsn) { return lsn == 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(format_lsn(lsn)); }

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    const size_t b = item.find_first_not_of(" \t");
    const size_t e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

}  // namespace

Result<CdcOptions> cdc_options_from_config(const Config& config, const std::string& conninfo) {
  CdcOptions o;
  o.conninfo = conninfo;
  o.slot = config.str("cdc.slot");
  o.publication = config.str("cdc.publication");
  o.tables = split_list(config.str("cdc.tables"));
  CF_ASSIGN_OR_RETURN(o.snapshot_mode, parse_snapshot_mode(config.str("cdc.snapshot_mode")));
  o.envelope.topic_prefix = config.str("cdc.topic_prefix");
  if (Status valid = log::validate_topic_name(o.envelope.topic_prefix + ".public.x"); !valid) {
    return Status::invalid_argument(fmt::format("cdc.topic_prefix '{}': {}", o.envelope.topic_prefix, valid.message()));
  }
  o.envelope.schemas_enable = config.boolean("cdc.schemas_enable");
  CF_ASSIGN_OR_RETURN(o.format, parse_event_format(config.str("cdc.format")));
  CF_ASSIGN_OR_RETURN(o.envelope.decimals, parse_decimal_handling(config.str("cdc.decimal_handling_mode")));
  o.emit_truncate = config.str("cdc.skipped_operations") != "t";
  o.heartbeat_interval = std::chrono::milliseconds(config.integer("cdc.heartbeat_ms"));
  return o;
}

Result<nlohmann::ordered_json> capture_report(store::PgConnection& conn, const CdcStatus& status) {
  CF_ASSIGN_OR_RETURN(store::SqlRows server, conn.exec("SELECT pg_current_wal_lsn()::text"));
  CF_ASSIGN_OR_RETURN(Lsn server_lsn, parse_lsn(*server.rows[0][0]));
  CF_ASSIGN_OR_RETURN(store::SqlRows slot,
                      conn.exec("SELECT s.confirmed_flush_lsn::text, COALESCE(EXTRACT(EPOCH FROM r.flush_lag), 0)::float8 "
                                "FROM pg_replication_slots s LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid "
                                "WHERE s.slot_name = $1",
                                {status.slot}));
  Lsn confirmed = 0;
  double lag_seconds = 0;
  if (!slot.rows.empty()) {
    if (slot.rows[0][0]) {
      CF_ASSIGN_OR_RETURN(confirmed, parse_lsn(*slot.rows[0][0]));
    }
    lag_seconds = parse_number<double>(slot.rows[0][1].value_or("0")).value_or(0.0);
  }
  nlohmann::ordered_json r;
  r["state"] = status.state;
  r["slot"] = status.slot;
  r["publication"] = status.publication;
  r["slot_exists"] = !slot.rows.empty();
  r["written_lsn"] = lsn_or_null(status.written_lsn);
  r["confirmed_lsn"] = lsn_or_null(confirmed);
  r["server_lsn"] = lsn_or_null(server_lsn);
  r["lag_bytes"] = server_lsn > status.written_lsn ? static_cast<int64_t>(server_lsn - status.written_lsn) : 0;
  r["lag_seconds"] = lag_seconds;
  r["events_written"] = status.events_written;
  r["transactions_written"] = status.transactions_written;
  r["snapshot_rows"] = status.snapshot_rows;
  r["last_error"] = status.last_error.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(status.last_error);
  r["tables_without_primary_key"] = status.tables_without_primary_key;
  return r;
}

std::string format_capture_report(const nlohmann::ordered_json& report) {
  // A fixed order: a report that went through the API comes back with its keys sorted.
  static constexpr const char* kOrder[] = {"state", "slot", "publication", "slot_exists", "written_lsn", "confirmed_lsn",
                                           "server_lsn", "lag_bytes", "lag_seconds", "events_written",
                                           "transactions_written", "snapshot_rows", "last_error",
                                           "tables_without_primary_key"};
  std::string out;
  for (const char* key : kOrder) {
    if (!report.contains(key)) continue;
    const std::string name = key;
    const auto& value = report[key];
    std::string text;
    if (value.is_null()) text = "-";
    else if (value.is_string()) text = value.get<std::string>();
    else if (value.is_array()) {
      for (const auto& item : value) text += (text.empty() ? "" : ", ") + item.get<std::string>();
      if (text.empty()) text = "none";
    } else {
      text = value.dump();
    }
    out += fmt::format("{:<27} {}\n", name + ":", text);
  }
  return out;
}

}  // namespace careflow::cdc
