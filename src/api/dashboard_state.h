#pragma once
// The dashboards' in-memory aggregates over the fact, alert and CDC topics (fed record by record by
// api/dashboard_feed.h's followers; no rescan per request). Every structure is bounded:
//   - alerts: the newest `alerts_per_kind` of each kind;
//   - telemetry and compliance: the newest `windows_per_series` hourly windows of each
//     device/metric (telemetry) or patient/metric (compliance) series, at most `max_series` series;
//   - drift and anomaly counts: one counter per device/metric, at most `max_series`;
//   - prescription changes and new devices: one counter per day, the newest `max_days`; the set of
//     devices seen, at most `max_devices`.
// What passes a bound is dropped oldest first (a new series past max_series is not kept) and counted
// in `dropped`. Thread-safe: the followers add, the routes read.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "common/status.h"

namespace careflow::api {

inline constexpr const char* kTelemetry1hTopic = "hc_fct_telemetry_1h";
inline constexpr const char* kCompliance1hTopic = "hc_fct_compliance_1h";
inline constexpr const char* kDriftEventsTopic = "hc_fct_drift_events";
inline constexpr const char* kDevAnomalyTopic = "hc_fct_dev_anomaly";
inline constexpr const char* kCloggedFilterTopic = "hc_fct_clogged_filter";
inline constexpr const char* kGeofenceAlertsTopic = "hc_fct_geofence_alerts";
inline constexpr const char* kButtonRoutingTopic = "hc_fct_button_routing";
inline constexpr const char* kNonAdherenceTopic = "alerts.compliance.non-adherence";
inline constexpr const char* kDeviceCommandsTopic = "device.commands";

// The alert kinds, in the order a page lists its filter.
inline const std::vector<std::string> kAlertKinds = {"non_adherence", "drift", "anomaly", "clogged_filter", "geofence",
                                                     "button_emergency", "insulin_bolus"};

struct DashboardLimits {
  size_t alerts_per_kind = 500;
  size_t windows_per_series = 168;  // a week of hours
  size_t max_series = 5000;
  size_t max_days = 400;
  size_t max_devices = 100000;
};

struct AlertFilter {
  std::set<std::string> kinds;  // empty: all
  std::string device_id;        // "": any
  std::string patient_id;
  size_t limit = 100;
};

struct SeriesFilter {
  std::string device_id;   // "": any (telemetry)
  std::string patient_id;  // "": any
  std::string metric;      // "": any
};

// What one record added, for the live stream: `event` names the SSE event ("alert" or "fact").
struct LiveUpdate {
  std::string event;
  nlohmann::json data;
};

class DashboardState {
 public:
  // `cdc_prefix` names the CDC topics (<prefix>.public.prescriptions, <prefix>.public.devices).
  explicit DashboardState(std::string cdc_prefix = "healthcare", DashboardLimits limits = {});

  // The topics add() understands.
  std::vector<std::string> topics() const;
  std::string prescriptions_topic() const { return cdc_prefix_ + ".public.prescriptions"; }
  std::string devices_topic() const { return cdc_prefix_ + ".public.devices"; }

  // One decoded record of `topic` (a row and its Debezium op: 'c', 'u', 'd' or 'r'; `time_ms` the
  // record's timestamp, used when the row has no time of its own). What it adds for the live stream,
  // if anything. A row missing the columns its topic needs is ignored (counted in `ignored`).
  std::optional<LiveUpdate> add(const std::string& topic, const nlohmann::json& row, char op, int64_t time_ms,
                                const std::string& id);

  // Newest first.
  nlohmann::json alerts(const AlertFilter& filter) const;
  // [{device_id, metric, count, above, below, last_time}]
  nlohmann::json drift_counts() const;
  // [{device_id, count, last_time}] by device (the reference's anomalies-per-device adds nothing else)
  nlohmann::json anomalies_per_device() const;
  // [{device_id, patient_id, metric, points: [{window_start, window_end, avg, min, max, count}]}]
  nlohmann::json telemetry_series(const SeriesFilter& filter) const;
  // [{patient_id, device_id, metric, points: [{window_start, window_end, in_range, count, pct}]}]
  nlohmann::json compliance_series(const SeriesFilter& filter) const;
  // [{date, count}] oldest first
  nlohmann::json prescription_changes_per_day() const;
  nlohmann::json new_devices_per_day() const;
  // The reference consumer's fields: windows_received, total_readings_in_windows, by_device,
  // by_metric, last_message_at (ISO-8601 UTC or null).
  nlohmann::json telemetry_counts() const;
  // Rows seen per topic (0 for a topic with none yet).
  std::map<std::string, int64_t> rows_per_topic() const;
  int64_t ignored() const;
  int64_t dropped() const;

 private:
  struct Window {
    int64_t start = 0, end = 0;
    double avg = 0, min = 0, max = 0;
    int64_t count = 0, in_range = 0;
    double pct = 0;
  };
  struct Series {
    std::string device_id, patient_id, metric;
    std::map<int64_t, Window> windows;  // by window_start
  };
  struct Counter {
    int64_t count = 0, above = 0, below = 0, last_time = 0;
  };
  using Key = std::tuple<std::string, std::string>;

  std::optional<LiveUpdate> add_alert(const std::string& kind, const nlohmann::json& row, int64_t time_ms,
                                      const std::string& id, char op);
  std::optional<LiveUpdate> add_window(std::map<Key, Series>& series, const Key& key, const nlohmann::json& row,
                                       Window w, const char* fact);
  void count_day(std::map<std::string, int64_t>& days, int64_t time_ms);

  const std::string cdc_prefix_;
  const DashboardLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, std::deque<nlohmann::json>> alerts_;  // by kind, oldest first
  std::map<Key, Counter> drift_;                              // (device, metric)
  std::map<std::string, Counter> anomalies_;                  // device
  std::map<Key, Series> telemetry_;                           // (device, metric)
  std::map<Key, Series> compliance_;                          // (patient, metric)
  std::map<std::string, int64_t> prescription_days_;          // "YYYY-MM-DD"
  std::map<std::string, int64_t> device_days_;
  std::set<std::string> devices_seen_;
  std::map<std::string, int64_t> rows_;
  int64_t telemetry_windows_ = 0, telemetry_readings_ = 0, telemetry_last_ms_ = -1;
  std::map<std::string, std::pair<int64_t, int64_t>> telemetry_by_device_, telemetry_by_metric_;  // windows, readings
  int64_t ignored_ = 0, dropped_ = 0;
};

// "2026-12-07T00:18:35.123Z"
std::string iso_utc(int64_t ms);
// "YYYY-MM-DD" (UTC) of epoch milliseconds.
std::string date_of(int64_t ms);
// "YYYY-MM-DD" of a text time that starts with one (an ISO timestamp as Debezium writes
// timestamptz), else nullopt.
std::optional<std::string> leading_date(const std::string& s);
// [{date, count}] oldest first.
nlohmann::json per_day(const std::map<std::string, int64_t>& days);

}  // namespace careflow::api
