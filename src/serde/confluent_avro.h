#pragma once
// Confluent's Avro serializer and deserializer, careflow's own: records in the wire format
// (serde/wire_format.h) with schemas in a registry (RegistryClient), subjects named the way
// Confluent's strategies name them:
//   TopicName         "<topic>-key" / "<topic>-value" (the default)
//   RecordName        "<record full name>"
//   TopicRecordName   "<topic>-<record full name>"
// plus an optional context prefix (":.flink-dev:<subject>"), as the reference stack's custom
// strategy adds. auto_register off looks the schema up instead of registering it;
// use_latest_version writes with the subject's latest schema.

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "serde/avro_datum.h"
#include "serde/avro_schema.h"
#include "serde/registry_client.h"

namespace careflow::serde {

enum class SubjectNameStrategy { kTopicName, kRecordName, kTopicRecordName };
Result<SubjectNameStrategy> parse_subject_name_strategy(std::string_view name);  // "TopicNameStrategy" or "TopicName", ...

struct SerializerOptions {
  SubjectNameStrategy strategy = SubjectNameStrategy::kTopicName;
  std::string context;  // "" or ".flink-dev"
  bool is_key = false;
  bool auto_register = true;
  bool use_latest_version = false;
};

// The subject a record of `schema` on `topic` goes under. InvalidArgument when a record-name
// strategy meets a schema that is not a named type.
Result<std::string> subject_name(const SerializerOptions& options, const std::string& topic, const avro::Schema& schema);
// The same for a schema of any type, by the full name its record strategies use ("" when it has
// none: InvalidArgument under RecordName and TopicRecordName).
Result<std::string> subject_name(const SerializerOptions& options, const std::string& topic, std::string_view record_name);

class AvroSerializer {
 public:
  AvroSerializer(RegistryClient& client, avro::Schema schema, std::string schema_json, SerializerOptions options);
  // The framed record. The schema id of each subject is fetched once and cached.
  Result<std::string> serialize(const std::string& topic, const avro::Datum& value);

 private:
  struct Target {
    int id = 0;
    std::shared_ptr<avro::Schema> schema;  // what the bytes are written with
  };
  RegistryClient& client_;
  avro::Schema schema_;
  std::string schema_json_;
  SerializerOptions options_;
  std::map<std::string, Target> by_subject_;
};

class AvroDeserializer {
 public:
  // Without a reader schema, datums come back in the writer's shape; with one, resolved to it.
  explicit AvroDeserializer(RegistryClient& client, std::optional<avro::Schema> reader = std::nullopt);
  Result<avro::Datum> deserialize(std::string_view framed);
  // The writer schema of the last record (valid until the next call).
  const avro::Schema* last_writer() const { return last_writer_; }

 private:
  RegistryClient& client_;
  std::optional<avro::Schema> reader_;
  std::map<int, avro::Schema> writers_;
  const avro::Schema* last_writer_ = nullptr;
};

}  // namespace careflow::serde
