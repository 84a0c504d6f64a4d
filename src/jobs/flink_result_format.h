#pragma once
// Result rows and column types as Flink 1.20's SQL Gateway writes them in a FetchResults answer
// (flink-sql-gateway rest/serde: LogicalTypeJsonSerializer, ResultInfoSerializer), so Flink's own
// sql-client and JDBC driver read careflow's results:
//   column type  {"type": "VARCHAR", "nullable": true, "length": 2147483647}; DECIMAL precision and
//                scale; TIME / TIMESTAMP(_LTZ) precision; ARRAY / MULTISET elementType; MAP keyType,
//                valueType; ROW fields [{name, fieldType}]; NULL has no "nullable";
//   row          {"kind": "INSERT" | "UPDATE_BEFORE" | "UPDATE_AFTER" | "DELETE", "fields": [...]}, its
//                fields by row format:
//     JSON       as Flink's JSON format writes them (RowDataToJsonConverters, ISO-8601): numbers,
//                booleans, strings, "2024-01-31T10:00:05.123" (TIMESTAMP_LTZ in UTC with a "Z"),
//                "10:00:05", base64 bytes, arrays, objects for MAP / MULTISET / ROW. A DECIMAL wider
//                than a double keeps exactly is a string (Flink's reader accepts both);
//     PLAIN_TEXT each field as CAST(x AS STRING) prints it (values/value_format.h), NULL as null.

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "exec/row.h"
#include "values/types.h"

namespace careflow::jobs {

enum class RowFormat { kJson, kPlainText };

// "JSON" / "PLAIN_TEXT", any case, as Flink's rowFormat query parameter; false otherwise.
bool parse_row_format(std::string_view text, RowFormat* out);
std::string_view row_format_name(RowFormat format);

// Flink's RowKind name of a changelog row's kind.
std::string_view row_kind_name(exec::RowKind kind);

nlohmann::ordered_json logical_type_json(const values::DataType& type);

// {"kind": ..., "fields": [...]}; `types` has one type per field.
nlohmann::ordered_json row_json(const exec::Row& row, const std::vector<values::DataType>& types, RowFormat format);

}  // namespace careflow::jobs
