#pragma once
// SQL values ↔ JSON, with the conversions of Flink's JSON format (JsonToRowDataConverters,
// RowDataToJsonConverters): numbers may come as JSON numbers or numeric strings, a STRING column
// takes a nested object as its JSON text, TIMESTAMP is "yyyy-MM-dd HH:mm:ss.SSS" (the 'SQL'
// standard, the default) or ISO-8601 with a 'T', BYTES are base64.

#include <nlohmann/json.hpp>

// Column order matters in the JSON a table writes, so objects keep insertion order.

#include "common/status.h"
#include "values/types.h"
#include "values/value.h"

namespace careflow::exec {

using Json = nlohmann::ordered_json;

// InvalidArgument naming the expected type and the JSON text when the value does not convert.
Result<values::Value> json_to_value(const Json& j, const values::DataType& type);
Json value_to_json(const values::Value& v, const values::DataType& type);

}  // namespace careflow::exec
