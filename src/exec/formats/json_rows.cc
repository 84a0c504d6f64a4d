#include "exec/formats/json_rows.h"

#include <fmt/format.h>

#include "exec/formats/format_util.h"

namespace careflow::exec {

Result<Json> parse_record_json(const log::Record& record, const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    std::string shown = text.size() > 80 ? text.substr(0, 77) + "..." : text;
    return record_error(record, fmt::format("value is not JSON: {}", shown));
  }
  return j;
}

Result<Row> row_from_object(const Json& object, const PhysicalSchema& schema, RowKind kind) {
  if (!object.is_object()) return Status::invalid_argument(fmt::format("expected a JSON object, got {}", object.dump()));
  Row row{kind, {}};
  row.fields.reserve(schema.names.size());
  for (size_t i = 0; i < schema.names.size(); ++i) {
    auto it = object.find(schema.names[i]);
    if (it == object.end()) {
      row.fields.emplace_back();
      continue;
    }
    Result<Value> v = json_to_value(*it, schema.types[i]);
    if (!v.is_ok()) return Status::invalid_argument(fmt::format("field '{}': {}", schema.names[i], v.status().message()));
    row.fields.push_back(std::move(*v));
  }
  return row;
}

Json object_from_row(const Row& row, const PhysicalSchema& schema, const std::vector<int>* only) {
  Json out = Json::object();
  if (only) {
    for (int i : *only) {
      auto c = static_cast<size_t>(i);
      out[schema.names[c]] = value_to_json(row.fields[c], schema.types[c]);
    }
    return out;
  }
  for (size_t i = 0; i < schema.names.size(); ++i) out[schema.names[i]] = value_to_json(row.fields[i], schema.types[i]);
  return out;
}

}  // namespace careflow::exec
