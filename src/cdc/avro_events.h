#pragma once
// Change events in Avro, as Debezium with Confluent's AvroConverter writes them: each key and
// value in Confluent's wire format (magic byte, schema id, Avro binary) with its schema, converted
// from the Connect schema (connect_avro.h), registered under <topic>-key / <topic>-value (the
// configured subject name strategy and context). Tombstones stay null.
//
// Input is the JsonConverter record with schema ({"schema":...,"payload":...}) that
// TableEvents writes; the schemas are converted and registered once per distinct Connect schema.
// Not thread-safe: one per capture session.

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "serde/confluent_avro.h"
#include "serde/registry_client.h"

namespace careflow::cdc {

class AvroEventEncoder {
 public:
  AvroEventEncoder(serde::RegistryClient& registry, serde::SerializerOptions key_options,
                   serde::SerializerOptions value_options);

  // The framed Avro form of `json_record` (a key when `is_key`) on `topic`. InvalidArgument when
  // it is not a JSON record with a schema, or its payload does not fit the schema.
  Result<std::string> encode(const std::string& topic, std::string_view json_record, bool is_key);

 private:
  struct Converted {
    nlohmann::ordered_json connect_schema;
    std::unique_ptr<serde::AvroSerializer> serializer;
  };
  serde::RegistryClient& registry_;
  serde::SerializerOptions key_options_;
  serde::SerializerOptions value_options_;
  std::map<std::string, Converted, std::less<>> by_schema_;  // key: "k"/"v" + Connect schema text
};

}  // namespace careflow::cdc
