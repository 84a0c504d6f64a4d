#include "sim/device_records.h"

#include <fmt/format.h>

#include "sim/device_schemas.h"

namespace careflow::sim {
namespace {

using serde::avro::Datum;

// The schemas are constants of this folder: a parse failure is a bug caught by the unit tests.
serde::avro::Schema parsed(const char* schema_json) { return serde::avro::Schema::parse(schema_json).value(); }

Datum reading_datum(const Reading& r) {
  return Datum::list({Datum::text(r.device_id), Datum::text(r.patient_id), Datum::integer(r.ts), Datum::text(r.metric_name),
                      Datum::real(r.metric_value), Datum::text(r.software_version)});
}

// A required string field of an event.
Result<Datum> required_text(const nlohmann::json& event, const char* name) {
  auto it = event.find(name);
  if (it == event.end() || !it->is_string()) return Status::invalid_argument(fmt::format("device event: {} must be a string", name));
  return Datum::text(it->get<std::string>());
}

// An optional field as the union ["null", T]: branch 0 when missing or null.
Result<Datum> optional_field(const nlohmann::json& event, const char* name, serde::avro::Type type) {
  auto it = event.find(name);
  if (it == event.end() || it->is_null()) return Datum::branch(0, Datum::null());
  switch (type) {
    case serde::avro::Type::kString:
      if (it->is_string()) return Datum::branch(1, Datum::text(it->get<std::string>()));
      break;
    case serde::avro::Type::kDouble:
      if (it->is_number()) return Datum::branch(1, Datum::real(it->get<double>()));
      break;
    default:
      if (it->is_boolean()) return Datum::branch(1, Datum::boolean(it->get<bool>()));
      break;
  }
  return Status::invalid_argument(fmt::format("device event: {} must be {} or null", name, serde::avro::type_name(type)));
}

Result<Datum> event_datum(const nlohmann::json& e) {
  using serde::avro::Type;
  if (!e.is_object()) return Status::invalid_argument("device event: must be a JSON object");
  Datum out;
  CF_ASSIGN_OR_RETURN(Datum device_id, required_text(e, "device_id"));
  CF_ASSIGN_OR_RETURN(Datum patient_id, optional_field(e, "patient_id", Type::kString));
  CF_ASSIGN_OR_RETURN(Datum event_type, required_text(e, "event_type"));
  auto ts = e.find("ts");
  if (ts == e.end() || !ts->is_number_integer()) return Status::invalid_argument("device event: ts must be an integer (epoch ms)");
  CF_ASSIGN_OR_RETURN(Datum battery, optional_field(e, "battery_level", Type::kDouble));
  CF_ASSIGN_OR_RETURN(Datum plugged, optional_field(e, "plugged", Type::kBoolean));
  CF_ASSIGN_OR_RETURN(Datum geofence, optional_field(e, "inside_geofence", Type::kBoolean));
  return Datum::list({std::move(device_id), std::move(patient_id), std::move(event_type), Datum::integer(ts->get<int64_t>()),
                      std::move(battery), std::move(plugged), std::move(geofence)});
}

}  // namespace

Result<RecordFormat> parse_record_format(std::string_view name) {
  if (name == "avro") return RecordFormat::kAvro;
  if (name == "json") return RecordFormat::kJson;
  return Status::invalid_argument(fmt::format("simulator.format: expected avro or json, got '{}'", name));
}

std::unique_ptr<DeviceRecordEncoder> DeviceRecordEncoder::json() {
  return std::unique_ptr<DeviceRecordEncoder>(new DeviceRecordEncoder(RecordFormat::kJson));
}

std::unique_ptr<DeviceRecordEncoder> DeviceRecordEncoder::avro(serde::RegistryClient& registry,
                                                              serde::SerializerOptions value_options) {
  std::unique_ptr<DeviceRecordEncoder> e(new DeviceRecordEncoder(RecordFormat::kAvro));
  value_options.is_key = false;
  serde::SerializerOptions key_options;
  key_options.strategy = serde::SubjectNameStrategy::kTopicName;
  key_options.context = value_options.context;
  key_options.is_key = true;
  key_options.auto_register = value_options.auto_register;
  e->key_ = std::make_unique<serde::AvroSerializer>(registry, parsed(kDeviceKeySchema), kDeviceKeySchema, key_options);
  e->metric_ = std::make_unique<serde::AvroSerializer>(registry, parsed(kDeviceMetricSchema), kDeviceMetricSchema, value_options);
  e->event_ = std::make_unique<serde::AvroSerializer>(registry, parsed(kDeviceEventSchema), kDeviceEventSchema, value_options);
  return e;
}

Result<log::Record> DeviceRecordEncoder::framed(const std::string& topic, const std::string& key,
                                                serde::AvroSerializer& value_serializer, const Datum& value,
                                                int64_t timestamp_ms) {
  std::lock_guard lock(mutex_);
  log::Record record;
  CF_ASSIGN_OR_RETURN(record.key, key_->serialize(topic, Datum::text(key)));
  CF_ASSIGN_OR_RETURN(record.value, value_serializer.serialize(topic, value));
  record.timestamp_ms = timestamp_ms;
  return record;
}

Result<log::Record> DeviceRecordEncoder::reading(const std::string& topic, const Reading& reading) {
  if (format_ == RecordFormat::kJson) {
    log::Record record;
    record.key = reading.device_id;
    record.value = reading.to_json().dump();
    record.timestamp_ms = reading.ts;
    return record;
  }
  return framed(topic, reading.device_id, *metric_, reading_datum(reading), reading.ts);
}

Result<log::Record> DeviceRecordEncoder::event(const std::string& topic, const nlohmann::json& event) {
  CF_ASSIGN_OR_RETURN(Datum datum, event_datum(event));  // checks the fields in both formats
  const std::string& device_id = datum.items[0].s;
  const int64_t ts = datum.items[3].i;
  if (format_ == RecordFormat::kJson) {
    log::Record record;
    record.key = device_id;
    record.value = event.dump();
    record.timestamp_ms = ts;
    return record;
  }
  return framed(topic, device_id, *event_, datum, ts);
}

}  // namespace careflow::sim
