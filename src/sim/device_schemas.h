#pragma once
// The Avro schemas of the raw device topics, as careflow's simulator and device-event route write
// them with simulator.format = avro (the default). They declare exactly the fields the JSON path
// writes (sim/reading.h's Reading::to_json and sim/device_event.h's DeviceEvent::to_json), with the same
// names and in the same order, so a Flink table over the topic has the same columns whichever
// format the topic holds.
//
// Names: record names do not choose the subject under the default TopicNameStrategy
// (":.flink-dev:hc_raw_device_metrics-value"); they do under RecordNameStrategy
// (":.flink-dev:careflow.healthcare.DeviceMetric"), so they are named for what one record is,
// in one namespace for careflow's device data, and never renamed (a rename is a new subject there).
//
// Evolution: every field a later version adds must have a default (the registry's BACKWARD check).

namespace careflow::sim {

// hc_raw_device_metrics value: one measurement (sim/reading.h).
//   device_id, patient_id  the device and the patient it is assigned to (DEV-P001, P001)
//   ts                     epoch milliseconds, shared by the metrics of one tick; a plain long, as the
//                          JSON path writes a number, so TO_TIMESTAMP_LTZ(ts, 3) reads both
//   metric_name            Pressure, FlowRate, FlowLevel or BloodGlucose
//   metric_value           the value, two decimals
//   software_version       the device's firmware (devices.software_version)
inline constexpr const char* kDeviceMetricSchema = R"({"type":"record","name":"DeviceMetric","namespace":"careflow.healthcare",)"
    R"("doc":"One device measurement on topic hc_raw_device_metrics","fields":[)"
    R"({"name":"device_id","type":"string"},)"
    R"({"name":"patient_id","type":"string"},)"
    R"({"name":"ts","type":"long","doc":"epoch milliseconds"},)"
    R"({"name":"metric_name","type":"string"},)"
    R"({"name":"metric_value","type":"double"},)"
    R"({"name":"software_version","type":"string"}]})";

// hc_raw_device_events value: one event a device reports (POST /device/{deviceId}/events/{type}),
// field for field the reference stack's Avro value, so its Flink tables (hc_fct_button_routing,
// hc_fct_geofence_alerts, hc_fct_device_ota, ...) read careflow's topic unchanged. Its record
// name stays careflow's own (see "Names" above); the reference's is Flink's generated one.
//   event_id               "<3 letters of the type>-<12 hex digits>", unique; also the record's key
//   device_id, patient_id  the device and its patient
//   event_type             BUTTON_PRESSED, POWER_STATUS or GPS (a string, not an enum: a new event
//                          type must not break readers holding the old schema)
//   lng, lat               GPS only: the reported position in degrees; null on other events
//   battery_level, plugged POWER_STATUS only (percent 0..100, on the charger); null on other events
//   hw_model, sw_version   the device's model and firmware (devices.model_type, software_version)
//   event_ts               epoch milliseconds when careflow received it
// The version before this one (device_id .. ts, inside_geofence) cannot be read by this one (no
// default for event_id): a registry that still holds it under BACKWARD refuses this one; delete the
// subject (or start from a fresh data dir).
inline constexpr const char* kDeviceEventSchema = R"({"type":"record","name":"DeviceEvent","namespace":"careflow.healthcare",)"
    R"("doc":"One device event on topic hc_raw_device_events","fields":[)"
    R"({"name":"event_id","type":"string"},)"
    R"({"name":"device_id","type":"string"},)"
    R"({"name":"patient_id","type":"string"},)"
    R"({"name":"event_type","type":"string"},)"
    R"({"name":"lng","type":["null","double"],"default":null},)"
    R"({"name":"lat","type":["null","double"],"default":null},)"
    R"({"name":"battery_level","type":["null","int"],"default":null},)"
    R"({"name":"plugged","type":["null","boolean"],"default":null},)"
    R"({"name":"hw_model","type":["null","string"],"default":null},)"
    R"({"name":"sw_version","type":["null","string"],"default":null},)"
    R"({"name":"event_ts","type":"long","doc":"epoch milliseconds"}]})";

// hc_raw_device_events key: the event's id, as a record of one field as the reference (and Flink's
// 'key.fields' = 'event_id' with an Avro key format) has it.
inline constexpr const char* kDeviceEventKeySchema = R"({"type":"record","name":"DeviceEventKey","namespace":"careflow.healthcare",)"
    R"("fields":[{"name":"event_id","type":"string"}]})";

// hc_raw_device_metrics key: the device id, as the JSON path keys it, an Avro string under "<topic>-key".
inline constexpr const char* kDeviceKeySchema = R"("string")";

// ---- The dimension topics (sim/dimension_seed.h): compacted, keyed, seeded at start ----

// hc_raw_device_assignments: which patient each device is assigned to. Key kDeviceIdKeySchema.
//   assignment_id          "ASG-<device_id>-<patient_id>-<assigned_at>": a new assignment, a new id,
//                          also when a device comes back to a patient it had (the button routing
//                          pipeline verifies each assignment with its first press)
//   device_id, patient_id  the device and its patient
//   hw_model               the device's model (devices.model_type), null when unknown
//   assigned_at            epoch milliseconds: when the device got this patient (devices.assigned_at:
//                          its creation, or its last change of patient; 30 days before creation for
//                          the seeded devices, so story time finds them)
inline constexpr const char* kDeviceAssignmentSchema = R"({"type":"record","name":"DeviceAssignment","namespace":"careflow.healthcare",)"
    R"("doc":"One device's current patient on topic hc_raw_device_assignments","fields":[)"
    R"({"name":"assignment_id","type":"string"},)"
    R"({"name":"device_id","type":"string"},)"
    R"({"name":"patient_id","type":"string"},)"
    R"({"name":"hw_model","type":["null","string"],"default":null},)"
    R"({"name":"assigned_at","type":"long","doc":"epoch milliseconds"}]})";

// hc_raw_care_areas: where each patient's device should stay (sim/device_event.h's CareArea). Key
// kPatientIdKeySchema.
//   patient_id             the patient
//   center_lat, center_lng the area's centre in degrees
//   radius_m               its radius in metres (a GPS position farther than this is outside)
//   timezone               the patient's time zone (patients.timezone): the OTA window's local hour
inline constexpr const char* kCareAreaSchema = R"({"type":"record","name":"CareArea","namespace":"careflow.healthcare",)"
    R"("doc":"One patient's care area on topic hc_raw_care_areas","fields":[)"
    R"({"name":"patient_id","type":"string"},)"
    R"({"name":"center_lat","type":"double"},)"
    R"({"name":"center_lng","type":"double"},)"
    R"({"name":"radius_m","type":"double"},)"
    R"({"name":"timezone","type":"string"}]})";

// hc_raw_ota_allowlist: the devices allowed an over-the-air firmware update, and to which version.
// Key kDeviceIdKeySchema. Seeded for every device of a model careflow ships firmware for.
//   device_id              the device
//   hw_model               its model
//   target_sw_version      the firmware it may be updated to
inline constexpr const char* kOtaAllowlistSchema = R"({"type":"record","name":"OtaAllowlistEntry","namespace":"careflow.healthcare",)"
    R"("doc":"One device allowed an OTA update on topic hc_raw_ota_allowlist","fields":[)"
    R"({"name":"device_id","type":"string"},)"
    R"({"name":"hw_model","type":"string"},)"
    R"({"name":"target_sw_version","type":"string"}]})";

// The dimension topics' keys: a record of one field, as Flink's 'key.fields' with an Avro key format
// has it.
inline constexpr const char* kDeviceIdKeySchema = R"({"type":"record","name":"DeviceIdKey","namespace":"careflow.healthcare",)"
    R"("fields":[{"name":"device_id","type":"string"}]})";
inline constexpr const char* kPatientIdKeySchema = R"({"type":"record","name":"PatientIdKey","namespace":"careflow.healthcare",)"
    R"("fields":[{"name":"patient_id","type":"string"}]})";

}  // namespace careflow::sim
