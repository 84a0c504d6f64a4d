#include "exec/formats/avro_rows.h"

#include <fmt/format.h>

#include <map>

#include "serde/avro_binary.h"
#include "values/value_format.h"

namespace careflow::exec {

using serde::avro::Datum;
using serde::avro::LogicalType;
using serde::avro::Node;
using serde::avro::Type;
using values::DataType;
using values::TypeId;
using values::Value;
using Json = nlohmann::ordered_json;

namespace {

std::string short_name(const std::string& fullname) {
  auto dot = fullname.rfind('.');
  return dot == std::string::npos ? fullname : fullname.substr(dot + 1);
}

Json logical(std::string_view base, std::string_view logical_type) {
  return Json{{"type", base}, {"logicalType", logical_type}};
}

Json nullable(Json schema, bool is_nullable) {
  if (!is_nullable) return schema;
  return Json::array({"null", std::move(schema)});
}

Result<Json> to_schema(const DataType& type, const std::string& row_name, const AvroRowOptions& options, bool top);

Result<Json> row_schema(const std::vector<std::string>& names, const std::vector<DataType>& types, const std::string& row_name,
                        const AvroRowOptions& options, bool top) {
  Json record{{"type", "record"}, {"name", short_name(row_name)}};
  if (top && row_name.find('.') != std::string::npos) record["namespace"] = row_name.substr(0, row_name.rfind('.'));
  Json fields = Json::array();
  for (size_t i = 0; i < names.size(); ++i) {
    auto field_type = to_schema(types[i], row_name + "_" + names[i], options, false);
    if (!field_type.is_ok()) return field_type.status().with_context(fmt::format("column '{}'", names[i]));
    Json field{{"name", names[i]}, {"type", *field_type}};
    if (types[i].nullable) field["default"] = nullptr;
    fields.push_back(std::move(field));
  }
  record["fields"] = std::move(fields);
  return record;
}

Result<Json> to_schema(const DataType& type, const std::string& row_name, const AvroRowOptions& options, bool top) {
  const bool n = type.nullable;
  auto unsupported = [&] { return Status::invalid_argument(fmt::format("Flink's Avro formats cannot represent {}", type.to_string())); };
  switch (type.id) {
    case TypeId::kNull: return Json("null");
    case TypeId::kBoolean: return nullable("boolean", n);
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt: return nullable("int", n);
    case TypeId::kBigInt: return nullable("long", n);
    case TypeId::kFloat: return nullable("float", n);
    case TypeId::kDouble: return nullable("double", n);
    case TypeId::kChar:
    case TypeId::kVarChar: return nullable("string", n);
    case TypeId::kBinary:
    case TypeId::kVarBinary: return nullable("bytes", n);
    case TypeId::kDecimal: {
      Json d = logical("bytes", "decimal");
      d["precision"] = type.precision;
      d["scale"] = type.scale;
      return nullable(std::move(d), n);
    }
    case TypeId::kDate: return nullable(logical("int", "date"), n);
    case TypeId::kTime:
      if (type.precision > 3) return Status::invalid_argument(fmt::format("Avro does not support TIME with precision {} (at most 3)", type.precision));
      return nullable(logical("int", "time-millis"), n);
    case TypeId::kTimestamp:
      if (options.legacy_timestamp_mapping) {
        if (type.precision > 3) {
          return Status::invalid_argument(fmt::format("Avro does not support TIMESTAMP with precision {} under the legacy timestamp mapping (at most 3)",
                                                      type.precision));
        }
        return nullable(logical("long", "timestamp-millis"), n);
      }
      if (type.precision > 6) return unsupported();
      return nullable(logical("long", type.precision <= 3 ? "local-timestamp-millis" : "local-timestamp-micros"), n);
    case TypeId::kTimestampLtz:
      if (options.legacy_timestamp_mapping) {
        return Status::invalid_argument(fmt::format("{} needs 'avro.timestamp_mapping.legacy' = 'false', as in Flink", type.to_string()));
      }
      if (type.precision > 6) return unsupported();
      return nullable(logical("long", type.precision <= 3 ? "timestamp-millis" : "timestamp-micros"), n);
    case TypeId::kRow: {
      CF_ASSIGN_OR_RETURN(Json record, row_schema(type.field_names, type.children, row_name, options, top));
      return nullable(std::move(record), n);
    }
    case TypeId::kArray: {
      CF_ASSIGN_OR_RETURN(Json items, to_schema(type.children[0], row_name, options, false));
      return nullable(Json{{"type", "array"}, {"items", std::move(items)}}, n);
    }
    case TypeId::kMap:
    case TypeId::kMultiset: {
      const DataType& key = type.children[0];
      if (!key.is_string()) {
        return Status::invalid_argument(fmt::format("Avro maps need string keys, not {}", key.to_string()));
      }
      Json values;
      if (type.id == TypeId::kMap) {
        CF_ASSIGN_OR_RETURN(values, to_schema(type.children[1], row_name, options, false));
      } else {
        values = "int";  // a multiset is a map of element → count (Flink: new IntType(), NOT NULL)
      }
      return nullable(Json{{"type", "map"}, {"values", std::move(values)}}, n);
    }
    default: return unsupported();
  }
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Java's BigInteger.toByteArray(): the shortest two's-complement big-endian form.
std::string decimal_bytes(values::int128 v) {
  std::string out;
  for (int i = 15; i >= 0; --i) out.push_back(static_cast<char>(static_cast<values::uint128>(v) >> (8 * i)));
  size_t start = 0;
  while (start < 15) {
    auto b = static_cast<uint8_t>(out[start]);
    auto next = static_cast<uint8_t>(out[start + 1]);
    if ((b == 0x00 && !(next & 0x80)) || (b == 0xff && (next & 0x80))) {
      ++start;
    } else {
      break;
    }
  }
  return out.substr(start);
}

Result<values::int128> decimal_from_bytes(std::string_view bytes) {
  if (bytes.empty()) return values::int128{0};
  if (bytes.size() > 16) return Status::invalid_argument(fmt::format("a decimal of {} bytes exceeds DECIMAL(38)", bytes.size()));
  values::uint128 v = (static_cast<uint8_t>(bytes[0]) & 0x80) ? ~values::uint128{0} : 0;
  for (char c : bytes) v = (v << 8) | static_cast<uint8_t>(c);
  return static_cast<values::int128>(v);
}

const Node* non_null_branch(const Node& node) {
  for (const Node* b : node.branches) {
    if (b->type != Type::kNull) return b;
  }
  return nullptr;
}

Result<Value> to_value(const Node& node, const Datum& d, const DataType& type) {
  if (node.type == Type::kUnion) {
    const Node& branch = *node.branches.at(static_cast<size_t>(d.i));
    if (branch.type == Type::kNull) return Value();
    return to_value(branch, d.items[0], type);
  }
  auto mismatch = [&] {
    return Status::invalid_argument(fmt::format("Avro {} cannot be read as {}", serde::avro::type_name(node.type), type.to_string()));
  };
  switch (node.type) {
    case Type::kNull: return Value();
    case Type::kBoolean: return Value::boolean(d.i != 0);
    case Type::kInt:
    case Type::kLong:
      switch (type.id) {
        case TypeId::kTimestamp:
        case TypeId::kTimestampLtz:
          if (node.logical == LogicalType::kTimestampMicros || node.logical == LogicalType::kLocalTimestampMicros) return Value::integer(d.i);
          return Value::integer(d.i * 1000);
        case TypeId::kTime:
          return Value::integer(node.logical == LogicalType::kTimeMicros ? floor_div(d.i, 1000) : d.i);
        case TypeId::kFloat:
        case TypeId::kDouble: return Value::real(static_cast<double>(d.i));
        default: return Value::integer(d.i);
      }
    case Type::kFloat:
    case Type::kDouble: return Value::real(d.d);
    case Type::kString:
      if (type.is_binary()) return Value::bytes(d.s);
      return Value::string(d.s);
    case Type::kEnum: return Value::string(node.symbols.at(static_cast<size_t>(d.i)));
    case Type::kBytes:
    case Type::kFixed:
      if (node.logical == LogicalType::kDecimal) {
        CF_ASSIGN_OR_RETURN(values::int128 unscaled, decimal_from_bytes(d.s));
        if (type.id == TypeId::kDecimal && node.scale != type.scale) {
          if (!values::rescale_decimal(unscaled, node.scale, type.scale, type.precision, &unscaled)) {
            return Status::invalid_argument(fmt::format("decimal does not fit {}", type.to_string()));
          }
        }
        return Value::decimal(unscaled);
      }
      if (type.is_string()) return Value::string(d.s);
      return Value::bytes(d.s);
    case Type::kRecord: {
      if (type.id != TypeId::kRow) return mismatch();
      CF_ASSIGN_OR_RETURN(auto values, avro_to_values(node, d, type.children));
      return Value::list(std::move(values));
    }
    case Type::kArray: {
      if (type.id != TypeId::kArray) return mismatch();
      std::vector<Value> items;
      for (const Datum& item : d.items) {
        CF_ASSIGN_OR_RETURN(Value v, to_value(*node.items, item, type.children[0]));
        items.push_back(std::move(v));
      }
      return Value::list(std::move(items));
    }
    case Type::kMap: {
      if (type.id == TypeId::kMultiset) {
        std::vector<Value> items;
        for (size_t k = 0; k < d.keys.size(); ++k) {
          if (d.items[k].i < 0 || d.items[k].i > serde::avro::kMaxZeroSizeItems) return Status::invalid_argument("multiset count out of range");
          for (int64_t c = 0; c < d.items[k].i; ++c) items.push_back(Value::string(d.keys[k]));
        }
        return Value::list(std::move(items));
      }
      if (type.id != TypeId::kMap) return mismatch();
      values::MapEntries entries;
      for (size_t k = 0; k < d.keys.size(); ++k) {
        CF_ASSIGN_OR_RETURN(Value v, to_value(*node.values, d.items[k], type.children[1]));
        entries.emplace_back(Value::string(d.keys[k]), std::move(v));
      }
      return Value::map(std::move(entries));
    }
    case Type::kUnion: break;
  }
  return mismatch();
}

Result<Datum> to_datum(const Node& node, const Value& v, const DataType& type) {
  if (node.type == Type::kUnion) {
    int null_branch = node.null_branch();
    if (v.is_null()) {
      if (null_branch < 0) return Status::invalid_argument("NULL for an Avro union without a null branch");
      return Datum::branch(null_branch, Datum::null());
    }
    const Node* branch = non_null_branch(node);
    if (!branch) return Status::invalid_argument("a value for an Avro union of only null");
    auto index = std::find(node.branches.begin(), node.branches.end(), branch) - node.branches.begin();
    CF_ASSIGN_OR_RETURN(Datum inner, to_datum(*branch, v, type));
    return Datum::branch(index, std::move(inner));
  }
  if (v.is_null()) {
    if (node.type == Type::kNull) return Datum::null();
    return Status::invalid_argument(fmt::format("NULL for the non-nullable Avro type {}", serde::avro::type_name(node.type)));
  }
  switch (node.type) {
    case Type::kNull: return Datum::null();
    case Type::kBoolean: return Datum::boolean(v.as_bool());
    case Type::kInt:
    case Type::kLong:
      switch (node.logical) {
        case LogicalType::kTimestampMillis:
        case LogicalType::kLocalTimestampMillis: return Datum::integer(floor_div(v.as_int(), 1000));
        case LogicalType::kTimeMicros: return Datum::integer(v.as_int() * 1000);
        default: return Datum::integer(v.as_int());
      }
    case Type::kFloat:
    case Type::kDouble: return Datum::real(v.as_double());
    case Type::kString:
    case Type::kBytes:
    case Type::kFixed:
      if (node.logical == LogicalType::kDecimal) {
        std::string bytes = decimal_bytes(v.as_decimal());
        if (node.type == Type::kFixed) {
          if (static_cast<int64_t>(bytes.size()) > node.size) return Status::invalid_argument("decimal does not fit its Avro fixed");
          bytes.insert(0, static_cast<size_t>(node.size) - bytes.size(), (bytes[0] & 0x80) ? '\xff' : '\0');
        }
        return Datum::text(std::move(bytes));
      }
      return Datum::text(v.is_string() ? v.as_string() : v.as_bytes());
    case Type::kEnum: {
      auto it = std::find(node.symbols.begin(), node.symbols.end(), v.as_string());
      if (it == node.symbols.end()) return Status::invalid_argument(fmt::format("'{}' is not a symbol of enum '{}'", v.as_string(), node.fullname));
      return Datum::integer(it - node.symbols.begin());
    }
    case Type::kRecord: return values_to_avro(node, v.as_list(), type.children);
    case Type::kArray: {
      Datum out;
      for (const Value& item : v.as_list()) {
        CF_ASSIGN_OR_RETURN(Datum d, to_datum(*node.items, item, type.children[0]));
        out.items.push_back(std::move(d));
      }
      return out;
    }
    case Type::kMap: {
      Datum out;
      if (type.id == TypeId::kMultiset) {
        std::map<std::string, int64_t> counts;
        std::vector<std::string> order;
        for (const Value& item : v.as_list()) {
          if (item.is_null()) return Status::invalid_argument("a NULL multiset element has no Avro map key");
          if (counts[item.as_string()]++ == 0) order.push_back(item.as_string());
        }
        for (const auto& key : order) {
          out.keys.push_back(key);
          out.items.push_back(Datum::integer(counts[key]));
        }
        return out;
      }
      for (const auto& [key, value] : v.as_map()) {
        if (key.is_null()) return Status::invalid_argument("a NULL map key has no Avro form");
        CF_ASSIGN_OR_RETURN(Datum d, to_datum(*node.values, value, type.children[1]));
        out.keys.push_back(key.as_string());
        out.items.push_back(std::move(d));
      }
      return out;
    }
    case Type::kUnion: break;
  }
  return Status::internal("unreachable Avro type");
}

}  // namespace

Result<Json> avro_schema_for_row(const std::vector<std::string>& names, const std::vector<DataType>& types, const AvroRowOptions& options) {
  return row_schema(names, types, options.record_name, options, true);
}

Result<std::vector<Value>> avro_to_values(const Node& record, const Datum& datum, const std::vector<DataType>& types) {
  if (record.type != Type::kRecord || record.fields.size() != types.size() || datum.items.size() != types.size()) {
    return Status::invalid_argument(fmt::format("Avro record with {} fields for {} columns", record.fields.size(), types.size()));
  }
  std::vector<Value> out;
  out.reserve(types.size());
  for (size_t i = 0; i < types.size(); ++i) {
    auto v = to_value(*record.fields[i].type, datum.items[i], types[i]);
    if (!v.is_ok()) return v.status().with_context(fmt::format("field '{}'", record.fields[i].name));
    out.push_back(std::move(v).value());
  }
  return out;
}

Result<Datum> values_to_avro(const Node& record, const std::vector<Value>& values, const std::vector<DataType>& types) {
  if (record.type != Type::kRecord || record.fields.size() != values.size() || types.size() != values.size()) {
    return Status::invalid_argument(fmt::format("Avro record with {} fields for {} values", record.fields.size(), values.size()));
  }
  Datum out;
  out.items.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    auto d = to_datum(*record.fields[i].type, values[i], types[i]);
    if (!d.is_ok()) return d.status().with_context(fmt::format("field '{}'", record.fields[i].name));
    out.items.push_back(std::move(d).value());
  }
  return out;
}

}  // namespace careflow::exec
