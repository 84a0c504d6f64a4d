#include "exec/formats/json_schema_rows.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "common/base64.h"
#include "values/value_format.h"

namespace careflow::exec {

namespace {

using values::DataType;
using values::TypeId;
using values::Value;

constexpr const char* kConnectType = "connect.type";
constexpr const char* kFlinkVersion = "flink.version";

Json number(const char* connect_type) { return Json{{"type", "number"}, {kConnectType, connect_type}}; }

// Flink's own properties (precision, lengths, multiset) carry the version of their convention.
void flink_property(Json& schema, const char* key, const Json& value) {
  schema[key] = value;
  schema[kFlinkVersion] = "1";
}

Status no_schema(const DataType& type, const std::string& why) {
  return Status::invalid_argument(fmt::format("{} has no JSON Schema in Confluent Cloud's json-registry format{}", type.to_string(), why));
}

Result<Json> schema_of(const DataType& type, const std::string& row_name);

Result<Json> map_schema(const DataType& key, const DataType& value, const std::string& row_name) {
  CF_ASSIGN_OR_RETURN(Json value_schema, schema_of(value, row_name));
  if (key.is_string()) return Json{{"type", "object"}, {kConnectType, "map"}, {"additionalProperties", std::move(value_schema)}};
  CF_ASSIGN_OR_RETURN(Json key_schema, schema_of(key, row_name + "_key"));
  CF_ASSIGN_OR_RETURN(value_schema, schema_of(value, row_name + "_value"));
  Json entry{{"type", "object"}, {"properties", {{"key", std::move(key_schema)}, {"value", std::move(value_schema)}}}};
  return Json{{"type", "array"}, {kConnectType, "map"}, {"items", std::move(entry)}};
}

Result<Json> row_schema(const std::vector<std::string>& names, const std::vector<DataType>& types, const std::string& title) {
  Json properties = Json::object();
  Json required = Json::array();
  for (size_t i = 0; i < names.size(); ++i) {
    auto field = schema_of(types[i], title + "_" + names[i]);
    if (!field.is_ok()) return field.status().with_context(fmt::format("column '{}'", names[i]));
    (*field)["connect.index"] = i;
    properties[names[i]] = std::move(*field);
    if (!types[i].nullable) required.push_back(names[i]);
  }
  Json out{{"type", "object"}, {"title", title}, {"properties", std::move(properties)}};
  if (!required.empty()) out["required"] = std::move(required);
  return out;
}

Result<Json> not_null_schema(const DataType& type, const std::string& row_name) {
  switch (type.id) {
    case TypeId::kBoolean: return Json{{"type", "boolean"}};
    case TypeId::kTinyInt: return number("int8");
    case TypeId::kSmallInt: return number("int16");
    case TypeId::kInt: return number("int32");
    case TypeId::kBigInt: return number("int64");
    case TypeId::kFloat: return number("float32");
    case TypeId::kDouble: return number("float64");
    case TypeId::kChar: return Json{{"type", "string"}, {"minLength", type.precision}, {"maxLength", type.precision}};
    case TypeId::kVarChar: {
      Json out{{"type", "string"}};
      if (type.precision < DataType::kMaxLength) out["maxLength"] = type.precision;
      return out;
    }
    case TypeId::kBinary:
    case TypeId::kVarBinary: {
      Json out{{"type", "string"}, {kConnectType, "bytes"}};
      if (type.id == TypeId::kBinary && type.precision > 0) flink_property(out, "flink.minLength", type.precision);
      if (type.id == TypeId::kBinary || type.precision < DataType::kMaxLength) flink_property(out, "flink.maxLength", type.precision);
      return out;
    }
    case TypeId::kDate: return Json{{"type", "number"}, {"title", "org.apache.kafka.connect.data.Date"}, {kConnectType, "int32"}};
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz: {
      if (type.precision > 3) return no_schema(type, ": it holds precision 3 (milliseconds) at most");
      Json out = number(type.id == TypeId::kTime ? "int32" : "int64");
      if (type.id == TypeId::kTime) out["title"] = "org.apache.kafka.connect.data.Time";
      if (type.id == TypeId::kTimestampLtz) out["title"] = "org.apache.kafka.connect.data.Timestamp";
      if (type.id == TypeId::kTimestamp) flink_property(out, "flink.type", "timestamp");
      if (type.precision != 3) flink_property(out, "flink.precision", type.precision);
      return out;
    }
    case TypeId::kDecimal:
      return Json{{"type", "number"},
                  {"title", "org.apache.kafka.connect.data.Decimal"},
                  {kConnectType, "bytes"},
                  {"connect.parameters", {{"connect.decimal.precision", std::to_string(type.precision)}, {"scale", std::to_string(type.scale)}}}};
    case TypeId::kRow: return row_schema(type.field_names, type.children, row_name);
    case TypeId::kMap: return map_schema(type.children[0], type.children[1], row_name);
    case TypeId::kMultiset: {
      DataType count = DataType::of(TypeId::kInt);
      count.nullable = false;
      CF_ASSIGN_OR_RETURN(Json out, map_schema(type.children[0], count, row_name));
      flink_property(out, "flink.type", "multiset");
      return out;
    }
    case TypeId::kArray: {
      CF_ASSIGN_OR_RETURN(Json items, schema_of(type.children[0], row_name));
      return Json{{"type", "array"}, {"items", std::move(items)}};
    }
    default: return no_schema(type, "");
  }
}

Result<Json> schema_of(const DataType& type, const std::string& row_name) {
  CF_ASSIGN_OR_RETURN(Json schema, not_null_schema(type, row_name));
  if (!type.nullable) return schema;
  return Json{{"oneOf", Json::array({Json{{"type", "null"}}, std::move(schema)})}};
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

Status bad_value(const DataType& type, const std::string& why) {
  return Status::invalid_argument(fmt::format("a {} value {}", type.to_string(), why));
}

Result<Json> to_json(const Value& v, const DataType& type);

Result<Json> map_to_json(const std::vector<std::pair<Value, Value>>& entries, const DataType& key, const DataType& value) {
  if (key.is_string()) {
    Json out = Json::object();
    for (const auto& [k, val] : entries) {
      if (k.is_null()) return Status::invalid_argument("a map with string keys cannot hold a NULL key in JSON");
      CF_ASSIGN_OR_RETURN(out[k.as_string()], to_json(val, value));
    }
    return out;
  }
  Json out = Json::array();
  for (const auto& [k, val] : entries) {
    CF_ASSIGN_OR_RETURN(Json kj, to_json(k, key));
    CF_ASSIGN_OR_RETURN(Json vj, to_json(val, value));
    out.push_back(Json{{"key", std::move(kj)}, {"value", std::move(vj)}});
  }
  return out;
}

Result<Json> to_json(const Value& v, const DataType& type) {
  if (v.is_null()) {
    if (!type.nullable) return bad_value(type, "is NULL, and the type is NOT NULL");
    return Json(nullptr);
  }
  switch (type.id) {
    case TypeId::kBoolean: return Json(v.as_bool());
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt:
    case TypeId::kBigInt:
    case TypeId::kDate:
    case TypeId::kTime: return Json(v.as_int());
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz: return Json(floor_div(v.as_int(), 1000));  // microseconds → Connect's milliseconds
    case TypeId::kFloat:
    case TypeId::kDouble:
      if (!std::isfinite(v.as_double())) return bad_value(type, fmt::format("{} is not a JSON number", values::format_double(v.as_double())));
      return Json(v.as_double());
    case TypeId::kDecimal: {
      const std::string text = values::format_decimal(v.as_decimal(), type.scale);
      Json j = Json::parse(text);
      auto back = values::parse_value(j.dump(), type);
      if (!back.is_ok() || back->is_null() || back->as_decimal() != v.as_decimal()) {
        return bad_value(type, fmt::format("{} has more digits than a JSON number careflow writes holds (a double)", text));
      }
      return j;
    }
    case TypeId::kChar:
    case TypeId::kVarChar: return Json(v.as_string());
    case TypeId::kBinary:
    case TypeId::kVarBinary: return Json(base64_encode(v.as_bytes()));
    case TypeId::kArray: {
      Json out = Json::array();
      for (const Value& item : v.as_list()) {
        CF_ASSIGN_OR_RETURN(Json j, to_json(item, type.children[0]));
        out.push_back(std::move(j));
      }
      return out;
    }
    case TypeId::kMultiset: {
      // careflow holds a multiset as its elements; JSON holds it as element → count.
      std::vector<std::pair<Value, Value>> counts;
      for (const Value& item : v.as_list()) {
        auto same = std::find_if(counts.begin(), counts.end(), [&](const auto& e) {
          if (e.first.is_null() || item.is_null()) return e.first.is_null() && item.is_null();
          return values::compare_values(e.first, item) == 0;
        });
        if (same == counts.end()) {
          counts.emplace_back(item, Value::integer(1));
        } else {
          same->second = Value::integer(same->second.as_int() + 1);
        }
      }
      DataType count = DataType::of(TypeId::kInt);
      return map_to_json(counts, type.children[0], count);
    }
    case TypeId::kMap: return map_to_json(v.as_map(), type.children[0], type.children[1]);
    case TypeId::kRow: return columns_to_json(v.as_list(), type.field_names, type.children);
    default: return bad_value(type, "has no JSON form");
  }
}

Status mismatch(const Json& j, const DataType& type) {
  std::string text = j.dump();
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return Status::invalid_argument(fmt::format("JSON {} is not a {}", text, type.to_string()));
}

Result<Value> from_json(const Json& j, const DataType& type);

Result<std::vector<std::pair<Value, Value>>> map_from_json(const Json& j, const DataType& key, const DataType& value, const DataType& type) {
  std::vector<std::pair<Value, Value>> entries;
  if (j.is_object() && key.is_string()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      CF_ASSIGN_OR_RETURN(Value v, from_json(it.value(), value));
      entries.emplace_back(Value::string(it.key()), std::move(v));
    }
    return entries;
  }
  if (!j.is_array()) return mismatch(j, type);
  for (const Json& e : j) {
    if (!e.is_object() || !e.contains("key")) return mismatch(e, type);
    CF_ASSIGN_OR_RETURN(Value k, from_json(e["key"], key));
    CF_ASSIGN_OR_RETURN(Value v, from_json(e.contains("value") ? e["value"] : Json(nullptr), value));
    entries.emplace_back(std::move(k), std::move(v));
  }
  return entries;
}

Result<Value> from_json(const Json& j, const DataType& type) {
  if (j.is_null()) {
    if (!type.nullable) return Status::invalid_argument(fmt::format("null for the NOT NULL type {}", type.to_string()));
    return Value();
  }
  switch (type.id) {
    case TypeId::kBoolean:
      if (!j.is_boolean()) return mismatch(j, type);
      return Value::boolean(j.get<bool>());
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt:
    case TypeId::kBigInt:
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz: {
      if (!j.is_number_integer()) return mismatch(j, type);
      if (j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return mismatch(j, type);
      const int64_t i = j.get<int64_t>();
      if (type.id == TypeId::kTimestamp || type.id == TypeId::kTimestampLtz) return Value::integer(i * 1000);
      if (type.id == TypeId::kDate || type.id == TypeId::kTime) return Value::integer(i);
      return values::parse_value(std::to_string(i), type);  // range-checked for the integer type
    }
    case TypeId::kFloat:
    case TypeId::kDouble:
      if (!j.is_number()) return mismatch(j, type);
      return Value::real(type.id == TypeId::kFloat ? static_cast<float>(j.get<double>()) : j.get<double>());
    case TypeId::kDecimal:
      if (!j.is_number()) return mismatch(j, type);
      return values::parse_value(j.dump(), type);
    case TypeId::kChar:
    case TypeId::kVarChar:
      if (!j.is_string()) return mismatch(j, type);
      return Value::string(j.get<std::string>());
    case TypeId::kBinary:
    case TypeId::kVarBinary: return json_to_value(j, type);  // a base64 string, as Flink's json format reads one
    case TypeId::kArray: {
      if (!j.is_array()) return mismatch(j, type);
      std::vector<Value> items;
      for (const Json& e : j) {
        CF_ASSIGN_OR_RETURN(Value v, from_json(e, type.children[0]));
        items.push_back(std::move(v));
      }
      return Value::list(std::move(items));
    }
    case TypeId::kMultiset: {
      DataType count = DataType::of(TypeId::kInt);
      count.nullable = false;
      CF_ASSIGN_OR_RETURN(auto counts, map_from_json(j, type.children[0], count, type));
      std::vector<Value> items;
      for (const auto& [element, n] : counts) {
        if (n.as_int() < 0) return mismatch(j, type);
        for (int64_t i = 0; i < n.as_int(); ++i) items.push_back(element);
      }
      return Value::list(std::move(items));
    }
    case TypeId::kMap: {
      CF_ASSIGN_OR_RETURN(auto entries, map_from_json(j, type.children[0], type.children[1], type));
      return Value::map(std::move(entries));
    }
    case TypeId::kRow: {
      if (!j.is_object()) return mismatch(j, type);
      CF_ASSIGN_OR_RETURN(std::vector<Value> fields, columns_from_json(j, type.field_names, type.children));
      return Value::list(std::move(fields));
    }
    default: return mismatch(j, type);
  }
}

}  // namespace

Result<Json> json_schema_for_columns(const std::vector<std::string>& names, const std::vector<DataType>& types, const std::string& title) {
  return row_schema(names, types, title);
}

Result<Json> columns_to_json(const std::vector<Value>& values, const std::vector<std::string>& names, const std::vector<DataType>& types) {
  Json out = Json::object();
  for (size_t i = 0; i < names.size(); ++i) {
    auto j = to_json(values[i], types[i]);
    if (!j.is_ok()) return j.status().with_context(fmt::format("column '{}'", names[i]));
    out[names[i]] = std::move(*j);
  }
  return out;
}

Result<std::vector<Value>> columns_from_json(const Json& object, const std::vector<std::string>& names, const std::vector<DataType>& types) {
  if (!object.is_object()) return mismatch(object, DataType::of(TypeId::kRow));
  std::vector<Value> out;
  out.reserve(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    auto it = object.find(names[i]);
    auto v = from_json(it == object.end() ? Json(nullptr) : *it, types[i]);
    if (!v.is_ok()) return v.status().with_context(fmt::format("property '{}'", names[i]));
    out.push_back(std::move(*v));
  }
  return out;
}

}  // namespace careflow::exec
