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

// An optional field as the union ["null", T]: branch 0 when absent.
template <typename T, typename MakeDatum>
Datum optional_datum(const std::optional<T>& value, MakeDatum make) {
  return value ? Datum::branch(1, make(*value)) : Datum::branch(0, Datum::null());
}

Datum event_datum(const DeviceEvent& e) {
  return Datum::list({Datum::text(e.event_id), Datum::text(e.device_id), Datum::text(e.patient_id), Datum::text(e.event_type),
                      optional_datum(e.lng, Datum::real), optional_datum(e.lat, Datum::real),
                      optional_datum(e.battery_level, [](int v) { return Datum::integer(v); }),
                      optional_datum(e.plugged, Datum::boolean),
                      optional_datum(e.hw_model, [](const std::string& v) { return Datum::text(v); }),
                      optional_datum(e.sw_version, [](const std::string& v) { return Datum::text(v); }),
                      Datum::integer(e.event_ts)});
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
  e->event_key_ = std::make_unique<serde::AvroSerializer>(registry, parsed(kDeviceEventKeySchema), kDeviceEventKeySchema, key_options);
  e->metric_ = std::make_unique<serde::AvroSerializer>(registry, parsed(kDeviceMetricSchema), kDeviceMetricSchema, value_options);
  e->event_ = std::make_unique<serde::AvroSerializer>(registry, parsed(kDeviceEventSchema), kDeviceEventSchema, value_options);
  e->registry_ = &registry;
  e->key_options_ = key_options;
  e->value_options_ = value_options;
  return e;
}

serde::AvroSerializer& DeviceRecordEncoder::serializer_for(const char* schema, bool is_key) {
  auto& serializer = keyed_[{schema, is_key}];
  if (!serializer) {
    serializer = std::make_unique<serde::AvroSerializer>(*registry_, parsed(schema), schema, is_key ? key_options_ : value_options_);
  }
  return *serializer;
}

Result<log::Record> DeviceRecordEncoder::keyed(const std::string& topic, const KeyedRecord& r) {
  if (format_ == RecordFormat::kJson) {
    log::Record record;
    record.key = r.key_text;
    record.value = r.value_json.dump();
    record.timestamp_ms = r.timestamp_ms;
    return record;
  }
  serde::AvroSerializer* key = nullptr;
  serde::AvroSerializer* value = nullptr;
  {
    std::lock_guard lock(mutex_);
    key = &serializer_for(r.key_schema, true);
    value = &serializer_for(r.value_schema, false);
  }
  return framed(topic, *key, r.key, *value, r.value, r.timestamp_ms);
}

Result<log::Record> DeviceRecordEncoder::framed(const std::string& topic, serde::AvroSerializer& key_serializer,
                                                const Datum& key, serde::AvroSerializer& value_serializer,
                                                const Datum& value, int64_t timestamp_ms) {
  std::lock_guard lock(mutex_);
  log::Record record;
  CF_ASSIGN_OR_RETURN(record.key, key_serializer.serialize(topic, key));
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
  return framed(topic, *key_, Datum::text(reading.device_id), *metric_, reading_datum(reading), reading.ts);
}

Result<log::Record> DeviceRecordEncoder::event(const std::string& topic, const DeviceEvent& event) {
  if (format_ == RecordFormat::kJson) {
    log::Record record;
    record.key = event.event_id;
    record.value = event.to_json().dump();
    record.timestamp_ms = event.event_ts;
    return record;
  }
  return framed(topic, *event_key_, Datum::list({Datum::text(event.event_id)}), *event_, event_datum(event), event.event_ts);
}

}  // namespace careflow::sim
