#pragma once
// A topic record's value as plain JSON, for the dashboards: what a pipeline's sink wrote, read back
// the way a Kafka consumer with Confluent's deserializer would, then flattened for a web page.
//   - Confluent Avro (magic byte 0): decoded with its writer schema from the registry; records
//     become objects, unions their branch's value (no {"double": 1.5} wrapping), timestamps
//     (timestamp-millis / -micros, local or not) milliseconds since the epoch;
//   - JSON text: parsed; Kafka Connect's {"schema", "payload"} form gives its payload;
//   - a Debezium envelope ({before, after, op}, what 'debezium-avro-confluent' and careflow's CDC
//     write) is unwrapped into `row` (after, or before for a delete) and `op`.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "common/status.h"
#include "serde/avro_datum.h"
#include "serde/avro_schema.h"
#include "serde/confluent_avro.h"

namespace careflow::api {

// A datum of `schema` as plain JSON (see above). Bytes and fixed become text; NaN and infinities
// (JSON has none) become null.
nlohmann::json avro_to_plain_json(const serde::avro::Node& schema, const serde::avro::Datum& value);

struct ChangeRow {
  nlohmann::json row;     // the table's columns
  char op = 'c';          // Debezium's c (insert), u (update), d (delete), r (snapshot read); 'c' when not an envelope
  bool envelope = false;  // whether the value was a Debezium envelope
};

// Unwraps a Debezium envelope; any other object is one inserted row.
ChangeRow unwrap_change(nlohmann::json value);

class RecordDecoder {
 public:
  explicit RecordDecoder(serde::RegistryClient* registry);  // null: JSON values only
  // nullopt for a tombstone. An error naming what the value is not (not Confluent Avro whose
  // schema the registry has, nor JSON).
  Result<std::optional<nlohmann::json>> decode(const std::optional<std::string>& value);

 private:
  std::optional<serde::AvroDeserializer> avro_;
};

}  // namespace careflow::api
