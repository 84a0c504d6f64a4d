#pragma once
// Device events as the reference stack has them, each appended to topic hc_raw_device_events
// (sim/device_schemas.h's kDeviceEventSchema, key event_id):
//   POST /device/{deviceId}/events/button-press  {patient_id?}
//        -> {event_id, press_count, device_id, ...}      press_count: this device's presses since start
//   POST /device/{deviceId}/events/power-status  {patient_id?, battery_level? (0..100, 75), plugged? (true)}
//        -> {event_id, battery_level, plugged, ...}
//   POST /device/{deviceId}/events/gps           {patient_id?, inside_geofence? (true)}
//        -> {event_id, lat, lng, inside_geofence, ...}   a position inside / outside the care area
//   POST /device-events/simulate-all[?device_id=]
//        -> every device (or the one): a press, power 80 % plugged, GPS inside, GPS outside
// Every answer also has device_id, patient_id, event_type, event_ts and the record's offset.

#include "http/router.h"
#include "log/topics.h"
#include "sim/device_records.h"
#include "store/database.h"

namespace careflow::api {

inline constexpr const char* kDeviceEventsTopic = "hc_raw_device_events";

// Events are written with `events` (Avro through the registry, or JSON: simulator.format); an event
// the encoder cannot write (the registry does not answer) is answered 503 and not appended.
void add_device_event_routes(http::Router& router, store::Database& db, log::Topics& topics, sim::DeviceRecordEncoder& events);

}  // namespace careflow::api
