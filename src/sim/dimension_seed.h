#pragma once
// The dimension topics the reference stack seeds at start, so the device-event pipelines (button
// routing, geofence alerts, OTA commands) have something to join with from the first event:
//   hc_raw_device_assignments  key device_id   each device's patient (kDeviceAssignmentSchema)
//   hc_raw_care_areas          key patient_id  each patient's care area (kCareAreaSchema)
//   hc_raw_ota_allowlist       key device_id   devices allowed a firmware update (kOtaAllowlistSchema)
// written in simulator.format (Avro through the registry by default) from the store's devices and
// patients, on compacted topics.
//
// Idempotent: at each start the topics are read and only a record whose key is not there yet, or
// whose latest value there differs (a device moved to another patient, a new device, a changed
// time zone), is appended; a key whose latest record has a value but which the store no longer
// implies (a deleted device or patient; a device whose model has no OTA target any more) gets a
// tombstone (the key, a null value), as Debezium writes after a delete and upsert-kafka reads as
// the key's delete. An unchanged store appends nothing, so restarts add no duplicates (a key
// tombstoned already is not tombstoned again).
// While careflow up runs, sim/dimension_follower.h runs it again at each change to the store.

#include <cstdint>

#include "log/topics.h"
#include "sim/device_records.h"
#include "store/database.h"

namespace careflow::sim {

inline constexpr const char* kDeviceAssignmentsTopic = "hc_raw_device_assignments";
inline constexpr const char* kCareAreasTopic = "hc_raw_care_areas";
inline constexpr const char* kOtaAllowlistTopic = "hc_raw_ota_allowlist";

struct DimensionSeedReport {
  int appended = 0;    // records written, tombstones included
  int unchanged = 0;   // records already on their topic with the same value
  int tombstones = 0;  // of the appended, tombstones of keys the store no longer implies
};

// Creates the topics when missing (`topic_config` with cleanup.policy = compact), then appends
// what is missing or changed, each record with timestamp `timestamp_ms` (the simulator's event time
// now, so an event-time join finds the version for every later reading). The store's, encoder's or
// log's error, named with the topic, otherwise; what was appended before an error stays.
Result<DimensionSeedReport> seed_dimension_topics(store::Database& db, log::Topics& topics, DeviceRecordEncoder& encoder,
                                                  log::TopicConfig topic_config, int64_t timestamp_ms);

}  // namespace careflow::sim
