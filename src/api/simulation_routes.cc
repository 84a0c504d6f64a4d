#include "api/simulation_routes.h"

#include "common/clock.h"
#include "http/json_body.h"

#include <fmt/format.h>

#include <chrono>

#include "store/repository.h"

namespace careflow::api {
namespace {

// An optional JSON object body: empty means {}.
std::optional<nlohmann::json> optional_object(const http::HttpRequest& request) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return nlohmann::json::object();
  auto body = http::parse_json_body(request);
  if (!body || !body->is_object()) return std::nullopt;
  return std::move(*body);
}

http::HttpResponse bad_json() { return http::HttpResponse::error(400, "bad_json", "the request body must be a JSON object"); }

http::HttpResponse start(sim::Simulator& simulator, const http::HttpRequest& request) {
  auto body = optional_object(request);
  if (!body) return bad_json();
  for (const auto& [name, _] : body->items()) {
    if (name != "simulation_type" && name != "patient_id") {
      return http::HttpResponse::error(422, "validation_error", fmt::format("unknown field '{}'", name), name);
    }
  }
  const nlohmann::json type = body->value("simulation_type", nlohmann::json("all"));
  if (!type.is_string() || (type != "all" && type != "single")) {
    return http::HttpResponse::error(422, "validation_error", "simulation_type must be \"all\" or \"single\"", "simulation_type");
  }
  std::optional<std::string> patient;
  if (type == "single") {
    const nlohmann::json id = body->value("patient_id", nlohmann::json());
    if (!id.is_string() || id.get<std::string>().empty()) {
      return http::HttpResponse::error(422, "validation_error", "a single-patient simulation needs patient_id", "patient_id");
    }
    patient = id.get<std::string>();
  }
  Status started = simulator.start(patient);
  if (started.code() == StatusCode::kNotFound) {
    return http::HttpResponse::error(422, "validation_error", started.message(), "patient_id");
  }
  if (!started) return http::HttpResponse::from_status(started);
  nlohmann::json status = simulator.status();
  status["status"] = "started";
  return http::HttpResponse::json(200, status);
}

// The event's fields: given ones checked, missing ones defaulted.
std::variant<nlohmann::json, http::HttpResponse> event_fields(const std::string& type, const nlohmann::json& body) {
  struct Field {
    const char* name;
    bool boolean;  // else a number 0..100
    nlohmann::json fallback;
  };
  std::vector<Field> fields;
  if (type == "power-status") fields = {{"battery_level", false, 100}, {"plugged", true, true}};
  else if (type == "gps") fields = {{"inside_geofence", true, true}};
  else if (type != "button-press") {
    return http::HttpResponse::error(404, "not_found",
                               fmt::format("unknown device event '{}'; known: button-press, power-status, gps", type));
  }
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : body.items()) {
    auto f = std::find_if(fields.begin(), fields.end(), [&](const Field& x) { return name == x.name; });
    if (f == fields.end()) return http::HttpResponse::error(422, "validation_error", fmt::format("unknown field '{}' for {}", name, type), name);
    const bool ok = f->boolean ? value.is_boolean() : (value.is_number() && value.get<double>() >= 0 && value.get<double>() <= 100);
    if (!ok) {
      return http::HttpResponse::error(422, "validation_error",
                                 fmt::format("{} must be {}", name, f->boolean ? "true or false" : "a number from 0 to 100"), name);
    }
    out[name] = value;
  }
  for (const Field& f : fields) {
    if (!out.contains(f.name)) out[f.name] = f.fallback;
  }
  return out;
}

}  // namespace

void add_simulation_routes(http::Router& router, sim::Simulator& simulator, store::Database& db, log::Topics& topics,
                           sim::DeviceRecordEncoder& events) {
  router.add("POST", "/simulation/start", [&simulator](http::HttpRequest& r) { return start(simulator, r); },
             "Start the simulation for all patients or one");
  router.add("POST", "/simulation/stop", [&simulator](http::HttpRequest&) {
    simulator.stop();
    nlohmann::json status = simulator.status();
    status["status"] = "stopped";
    return http::HttpResponse::json(200, status);
  }, "Stop the simulation (idempotent)");
  router.add("GET", "/simulation/status", [&simulator](http::HttpRequest&) { return http::HttpResponse::json(200, simulator.status()); },
             "The simulation's state");

  router.add("POST", "/device/{deviceId}/simulator/{type}", [&simulator](http::HttpRequest& r) {
    Status triggered = simulator.trigger_defect(r.param("deviceId"), r.param("type"));
    if (triggered.code() == StatusCode::kInvalidArgument) {
      return http::HttpResponse::error(422, "validation_error", triggered.message(), "type");
    }
    if (!triggered) return http::HttpResponse::from_status(triggered);
    return http::HttpResponse::json(200, {{"status", "triggered"}, {"deviceId", r.param("deviceId")}, {"defect", r.param("type")}});
  }, "Make a device misbehave: flow_level_down, pressure_oscillate, flow_rate_down, clogged_filter, glucose_spike");

  router.add("POST", "/device/{deviceId}/events/{type}", [&db, &topics, &events](http::HttpRequest& r) {
    auto body = optional_object(r);
    if (!body) return bad_json();
    auto fields = event_fields(r.param("type"), *body);
    if (auto* error = std::get_if<http::HttpResponse>(&fields)) return *error;
    auto device = store::Repository(db, store::devices_table()).get(r.param("deviceId"));
    if (!device) return http::HttpResponse::from_status(device.status());
    nlohmann::json event = std::get<nlohmann::json>(fields);
    event["device_id"] = r.param("deviceId");
    event["patient_id"] = (*device)["patient_id"];
    event["event_type"] = r.param("type");
    event["ts"] = wall_clock_ms();
    auto record = events.event(kDeviceEventsTopic, event);
    if (!record) return http::HttpResponse::from_status(record.status());
    auto appended = topics.append({kDeviceEventsTopic, 0}, std::span(&*record, 1));
    if (!appended) return http::HttpResponse::from_status(appended.status());
    event["offset"] = *appended;
    return http::HttpResponse::json(201, event);
  }, "Record a device event (button-press, power-status, gps) on topic hc_raw_device_events");
}

}  // namespace careflow::api
