#pragma once
// Reading named fields of a decoded Avro record as Flink's avro-confluent and
// debezium-avro-confluent formats write rows: every nullable column is a ["null", T] union. Used by
// the simulator's followers of the pipelines' command topics (device_commands.h, ota_updates.h).

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "serde/avro_datum.h"
#include "serde/avro_schema.h"

namespace careflow::sim {

// A field's schema node and datum, a union unwrapped to its branch.
struct AvroField {
  const serde::avro::Node* type;
  const serde::avro::Datum* value;
};

// A value of schema `type` with a union unwrapped to its branch; nullopt for a null, or a union
// branch out of range.
std::optional<AvroField> unwrap_union(const serde::avro::Node& type, const serde::avro::Datum& value);
// nullopt for a missing field or a null.
std::optional<AvroField> avro_field(const serde::avro::Node& record, const serde::avro::Datum& value, std::string_view name);
// InvalidArgument naming the field when it is missing, null or not a string.
Result<std::string> required_text(const serde::avro::Node& record, const serde::avro::Datum& value, std::string_view name);
// nullopt when missing or null; InvalidArgument naming the field when it is not a number.
Result<std::optional<double>> optional_number(const serde::avro::Node& record, const serde::avro::Datum& value,
                                              std::string_view name);

}  // namespace careflow::sim
