#include "cdc/avro_events.h"

#include <fmt/format.h>

#include "cdc/connect_avro.h"

namespace careflow::cdc {

AvroEventEncoder::AvroEventEncoder(serde::RegistryClient& registry, serde::SerializerOptions key_options,
                                   serde::SerializerOptions value_options)
    : registry_(registry), key_options_(std::move(key_options)), value_options_(std::move(value_options)) {
  key_options_.is_key = true;
  value_options_.is_key = false;
}

Result<std::string> AvroEventEncoder::encode(const std::string& topic, std::string_view json_record, bool is_key) {
  // {"schema":<schema>,"payload":<payload>}: the payload comes last, and the first ,"payload":
  // ends the schema (inside a string the quotes would be escaped; the schema has no such key).
  constexpr std::string_view kHead = "{\"schema\":";
  constexpr std::string_view kPayload = ",\"payload\":";
  const size_t split = json_record.find(kPayload);
  if (!json_record.starts_with(kHead) || split == std::string_view::npos || !json_record.ends_with("}")) {
    return Status::invalid_argument(fmt::format("{}: a change event without its Connect schema cannot be written as Avro", topic));
  }
  const std::string_view schema_text = json_record.substr(kHead.size(), split - kHead.size());
  const std::string cache_key = std::string(is_key ? "k" : "v") + topic + '\n' + std::string(schema_text);
  auto it = by_schema_.find(cache_key);
  if (it == by_schema_.end()) {
    Converted c;
    c.connect_schema = nlohmann::ordered_json::parse(schema_text, nullptr, false);
    if (c.connect_schema.is_discarded()) return Status::invalid_argument(fmt::format("{}: the event's schema is not JSON", topic));
    CF_ASSIGN_OR_RETURN(std::string avro_text, connect_schema_to_avro(c.connect_schema));
    CF_ASSIGN_OR_RETURN(serde::avro::Schema avro, serde::avro::Schema::parse(avro_text));
    c.serializer = std::make_unique<serde::AvroSerializer>(registry_, std::move(avro), std::move(avro_text),
                                                           is_key ? key_options_ : value_options_);
    it = by_schema_.emplace(cache_key, std::move(c)).first;
  }
  const std::string_view payload_text = json_record.substr(split + kPayload.size(), json_record.size() - 1 - split - kPayload.size());
  auto payload = nlohmann::ordered_json::parse(payload_text, nullptr, false);
  if (payload.is_discarded()) return Status::invalid_argument(fmt::format("{}: the event's payload is not JSON", topic));
  CF_ASSIGN_OR_RETURN(serde::avro::Datum datum, connect_value_to_avro(it->second.connect_schema, payload));
  return it->second.serializer->serialize(topic, datum);
}

}  // namespace careflow::cdc
