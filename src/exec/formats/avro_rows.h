#pragma once
// Flink SQL rows ↔ Avro, as Flink's 'avro' and 'avro-confluent' formats do it
// (AvroSchemaConverter, RowDataToAvroConverters, AvroToRowDataConverters):
//   nullable column → ["null", T] with default null; BOOLEAN → boolean; TINYINT, SMALLINT, INT →
//   int; BIGINT → long; FLOAT → float; DOUBLE → double; CHAR, VARCHAR → string; BINARY,
//   VARBINARY → bytes; DECIMAL(p, s) → bytes with logicalType decimal; DATE → int date; TIME →
//   int time-millis; TIMESTAMP(≤3) → long timestamp-millis (Flink's legacy mapping, its default)
//   or local-timestamp-millis/micros (legacy mapping off); TIMESTAMP_LTZ → long
//   timestamp-millis/micros (legacy mapping off only, as in Flink); ARRAY → array; MAP with
//   string keys → map; MULTISET → map of counts; ROW → a nested record named
//   "<parent record name>_<field name>".
// The top-level record is "org.apache.flink.avro.generated.record" unless told otherwise.
//
// Why here and not in serde: DESIGN.md's dependencies run exec → sql → serde, so serde cannot
// see sql's types. exec already turns rows into records for every other format
// (record_format.h, json_convert.h), and it may depend on both sides.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "common/status.h"
#include "serde/avro_datum.h"
#include "serde/avro_schema.h"
#include "values/types.h"
#include "values/value.h"

namespace careflow::exec {

struct AvroRowOptions {
  std::string record_name = "org.apache.flink.avro.generated.record";
  // Flink's 'avro.timestamp_mapping.legacy' (default true).
  bool legacy_timestamp_mapping = true;
};

// The Avro schema Flink derives for a row of these columns, as JSON in the field order Avro's
// Schema.toString() writes. InvalidArgument for a type Flink cannot map (TIMESTAMP(6) under the
// legacy mapping, a MAP with non-string keys, INTERVAL, ...), naming the column.
Result<nlohmann::ordered_json> avro_schema_for_row(const std::vector<std::string>& names, const std::vector<values::DataType>& types,
                                                   const AvroRowOptions& options = {});

// A record datum (of `record`, usually the schema above or the registry's writer schema resolved
// to it) → one value per column. Errors name the column.
Result<std::vector<values::Value>> avro_to_values(const serde::avro::Node& record, const serde::avro::Datum& datum,
                                               const std::vector<values::DataType>& types);
// Column values → a record datum of `record` (fields by position). A NULL for a column whose Avro
// type has no null branch is an error naming the column.
Result<serde::avro::Datum> values_to_avro(const serde::avro::Node& record, const std::vector<values::Value>& values,
                                          const std::vector<values::DataType>& types);

}  // namespace careflow::exec
