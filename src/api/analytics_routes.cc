#include "api/analytics_routes.h"

#include <fmt/format.h>

#include <charconv>

namespace careflow::api {
namespace {

// The pipeline table that writes each topic, for a message that says what to deploy.
std::string why_empty(const DashboardFeed& feed, const std::vector<std::string>& topics, const char* what_fills) {
  std::vector<std::string> reasons;
  for (const std::string& topic : topics) {
    const FollowerStatus s = feed.status(topic);
    if (!s.topic_found) {
      reasons.push_back(fmt::format("topic {} does not exist yet: its pipeline is not deployed (careflow up with "
                                    "pipelines.path, or POST /pipelines/deploy)",
                                    topic));
    } else if (s.records == 0 && s.undecodable > 0) {
      reasons.push_back(fmt::format("topic {} has {} values careflow could not read (last: {})", topic, s.undecodable,
                                    s.last_error));
    } else if (s.records == 0) {
      reasons.push_back(fmt::format("topic {} has no rows yet", topic));
    }
  }
  std::string out = "Analytics not available: ";
  for (size_t i = 0; i < reasons.size(); ++i) out += (i ? "; " : "") + reasons[i];
  return out + ". " + what_fills;
}

nlohmann::json envelope(nlohmann::json data, bool available, const std::string& message) {
  return {{"available", available}, {"data", std::move(data)}, {"message", available ? "" : message}};
}

bool any_rows(const DashboardFeed& feed, const std::vector<std::string>& topics) {
  for (const std::string& t : topics) {
    if (feed.status(t).records > 0) return true;
  }
  return false;
}

constexpr const char* kStartSimulator =
    "Start the simulator (Demo page, or POST /simulation/start): its readings fill the hourly facts as event time passes.";
constexpr const char* kInjectDefect =
    "Start the simulator and inject a defect (Demo page, or POST /simulation/start with a defect): drifting readings, "
    "anomalies and alerts follow.";
constexpr const char* kEditData =
    "Change data capture fills it from PostgreSQL: it needs cdc.enabled and a prescription or device created or edited.";

std::string query(const http::HttpRequest& request, const char* name) {
  auto it = request.query.find(name);
  return it == request.query.end() ? std::string() : it->second;
}

SeriesFilter series_filter(const http::HttpRequest& request) {
  return {query(request, "device_id"), query(request, "patient_id"), query(request, "metric")};
}

// kind=a,b (empty: all); limit 1..1000 (default 100). A FieldError for anything else.
Result<AlertFilter> alert_filter(const http::HttpRequest& request) {
  AlertFilter filter;
  filter.device_id = query(request, "device_id");
  filter.patient_id = query(request, "patient_id");
  const std::string kinds = query(request, "kind");
  size_t from = 0;
  while (from < kinds.size()) {
    size_t comma = kinds.find(',', from);
    if (comma == std::string::npos) comma = kinds.size();
    const std::string kind = kinds.substr(from, comma - from);
    if (!kind.empty()) {
      if (std::find(kAlertKinds.begin(), kAlertKinds.end(), kind) == kAlertKinds.end()) {
        std::string known;
        for (const std::string& k : kAlertKinds) known += (known.empty() ? "" : ", ") + k;
        return Status::invalid_argument(fmt::format("unknown alert kind '{}'; the kinds are {}", kind, known));
      }
      filter.kinds.insert(kind);
    }
    from = comma + 1;
  }
  if (const std::string limit = query(request, "limit"); !limit.empty()) {
    size_t value = 0;
    auto [end, ec] = std::from_chars(limit.data(), limit.data() + limit.size(), value);
    if (ec != std::errc() || end != limit.data() + limit.size() || value < 1 || value > 1000) {
      return Status::invalid_argument(fmt::format("limit must be a whole number from 1 to 1000, not '{}'", limit));
    }
    filter.limit = value;
  }
  return filter;
}

}  // namespace

void add_analytics_routes(http::Router& router, const DashboardFeed& feed) {
  const DashboardState& state = feed.state();
  const std::vector<std::string> anomalies = {kDevAnomalyTopic};
  const std::vector<std::string> prescriptions = {state.prescriptions_topic()};
  const std::vector<std::string> devices = {state.devices_topic()};

  router.add("GET", "/analytics/anomalies-per-device", [&feed, &state, anomalies](http::HttpRequest&) {
    const bool ok = any_rows(feed, anomalies);
    return http::HttpResponse::json(200, envelope(state.anomalies_per_device(), ok, why_empty(feed, anomalies, kInjectDefect)));
  }, "Anomalous readings per device, from hc_fct_dev_anomaly (reference analytics envelope)");
  router.add("GET", "/analytics/config-changes-over-time", [&feed, &state, prescriptions](http::HttpRequest&) {
    const bool ok = any_rows(feed, prescriptions);
    return http::HttpResponse::json(200, envelope(state.prescription_changes_per_day(), ok, why_empty(feed, prescriptions, kEditData)));
  }, "Prescription changes per day, from the prescriptions' change events (reference analytics envelope)");
  router.add("GET", "/analytics/new-devices-over-time", [&feed, &state, devices](http::HttpRequest&) {
    const bool ok = any_rows(feed, devices);
    return http::HttpResponse::json(200, envelope(state.new_devices_per_day(), ok, why_empty(feed, devices, kEditData)));
  }, "Devices first seen per day, from the devices' change events (reference analytics envelope)");

  router.add("GET", "/analytics/dashboard", [&feed, &state, anomalies, prescriptions, devices](http::HttpRequest&) {
    // The reference answers the three series at the top level; `data` holds them too, so the
    // envelope is the same as the other routes'.
    nlohmann::json series = {{"anomalies_per_device", state.anomalies_per_device()},
                             {"config_changes_over_time", state.prescription_changes_per_day()},
                             {"new_devices_over_time", state.new_devices_per_day()}};
    std::vector<std::string> all = anomalies;
    all.insert(all.end(), prescriptions.begin(), prescriptions.end());
    all.insert(all.end(), devices.begin(), devices.end());
    // Available once every series has rows; the message names the ones that do not.
    const bool ok = any_rows(feed, anomalies) && any_rows(feed, prescriptions) && any_rows(feed, devices);
    nlohmann::json body = envelope(series, ok, why_empty(feed, all, kInjectDefect));
    body.update(series);
    return http::HttpResponse::json(200, body);
  }, "All dashboard series in one answer (reference analytics envelope)");

  router.add("GET", "/analytics/telemetry-1h-counts", [&feed, &state](http::HttpRequest&) {
    const FollowerStatus s = feed.status(kTelemetry1hTopic);
    nlohmann::json counts = state.telemetry_counts();
    counts["consumer_enabled"] = true;
    counts["topic"] = kTelemetry1hTopic;
    const bool ok = s.records > 0;
    nlohmann::json body = envelope(counts, ok, why_empty(feed, {kTelemetry1hTopic}, kStartSimulator));
    body.update(counts);
    return http::HttpResponse::json(200, body);
  }, "Counts of the hourly telemetry windows (reference analytics envelope)");

  router.add("GET", "/analytics/telemetry-1h", [&feed, &state](http::HttpRequest& request) {
    const bool ok = any_rows(feed, {kTelemetry1hTopic});
    return http::HttpResponse::json(200, envelope(state.telemetry_series(series_filter(request)), ok,
                                                  why_empty(feed, {kTelemetry1hTopic}, kStartSimulator)));
  }, "Hourly telemetry (avg, min, max, count) per device and metric, from hc_fct_telemetry_1h; filters device_id, patient_id, metric");
  router.add("GET", "/analytics/compliance-1h", [&feed, &state](http::HttpRequest& request) {
    const bool ok = any_rows(feed, {kCompliance1hTopic});
    return http::HttpResponse::json(200, envelope(state.compliance_series(series_filter(request)), ok,
                                                  why_empty(feed, {kCompliance1hTopic}, kStartSimulator)));
  }, "Hourly compliance % per patient and metric, from hc_fct_compliance_1h; filters patient_id, device_id, metric");
  router.add("GET", "/analytics/drift-counts", [&feed, &state](http::HttpRequest&) {
    const bool ok = any_rows(feed, {kDriftEventsTopic});
    return http::HttpResponse::json(200, envelope(state.drift_counts(), ok, why_empty(feed, {kDriftEventsTopic}, kInjectDefect)));
  }, "Drifting readings per device and metric, from hc_fct_drift_events");

  router.add("GET", "/analytics/alerts", [&feed, &state](http::HttpRequest& request) {
    auto filter = alert_filter(request);
    if (!filter) {
      const bool about_limit = filter.status().message().starts_with("limit");
      return http::HttpResponse::error(422, "invalid", filter.status().message(), about_limit ? "limit" : "kind");
    }
    const std::vector<std::string> topics = {kNonAdherenceTopic,  kDriftEventsTopic,    kDevAnomalyTopic,
                                             kCloggedFilterTopic, kGeofenceAlertsTopic, kButtonRoutingTopic,
                                             kDeviceCommandsTopic};
    nlohmann::json body = envelope(state.alerts(*filter), any_rows(feed, topics), why_empty(feed, topics, kInjectDefect));
    body["kinds"] = kAlertKinds;
    return http::HttpResponse::json(200, body);
  }, "Latest alerts (non_adherence, drift, anomaly, clogged_filter, geofence, button_emergency, insulin_bolus), newest first; "
     "filters kind (comma list), device_id, patient_id, limit (1-1000, default 100)");

  router.add("GET", "/analytics/topics", [&feed, &state](http::HttpRequest&) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [topic, s] : feed.status()) {
      out.push_back({{"topic", topic}, {"found", s.topic_found}, {"rows", s.records}, {"skipped", s.undecodable},
                     {"last_error", s.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.last_error)}});
    }
    return http::HttpResponse::json(200, {{"topics", std::move(out)}, {"ignored_rows", state.ignored()},
                                          {"dropped_by_bounds", state.dropped()}});
  }, "The topics the dashboards follow: found, rows read, values skipped and why");
}

}  // namespace careflow::api
