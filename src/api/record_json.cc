#include "api/record_json.h"

#include <cmath>

namespace careflow::api {

using serde::avro::Datum;
using serde::avro::LogicalType;
using serde::avro::Node;
using serde::avro::Type;

nlohmann::json avro_to_plain_json(const Node& schema, const Datum& value) {
  switch (schema.type) {
    case Type::kNull: return nullptr;
    case Type::kBoolean: return value.i != 0;
    case Type::kInt:
    case Type::kLong:
      // Flink's legacy mapping writes TIMESTAMP(3) as timestamp-millis; a page wants one unit.
      if (schema.logical == LogicalType::kTimestampMicros || schema.logical == LogicalType::kLocalTimestampMicros) {
        return value.i / 1000;
      }
      return value.i;
    case Type::kFloat:
    case Type::kDouble:
      if (!std::isfinite(value.d)) return nullptr;
      return value.d;
    case Type::kString:
    case Type::kBytes:
    case Type::kFixed: return value.s;
    case Type::kEnum:
      if (value.i < 0 || static_cast<size_t>(value.i) >= schema.symbols.size()) return nullptr;
      return schema.symbols[static_cast<size_t>(value.i)];
    case Type::kRecord: {
      nlohmann::json out = nlohmann::json::object();
      for (size_t f = 0; f < schema.fields.size() && f < value.items.size(); ++f) {
        out[schema.fields[f].name] = avro_to_plain_json(*schema.fields[f].type, value.items[f]);
      }
      return out;
    }
    case Type::kArray: {
      nlohmann::json out = nlohmann::json::array();
      for (const Datum& item : value.items) out.push_back(avro_to_plain_json(*schema.items, item));
      return out;
    }
    case Type::kMap: {
      nlohmann::json out = nlohmann::json::object();
      for (size_t k = 0; k < value.keys.size() && k < value.items.size(); ++k) {
        out[value.keys[k]] = avro_to_plain_json(*schema.values, value.items[k]);
      }
      return out;
    }
    case Type::kUnion: {
      if (value.i < 0 || static_cast<size_t>(value.i) >= schema.branches.size() || value.items.empty()) return nullptr;
      return avro_to_plain_json(*schema.branches[static_cast<size_t>(value.i)], value.items[0]);
    }
  }
  return nullptr;
}

ChangeRow unwrap_change(nlohmann::json value) {
  ChangeRow out;
  const bool is_envelope = value.is_object() && value.contains("op") && value["op"].is_string() &&
                           (value.contains("after") || value.contains("before"));
  if (!is_envelope) {
    out.row = std::move(value);
    return out;
  }
  out.envelope = true;
  const std::string op = value["op"].get<std::string>();
  out.op = op.empty() ? 'c' : op[0];
  nlohmann::json& side = out.op == 'd' ? value["before"] : value["after"];
  out.row = side.is_object() ? std::move(side) : nlohmann::json::object();
  return out;
}

RecordDecoder::RecordDecoder(serde::RegistryClient* registry) {
  if (registry) avro_.emplace(*registry);
}

Result<std::optional<nlohmann::json>> RecordDecoder::decode(const std::optional<std::string>& value) {
  if (!value) return std::optional<nlohmann::json>();
  if (!value->empty() && (*value)[0] == '\0') {
    if (!avro_) return Status::invalid_argument("a Confluent Avro value, and no registry to read its schema from");
    CF_ASSIGN_OR_RETURN(Datum datum, avro_->deserialize(*value));
    return std::optional<nlohmann::json>(avro_to_plain_json(avro_->last_writer()->root(), datum));
  }
  nlohmann::json parsed = nlohmann::json::parse(*value, nullptr, false);
  if (parsed.is_discarded()) return Status::invalid_argument("a value that is neither Confluent Avro nor JSON");
  // Kafka Connect's JsonConverter with schemas on.
  if (parsed.is_object() && parsed.contains("payload") && parsed.contains("schema")) parsed = std::move(parsed["payload"]);
  return std::optional<nlohmann::json>(std::move(parsed));
}

}  // namespace careflow::api
