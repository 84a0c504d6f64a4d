#pragma once
// Private to src/registry: whether a text is a JSON Schema document the registry may store, as
// Confluent's registry refuses one it cannot load (everit's SchemaLoader) with 42201.
//
// No JSON Schema validator library is packaged by Debian for C++, so this checks the document's
// shape, not instances: the text is one JSON value (careflow's parser, so the nesting limit of
// common/json_parse.h holds), the root is an object or a boolean, and every keyword careflow's
// formats or Confluent's clients rely on has the JSON type the specification gives it ("type" a
// known type name or a list of them, "properties" an object of schemas, "items" a schema or a list
// of schemas, "oneOf"/"anyOf"/"allOf" non-empty lists of schemas, "required" a list of strings,
// "$ref" a string, ...). Unknown keywords ("connect.type", "title", ...) are allowed, as they are
// in JSON Schema.

#include <optional>
#include <string>

namespace careflow::registry {

// Empty when `text` is a JSON Schema document; otherwise what is wrong and where, as a JSON
// pointer: "/properties/ts/type: \"timestamp\" is not a JSON Schema type".
std::optional<std::string> json_schema_problem(const std::string& text);

}  // namespace careflow::registry
