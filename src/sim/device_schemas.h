#pragma once
// The Avro schemas of the raw device topics, as careflow's simulator and device-event route write
// them with simulator.format = avro (the default). They declare exactly the fields the JSON path
// writes (sim/reading.h's Reading::to_json and api/simulation_routes.cc's events), with the same
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

// hc_raw_device_events value: one event a device reports (POST /device/{deviceId}/events/{type}).
//   device_id              the path's device
//   patient_id             the device's patient (devices.patient_id; null for an unassigned device)
//   event_type             button-press, power-status or gps (a string, not an enum: a new event type
//                          must not break readers holding the old schema)
//   ts                     epoch milliseconds when careflow received it
//   battery_level, plugged power-status only (0..100, boolean); null on other events
//   inside_geofence        gps only; null on other events
inline constexpr const char* kDeviceEventSchema = R"({"type":"record","name":"DeviceEvent","namespace":"careflow.healthcare",)"
    R"("doc":"One device event on topic hc_raw_device_events","fields":[)"
    R"({"name":"device_id","type":"string"},)"
    R"({"name":"patient_id","type":["null","string"],"default":null},)"
    R"({"name":"event_type","type":"string"},)"
    R"({"name":"ts","type":"long","doc":"epoch milliseconds"},)"
    R"({"name":"battery_level","type":["null","double"],"default":null},)"
    R"({"name":"plugged","type":["null","boolean"],"default":null},)"
    R"({"name":"inside_geofence","type":["null","boolean"],"default":null}]})";

// Both topics' key: the device id, as the JSON path keys them, an Avro string under "<topic>-key".
inline constexpr const char* kDeviceKeySchema = R"("string")";

}  // namespace careflow::sim
