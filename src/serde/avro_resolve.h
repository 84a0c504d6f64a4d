#pragma once
// Avro schema resolution (spec "Schema Resolution"): reading data written with one schema (the
// writer's) as another (the reader's). Promotions int→long→float→double, string↔bytes; record
// fields matched by name or reader alias, missing ones filled from the reader's default, extra
// ones skipped; enum symbols matched by name (an unknown one takes the reader's enum default);
// unions resolved branch by branch (the first reader branch that matches, exact before promoted).
//
// Named types meet by one of two rules (NameRule): the specification's, which the registry's
// compatibility checks follow (as Confluent's, built on Avro's SchemaCompatibility), and the one
// Avro's Java reader decodes data with (ResolvingGrammarGenerator), which Flink's Avro formats use:
// there a record is read whatever its name. That is how Flink's 'avro-confluent' reads a Debezium
// envelope through a ROW column: the writer's before is ["null", <topic>.Value], the reader's
// (AvroSchemaConverter) ["null", org.apache.flink.avro.generated.record_before].

#include <nlohmann/json.hpp>

#include <string_view>

#include "common/status.h"
#include "serde/avro_datum.h"
#include "serde/avro_schema.h"

namespace careflow::serde::avro {

enum class NameRule {
  // The specification: a record, enum or fixed matches one of the same unqualified name (or a
  // reader alias naming it).
  kSpec,
  // Avro's Java reader: a record matches any record, whatever either's name; in a reader union a
  // writer's record takes the branch of the same full name, else the first record branch it can be
  // read as (a later one of the same unqualified name instead, if any). Enums and fixed as kSpec.
  // (Java judges "can be read as" one level deep; this judges it all the way down, which differs
  // only for records that fail to read either way.)
  kJavaReader,
};

// OK when every datum of `writer` can be read as `reader`; otherwise an error naming the first
// place that cannot ("field 'unit': reader field has no default and the writer has no such field").
// The registry's compatibility checks are built on this (kSpec).
Status check_can_read(const Node& writer, const Node& reader, NameRule rule = NameRule::kSpec);

// Turns a datum of `writer` into the datum `reader` sees.
Result<Datum> resolve(const Node& writer, const Node& reader, const Datum& value, NameRule rule = NameRule::kSpec);

// Decodes bytes written with `writer` as a datum of `reader`.
Result<Datum> decode_resolved(const Node& writer, const Node& reader, std::string_view bytes);

// A field default (JSON, as the spec encodes defaults: bytes and fixed as strings whose code points
// are the byte values, unions by their first branch) as a datum of `schema`.
Result<Datum> datum_from_json(const nlohmann::json& value, const Node& schema);

}  // namespace careflow::serde::avro
