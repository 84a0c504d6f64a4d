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
// event_ts is the hooks' event time (the simulator's story time in careflow up, sim/story_clock.h),
// or one millisecond after the previous event's when that is later: events are on the topic in
// the order of their times, each strictly later than the last (a watermark at the newest event's
// time would make a second event at the same time late).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>

#include "common/clock.h"
#include "http/router.h"
#include "log/topics.h"
#include "sim/device_records.h"
#include "store/database.h"

namespace careflow::api {

inline constexpr const char* kDeviceEventsTopic = "hc_raw_device_events";

struct DeviceEventHooks {
  // The event_ts of an event recorded now.
  std::function<int64_t()> event_time = [] { return wall_clock_ms(); };
  // Called with each event's record value (DeviceEvent::to_json) once it is on the topic, from the
  // request's thread (the live stream); must not block. None by default.
  std::function<void(const nlohmann::json&)> recorded = nullptr;
};

// Events are written with `events` (Avro through the registry, or JSON: simulator.format); an event
// the encoder cannot write (the registry does not answer) is answered 503 and not appended.
void add_device_event_routes(http::Router& router, store::Database& db, log::Topics& topics, sim::DeviceRecordEncoder& events,
                             DeviceEventHooks hooks = {});

}  // namespace careflow::api
