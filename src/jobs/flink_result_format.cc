#include "jobs/flink_result_format.h"

#include <cctype>
#include <cmath>

#include "common/base64.h"
#include "values/value_format.h"

namespace careflow::jobs {

namespace {

using values::DataType;
using values::TypeId;
using values::Value;

// Flink's LogicalTypeRoot names.
std::string_view type_root(TypeId id) {
  switch (id) {
    case TypeId::kNull: return "NULL";
    case TypeId::kBoolean: return "BOOLEAN";
    case TypeId::kTinyInt: return "TINYINT";
    case TypeId::kSmallInt: return "SMALLINT";
    case TypeId::kInt: return "INTEGER";
    case TypeId::kBigInt: return "BIGINT";
    case TypeId::kFloat: return "FLOAT";
    case TypeId::kDouble: return "DOUBLE";
    case TypeId::kDecimal: return "DECIMAL";
    case TypeId::kChar: return "CHAR";
    case TypeId::kVarChar: return "VARCHAR";
    case TypeId::kBinary: return "BINARY";
    case TypeId::kVarBinary: return "VARBINARY";
    case TypeId::kDate: return "DATE";
    case TypeId::kTime: return "TIME_WITHOUT_TIME_ZONE";
    case TypeId::kTimestamp: return "TIMESTAMP_WITHOUT_TIME_ZONE";
    case TypeId::kTimestampLtz: return "TIMESTAMP_WITH_LOCAL_TIME_ZONE";
    case TypeId::kIntervalDayTime: return "INTERVAL_DAY_TIME";
    case TypeId::kIntervalYearMonth: return "INTERVAL_YEAR_MONTH";
    case TypeId::kArray: return "ARRAY";
    case TypeId::kMap: return "MAP";
    case TypeId::kRow: return "ROW";
    case TypeId::kMultiset: return "MULTISET";
  }
  return "NULL";
}

// "2024-01-31 10:00:05.120" (CAST's text) → "2024-01-31T10:00:05.12", as java.time's ISO_LOCAL_*
// formatters print: the fraction without trailing zeros, none when it is zero.
std::string iso_local(std::string text) {
  if (auto space = text.find(' '); space != std::string::npos) text[space] = 'T';
  if (auto dot = text.find('.'); dot != std::string::npos) {
    while (!text.empty() && text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  return text;
}

nlohmann::ordered_json json_value(const Value& v, const DataType& type, int depth);

nlohmann::ordered_json json_value_checked(const Value& v, const DataType& type, int depth) {
  if (v.is_null()) return nullptr;
  // Types nest as deep as a statement wrote them; the guard keeps a pathological one off the stack.
  if (depth > 64) return values::format_value(v, type);
  return json_value(v, type, depth + 1);
}

nlohmann::ordered_json json_value(const Value& v, const DataType& type, int depth) {
  switch (type.id) {
    case TypeId::kNull: return nullptr;
    case TypeId::kBoolean: return v.as_bool();
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt:
    case TypeId::kBigInt:
    case TypeId::kIntervalDayTime:
    case TypeId::kIntervalYearMonth: return v.as_int();
    case TypeId::kFloat:
    case TypeId::kDouble: {
      const double d = v.as_double();
      // JSON has no NaN or infinity; Flink's reader parses these texts back.
      if (!std::isfinite(d)) return values::format_value(v, type);
      return d;
    }
    case TypeId::kDecimal: {
      // A double holds 15 significant digits exactly; wider decimals go as their exact text.
      if (type.precision <= 15) return values::decimal_to_double(v.as_decimal(), type.scale);
      return values::format_decimal(v.as_decimal(), type.scale);
    }
    case TypeId::kChar:
    case TypeId::kVarChar: return v.as_string();
    case TypeId::kBinary:
    case TypeId::kVarBinary: return base64_encode(v.as_bytes());
    case TypeId::kDate: return values::format_value(v, type);
    case TypeId::kTime: {
      // Flink writes TIME as HH:mm:ss (RowDataToJsonConverters drops the fraction).
      return values::format_value(v, DataType::time(0));
    }
    case TypeId::kTimestamp: return iso_local(values::format_value(v, type));
    case TypeId::kTimestampLtz: {
      // The instant in UTC, as ISO8601_TIMESTAMP_WITH_LOCAL_TIMEZONE_FORMAT writes it.
      return iso_local(values::format_value(v, DataType::timestamp(type.precision))) + "Z";
    }
    case TypeId::kArray: {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (const Value& e : v.as_list()) out.push_back(json_value_checked(e, type.children.at(0), depth));
      return out;
    }
    case TypeId::kMap:
    case TypeId::kMultiset: {
      nlohmann::ordered_json out = nlohmann::ordered_json::object();
      const DataType& key_type = type.children.at(0);
      const DataType value_type = type.id == TypeId::kMap ? type.children.at(1) : DataType::integer();
      for (const auto& [key, value] : v.as_map()) {
        std::string name = key.is_null() ? "null" : values::format_value(key, key_type);
        out[name] = json_value_checked(value, value_type, depth);
      }
      return out;
    }
    case TypeId::kRow: {
      nlohmann::ordered_json out = nlohmann::ordered_json::object();
      const std::vector<Value>& fields = v.as_list();
      for (size_t i = 0; i < fields.size() && i < type.children.size(); ++i) {
        const std::string name = i < type.field_names.size() ? type.field_names[i] : "f" + std::to_string(i);
        out[name] = json_value_checked(fields[i], type.children[i], depth);
      }
      return out;
    }
  }
  return values::format_value(v, type);
}

nlohmann::ordered_json type_json(const DataType& type, int depth) {
  nlohmann::ordered_json out;
  out["type"] = std::string(type_root(type.id));
  if (type.id == TypeId::kNull) return out;
  out["nullable"] = type.nullable;
  if (depth > 64) return out;
  switch (type.id) {
    case TypeId::kChar:
    case TypeId::kVarChar:
    case TypeId::kBinary:
    case TypeId::kVarBinary: out["length"] = type.precision; break;
    case TypeId::kDecimal:
      out["precision"] = type.precision;
      out["scale"] = type.scale;
      break;
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz: out["precision"] = type.precision; break;
    case TypeId::kIntervalYearMonth:
      // careflow keeps no interval resolution: Flink's default one (YEAR(2) TO MONTH).
      out["precision"] = 2;
      out["resolution"] = "YEAR_TO_MONTH";
      break;
    case TypeId::kIntervalDayTime:
      out["precision"] = 2;
      out["fractionalPrecision"] = 6;
      out["resolution"] = "DAY_TO_SECOND";
      break;
    case TypeId::kArray:
    case TypeId::kMultiset: out["elementType"] = type_json(type.children.at(0), depth + 1); break;
    case TypeId::kMap:
      out["keyType"] = type_json(type.children.at(0), depth + 1);
      out["valueType"] = type_json(type.children.at(1), depth + 1);
      break;
    case TypeId::kRow: {
      nlohmann::ordered_json fields = nlohmann::ordered_json::array();
      for (size_t i = 0; i < type.children.size(); ++i) {
        const std::string name = i < type.field_names.size() ? type.field_names[i] : "f" + std::to_string(i);
        fields.push_back({{"name", name}, {"fieldType", type_json(type.children[i], depth + 1)}});
      }
      out["fields"] = std::move(fields);
      break;
    }
    default: break;
  }
  return out;
}

}  // namespace

bool parse_row_format(std::string_view text, RowFormat* out) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "JSON") *out = RowFormat::kJson;
  else if (upper == "PLAIN_TEXT") *out = RowFormat::kPlainText;
  else return false;
  return true;
}

std::string_view row_format_name(RowFormat format) { return format == RowFormat::kJson ? "JSON" : "PLAIN_TEXT"; }

std::string_view row_kind_name(exec::RowKind kind) {
  switch (kind) {
    case exec::RowKind::kInsert: return "INSERT";
    case exec::RowKind::kUpdateBefore: return "UPDATE_BEFORE";
    case exec::RowKind::kUpdateAfter: return "UPDATE_AFTER";
    case exec::RowKind::kDelete: return "DELETE";
  }
  return "INSERT";
}

nlohmann::ordered_json logical_type_json(const values::DataType& type) { return type_json(type, 0); }

nlohmann::ordered_json row_json(const exec::Row& row, const std::vector<values::DataType>& types, RowFormat format) {
  nlohmann::ordered_json fields = nlohmann::ordered_json::array();
  for (size_t i = 0; i < row.fields.size(); ++i) {
    const Value& v = row.fields[i];
    const DataType type = i < types.size() ? types[i] : DataType::string();
    if (v.is_null()) fields.push_back(nullptr);
    else if (format == RowFormat::kPlainText) fields.push_back(values::format_value(v, type));
    else fields.push_back(json_value(v, type, 0));
  }
  return {{"kind", std::string(row_kind_name(row.kind))}, {"fields", std::move(fields)}};
}

}  // namespace careflow::jobs
