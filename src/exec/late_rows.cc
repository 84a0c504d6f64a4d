#include "exec/late_rows.h"

#include "exec/formats/json_convert.h"

namespace careflow::exec {

std::string late_row_json(const LateRow& late, const std::string& line, const sql::PlanNode* node) {
  Json row = Json::object();
  const auto input = static_cast<size_t>(late.input);
  if (node && input < node->inputs.size()) {
    const std::vector<sql::PlanField>& schema = node->inputs[input]->schema;
    for (size_t c = 0; c < schema.size() && c < late.row.fields.size(); ++c) {
      row[schema[c].name] = value_to_json(late.row.fields[c], schema[c].type);
    }
  }
  Json out = Json::object();
  out["operator"] = line.substr(0, line.find('('));
  out["plan"] = line;
  out["reason"] = late.reason;
  out["rowtime"] = late.time;
  out["watermark"] = late.watermark == kNoWatermark ? Json() : Json(late.watermark);
  out["kind"] = std::string(kind_symbol(late.row.kind));
  out["row"] = std::move(row);
  return out.dump();
}

}  // namespace careflow::exec
