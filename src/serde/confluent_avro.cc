#include "serde/confluent_avro.h"

#include <fmt/format.h>

#include "serde/avro_binary.h"
#include "serde/avro_resolve.h"
#include "serde/wire_format.h"

namespace careflow::serde {

Result<SubjectNameStrategy> parse_subject_name_strategy(std::string_view name) {
  std::string_view base = name.substr(name.rfind('.') == std::string_view::npos ? 0 : name.rfind('.') + 1);
  if (base.size() > 8 && base.substr(base.size() - 8) == "Strategy") base.remove_suffix(8);
  if (base == "TopicName") return SubjectNameStrategy::kTopicName;
  if (base == "RecordName") return SubjectNameStrategy::kRecordName;
  if (base == "TopicRecordName") return SubjectNameStrategy::kTopicRecordName;
  return Status::invalid_argument(fmt::format("unknown subject name strategy '{}' (expected TopicName, RecordName or TopicRecordName)", name));
}

Result<std::string> subject_name(const SerializerOptions& options, const std::string& topic, std::string_view record_name) {
  std::string subject;
  if (options.strategy == SubjectNameStrategy::kTopicName) {
    subject = topic + (options.is_key ? "-key" : "-value");
  } else {
    if (record_name.empty()) {
      return Status::invalid_argument(fmt::format("the {} strategy needs a named schema",
                                                  options.strategy == SubjectNameStrategy::kRecordName ? "RecordName" : "TopicRecordName"));
    }
    subject = options.strategy == SubjectNameStrategy::kRecordName ? std::string(record_name) : topic + "-" + std::string(record_name);
  }
  if (!options.context.empty()) subject = fmt::format(":{}:{}", options.context, subject);
  return subject;
}

Result<std::string> subject_name(const SerializerOptions& options, const std::string& topic, const avro::Schema& schema) {
  if (options.strategy != SubjectNameStrategy::kTopicName && !schema.root().is_named()) {
    return Status::invalid_argument(fmt::format("the {} strategy needs a named schema (record, enum or fixed), not {}",
                                                options.strategy == SubjectNameStrategy::kRecordName ? "RecordName" : "TopicRecordName",
                                                avro::type_name(schema.root().type)));
  }
  return subject_name(options, topic, schema.root().is_named() ? std::string_view(schema.root().fullname) : std::string_view());
}

AvroSerializer::AvroSerializer(RegistryClient& client, avro::Schema schema, std::string schema_json, SerializerOptions options)
    : client_(client), schema_(std::move(schema)), schema_json_(std::move(schema_json)), options_(std::move(options)) {}

Result<std::string> AvroSerializer::serialize(const std::string& topic, const avro::Datum& value) {
  CF_ASSIGN_OR_RETURN(std::string subject, subject_name(options_, topic, schema_));
  auto it = by_subject_.find(subject);
  if (it == by_subject_.end()) {
    Target target;
    if (options_.use_latest_version) {
      CF_ASSIGN_OR_RETURN(RegisteredSchema latest, client_.latest(subject));
      CF_ASSIGN_OR_RETURN(avro::Schema parsed, avro::Schema::parse(latest.schema));
      target = {latest.id, std::make_shared<avro::Schema>(std::move(parsed))};
    } else if (options_.auto_register) {
      CF_ASSIGN_OR_RETURN(int id, client_.register_schema(subject, schema_json_));
      target = {id, std::make_shared<avro::Schema>(schema_)};
    } else {
      CF_ASSIGN_OR_RETURN(RegisteredSchema found, client_.lookup(subject, schema_json_));
      target = {found.id, std::make_shared<avro::Schema>(schema_)};
    }
    it = by_subject_.emplace(subject, std::move(target)).first;
  }
  std::string out;
  write_wire_header(it->second.id, out);
  Status encoded = avro::encode(it->second.schema->root(), value, out);
  if (!encoded.is_ok()) return encoded.with_context(fmt::format("serializing for subject '{}'", subject));
  return out;
}

AvroDeserializer::AvroDeserializer(RegistryClient& client, std::optional<avro::Schema> reader)
    : client_(client), reader_(std::move(reader)) {}

Result<avro::Datum> AvroDeserializer::deserialize(std::string_view framed) {
  CF_ASSIGN_OR_RETURN(WireMessage message, parse_wire(framed));
  auto it = writers_.find(message.schema_id);
  if (it == writers_.end()) {
    CF_ASSIGN_OR_RETURN(std::string text, client_.schema_by_id(message.schema_id));
    auto parsed = avro::Schema::parse(text);
    if (!parsed.is_ok()) return parsed.status().with_context(fmt::format("schema {}", message.schema_id));
    it = writers_.emplace(message.schema_id, std::move(parsed).value()).first;
  }
  last_writer_ = &it->second;
  size_t used = 0;
  auto datum = avro::decode(it->second.root(), message.payload, &used);
  if (!datum.is_ok()) return datum.status().with_context(fmt::format("record with schema {}", message.schema_id));
  if (used != message.payload.size()) {
    return Status::invalid_argument(fmt::format("record with schema {}: {} bytes left over after the Avro value", message.schema_id,
                                                message.payload.size() - used));
  }
  if (!reader_) return datum;
  return avro::resolve(it->second.root(), reader_->root(), *datum);
}

}  // namespace careflow::serde
