#include "lake/iceberg_partition.h"

#include <fmt/format.h>

#include "lake/iceberg_transform.h"
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

// A field's transform; fields reach here parsed (partition_spec_from_json) or built by careflow.
Transform transform_of(const PartitionField& f) {
  auto t = Transform::parse(f.transform);
  return t.is_ok() ? *t : Transform{};
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
      auto transform = Transform::parse(field.transform);
      if (!transform.is_ok()) return transform.status().with_context(fmt::format("partition field '{}'", field.name));
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
    auto transform = Transform::parse(f.transform);
    if (!transform.is_ok()) return transform.status().with_context(fmt::format("partition field '{}'", f.name));
    if (!transform->accepts(c->type)) {
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
    out.push_back(v.is_null() ? Value() : transform_of(f).apply(c->type, v));
  }
  return out;
}

std::string partition_path(const PartitionSpec& spec, const std::vector<ColumnSpec>& columns, const std::vector<Value>& partition) {
  std::string path;
  for (size_t i = 0; i < spec.fields.size() && i < partition.size(); ++i) {
    const PartitionField& f = spec.fields[i];
    const Value& v = partition[i];
    std::string human;
    const ColumnSpec* c = column_by_id(columns, f.source_id);
    if (v.is_null()) human = "null";
    else if (c) human = transform_of(f).human(c->type, v);
    else human = v.is_int() ? std::to_string(v.as_int()) : v.as_string();
    if (!path.empty()) path += "/";
    path += escape(f.name) + "=" + escape(human);
  }
  return path;
}

DataType partition_value_type(const PartitionField& field, const std::vector<ColumnSpec>& columns) {
  const ColumnSpec* c = column_by_id(columns, field.source_id);
  return c ? transform_of(field).result_type(c->type) : DataType::integer();
}

Result<PartitionSpec> parse_partition_spec(std::string_view text, const std::vector<ColumnSpec>& columns, int32_t first_field_id) {
  PartitionSpec spec;
  auto bad = [&](const std::string& what) {
    return Status::invalid_argument(fmt::format("partition spec '{}': {} (expected a list of column, identity(c), year(c), month(c), day(c), "
                                                "hour(c), bucket(N, c), truncate(W, c))",
                                                text, what));
  };
  auto trim = [](std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
  };
  // Split on commas outside parentheses.
  std::vector<std::string_view> items;
  size_t start = 0;
  int depth = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || (text[i] == ',' && depth == 0)) {
      items.push_back(trim(text.substr(start, i - start)));
      start = i + 1;
    } else if (text[i] == '(') {
      ++depth;
    } else if (text[i] == ')') {
      --depth;
    }
  }
  if (trim(text).empty()) return spec;
  for (std::string_view item : items) {
    if (item.empty()) return bad("an empty item");
    std::string transform = "identity", column(item);
    if (const size_t open = item.find('('); open != std::string_view::npos) {
      if (!item.ends_with(")")) return bad(fmt::format("'{}' does not end with ')'", item));
      const std::string name(trim(item.substr(0, open)));
      std::string_view args = item.substr(open + 1, item.size() - open - 2);
      column = std::string(trim(args));
      transform = name;
      if (name == "bucket" || name == "truncate") {
        const size_t comma = args.find(',');
        if (comma == std::string_view::npos) return bad(fmt::format("{} needs a number and a column", name));
        transform = fmt::format("{}[{}]", name, trim(args.substr(0, comma)));
        column = std::string(trim(args.substr(comma + 1)));
      }
    }
    auto parsed = Transform::parse(transform);
    if (!parsed.is_ok()) return bad(parsed.status().message());
    const ColumnSpec* c = nullptr;
    for (const ColumnSpec& candidate : columns) {
      if (candidate.name == column) c = &candidate;
    }
    if (!c) return bad(fmt::format("no column '{}'", column));
    if (!parsed->accepts(c->type)) return bad(fmt::format("{} cannot apply to column '{}' of type {}", transform, column, c->type.to_string()));
    spec.fields.push_back({c->field_id.value_or(0), first_field_id + static_cast<int32_t>(spec.fields.size()), parsed->field_name(column),
                           parsed->to_string()});
  }
  return spec;
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
