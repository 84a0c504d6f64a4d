#include "lake/iceberg_partition.h"

#include <fmt/format.h>

#include "values/datetime.h"

namespace careflow::lake::iceberg {

using nlohmann::json;
using values::DataType;
using values::TypeId;
using values::Value;

namespace {

const ColumnSpec* column_by_id(const std::vector<ColumnSpec>& columns, int32_t id, size_t* index = nullptr) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].field_id == id) {
      if (index) *index = i;
      return &columns[i];
    }
  }
  return nullptr;
}

bool transform_accepts(const std::string& transform, const DataType& t) {
  if (transform == "day") return t.id == TypeId::kDate || t.is_timestamp();
  if (transform == "identity") {
    return t.id == TypeId::kInt || t.id == TypeId::kBigInt || t.id == TypeId::kSmallInt || t.id == TypeId::kTinyInt ||
           t.id == TypeId::kVarChar || t.id == TypeId::kChar;
  }
  return false;
}

// Path segments keep letters, digits and "-._"; anything else is %XX, as Iceberg's Java writer
// URL-encodes partition values.
std::string escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_') out.push_back(static_cast<char>(c));
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

}  // namespace

json partition_fields_json(const PartitionSpec& spec) {
  json fields = json::array();
  for (const PartitionField& f : spec.fields) {
    fields.push_back({{"source-id", f.source_id}, {"field-id", f.field_id}, {"name", f.name}, {"transform", f.transform}});
  }
  return fields;
}

Result<PartitionSpec> partition_spec_from_json(const json& j) {
  PartitionSpec spec;
  try {
    spec.spec_id = j.at("spec-id").get<int32_t>();
    for (const json& f : j.at("fields")) {
      PartitionField field{f.at("source-id").get<int32_t>(), f.at("field-id").get<int32_t>(), f.at("name").get<std::string>(),
                           f.at("transform").get<std::string>()};
      if (field.transform != "day" && field.transform != "identity") {
        return Status::invalid_argument(
            fmt::format("partition field '{}': transform '{}' is not supported by careflow yet (day, identity)", field.name, field.transform));
      }
      spec.fields.push_back(std::move(field));
    }
  } catch (const json::exception& e) {
    return Status::invalid_argument(fmt::format("partition spec does not parse: {}", e.what()));
  }
  return spec;
}

Status check_partition_spec(const PartitionSpec& spec, const std::vector<ColumnSpec>& columns) {
  for (const PartitionField& f : spec.fields) {
    const ColumnSpec* c = column_by_id(columns, f.source_id);
    if (!c) return Status::invalid_argument(fmt::format("partition field '{}': no column has field id {}", f.name, f.source_id));
    if (!transform_accepts(f.transform, c->type)) {
      return Status::invalid_argument(fmt::format("partition field '{}': transform '{}' cannot apply to column '{}' of type {}", f.name,
                                                  f.transform, c->name, c->type.to_string()));
    }
  }
  return Status::ok();
}

PartitionSpec day_partition(const std::vector<ColumnSpec>& columns, const std::string& column, int32_t field_id) {
  PartitionSpec spec;
  for (const ColumnSpec& c : columns) {
    if (c.name == column) spec.fields.push_back({c.field_id.value_or(0), field_id, column + "_day", "day"});
  }
  return spec;
}

Result<std::vector<Value>> partition_of(const PartitionSpec& spec, const std::vector<ColumnSpec>& columns, const std::vector<Value>& row) {
  std::vector<Value> out;
  out.reserve(spec.fields.size());
  for (const PartitionField& f : spec.fields) {
    size_t index = 0;
    const ColumnSpec* c = column_by_id(columns, f.source_id, &index);
    if (!c || index >= row.size()) return Status::invalid_argument(fmt::format("partition field '{}': no column has field id {}", f.name, f.source_id));
    const Value& v = row[index];
    if (v.is_null()) {
      out.emplace_back();
    } else if (f.transform == "day" && c->type.is_timestamp()) {
      out.push_back(Value::integer(values::floor_div(v.as_int(), 86'400'000'000LL)));
    } else {
      out.push_back(v);  // day of a date, identity
    }
  }
  return out;
}

std::string partition_path(const PartitionSpec& spec, const std::vector<Value>& partition) {
  std::string path;
  for (size_t i = 0; i < spec.fields.size() && i < partition.size(); ++i) {
    const PartitionField& f = spec.fields[i];
    const Value& v = partition[i];
    std::string human;
    if (v.is_null()) human = "null";
    else if (f.transform == "day") human = values::format_date(v.as_int());
    else if (v.is_int()) human = std::to_string(v.as_int());
    else human = v.as_string();
    if (!path.empty()) path += "/";
    path += escape(f.name) + "=" + escape(human);
  }
  return path;
}

DataType partition_value_type(const PartitionField& field, const std::vector<ColumnSpec>& columns) {
  if (field.transform == "day") return DataType::date();
  const ColumnSpec* c = column_by_id(columns, field.source_id);
  return c ? c->type : DataType::date();
}

std::string partition_avro_record(const PartitionSpec& spec, const std::vector<ColumnSpec>& columns) {
  json fields = json::array();
  for (const PartitionField& f : spec.fields) {
    const DataType t = partition_value_type(f, columns);
    json type;
    if (t.id == TypeId::kDate) type = {{"type", "int"}, {"logicalType", "date"}};
    else if (t.id == TypeId::kBigInt) type = "long";
    else if (t.id == TypeId::kVarChar || t.id == TypeId::kChar) type = "string";
    else type = "int";
    fields.push_back({{"name", f.name}, {"type", json::array({"null", type})}, {"default", nullptr}, {"field-id", f.field_id}});
  }
  return json{{"type", "record"}, {"name", "r102"}, {"fields", fields}}.dump();
}

}  // namespace careflow::lake::iceberg
