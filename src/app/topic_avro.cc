#include "app/topic_avro.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>

#include "app/open_registry.h"
#include "registry/client_implementations.h"

namespace careflow::app {

using serde::avro::Datum;
using serde::avro::Node;
using serde::avro::Type;

namespace {

// Avro's JSON encoding writes bytes as a string whose code points are the byte values.
std::string bytes_as_code_points(const std::string& bytes) {
  std::string out;
  for (unsigned char b : bytes) {
    if (b < 0x80) {
      out += static_cast<char>(b);
    } else {
      out += static_cast<char>(0xC0 | (b >> 6));
      out += static_cast<char>(0x80 | (b & 0x3F));
    }
  }
  return out;
}

// A union branch's name in the JSON encoding: a named type's full name, else the type's name.
std::string branch_name(const Node& branch) {
  return branch.is_named() ? branch.fullname : std::string(serde::avro::type_name(branch.type));
}

nlohmann::ordered_json real(double d) {
  // JSON has no NaN or infinities; Avro's Java encoder writes them as strings.
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return d;
}

}  // namespace

nlohmann::ordered_json avro_to_json(const Node& schema, const Datum& value) {
  switch (schema.type) {
    case Type::kNull: return nullptr;
    case Type::kBoolean: return value.i != 0;
    case Type::kInt:
    case Type::kLong: return value.i;
    case Type::kFloat:
    case Type::kDouble: return real(value.d);
    case Type::kString: return value.s;
    case Type::kBytes:
    case Type::kFixed: return bytes_as_code_points(value.s);
    case Type::kEnum: return schema.symbols.at(static_cast<size_t>(value.i));
    case Type::kRecord: {
      nlohmann::ordered_json out = nlohmann::ordered_json::object();
      for (size_t f = 0; f < schema.fields.size() && f < value.items.size(); ++f) {
        out[schema.fields[f].name] = avro_to_json(*schema.fields[f].type, value.items[f]);
      }
      return out;
    }
    case Type::kArray: {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (const Datum& item : value.items) out.push_back(avro_to_json(*schema.items, item));
      return out;
    }
    case Type::kMap: {
      nlohmann::ordered_json out = nlohmann::ordered_json::object();
      for (size_t k = 0; k < value.keys.size() && k < value.items.size(); ++k) {
        out[value.keys[k]] = avro_to_json(*schema.values, value.items[k]);
      }
      return out;
    }
    case Type::kUnion: {
      const Node& branch = *schema.branches.at(static_cast<size_t>(value.i));
      if (branch.type == Type::kNull) return nullptr;
      return nlohmann::ordered_json{{branch_name(branch), avro_to_json(branch, value.items.at(0))}};
    }
  }
  return nullptr;
}

Result<std::unique_ptr<AvroLineDecoder>> AvroLineDecoder::open(const Config& config) {
  std::unique_ptr<AvroLineDecoder> d(new AvroLineDecoder());
  if (!config.str("schema_registry.url").empty()) {
    CF_ASSIGN_OR_RETURN(d->client_, open_registry_client(config, nullptr));
  } else {
    CF_ASSIGN_OR_RETURN(d->embedded_, open_data_dir_registry(config, false, "--format avro"));
    const std::string& context = config.str("schema_registry.context");
    d->client_ = registry::embedded_client(*d->embedded_, context.empty() ? "." : context);
  }
  d->values_ = std::make_unique<serde::AvroDeserializer>(*d->client_);
  return d;
}

Result<std::string> AvroLineDecoder::line(const log::Record& record, int32_t partition) {
  if (!record.value) return std::string("null");
  auto datum = values_->deserialize(*record.value);
  if (!datum) {
    return datum.status().with_context(fmt::format("partition {} offset {}: not readable as Confluent Avro", partition, record.offset));
  }
  return avro_to_json(values_->last_writer()->root(), *datum).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace careflow::app
