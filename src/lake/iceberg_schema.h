#pragma once
// careflow's columns as Iceberg schema fields and back (the table spec's "Schemas and Data Types"):
// primitive types by name ("long", "timestamptz", "decimal(10, 2)"), and the nested types
//   ROW   ↔ {"type": "struct", "fields": [{"id", "name", "required", "type"}, ...]}
//   ARRAY ↔ {"type": "list", "element-id", "element-required", "element"}
//   MAP   ↔ {"type": "map", "key-id", "key", "value-id", "value-required", "value"}
// whose field ids are ColumnSpec::nested_ids in pre-order (a struct's fields, a list's element, a
// map's key then value, each before the ids below it). A top-level "uuid" field is a BINARY(16)
// column with ColumnSpec::uuid set (as Flink's Iceberg connector reads it); a "uuid" inside a
// nested type is a BINARY(16) node whose id is in ColumnSpec::uuid_ids.

#include <nlohmann/json.hpp>

#include <string>

#include "common/status.h"
#include "lake/parquet_schema.h"

namespace careflow::lake::iceberg {

// An Iceberg primitive type name as careflow's SQL type ("long" → BIGINT, "timestamptz" →
// TIMESTAMP_LTZ(6), "decimal(10, 2)" → DECIMAL(10, 2)); InvalidArgument for others.
Result<values::DataType> type_from_iceberg(const std::string& name);

// A schema field as a column. InvalidArgument naming the field (its path inside a nested type) for
// a type careflow cannot read, a missing id, or nesting deeper than kMaxNestingDepth.
Result<ColumnSpec> column_from_iceberg(const nlohmann::json& field);

// A column as a schema field. InvalidArgument naming the column for a type careflow's Iceberg
// tables cannot hold (TIME, timestamps other than microseconds, MULTISET), a missing field id, or
// nested_ids that do not number the type's nested fields.
Result<nlohmann::json> column_to_iceberg(const ColumnSpec& column);

// The highest field id of the columns, nested fields included (0 for none).
int32_t highest_field_id(const std::vector<ColumnSpec>& columns);

}  // namespace careflow::lake::iceberg
