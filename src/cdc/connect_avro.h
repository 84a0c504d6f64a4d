#pragma once
// Kafka Connect schemas and values, in the JSON form Connect's JsonConverter writes
// ({"type", "optional", "name", "version", "doc", "parameters", "default", "fields"/"field"}),
// converted to Avro the way Confluent's AvroConverter does (io.confluent.connect.avro.AvroData,
// connect.meta.data on, enhanced schema support off):
//   - a struct named "a.b.C" becomes record C in namespace a.b; an optional struct ["null", record];
//   - int8/int16 become int with "connect.type"; int32/int64/float32/float64/boolean/string/bytes
//     the Avro primitive of the same kind;
//   - the Connect metadata becomes properties, in AvroData's order: connect.doc, connect.version,
//     connect.parameters, connect.default, connect.name, connect.type; Connect's Decimal also gets
//     scale / precision (first) and logicalType "decimal" (last);
//   - an optional field is ["null", T] with default null, or [T, "null"] with its default when it
//     has one (bytes defaults as ISO-8859-1 text, as Avro writes them).
// The schema text is what Avro Java's Schema.toString() gives (names relative to the enclosing
// namespace, a named type written once then referenced), i.e. what the converter registers.

#include <nlohmann/json.hpp>

#include <string>

#include "common/status.h"
#include "serde/avro_datum.h"

namespace careflow::cdc {

// The Avro schema of a Connect schema, as JSON text. InvalidArgument naming the path for a
// Connect type it does not know (array and map are not used by Debezium's PostgreSQL types).
Result<std::string> connect_schema_to_avro(const nlohmann::ordered_json& connect_schema);

// The Avro datum of a Connect value (JsonConverter's payload: bytes as base64, structs as
// objects) of `connect_schema`. InvalidArgument naming the field for a null in a required
// field or a value of the wrong kind.
Result<serde::avro::Datum> connect_value_to_avro(const nlohmann::ordered_json& connect_schema,
                                                 const nlohmann::ordered_json& value);

}  // namespace careflow::cdc
