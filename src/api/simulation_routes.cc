#include "api/simulation_routes.h"

#include <fmt/format.h>

#include "http/json_body.h"

namespace careflow::api {
namespace {

http::HttpResponse bad_json() { return http::HttpResponse::error(400, "bad_json", "the request body must be a JSON object"); }

http::HttpResponse start(sim::Simulator& simulator, const http::HttpRequest& request) {
  auto body = http::parse_optional_json_object(request);
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

}  // namespace

void add_simulation_routes(http::Router& router, sim::Simulator& simulator) {
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
}

}  // namespace careflow::api
