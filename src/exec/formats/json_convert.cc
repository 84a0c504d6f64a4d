#include "exec/formats/json_convert.h"

#include <fmt/format.h>

#include <cmath>

#include "common/base64.h"
#include "values/datetime.h"
#include "values/value_format.h"

namespace careflow::exec {

using values::DataType;
using values::TypeId;
using values::Value;

namespace {

Status mismatch(const Json& j, const DataType& type) {
  std::string text = j.dump();
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return Status::invalid_argument(fmt::format("JSON {} is not a {}", text, type.without_time_attribute().to_string()));
}

}  // namespace

Result<Value> json_to_value(const Json& j, const DataType& type) {
  if (j.is_null()) return Value();
  switch (type.id) {
    case TypeId::kBoolean:
      if (j.is_boolean()) return Value::boolean(j.get<bool>());
      if (j.is_string()) return values::parse_value(j.get<std::string>(), type);
      return mismatch(j, type);
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt:
    case TypeId::kBigInt:
      if (j.is_number_integer()) return values::parse_value(j.dump(), type);
      if (j.is_number_float()) return Value::integer(static_cast<int64_t>(j.get<double>()));
      if (j.is_string()) return values::parse_value(j.get<std::string>(), type);
      return mismatch(j, type);
    case TypeId::kFloat:
    case TypeId::kDouble:
      if (j.is_number()) {
        double d = j.get<double>();
        return Value::real(type.id == TypeId::kFloat ? static_cast<float>(d) : d);
      }
      if (j.is_string()) return values::parse_value(j.get<std::string>(), type);
      return mismatch(j, type);
    case TypeId::kDecimal:
      if (j.is_number() || j.is_string()) return values::parse_value(j.is_string() ? j.get<std::string>() : j.dump(), type);
      return mismatch(j, type);
    case TypeId::kChar:
    case TypeId::kVarChar:
      return Value::string(j.is_string() ? j.get<std::string>() : j.dump());
    case TypeId::kBinary:
    case TypeId::kVarBinary: {
      if (!j.is_string()) return mismatch(j, type);
      auto bytes = base64_decode(j.get<std::string>());
      if (!bytes) {
        return Status::invalid_argument(fmt::format("'{}' is not base64: {}", j.get<std::string>(), bytes.status().message()));
      }
      return Value::bytes(std::move(*bytes));
    }
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz: {
      if (!j.is_string()) return mismatch(j, type);
      std::string s = j.get<std::string>();
      if (type.id == TypeId::kTimestampLtz && !s.empty() && s.back() == 'Z') s.pop_back();
      return values::parse_value(s, type);
    }
    case TypeId::kArray:
    case TypeId::kMultiset: {
      if (!j.is_array()) return mismatch(j, type);
      std::vector<Value> items;
      for (const auto& e : j) {
        CF_ASSIGN_OR_RETURN(Value v, json_to_value(e, type.children[0]));
        items.push_back(std::move(v));
      }
      return Value::list(std::move(items));
    }
    case TypeId::kMap: {
      if (!j.is_object()) return mismatch(j, type);
      values::MapEntries entries;
      for (auto it = j.begin(); it != j.end(); ++it) {
        CF_ASSIGN_OR_RETURN(Value k, values::parse_value(it.key(), type.children[0]));
        CF_ASSIGN_OR_RETURN(Value v, json_to_value(it.value(), type.children[1]));
        entries.emplace_back(std::move(k), std::move(v));
      }
      return Value::map(std::move(entries));
    }
    case TypeId::kRow: {
      if (!j.is_object()) return mismatch(j, type);
      std::vector<Value> fields;
      for (size_t i = 0; i < type.children.size(); ++i) {
        auto it = j.find(type.field_names[i]);
        if (it == j.end()) {
          fields.emplace_back();
          continue;
        }
        CF_ASSIGN_OR_RETURN(Value v, json_to_value(*it, type.children[i]));
        fields.push_back(std::move(v));
      }
      return Value::list(std::move(fields));
    }
    default: return mismatch(j, type);
  }
}

Json value_to_json(const Value& v, const DataType& type) {
  if (v.is_null()) return nullptr;
  switch (type.id) {
    case TypeId::kBoolean: return v.as_bool();
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt:
    case TypeId::kBigInt: return v.as_int();
    case TypeId::kFloat:
    case TypeId::kDouble: {
      double d = v.as_double();
      if (!std::isfinite(d)) return values::format_double(d);  // JSON has no NaN/Infinity; Jackson writes them as strings
      return d;
    }
    case TypeId::kDecimal: return Json::parse(values::format_decimal(v.as_decimal(), type.scale));
    case TypeId::kBinary:
    case TypeId::kVarBinary: return base64_encode(v.as_bytes());
    case TypeId::kTimestampLtz: return values::format_timestamp(v.as_int(), type.precision) + "Z";
    case TypeId::kArray:
    case TypeId::kMultiset: {
      Json out = Json::array();
      for (const Value& item : v.as_list()) out.push_back(value_to_json(item, type.children[0]));
      return out;
    }
    case TypeId::kMap: {
      Json out = Json::object();
      for (const auto& [k, val] : v.as_map()) out[values::format_value(k, type.children[0])] = value_to_json(val, type.children[1]);
      return out;
    }
    case TypeId::kRow: {
      Json out = Json::object();
      const auto& fields = v.as_list();
      for (size_t i = 0; i < fields.size(); ++i) out[type.field_names[i]] = value_to_json(fields[i], type.children[i]);
      return out;
    }
    default: return values::format_value(v, type);
  }
}

}  // namespace careflow::exec
