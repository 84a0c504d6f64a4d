#pragma once
// Avro schema resolution (spec "Schema Resolution"): reading data written with one schema (the
// writer's) as another (the reader's). Promotions int→long→float→double, string↔bytes; record
// fields matched by name or reader alias, missing ones filled from the reader's default, extra
// ones skipped; enum symbols matched by name (an unknown one takes the reader's enum default);
// unions resolved branch by branch (the first reader branch that matches, exact before promoted).

#include <nlohmann/json.hpp>

#include <string_view>

#include "common/status.h"
#include "serde/avro_datum.h"
#include "serde/avro_schema.h"

namespace careflow::serde::avro {

// OK when every datum of `writer` can be read as `reader`; otherwise an error naming the first
// place that cannot ("field 'unit': reader field has no default and the writer has no such field").
// The registry's compatibility checks are built on this.
Status check_can_read(const Node& writer, const Node& reader);

// Turns a datum of `writer` into the datum `reader` sees.
Result<Datum> resolve(const Node& writer, const Node& reader, const Datum& value);

// Decodes bytes written with `writer` as a datum of `reader`.
Result<Datum> decode_resolved(const Node& writer, const Node& reader, std::string_view bytes);

// A field default (JSON, as the spec encodes defaults: bytes and fixed as strings whose code points
// are the byte values, unions by their first branch) as a datum of `schema`.
Result<Datum> datum_from_json(const nlohmann::json& value, const Node& schema);

}  // namespace careflow::serde::avro
