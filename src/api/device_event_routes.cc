#include "api/device_event_routes.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <variant>

#include "http/json_body.h"
#include "sim/device_event.h"
#include "store/repository.h"

namespace careflow::api {
namespace {

using Answer = std::variant<nlohmann::json, http::HttpResponse>;

http::HttpResponse invalid(const std::string& field, const std::string& message) {
  return http::HttpResponse::error(422, "validation_error", message, field);
}

// What one event route accepts: the path's name, the event type it records and its body's fields.
struct EventKind {
  const char* path_name;
  const char* event_type;
  std::vector<std::string> fields;  // besides patient_id, which every kind accepts
};

const std::vector<EventKind>& event_kinds() {
  static const std::vector<EventKind> kinds = {{"button-press", sim::kButtonPressed, {}},
                                               {"power-status", sim::kPowerStatus, {"battery_level", "plugged"}},
                                               {"gps", sim::kGps, {"inside_geofence"}}};
  return kinds;
}

// Checks a body against its kind: known fields of the right type, nothing else.
std::optional<http::HttpResponse> check_body(const EventKind& kind, const nlohmann::json& body) {
  for (const auto& [name, value] : body.items()) {
    if (value.is_null() && (name == "patient_id" || std::find(kind.fields.begin(), kind.fields.end(), name) != kind.fields.end())) {
      continue;  // null is "not given", as the reference's optional fields have it
    }
    if (name == "patient_id") {
      if (!value.is_string() || value.get<std::string>().empty()) {
        return invalid(name, "patient_id must be a non-empty string");
      }
    } else if (std::find(kind.fields.begin(), kind.fields.end(), name) == kind.fields.end()) {
      return invalid(name, fmt::format("unknown field '{}' for {}", name, kind.path_name));
    } else if (name == "battery_level") {
      if (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<int64_t>() > 100) {
        return invalid(name, "battery_level must be an integer from 0 to 100 (percent)");
      }
    } else if (!value.is_boolean()) {
      return invalid(name, fmt::format("{} must be true or false", name));
    }
  }
  return std::nullopt;
}

// Records device events; keeps the presses per device, which the reference answers as press_count.
class DeviceEventRecorder {
 public:
  DeviceEventRecorder(store::Database& db, log::Topics& topics, sim::DeviceRecordEncoder& events, DeviceEventHooks hooks)
      : db_(db), topics_(topics), events_(events), hooks_(std::move(hooks)) {}

  // One event of `kind` for the device row `device`, with a body already checked.
  Answer record(const EventKind& kind, const nlohmann::json& device, const nlohmann::json& body) {
    const std::string device_id = device["device_id"];
    const std::string patient_id = text_or_none(device, "patient_id").value_or("");
    const nlohmann::json sent_patient = body.value("patient_id", nlohmann::json());
    if (sent_patient.is_string() && sent_patient != patient_id) {
      return invalid("patient_id", fmt::format("device '{}' belongs to patient '{}', not '{}'", device_id, patient_id,
                                               sent_patient.get<std::string>()));
    }
    sim::DeviceEvent event;
    event.event_id = sim::new_event_id(kind.event_type);
    event.device_id = device_id;
    event.patient_id = patient_id;
    event.event_type = kind.event_type;
    event.hw_model = text_or_none(device, "model_type");
    event.sw_version = text_or_none(device, "software_version");
    nlohmann::json answer = {{"event_id", event.event_id}};
    if (kind.event_type == std::string(sim::kPowerStatus)) {
      event.battery_level = body.value("battery_level", 75);
      event.plugged = body.value("plugged", true);
      answer["battery_level"] = *event.battery_level;
      answer["plugged"] = *event.plugged;
    } else if (kind.event_type == std::string(sim::kGps)) {
      const bool inside = body.value("inside_geofence", true);
      const sim::GeoPoint at = sim::care_area_position(patient_id, inside);
      event.lat = at.lat;
      event.lng = at.lng;
      answer["lat"] = at.lat;
      answer["lng"] = at.lng;
      answer["inside_geofence"] = inside;
    }
    Result<int64_t> appended = stamp_and_append(event);
    if (!appended) return http::HttpResponse::from_status(appended.status());
    if (hooks_.recorded) hooks_.recorded(event.to_json());
    if (kind.event_type == std::string(sim::kButtonPressed)) answer["press_count"] = count_press(device_id);
    answer.update({{"device_id", device_id}, {"patient_id", patient_id}, {"event_type", event.event_type},
                   {"event_ts", event.event_ts}, {"offset", *appended}});
    return answer;
  }

  // POST /device/{deviceId}/events/{type}
  http::HttpResponse one(const http::HttpRequest& request) {
    const EventKind* kind = find_kind(request.param("type"));
    if (!kind) {
      return http::HttpResponse::error(404, "not_found", fmt::format("unknown device event '{}'; known: button-press, power-status, gps",
                                                                     request.param("type")));
    }
    auto body = http::parse_optional_json_object(request);
    if (!body) return http::HttpResponse::error(400, "bad_json", "the request body must be a JSON object");
    if (auto refused = check_body(*kind, *body)) return *refused;
    for (auto it = body->begin(); it != body->end();) it = it->is_null() ? body->erase(it) : std::next(it);
    auto device = store::Repository(db_, store::devices_table()).get(request.param("deviceId"));
    if (!device) return http::HttpResponse::from_status(device.status());
    return respond(record(*kind, *device, *body), 201);
  }

  // POST /device-events/simulate-all[?device_id=]: the reference's scenarios for each device.
  http::HttpResponse simulate_all(const http::HttpRequest& request) {
    auto devices = store::Repository(db_, store::devices_table()).list();
    if (!devices) return http::HttpResponse::from_status(devices.status());
    auto only = request.query.find("device_id");
    if (only != request.query.end()) {
      std::erase_if(*devices, [&](const nlohmann::json& d) { return d["device_id"] != only->second; });
      if (devices->empty()) return http::HttpResponse::error(404, "not_found", fmt::format("device '{}' not found", only->second), "device_id");
    }
    const std::vector<std::pair<const char*, nlohmann::json>> scenario = {
        {"button-press", nlohmann::json::object()},
        {"power-status", {{"battery_level", 80}, {"plugged", true}}},
        {"gps", {{"inside_geofence", true}}},
        {"gps", {{"inside_geofence", false}}}};
    nlohmann::json results = nlohmann::json::array();
    for (const nlohmann::json& device : *devices) {
      for (const auto& [kind_name, body] : scenario) {
        Answer answer = record(*find_kind(kind_name), device, body);
        if (auto* failed = std::get_if<http::HttpResponse>(&answer)) return *failed;
        results.push_back(std::get<nlohmann::json>(answer));
      }
    }
    return http::HttpResponse::json(200, {{"status", "ok"}, {"count", results.size()}, {"events", results}});
  }

 private:
  static const EventKind* find_kind(const std::string& path_name) {
    for (const EventKind& k : event_kinds()) {
      if (path_name == k.path_name) return &k;
    }
    return nullptr;
  }
  static std::optional<std::string> text_or_none(const nlohmann::json& row, const char* column) {
    auto it = row.find(column);
    if (it == row.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  }
  static http::HttpResponse respond(Answer answer, int status) {
    if (auto* failed = std::get_if<http::HttpResponse>(&answer)) return *failed;
    return http::HttpResponse::json(status, std::get<nlohmann::json>(answer));
  }
  // Stamps the event and appends it under one lock, so events reach the topic in the order of
  // their times, each strictly later than the one before: the topic's watermark is the newest
  // event's time (pipelines/raw/hc_raw_device_events), and an event at a time the watermark has
  // already reached is late. Story time stands still within a round (and while stopped), so two
  // presses in one round would otherwise share a time, and the second would wait for a later event
  // that may never come before it is routed. One millisecond apart keeps them in their round.
  Result<int64_t> stamp_and_append(sim::DeviceEvent& event) {
    std::lock_guard lock(append_order_);
    event.event_ts = std::max(hooks_.event_time(), last_event_ts_ + 1);
    CF_ASSIGN_OR_RETURN(log::Record record, events_.event(kDeviceEventsTopic, event));
    CF_ASSIGN_OR_RETURN(int64_t offset, topics_.append({kDeviceEventsTopic, 0}, std::span(&record, 1)));
    last_event_ts_ = event.event_ts;
    return offset;
  }
  int64_t count_press(const std::string& device_id) {
    std::lock_guard lock(mutex_);
    return ++presses_[device_id];
  }

  store::Database& db_;
  log::Topics& topics_;
  sim::DeviceRecordEncoder& events_;
  const DeviceEventHooks hooks_;
  std::mutex append_order_;  // last_event_ts_, and the topic's appends in stamp order
  int64_t last_event_ts_ = std::numeric_limits<int64_t>::min() + 1;
  std::mutex mutex_;  // presses_, counted from the API's threads
  std::map<std::string, int64_t> presses_;
};

}  // namespace

void add_device_event_routes(http::Router& router, store::Database& db, log::Topics& topics, sim::DeviceRecordEncoder& events,
                             DeviceEventHooks hooks) {
  auto recorder = std::make_shared<DeviceEventRecorder>(db, topics, events, std::move(hooks));
  router.add("POST", "/device/{deviceId}/events/{type}", [recorder](http::HttpRequest& r) { return recorder->one(r); },
             "Record a device event (button-press, power-status, gps) on topic hc_raw_device_events");
  router.add("POST", "/device-events/simulate-all", [recorder](http::HttpRequest& r) { return recorder->simulate_all(r); },
             "Record the reference's event scenarios (press, power, GPS inside and outside) for every device or ?device_id=");
}

}  // namespace careflow::api
