#pragma once
// Private to exec/formats: a table's physical columns as a JSON object, for the json and
// debezium-json formats (the conversions of each value are json_convert.h's).

#include <string>
#include <vector>

#include "common/status.h"
#include "exec/formats/json_convert.h"
#include "exec/formats/record_format.h"
#include "exec/row.h"
#include "log/topics.h"

namespace careflow::exec {

// The record's `text` parsed; InvalidArgument naming the record and showing the text otherwise.
Result<Json> parse_record_json(const log::Record& record, const std::string& text);
// A row of `kind` from an object with a field per column (a missing field is NULL).
// InvalidArgument naming the field that does not convert.
Result<Row> row_from_object(const Json& object, const PhysicalSchema& schema, RowKind kind);
// The object of a row's columns (only those of `only` when given).
Json object_from_row(const Row& row, const PhysicalSchema& schema, const std::vector<int>* only = nullptr);

}  // namespace careflow::exec
