#include "api/analytics_routes.h"

#include <fmt/format.h>

#include <charconv>
#include <functional>

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

// Where a history series is read from: `?source=` auto (the default: the lake once its table has
// a snapshot, else the topics), lake or topics.
enum class SourceChoice { kAuto, kLake, kTopics };

Result<SourceChoice> source_choice(const http::HttpRequest& request) {
  const std::string s = query(request, "source");
  if (s.empty() || s == "auto") return SourceChoice::kAuto;
  if (s == "lake") return SourceChoice::kLake;
  if (s == "topics") return SourceChoice::kTopics;
  return Status::invalid_argument(fmt::format("source must be auto, lake or topics, not '{}'", s));
}

// One of the three history series (lake_history.h): `data`, whether it is available and if not
// why, and where it came from — `source` ("lake" or "topics"), the lake table, its snapshot's id
// and commit time (null from the topics), and `lake_error` when the lake table exists but did not
// read (in auto, the topics answer then).
struct HistorySeries {
  nlohmann::json data;
  bool available = false;
  std::string message;
  nlohmann::json source;
};

struct HistoryInputs {
  LakeSeries* lake = nullptr;  // null: no lake (the topics answer)
  std::function<nlohmann::json()> from_topics;
  std::function<bool()> topics_have_rows;
  std::function<std::string()> why_topics_empty;
};

HistorySeries history(const HistoryInputs& in, SourceChoice choice) {
  HistorySeries out;
  out.source = {{"source", "topics"}, {"table", nullptr}, {"snapshot_id", nullptr}, {"committed_at", nullptr}};
  if (in.lake && choice != SourceChoice::kTopics) {
    auto answer = in.lake->answer();
    if (answer.is_ok() && answer->has_value()) {
      const LakeAnswer& a = **answer;
      out.data = a.data;
      out.available = true;
      out.source = {{"source", "lake"}, {"table", a.table}, {"snapshot_id", a.snapshot_id}, {"committed_at", iso_utc(a.committed_ms)}};
      return out;
    }
    // Not logged: the page polls every few seconds; the answer itself says it.
    if (!answer.is_ok()) out.source["lake_error"] = answer.status().message();
    if (choice == SourceChoice::kLake) {
      out.data = nlohmann::json::array();
      out.source["source"] = "lake";
      out.source["table"] = in.lake->name();
      out.message = answer.is_ok() ? fmt::format("Analytics not available: lake table {} has no snapshot yet (its lake "
                                                 "pipeline commits one per checkpoint).",
                                                 in.lake->name())
                                   : "Analytics not available: " + answer.status().message();
      return out;
    }
  }
  out.data = in.from_topics();
  out.available = in.topics_have_rows();
  if (!out.available) out.message = in.why_topics_empty();
  return out;
}

}  // namespace

void add_analytics_routes(http::Router& router, const DashboardFeed& feed, LakeHistory* lake) {
  const DashboardState& state = feed.state();
  const std::vector<std::string> anomalies = {kDevAnomalyTopic};
  const std::vector<std::string> prescriptions = {state.prescriptions_topic()};
  const std::vector<std::string> devices = {state.devices_topic()};
  const auto inputs = [&feed](LakeSeries* series, std::function<nlohmann::json()> from_topics, std::vector<std::string> topics,
                              const char* what_fills) {
    return HistoryInputs{series, std::move(from_topics), [&feed, topics] { return any_rows(feed, topics); },
                         [&feed, topics, what_fills] { return why_empty(feed, topics, what_fills); }};
  };
  const HistoryInputs anomaly_inputs = inputs(lake ? &lake->anomalies_per_device() : nullptr,
                                              [&state] { return state.anomalies_per_device(); }, anomalies, kInjectDefect);
  const HistoryInputs change_inputs = inputs(lake ? &lake->prescription_changes_per_day() : nullptr,
                                             [&state] { return state.prescription_changes_per_day(); }, prescriptions, kEditData);
  const HistoryInputs device_inputs = inputs(lake ? &lake->new_devices_per_day() : nullptr,
                                             [&state] { return state.new_devices_per_day(); }, devices, kEditData);
  const auto route = [&router](const char* path, HistoryInputs in, const char* doc) {
    router.add("GET", path, [in](http::HttpRequest& request) {
      auto choice = source_choice(request);
      if (!choice) return http::HttpResponse::error(422, "invalid", choice.status().message(), "source");
      const HistorySeries s = history(in, *choice);
      nlohmann::json body = envelope(s.data, s.available, s.message);
      body.update(s.source);
      return http::HttpResponse::json(200, body);
    }, doc);
  };
  route("/analytics/anomalies-per-device", anomaly_inputs,
        "Anomalous readings per device, from the lake table healthcare.hc_fct_dev_anomaly once it has a snapshot, else from "
        "hc_fct_dev_anomaly (reference analytics envelope; `source` says which; ?source=auto|lake|topics)");
  route("/analytics/config-changes-over-time", change_inputs,
        "Prescription changes per day, from the lake table healthcare.hc_prescription_changes once it has a snapshot, else "
        "from the prescriptions' change events (reference analytics envelope; `source` says which; ?source=auto|lake|topics)");
  route("/analytics/new-devices-over-time", device_inputs,
        "Devices first seen per day, from the lake table healthcare.hc_device_first_seen once it has a snapshot, else from "
        "the devices' change events (reference analytics envelope; `source` says which; ?source=auto|lake|topics)");

  router.add("GET", "/analytics/dashboard", [anomaly_inputs, change_inputs, device_inputs](http::HttpRequest& request) {
    auto choice = source_choice(request);
    if (!choice) return http::HttpResponse::error(422, "invalid", choice.status().message(), "source");
    const HistorySeries a = history(anomaly_inputs, *choice), c = history(change_inputs, *choice),
                        d = history(device_inputs, *choice);
    // The reference answers the three series at the top level; `data` holds them too, so the
    // envelope is the same as the other routes'. `sources` says where each came from.
    nlohmann::json series = {{"anomalies_per_device", a.data}, {"config_changes_over_time", c.data}, {"new_devices_over_time", d.data}};
    // Available once every series has rows; the message gives the reasons of the ones that do not.
    std::string why;
    for (const HistorySeries* s : {&a, &c, &d}) {
      if (!s->available) why += (why.empty() ? "" : " ") + s->message;
    }
    nlohmann::json body = envelope(series, why.empty(), why);
    body.update(series);
    body["sources"] = {{"anomalies_per_device", a.source}, {"config_changes_over_time", c.source}, {"new_devices_over_time", d.source}};
    return http::HttpResponse::json(200, body);
  }, "All dashboard series in one answer (reference analytics envelope; `sources` says where each came from; "
     "?source=auto|lake|topics)");

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
