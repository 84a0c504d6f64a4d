#include "api/dashboard_state.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

namespace careflow::api {

namespace {

std::string text(const nlohmann::json& row, const char* column) {
  auto it = row.find(column);
  return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<double> number(const nlohmann::json& row, const char* column) {
  auto it = row.find(column);
  if (it == row.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::optional<int64_t> integer(const nlohmann::json& row, const char* column) {
  auto it = row.find(column);
  if (it == row.end() || !it->is_number()) return std::nullopt;
  return it->get<int64_t>();
}

nlohmann::json or_null(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

std::string fixed(double v, int digits) { return fmt::format("{:.{}f}", v, digits); }

}  // namespace

std::optional<std::string> leading_date(const std::string& s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  return s.substr(0, 10);
}

std::string date_of(int64_t ms) { return iso_utc(ms).substr(0, 10); }

nlohmann::json per_day(const std::map<std::string, int64_t>& days) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [date, count] : days) out.push_back({{"date", date}, {"count", count}});
  return out;
}

std::string iso_utc(int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  const int64_t millis = ((ms % 1000) + 1000) % 1000;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec, millis);
}

DashboardState::DashboardState(std::string cdc_prefix, DashboardLimits limits)
    : cdc_prefix_(std::move(cdc_prefix)), limits_(limits) {}

std::vector<std::string> DashboardState::topics() const {
  return {kTelemetry1hTopic,    kCompliance1hTopic,  kDriftEventsTopic, kDevAnomalyTopic,      kCloggedFilterTopic,
          kGeofenceAlertsTopic, kButtonRoutingTopic, kNonAdherenceTopic, kDeviceCommandsTopic, prescriptions_topic(),
          devices_topic()};
}

std::optional<LiveUpdate> DashboardState::add(const std::string& topic, const nlohmann::json& row, char op,
                                              int64_t time_ms, const std::string& id) {
  if (!row.is_object()) {
    std::lock_guard lock(mutex_);
    ++ignored_;
    return std::nullopt;
  }
  std::lock_guard lock(mutex_);
  ++rows_[topic];
  const std::string device = text(row, "device_id");
  if (topic == kTelemetry1hTopic) {
    auto start = integer(row, "window_start");
    auto count = integer(row, "reading_count");
    const std::string metric = text(row, "metric_name");
    if (device.empty() || metric.empty() || !start || !count) return ++ignored_, std::nullopt;
    Window w;
    w.start = *start;
    w.end = integer(row, "window_end").value_or(*start + 3600000);
    w.avg = number(row, "avg_value").value_or(0);
    w.min = number(row, "min_value").value_or(0);
    w.max = number(row, "max_value").value_or(0);
    w.count = *count;
    ++telemetry_windows_;
    telemetry_readings_ += w.count;
    telemetry_last_ms_ = std::max(telemetry_last_ms_, time_ms);
    auto& d = telemetry_by_device_[device];
    ++d.first, d.second += w.count;
    auto& m = telemetry_by_metric_[metric];
    ++m.first, m.second += w.count;
    return add_window(telemetry_, {device, metric}, row, w, "telemetry_1h");
  }
  if (topic == kCompliance1hTopic) {
    auto start = integer(row, "window_start");
    auto count = integer(row, "reading_count");
    const std::string patient = text(row, "patient_id");
    const std::string metric = text(row, "metric");
    if (patient.empty() || metric.empty() || !start || !count) return ++ignored_, std::nullopt;
    Window w;
    w.start = *start;
    w.end = integer(row, "window_end").value_or(*start + 3600000);
    w.count = *count;
    w.in_range = integer(row, "in_range_count").value_or(0);
    w.pct = number(row, "compliance_pct").value_or(w.count > 0 ? 100.0 * static_cast<double>(w.in_range) / static_cast<double>(w.count) : 0);
    return add_window(compliance_, {patient, metric}, row, w, "compliance_1h");
  }
  if (topic == kDriftEventsTopic) {
    const std::string metric = text(row, "metric");
    if (device.empty() || metric.empty()) return ++ignored_, std::nullopt;
    const int64_t at = integer(row, "reading_time").value_or(time_ms);
    if (drift_.size() >= limits_.max_series && !drift_.contains({device, metric})) {
      ++dropped_;
    } else {
      Counter& c = drift_[{device, metric}];
      ++c.count;
      (text(row, "direction") == "BELOW" ? c.below : c.above) += 1;
      c.last_time = std::max(c.last_time, at);
    }
    return add_alert("drift", row, at, id, op);
  }
  if (topic == kDevAnomalyTopic) {
    if (device.empty()) return ++ignored_, std::nullopt;
    const int64_t at = integer(row, "reading_time").value_or(time_ms);
    if (anomalies_.size() >= limits_.max_series && !anomalies_.contains(device)) {
      ++dropped_;
    } else {
      Counter& c = anomalies_[device];
      ++c.count;
      c.last_time = std::max(c.last_time, at);
    }
    return add_alert("anomaly", row, at, id, op);
  }
  if (topic == kCloggedFilterTopic) {
    if (device.empty()) return ++ignored_, std::nullopt;
    return add_alert("clogged_filter", row, integer(row, "detected_at").value_or(time_ms), id, op);
  }
  if (topic == kGeofenceAlertsTopic) {
    if (device.empty()) return ++ignored_, std::nullopt;
    return add_alert("geofence", row, integer(row, "event_time").value_or(time_ms), id, op);
  }
  if (topic == kButtonRoutingTopic) {
    if (device.empty()) return ++ignored_, std::nullopt;
    // A first press verifies the assignment: routing, not an alert.
    if (text(row, "route") != "EMERGENCY_ALERT") return std::nullopt;
    return add_alert("button_emergency", row, integer(row, "event_time").value_or(time_ms), id, op);
  }
  if (topic == kNonAdherenceTopic) {
    if (device.empty()) return ++ignored_, std::nullopt;
    return add_alert("non_adherence", row, integer(row, "alert_time").value_or(time_ms), id, op);
  }
  if (topic == kDeviceCommandsTopic) {
    // An automatic insulin bolus the pipelines ordered (pipelines/alerts/device.commands).
    if (device.empty() || text(row, "command_type") != "INSULIN_BOLUS") return ++ignored_, std::nullopt;
    return add_alert("insulin_bolus", row, integer(row, "issued_at").value_or(time_ms), id, op);
  }
  if (topic == prescriptions_topic()) {
    // Each captured version of a prescription is a configuration change, dated by the row's
    // updated_at (a delete by when it was captured).
    auto day = op == 'd' ? std::nullopt : leading_date(text(row, "updated_at"));
    if (day) {
      ++prescription_days_[*day];
    } else {
      count_day(prescription_days_, time_ms);
    }
    while (prescription_days_.size() > limits_.max_days) prescription_days_.erase(prescription_days_.begin()), ++dropped_;
    return LiveUpdate{"fact", {{"fact", "prescription_change"}, {"id", id}, {"op", std::string(1, op)}, {"row", row}}};
  }
  if (topic == devices_topic()) {
    if (device.empty() || op == 'd' || devices_seen_.contains(device)) return std::nullopt;
    if (devices_seen_.size() >= limits_.max_devices) return ++dropped_, std::nullopt;
    devices_seen_.insert(device);
    auto day = leading_date(text(row, "created_at"));
    if (day) {
      ++device_days_[*day];
    } else {
      count_day(device_days_, time_ms);
    }
    while (device_days_.size() > limits_.max_days) device_days_.erase(device_days_.begin()), ++dropped_;
    return LiveUpdate{"fact", {{"fact", "new_device"}, {"id", id}, {"row", row}}};
  }
  --rows_[topic];
  return std::nullopt;
}

void DashboardState::count_day(std::map<std::string, int64_t>& days, int64_t time_ms) { ++days[date_of(time_ms)]; }

std::optional<LiveUpdate> DashboardState::add_window(std::map<Key, Series>& series, const Key& key, const nlohmann::json& row,
                                                     Window w, const char* fact) {
  auto it = series.find(key);
  if (it == series.end()) {
    if (series.size() >= limits_.max_series) return ++dropped_, std::nullopt;
    Series s;
    s.device_id = text(row, "device_id");
    s.patient_id = text(row, "patient_id");
    s.metric = std::get<1>(key);
    it = series.emplace(key, std::move(s)).first;
  }
  it->second.windows[w.start] = w;  // a window written again (a restart's replay) replaces itself
  while (it->second.windows.size() > limits_.windows_per_series) it->second.windows.erase(it->second.windows.begin()), ++dropped_;
  return LiveUpdate{"fact", {{"fact", fact}, {"row", row}}};
}

std::optional<LiveUpdate> DashboardState::add_alert(const std::string& kind, const nlohmann::json& row, int64_t time_ms,
                                                    const std::string& id, char op) {
  std::deque<nlohmann::json>& ring = alerts_[kind];
  if (op == 'd') {
    // A retracted fact (a widened care area withdraws its geofence alerts) is no longer an alert.
    const std::string event_id = text(row, "event_id");
    std::erase_if(ring, [&](const nlohmann::json& a) { return !event_id.empty() && a["row"].value("event_id", "") == event_id; });
    return LiveUpdate{"alert-retracted", {{"kind", kind}, {"event_id", event_id}}};
  }
  std::string message = text(row, "message");
  std::optional<std::string> status;
  std::string metric = text(row, "metric");
  if (kind == "non_adherence") {
    status = text(row, "alert_status");
  } else if (kind == "anomaly") {
    message = fmt::format("{} {} outside the forecast band [{}, {}] (forecast {})", metric,
                          fixed(number(row, "metric_value").value_or(0), 2), fixed(number(row, "lower_bound").value_or(0), 2),
                          fixed(number(row, "upper_bound").value_or(0), 2), fixed(number(row, "forecast_value").value_or(0), 2));
  } else if (kind == "insulin_bolus") {
    metric = "BloodGlucose";
  } else if (kind == "clogged_filter") {
    metric = "Pressure";
    message = fmt::format("Pressure up {}% ({} → {}) while FlowRate stayed flat ({} → {}): filter may be clogged",
                          fixed(number(row, "pressure_rise_pct").value_or(0), 1), fixed(number(row, "pressure_before").value_or(0), 2),
                          fixed(number(row, "pressure_after").value_or(0), 2), fixed(number(row, "flow_rate_before").value_or(0), 2),
                          fixed(number(row, "flow_rate_after").value_or(0), 2));
  }
  nlohmann::json alert = {{"id", id},
                          {"kind", kind},
                          {"status", status ? nlohmann::json(*status) : nlohmann::json(nullptr)},
                          {"time_ms", time_ms},
                          {"time", iso_utc(time_ms)},
                          {"device_id", text(row, "device_id")},
                          {"patient_id", text(row, "patient_id")},
                          {"metric", metric.empty() ? nlohmann::json(nullptr) : nlohmann::json(metric)},
                          {"value", or_null(kind == "insulin_bolus" ? number(row, "glucose") : number(row, "metric_value"))},
                          {"message", message},
                          {"row", row}};
  ring.push_back(alert);
  while (ring.size() > limits_.alerts_per_kind) ring.pop_front(), ++dropped_;
  return LiveUpdate{"alert", std::move(alert)};
}

nlohmann::json DashboardState::alerts(const AlertFilter& filter) const {
  std::vector<const nlohmann::json*> picked;
  std::lock_guard lock(mutex_);
  for (const auto& [kind, ring] : alerts_) {
    if (!filter.kinds.empty() && !filter.kinds.contains(kind)) continue;
    for (const nlohmann::json& a : ring) {
      if (!filter.device_id.empty() && a["device_id"] != filter.device_id) continue;
      if (!filter.patient_id.empty() && a["patient_id"] != filter.patient_id) continue;
      picked.push_back(&a);
    }
  }
  std::sort(picked.begin(), picked.end(), [](const nlohmann::json* a, const nlohmann::json* b) {
    const int64_t ta = (*a)["time_ms"].get<int64_t>(), tb = (*b)["time_ms"].get<int64_t>();
    return ta != tb ? ta > tb : (*a)["id"].get<std::string>() > (*b)["id"].get<std::string>();
  });
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < picked.size() && i < filter.limit; ++i) out.push_back(*picked[i]);
  return out;
}

nlohmann::json DashboardState::drift_counts() const {
  std::lock_guard lock(mutex_);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [key, c] : drift_) {
    out.push_back({{"device_id", std::get<0>(key)}, {"metric", std::get<1>(key)}, {"count", c.count}, {"above", c.above},
                   {"below", c.below}, {"last_time", iso_utc(c.last_time)}});
  }
  return out;
}

nlohmann::json DashboardState::anomalies_per_device() const {
  std::lock_guard lock(mutex_);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [device, c] : anomalies_) {
    out.push_back({{"device_id", device}, {"count", c.count}, {"last_time", iso_utc(c.last_time)}});
  }
  return out;
}

nlohmann::json DashboardState::telemetry_series(const SeriesFilter& filter) const {
  std::lock_guard lock(mutex_);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [key, s] : telemetry_) {
    if (!filter.device_id.empty() && s.device_id != filter.device_id) continue;
    if (!filter.patient_id.empty() && s.patient_id != filter.patient_id) continue;
    if (!filter.metric.empty() && s.metric != filter.metric) continue;
    nlohmann::json points = nlohmann::json::array();
    for (const auto& [start, w] : s.windows) {
      points.push_back({{"window_start", iso_utc(w.start)}, {"window_end", iso_utc(w.end)}, {"avg", w.avg}, {"min", w.min},
                        {"max", w.max}, {"count", w.count}});
    }
    out.push_back({{"device_id", s.device_id}, {"patient_id", s.patient_id}, {"metric", s.metric}, {"points", std::move(points)}});
  }
  return out;
}

nlohmann::json DashboardState::compliance_series(const SeriesFilter& filter) const {
  std::lock_guard lock(mutex_);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [key, s] : compliance_) {
    if (!filter.device_id.empty() && s.device_id != filter.device_id) continue;
    if (!filter.patient_id.empty() && s.patient_id != filter.patient_id) continue;
    if (!filter.metric.empty() && s.metric != filter.metric) continue;
    nlohmann::json points = nlohmann::json::array();
    for (const auto& [start, w] : s.windows) {
      points.push_back({{"window_start", iso_utc(w.start)}, {"window_end", iso_utc(w.end)}, {"in_range", w.in_range},
                        {"count", w.count}, {"pct", w.pct}});
    }
    out.push_back({{"patient_id", s.patient_id}, {"device_id", s.device_id}, {"metric", s.metric}, {"points", std::move(points)}});
  }
  return out;
}

nlohmann::json DashboardState::prescription_changes_per_day() const {
  std::lock_guard lock(mutex_);
  return per_day(prescription_days_);
}

nlohmann::json DashboardState::new_devices_per_day() const {
  std::lock_guard lock(mutex_);
  return per_day(device_days_);
}

nlohmann::json DashboardState::telemetry_counts() const {
  std::lock_guard lock(mutex_);
  nlohmann::json by_device = nlohmann::json::array(), by_metric = nlohmann::json::array();
  for (const auto& [device, c] : telemetry_by_device_) {
    by_device.push_back({{"device_id", device}, {"windows", c.first}, {"readings", c.second}});
  }
  for (const auto& [metric, c] : telemetry_by_metric_) {
    by_metric.push_back({{"metric_name", metric}, {"windows", c.first}, {"readings", c.second}});
  }
  return {{"windows_received", telemetry_windows_},
          {"total_readings_in_windows", telemetry_readings_},
          {"by_device", std::move(by_device)},
          {"by_metric", std::move(by_metric)},
          {"last_message_at", telemetry_last_ms_ < 0 ? nlohmann::json(nullptr) : nlohmann::json(iso_utc(telemetry_last_ms_))}};
}

std::map<std::string, int64_t> DashboardState::rows_per_topic() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, int64_t> out;
  for (const std::string& t : topics()) out[t] = 0;
  for (const auto& [t, n] : rows_) out[t] = n;
  return out;
}

int64_t DashboardState::ignored() const {
  std::lock_guard lock(mutex_);
  return ignored_;
}

int64_t DashboardState::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

}  // namespace careflow::api
