#pragma once
// The demonstration's controls, as the reference API has them:
//   POST /simulation/start {"simulation_type": "all"|"single", "patient_id"?}
//   POST /simulation/stop, GET /simulation/status
//   POST /device/{deviceId}/simulator/{defect}
// (the device events are api/device_event_routes.h's)

#include "http/router.h"
#include "sim/simulator.h"

namespace careflow::api {

void add_simulation_routes(http::Router& router, sim::Simulator& simulator);

}  // namespace careflow::api
