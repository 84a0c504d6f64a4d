#pragma once
// Turns what the simulator and the device-event route produce into topic records, in the format
// simulator.format names:
//   avro  Confluent's wire format (magic 0, 4-byte big-endian schema id, Avro binary) through a
//         Schema Registry, key and value each under their own subject (":.flink-dev:<topic>-key",
//         ":.flink-dev:<topic>-value"), with the schemas of sim/device_schemas.h
//   json  the value as a JSON object, the key as the device id's (a reading) or the event id's
//         (an event) bytes
// There is no fallback from one to the other: an Avro encoder whose registry does not answer
// returns the registry's error (Unavailable naming its URL), and the caller writes nothing.
//
// Thread-safe: the simulator's thread and the API's threads share one encoder.

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "log/topics.h"
#include "serde/confluent_avro.h"
#include "serde/registry_client.h"
#include "sim/device_event.h"
#include "sim/reading.h"

namespace careflow::sim {

enum class RecordFormat { kAvro, kJson };
// "avro" or "json"; InvalidArgument naming simulator.format otherwise.
Result<RecordFormat> parse_record_format(std::string_view name);

class DeviceRecordEncoder {
 public:
  static std::unique_ptr<DeviceRecordEncoder> json();
  // Avro through `registry`, which must outlive the encoder. `value_options` carries the subject name
  // strategy and context; keys always use the topic name strategy (Confluent's
  // key.subject.name.strategy default: the key is a plain string, which has no record name) in the
  // same context. Schemas are registered on first use and their ids cached.
  static std::unique_ptr<DeviceRecordEncoder> avro(serde::RegistryClient& registry, serde::SerializerOptions value_options);

  RecordFormat format() const { return format_; }
  // The record of one reading on `topic`: key device_id, timestamp ts.
  Result<log::Record> reading(const std::string& topic, const Reading& reading);
  // The record of one device event on `topic`: key event_id (kDeviceEventKeySchema), timestamp
  // event_ts.
  Result<log::Record> event(const std::string& topic, const DeviceEvent& event);

  // Any other keyed record (the dimension topics, sim/dimension_seed.h): key and value each as an
  // Avro datum of its schema (a constant of sim/device_schemas.h) with avro, or as the key's text
  // and the value's JSON object with json.
  struct KeyedRecord {
    const char* key_schema;
    serde::avro::Datum key;
    std::string key_text;
    const char* value_schema;
    serde::avro::Datum value;
    nlohmann::json value_json;
    int64_t timestamp_ms = 0;
  };
  Result<log::Record> keyed(const std::string& topic, const KeyedRecord& record);

 private:
  explicit DeviceRecordEncoder(RecordFormat format) : format_(format) {}
  Result<log::Record> framed(const std::string& topic, serde::AvroSerializer& key_serializer, const serde::avro::Datum& key,
                             serde::AvroSerializer& value_serializer, const serde::avro::Datum& value, int64_t timestamp_ms);

  serde::AvroSerializer& serializer_for(const char* schema, bool is_key);

  const RecordFormat format_;
  std::mutex mutex_;  // the serializers' id caches
  serde::RegistryClient* registry_ = nullptr;  // avro
  serde::SerializerOptions key_options_, value_options_;
  std::map<std::pair<const char*, bool>, std::unique_ptr<serde::AvroSerializer>> keyed_;  // by schema, is_key
  std::unique_ptr<serde::AvroSerializer> key_;  // the readings' key: the device id
  std::unique_ptr<serde::AvroSerializer> event_key_;
  std::unique_ptr<serde::AvroSerializer> metric_;
  std::unique_ptr<serde::AvroSerializer> event_;
};

}  // namespace careflow::sim
