#pragma once
// Debezium's default mapping of PostgreSQL column types to Kafka Connect schemas and values
// (Debezium PostgreSQL connector documentation, "Data type mappings", with time.precision.mode
// adaptive, decimal.handling.mode as configured, binary.handling.mode bytes), in the JSON form
// Kafka Connect's JsonConverter writes: field schemas as {"type", "optional", "name", "version",
// "parameters", "default", "field"} and values as JSON (bytes base64, dates as days since epoch,
// timestamptz as an ISO-8601 string in UTC with six fraction digits, jsonb as a string).
//
// Types without a mapping here (interval, timetz, arrays, ranges, enums, network types) are
// strings holding PostgreSQL's text output, a documented difference from Debezium.
// Input values are PostgreSQL's text output in the session settings of session_conninfo().

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "cdc/table_schema.h"
#include "common/status.h"

namespace careflow::cdc {

using Json = nlohmann::ordered_json;

enum class DecimalHandling { kPrecise, kDouble, kString };  // decimal.handling.mode
// "precise" | "double" | "string"; InvalidArgument naming the value otherwise.
Result<DecimalHandling> parse_decimal_handling(std::string_view text);

// The Connect schema of a column as a struct field ({"type":..., "optional":..., "field": name}).
Json column_field_schema(const ColumnSchema& column, DecimalHandling decimals);

// The Connect value of one column from its text form. InvalidArgument naming the column and the
// text when it does not parse as the column's type.
Result<Json> column_value(const ColumnSchema& column, std::string_view text, DecimalHandling decimals);

// Appends the JSON text of column_value(column, text, decimals)->dump() to `out` without building
// the tree (the per-event path); the same errors, and `out` unchanged on error.
Status append_column_value(std::string& out, const ColumnSchema& column, std::string_view text, DecimalHandling decimals);

// Debezium's placeholder for an unchanged TOASTed value that the server did not send.
inline constexpr const char* kUnavailableValuePlaceholder = "__debezium_unavailable_value";

}  // namespace careflow::cdc
