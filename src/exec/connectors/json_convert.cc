#include "exec/connectors/json_convert.h"

#include <fmt/format.h>

#include <cmath>

#include "sql/datetime.h"
#include "sql/value_format.h"

namespace careflow::exec {

using sql::DataType;
using sql::TypeId;
using sql::Value;

namespace {

Status mismatch(const Json& j, const DataType& type) {
  std::string text = j.dump();
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return Status::invalid_argument(fmt::format("JSON {} is not a {}", text, type.without_time_attribute().to_string()));
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) | static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    int v = value(c);
    if (v < 0) return Status::invalid_argument(fmt::format("'{}' is not base64", text));
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

Result<Value> json_to_value(const Json& j, const DataType& type) {
  if (j.is_null()) return Value();
  switch (type.id) {
    case TypeId::kBoolean:
      if (j.is_boolean()) return Value::boolean(j.get<bool>());
      if (j.is_string()) return sql::parse_value(j.get<std::string>(), type);
      return mismatch(j, type);
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt:
    case TypeId::kBigInt:
      if (j.is_number_integer()) return sql::parse_value(j.dump(), type);
      if (j.is_number_float()) return Value::integer(static_cast<int64_t>(j.get<double>()));
      if (j.is_string()) return sql::parse_value(j.get<std::string>(), type);
      return mismatch(j, type);
    case TypeId::kFloat:
    case TypeId::kDouble:
      if (j.is_number()) {
        double d = j.get<double>();
        return Value::real(type.id == TypeId::kFloat ? static_cast<float>(d) : d);
      }
      if (j.is_string()) return sql::parse_value(j.get<std::string>(), type);
      return mismatch(j, type);
    case TypeId::kDecimal:
      if (j.is_number() || j.is_string()) return sql::parse_value(j.is_string() ? j.get<std::string>() : j.dump(), type);
      return mismatch(j, type);
    case TypeId::kChar:
    case TypeId::kVarChar:
      return Value::string(j.is_string() ? j.get<std::string>() : j.dump());
    case TypeId::kBinary:
    case TypeId::kVarBinary: {
      if (!j.is_string()) return mismatch(j, type);
      CF_ASSIGN_OR_RETURN(std::string bytes, base64_decode(j.get<std::string>()));
      return Value::bytes(std::move(bytes));
    }
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz: {
      if (!j.is_string()) return mismatch(j, type);
      std::string s = j.get<std::string>();
      if (type.id == TypeId::kTimestampLtz && !s.empty() && s.back() == 'Z') s.pop_back();
      return sql::parse_value(s, type);
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
      sql::MapEntries entries;
      for (auto it = j.begin(); it != j.end(); ++it) {
        CF_ASSIGN_OR_RETURN(Value k, sql::parse_value(it.key(), type.children[0]));
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
      if (!std::isfinite(d)) return sql::format_double(d);  // JSON has no NaN/Infinity; Jackson writes them as strings
      return d;
    }
    case TypeId::kDecimal: return Json::parse(sql::format_decimal(v.as_decimal(), type.scale));
    case TypeId::kBinary:
    case TypeId::kVarBinary: return base64_encode(v.as_bytes());
    case TypeId::kTimestampLtz: return sql::format_timestamp(v.as_int(), type.precision) + "Z";
    case TypeId::kArray:
    case TypeId::kMultiset: {
      Json out = Json::array();
      for (const Value& item : v.as_list()) out.push_back(value_to_json(item, type.children[0]));
      return out;
    }
    case TypeId::kMap: {
      Json out = Json::object();
      for (const auto& [k, val] : v.as_map()) out[sql::format_value(k, type.children[0])] = value_to_json(val, type.children[1]);
      return out;
    }
    case TypeId::kRow: {
      Json out = Json::object();
      const auto& fields = v.as_list();
      for (size_t i = 0; i < fields.size(); ++i) out[type.field_names[i]] = value_to_json(fields[i], type.children[i]);
      return out;
    }
    default: return sql::format_value(v, type);
  }
}

}  // namespace careflow::exec
