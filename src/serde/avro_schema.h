#pragma once
// Avro schemas per the Avro 1.11 specification: parsing from JSON into a compiled tree of nodes,
// Parsing Canonical Form and the CRC-64-AVRO (Rabin) fingerprint.
//
// A Schema owns its nodes; named types may refer to themselves (a linked list record), so nodes
// point at each other with plain pointers into the owning Schema. Copying a Schema is cheap (the
// nodes are shared and immutable).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace careflow::serde::avro {

// Nesting limits, so that no schema can make the parser, the canonical form, the codec or schema
// resolution (all recursive over the type tree) overflow the stack: a schema's types nest at most
// kMaxTypeDepth deep (a record's field's type is one level down, an array's items, a union's
// branch, ...), and its JSON text at most kMaxSchemaJsonDepth (a record level takes up to four).
inline constexpr int kMaxTypeDepth = 100;
inline constexpr size_t kMaxSchemaJsonDepth = 512;

enum class Type : uint8_t {
  kNull, kBoolean, kInt, kLong, kFloat, kDouble, kBytes, kString,
  kRecord, kEnum, kArray, kMap, kUnion, kFixed,
};

// "null", "record", ... as the specification spells them.
std::string_view type_name(Type type);

// Logical types the specification defines. An invalid annotation (decimal with scale > precision,
// date on a string, ...) is ignored, as the specification asks: the node keeps kNone.
enum class LogicalType : uint8_t {
  kNone, kDecimal, kUuid, kDate, kTimeMillis, kTimeMicros, kTimestampMillis, kTimestampMicros,
  kLocalTimestampMillis, kLocalTimestampMicros, kDuration,
};

std::string_view logical_type_name(LogicalType type);

struct Node;

struct Field {
  std::string name;
  const Node* type = nullptr;
  std::optional<nlohmann::json> default_value;  // the JSON default as written, checked against type
  std::vector<std::string> aliases;
  std::string doc;
};

struct Node {
  Type type = Type::kNull;
  LogicalType logical = LogicalType::kNone;
  int precision = 0;  // decimal
  int scale = 0;      // decimal
  // Named types (record, enum, fixed): full name "ns.name", and the namespace alone.
  std::string fullname;
  std::string space;
  std::vector<std::string> aliases;  // full names
  std::string doc;
  std::vector<Field> fields;         // record
  std::vector<std::string> symbols;  // enum
  std::optional<std::string> enum_default;
  const Node* items = nullptr;       // array
  const Node* values = nullptr;      // map
  std::vector<const Node*> branches; // union
  int64_t size = 0;                  // fixed
  nlohmann::ordered_json properties;  // attributes the spec does not define (kept, not interpreted)

  bool is_named() const { return type == Type::kRecord || type == Type::kEnum || type == Type::kFixed; }
  // The unqualified name ("Reading" of "org.example.Reading").
  std::string_view short_name() const;
  // Index of a record field by name, or -1.
  int field_index(std::string_view name) const;
  // Index of a union branch that is `null`, or -1.
  int null_branch() const;
};

class Schema {
 public:
  // Parses a schema from JSON text. Errors name the offending path: "fields[2].type: unknown type
  // 'strin'", or the limit passed: "types nest deeper than 100 levels", "JSON nests deeper than
  // 512 levels at byte 1530". `named` supplies already-parsed schemas whose named types the text may reference by
  // name (schema references in a registry); the new schema keeps them alive.
  static Result<Schema> parse(std::string_view json_text, const std::vector<Schema>& named = {});
  static Result<Schema> from_json(const nlohmann::json& json, const std::vector<Schema>& named = {});

  const Node& root() const { return *root_; }
  // A named type defined anywhere in this schema, or nullptr.
  const Node* find_named(std::string_view fullname) const;

  // Parsing Canonical Form (spec "Transforming into Parsing Canonical Form").
  std::string canonical_form() const;
  // CRC-64-AVRO fingerprint of the canonical form.
  uint64_t fingerprint() const;

 private:
  struct Arena {
    std::vector<std::unique_ptr<Node>> nodes;
    std::map<std::string, const Node*, std::less<>> named;
    std::vector<std::shared_ptr<const Arena>> referenced;  // keeps referenced schemas' nodes alive
  };
  std::shared_ptr<Arena> arena_;
  const Node* root_ = nullptr;
  friend class SchemaParser;
};

// Parsing Canonical Form of one node, such as a record field's type: two nodes with the same form
// encode their data alike and decode to datums of the same shape.
std::string canonical_form(const Node& node);

// CRC-64-AVRO (the spec's Rabin fingerprint) of arbitrary bytes.
uint64_t rabin_fingerprint(std::string_view bytes);

}  // namespace careflow::serde::avro
