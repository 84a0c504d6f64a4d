#include "lake/iceberg_schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "lake/parquet_nested.h"

namespace careflow::lake::iceberg {

using nlohmann::json;
using values::DataType;
using values::TypeId;

Result<DataType> type_from_iceberg(const std::string& name) {
  if (name == "boolean") return DataType::boolean();
  if (name == "int") return DataType::integer();
  if (name == "long") return DataType::bigint();
  if (name == "float") return DataType::of(values::TypeId::kFloat);
  if (name == "double") return DataType::double_type();
  if (name == "string") return DataType::string();
  if (name == "binary") return DataType::bytes();
  if (name == "date") return DataType::date();
  if (name == "timestamp") return DataType::timestamp(6);
  if (name == "timestamptz") return DataType::timestamp_ltz(6);
  int p = 0, s = 0;
  if (std::sscanf(name.c_str(), "decimal(%d, %d)", &p, &s) == 2 || std::sscanf(name.c_str(), "decimal(%d,%d)", &p, &s) == 2) {
    if (p >= 1 && p <= 38 && s >= 0 && s <= p) return DataType::decimal(p, s);
  }
  return Status::invalid_argument(fmt::format("Iceberg type '{}' is not supported by careflow", name));
}

namespace {

Result<std::string> primitive_name(const std::string& path, const DataType& t) {
  switch (t.id) {
    case TypeId::kBoolean: return std::string("boolean");
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt: return std::string("int");
    case TypeId::kBigInt: return std::string("long");
    case TypeId::kFloat: return std::string("float");
    case TypeId::kDouble: return std::string("double");
    case TypeId::kDecimal: return fmt::format("decimal({}, {})", t.precision, t.scale);
    case TypeId::kChar:
    case TypeId::kVarChar: return std::string("string");
    case TypeId::kBinary:
    case TypeId::kVarBinary: return std::string("binary");
    case TypeId::kDate: return std::string("date");
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz:
      // Iceberg's timestamps are microseconds; careflow writes TIMESTAMP(p ≤ 3) in milliseconds.
      if (t.precision != 6) break;
      return std::string(t.id == TypeId::kTimestamp ? "timestamp" : "timestamptz");
    default: break;
  }
  return Status::invalid_argument(fmt::format("column '{}': type {} is not supported in careflow's Iceberg tables yet{}", path,
                                              t.to_string(), t.is_timestamp() ? " (declare it with precision 6)" : ""));
}

// Writes a type, handing out the column's nested ids in pre-order.
class TypeWriter {
 public:
  explicit TypeWriter(const ColumnSpec& c) : column_(c) {}

  Result<json> type(const DataType& t, const std::string& path, int depth) {
    if (depth > kMaxNestingDepth) return error(fmt::format("nesting deeper than {} levels", kMaxNestingDepth));
    switch (t.id) {
      case TypeId::kRow: {
        json fields = json::array();
        for (size_t i = 0; i < t.children.size() && i < t.field_names.size(); ++i) {
          CF_ASSIGN_OR_RETURN(int32_t id, next());
          const std::string child = path + "." + t.field_names[i];
          CF_ASSIGN_OR_RETURN(json type_json, type(t.children[i], child, depth + 1));
          fields.push_back({{"id", id}, {"name", t.field_names[i]}, {"required", !t.children[i].nullable}, {"type", std::move(type_json)}});
        }
        return json{{"type", "struct"}, {"fields", std::move(fields)}};
      }
      case TypeId::kArray: {
        if (t.children.size() != 1) break;
        CF_ASSIGN_OR_RETURN(int32_t id, next());
        CF_ASSIGN_OR_RETURN(json element, type(t.children[0], path + ".element", depth + 1));
        return json{{"type", "list"}, {"element-id", id}, {"element-required", !t.children[0].nullable}, {"element", std::move(element)}};
      }
      case TypeId::kMap: {
        if (t.children.size() != 2) break;
        CF_ASSIGN_OR_RETURN(int32_t key_id, next());
        CF_ASSIGN_OR_RETURN(json key, type(t.children[0], path + ".key", depth + 1));
        CF_ASSIGN_OR_RETURN(int32_t value_id, next());
        CF_ASSIGN_OR_RETURN(json value, type(t.children[1], path + ".value", depth + 1));
        return json{{"type", "map"},         {"key-id", key_id}, {"key", std::move(key)}, {"value-id", value_id},
                    {"value-required", !t.children[1].nullable}, {"value", std::move(value)}};
      }
      default: {
        // A nested uuid: the field, element, key or value whose id the column lists.
        if (depth > 0 && std::find(column_.uuid_ids.begin(), column_.uuid_ids.end(), last_id_) != column_.uuid_ids.end()) {
          if (t.id != TypeId::kBinary || t.precision != 16) return error(fmt::format("'{}': a uuid is BINARY(16), not {}", path, t.to_string()));
          return json("uuid");
        }
        CF_ASSIGN_OR_RETURN(std::string name, primitive_name(path, t));
        return json(name);
      }
    }
    return error(fmt::format("a malformed {} type", t.to_string()));
  }

  Status finish() const {
    if (next_ != column_.nested_ids.size()) {
      return error(fmt::format("{} nested field ids for {} nested fields", column_.nested_ids.size(), next_));
    }
    return Status::ok();
  }

 private:
  Status error(const std::string& what) const { return Status::invalid_argument(fmt::format("column '{}': {}", column_.name, what)); }
  Result<int32_t> next() {
    if (next_ >= column_.nested_ids.size()) return error("its nested fields have no Iceberg field ids");
    last_id_ = column_.nested_ids[next_++];
    return last_id_;
  }

  const ColumnSpec& column_;
  size_t next_ = 0;
  int32_t last_id_ = 0;  // the id of the node whose type is written next
};

// Reads a type, collecting nested ids in pre-order (and those of nested uuids in *uuids).
Result<DataType> read_type(const json& type, const std::string& path, int depth, std::vector<int32_t>* ids, std::vector<int32_t>* uuids) {
  auto bad = [&](const std::string& what) { return Status::invalid_argument(fmt::format("column '{}': {}", path, what)); };
  if (depth > kMaxNestingDepth) return bad(fmt::format("nesting deeper than {} levels", kMaxNestingDepth));
  if (type.is_string() && type == "uuid" && depth > 0 && !ids->empty()) {  // BINARY(16), as at the top level
    uuids->push_back(ids->back());
    DataType t = DataType::of(TypeId::kBinary);
    t.precision = 16;
    return t;
  }
  if (type.is_string()) {
    auto t = type_from_iceberg(type.get<std::string>());
    if (!t.is_ok()) return bad(t.status().message());
    return *t;
  }
  if (!type.is_object()) return bad("a type that is neither a name nor an object");
  const std::string kind = type.at("type").get<std::string>();
  if (kind == "struct") {
    DataType row = DataType::of(TypeId::kRow);
    for (const json& f : type.at("fields")) {
      const std::string name = f.at("name").get<std::string>();
      ids->push_back(f.at("id").get<int32_t>());
      CF_ASSIGN_OR_RETURN(DataType t, read_type(f.at("type"), path + "." + name, depth + 1, ids, uuids));
      row.children.push_back(t.with_nullable(!f.value("required", false)));
      row.field_names.push_back(name);
    }
    if (row.children.empty()) return bad("a struct without fields");
    return row;
  }
  if (kind == "list") {
    ids->push_back(type.at("element-id").get<int32_t>());
    CF_ASSIGN_OR_RETURN(DataType element, read_type(type.at("element"), path + ".element", depth + 1, ids, uuids));
    return DataType::array(element.with_nullable(!type.value("element-required", false)));
  }
  if (kind == "map") {
    ids->push_back(type.at("key-id").get<int32_t>());
    CF_ASSIGN_OR_RETURN(DataType key, read_type(type.at("key"), path + ".key", depth + 1, ids, uuids));
    ids->push_back(type.at("value-id").get<int32_t>());
    CF_ASSIGN_OR_RETURN(DataType value, read_type(type.at("value"), path + ".value", depth + 1, ids, uuids));
    return DataType::map(key.with_nullable(false), value.with_nullable(!type.value("value-required", false)));
  }
  return bad(fmt::format("Iceberg type '{}' is not supported by careflow", kind));
}

}  // namespace

Result<ColumnSpec> column_from_iceberg(const json& field) {
  ColumnSpec c;
  try {
    c.name = field.at("name").get<std::string>();
    c.field_id = field.at("id").get<int32_t>();
    DataType t;
    if (field.at("type") == "uuid") {  // BINARY(16), as Flink's Iceberg connector reads it
      t = DataType::of(TypeId::kBinary);
      t.precision = 16;
      c.uuid = true;
    } else {
      CF_ASSIGN_OR_RETURN(t, read_type(field.at("type"), c.name, 0, &c.nested_ids, &c.uuid_ids));
    }
    c.type = t.with_nullable(!field.value("required", false));
  } catch (const json::exception& e) {
    return Status::invalid_argument(fmt::format("field '{}': {}", c.name, e.what()));
  }
  return c;
}

Result<json> column_to_iceberg(const ColumnSpec& c) {
  if (!c.field_id) return Status::invalid_argument(fmt::format("column '{}' has no Iceberg field id", c.name));
  json type = "uuid";
  if (c.uuid) {
    if (c.type.id != TypeId::kBinary || c.type.precision != 16) {
      return Status::invalid_argument(fmt::format("column '{}': a uuid column is BINARY(16), not {}", c.name, c.type.to_string()));
    }
  } else {
    TypeWriter w(c);
    CF_ASSIGN_OR_RETURN(type, w.type(c.type, c.name, 0));
    CF_RETURN_IF_ERROR(w.finish());
  }
  return json{{"id", *c.field_id}, {"name", c.name}, {"required", !c.type.nullable}, {"type", std::move(type)}};
}

int32_t highest_field_id(const std::vector<ColumnSpec>& columns) {
  int32_t highest = 0;
  for (const ColumnSpec& c : columns) {
    highest = std::max(highest, c.field_id.value_or(0));
    for (int32_t id : c.nested_ids) highest = std::max(highest, id);
  }
  return highest;
}

}  // namespace careflow::lake::iceberg
