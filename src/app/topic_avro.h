#pragma once
// `careflow topic consume --format avro`: each record's value, in Confluent's wire format, decoded
// through the Schema Registry with its writer schema and printed in Avro's JSON encoding, as
// Confluent's kafka-avro-console-consumer prints it (unions as {"double": 1.5}, bytes as strings of
// code points 0..255).
//
// The registry: schema_registry.url when set; else the embedded registry of the data dir
// (<data_dir>/registry, kept by `careflow up`), read in schema_registry.context, because ids are
// numbered per context and the subjects careflow writes live in that one.

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "common/config.h"
#include "log/topics.h"
#include "registry/registry.h"
#include "serde/avro_datum.h"
#include "serde/avro_schema.h"
#include "serde/confluent_avro.h"
#include "serde/registry_client.h"

namespace careflow::app {

// A datum in Avro's JSON encoding (specification, "JSON Encoding").
nlohmann::ordered_json avro_to_json(const serde::avro::Node& schema, const serde::avro::Datum& value);

class AvroLineDecoder {
 public:
  // FailedPrecondition naming schema_registry.url when there is neither a URL nor an embedded
  // registry in the data dir.
  static Result<std::unique_ptr<AvroLineDecoder>> open(const Config& config);
  // The value as one line of JSON ("null" for a tombstone). An error naming the partition and
  // offset for a value that is not Confluent Avro or whose schema the registry does not have.
  Result<std::string> line(const log::Record& record, int32_t partition);

 private:
  AvroLineDecoder() = default;
  std::unique_ptr<registry::SchemaRegistry> embedded_;
  std::unique_ptr<serde::RegistryClient> client_;
  std::unique_ptr<serde::AvroDeserializer> values_;
};

}  // namespace careflow::app
