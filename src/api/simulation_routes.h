#pragma once
// The demonstration's controls, as the reference API has them:
//   POST /simulation/start {"simulation_type": "all"|"single", "patient_id"?}
//   POST /simulation/stop, GET /simulation/status
//   POST /device/{deviceId}/simulator/{defect}
//   POST /device/{deviceId}/events/{button-press|power-status|gps} -> topic hc_raw_device_events

#include "http/router.h"
#include "log/topics.h"
#include "sim/device_records.h"
#include "sim/simulator.h"
#include "store/database.h"

namespace careflow::api {

inline constexpr const char* kDeviceEventsTopic = "hc_raw_device_events";

// Device events are written with `events` (Avro through the registry, or JSON: simulator.format); an
// event the encoder cannot write (the registry does not answer) is answered 503 and not appended.
void add_simulation_routes(http::Router& router, sim::Simulator& simulator, store::Database& db, log::Topics& topics,
                           sim::DeviceRecordEncoder& events);

}  // namespace careflow::api
