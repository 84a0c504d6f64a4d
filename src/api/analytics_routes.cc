#include "api/analytics_routes.h"

#include <fmt/format.h>

namespace careflow::api {
namespace {

// Why a lake series cannot be answered: careflow writes no lakehouse tables yet.
std::string lake_missing(const char* table) {
  return fmt::format(
      "Analytics not available: this series is computed from the lakehouse table {}, and careflow does not write "
      "lakehouse tables yet (the pipelines and the Iceberg lake are not part of this build).",
      table);
}

nlohmann::json unavailable(nlohmann::json empty_data, const std::string& message) {
  return {{"available", false}, {"data", std::move(empty_data)}, {"message", message}};
}

// Why the telemetry-1h counts cannot be answered: the topic is missing (the pipeline that fills it
// is not deployed), or it exists but careflow does not consume it yet.
std::string telemetry_1h_missing(log::Topics& topics) {
  auto offsets = topics.partition_offsets(kTelemetry1hTopic);
  if (!offsets) {
    return fmt::format("Analytics not available: topic {} does not exist; it is written by the hourly telemetry pipeline, "
                       "which is not deployed.",
                       kTelemetry1hTopic);
  }
  return fmt::format("Analytics not available: topic {} exists, but careflow does not consume it for this summary yet.",
                     kTelemetry1hTopic);
}

}  // namespace

void add_analytics_routes(http::Router& router, log::Topics& topics) {
  struct Series {
    const char* path;
    const char* table;
    const char* summary;
  };
  static constexpr Series kSeries[] = {
      {"/analytics/anomalies-per-device", "hc_fct_dev_anomaly", "Anomalies per device (reference analytics envelope)"},
      {"/analytics/config-changes-over-time", "hc_src_devices", "Device configuration changes per day (reference analytics envelope)"},
      {"/analytics/new-devices-over-time", "hc_src_devices", "Devices first seen per day (reference analytics envelope)"},
  };
  for (const Series& s : kSeries) {
    router.add("GET", s.path, [table = s.table](http::HttpRequest&) {
      return http::HttpResponse::json(200, unavailable(nlohmann::json::array(), lake_missing(table)));
    }, s.summary);
  }

  router.add("GET", "/analytics/dashboard", [](http::HttpRequest&) {
    // The reference answers the three series at the top level; `data` holds them too, so the
    // envelope is the same as the other routes'.
    nlohmann::json series = {{"anomalies_per_device", nlohmann::json::array()},
                             {"config_changes_over_time", nlohmann::json::array()},
                             {"new_devices_over_time", nlohmann::json::array()}};
    nlohmann::json body = unavailable(series, lake_missing("hc_fct_dev_anomaly (and hc_src_devices)"));
    body.update(series);
    return http::HttpResponse::json(200, body);
  }, "All dashboard series in one answer (reference analytics envelope)");

  router.add("GET", "/analytics/telemetry-1h-counts", [&topics](http::HttpRequest&) {
    // The reference's fields, as its consumer reports them before any window arrived.
    nlohmann::json counts = {{"consumer_enabled", false},
                             {"topic", kTelemetry1hTopic},
                             {"windows_received", 0},
                             {"total_readings_in_windows", 0},
                             {"by_device", nlohmann::json::array()},
                             {"by_metric", nlohmann::json::array()},
                             {"last_message_at", nullptr}};
    nlohmann::json body = unavailable(counts, telemetry_1h_missing(topics));
    body.update(counts);
    return http::HttpResponse::json(200, body);
  }, "Counts of the hourly telemetry windows (reference analytics envelope)");
}

}  // namespace careflow::api
