#pragma once
// Private to exec/formats: a table's columns as JSON Schema and as JSON documents, the way
// Confluent Cloud's 'json-registry' format maps Flink SQL types (Confluent's
// FlinkToJsonSchemaConverter; the "Data type mappings" page of Confluent Cloud for Apache Flink):
//
//   BOOLEAN            {"type":"boolean"}
//   TINYINT..BIGINT    {"type":"number","connect.type":"int8" | "int16" | "int32" | "int64"}
//   FLOAT, DOUBLE      {"type":"number","connect.type":"float32" | "float64"}
//   CHAR(n)            {"type":"string","minLength":n,"maxLength":n}
//   VARCHAR(n)         {"type":"string"} with "maxLength":n below STRING's length
//   BINARY/VARBINARY   {"type":"string","connect.type":"bytes"} (+ "flink.minLength"/"flink.maxLength")
//   DATE               {"type":"number","title":"org.apache.kafka.connect.data.Date","connect.type":"int32"}
//   TIME(p<=3)         {"type":"number","title":"org.apache.kafka.connect.data.Time","connect.type":"int32"}
//   TIMESTAMP(p<=3)    {"type":"number","connect.type":"int64","flink.type":"timestamp"}
//   TIMESTAMP_LTZ(p<=3){"type":"number","title":"org.apache.kafka.connect.data.Timestamp","connect.type":"int64"}
//   DECIMAL(p,s)       {"type":"number","title":"org.apache.kafka.connect.data.Decimal","connect.type":"bytes",
//                       "connect.parameters":{"connect.decimal.precision":"p","scale":"s"}}
//   ROW                {"type":"object","title":<name>,"properties":{... each with "connect.index"},"required":[NOT NULL fields]}
//   MAP<STRING, V>     {"type":"object","connect.type":"map","additionalProperties":V}
//   MAP<K, V>          {"type":"array","connect.type":"map","items":{"type":"object","properties":{"key":K,"value":V}}}
//   MULTISET<E>        as MAP<E, INT NOT NULL>, with "flink.type":"multiset"
//   ARRAY<E>           {"type":"array","items":E}
//   a nullable type    {"oneOf":[{"type":"null"}, T]}
// (a precision other than 3 adds "flink.precision"; Flink's properties carry "flink.version":"1").
// TIME and TIMESTAMP over precision 3 and the INTERVAL types have no JSON Schema there: an error
// naming the column, as Confluent Cloud refuses them.
//
// Values follow Kafka Connect's JSON conventions that these annotations name: DATE as days since
// 1970-01-01, TIME as milliseconds of the day, TIMESTAMP and TIMESTAMP_LTZ as epoch milliseconds,
// bytes as base64, DECIMAL as a JSON number, a map with non-string keys as [{"key","value"}].
// DECIMAL digits travel through a double (nlohmann's numbers): writing refuses a value a double
// does not hold exactly rather than change it.

#include <string>
#include <vector>

#include "common/status.h"
#include "exec/formats/json_convert.h"
#include "values/types.h"
#include "values/value.h"

namespace careflow::exec {

// The JSON Schema of a record whose properties are the columns, titled `title` (Confluent Cloud's
// converter names nested rows "<title>_<field>"). InvalidArgument naming the column for a type
// without a JSON Schema.
Result<Json> json_schema_for_columns(const std::vector<std::string>& names, const std::vector<values::DataType>& types,
                                     const std::string& title);

// The JSON document of a record of the columns. InvalidArgument naming the column for a value JSON
// cannot hold (a NULL in a NOT NULL column, NaN, a DECIMAL a double does not hold exactly).
Result<Json> columns_to_json(const std::vector<values::Value>& values, const std::vector<std::string>& names,
                             const std::vector<values::DataType>& types);

// The columns from a JSON object, by property name (properties the table lacks are ignored; a
// missing one is NULL). InvalidArgument naming the property that does not convert or is NULL in a
// NOT NULL column.
Result<std::vector<values::Value>> columns_from_json(const Json& object, const std::vector<std::string>& names,
                                                  const std::vector<values::DataType>& types);

}  // namespace careflow::exec
