// 'json-registry': Confluent Cloud's JSON Schema format (JSON_SR), for keys and values. A record
// is Confluent's wire format (magic byte 0, the schema id as 4 big-endian bytes) around a JSON
// document of the columns; the columns' JSON Schema (json_schema_rows.h, Confluent Cloud's
// mapping) is registered with schemaType JSON in the session's registry under the subject its
// strategy gives ("<topic>-value" / "<topic>-key", in '<side>.json-registry.schema-context' or
// the session's context), as Confluent Cloud does on a table's first write.
//
// Reading takes the properties of the document by column name, as Confluent Cloud reads a topic
// written by any JSON Schema producer (confluent-kafka's JSONSerializer, Kafka Connect): the
// record's id must name a JSON Schema in the registry (an unknown id, or an Avro one, is an error
// naming it), and a property that does not convert to its column is an error naming it. The key
// and value layout (key.fields, EXCEPT_KEY, upsert tombstones) is the Avro formats'
// (avro_formats.cc).
#include <fmt/format.h>

#include <map>
#include <optional>

#include "common/json_parse.h"
#include "exec/formats/fields_codec.h"
#include "exec/formats/json_schema_rows.h"
#include "exec/formats/record_format.h"
#include "serde/wire_format.h"

namespace careflow::exec {

namespace {

// Confluent Cloud's converter titles the record it derives "Record" and its nested rows
// "Record_<field>".
constexpr const char* kRecordTitle = "Record";

class JsonRegistryCodec : public FieldsCodec {
 public:
  JsonRegistryCodec(RegistryTarget target, std::string schema_json, std::vector<std::string> names, std::vector<values::DataType> types)
      : target_(std::move(target)), schema_json_(std::move(schema_json)), names_(std::move(names)), types_(std::move(types)) {}

  Result<std::string> encode(const std::vector<values::Value>& values) override {
    if (!id_) {
      auto id = target_.client->register_typed(target_.subject, schema_json_, serde::kJsonSchemaType);
      if (!id.is_ok()) return id.status().with_context(fmt::format("registering the JSON Schema under subject '{}'", target_.subject));
      id_ = *id;
    }
    CF_ASSIGN_OR_RETURN(Json document, columns_to_json(values, names_, types_));
    std::string out;
    serde::write_wire_header(*id_, out);
    out += document.dump();
    return out;
  }

  Result<std::vector<values::Value>> decode(std::string_view bytes) override {
    CF_ASSIGN_OR_RETURN(serde::WireMessage message, serde::parse_wire(bytes));
    CF_RETURN_IF_ERROR(check_writer_schema(message.schema_id));
    auto document = parse_ordered_json(message.payload);
    if (!document.is_ok()) return document.status().with_context(fmt::format("record with schema {}: the JSON document", message.schema_id));
    if (!document->is_object()) {
      return Status::invalid_argument(fmt::format("record with schema {}: the JSON document is not an object", message.schema_id));
    }
    auto values = columns_from_json(*document, names_, types_);
    if (!values.is_ok()) return values.status().with_context(fmt::format("record with schema {}", message.schema_id));
    return values;
  }

 private:
  // The id must name a JSON Schema: a record framed for another type (an Avro id) would otherwise
  // be read as text. Checked once per id.
  Status check_writer_schema(int id) {
    auto known = checked_.find(id);
    if (known != checked_.end()) return known->second;
    Status result = Status::ok();
    auto schema = target_.client->schema_of_id(id);
    if (!schema.is_ok()) {
      result = schema.status().with_context(fmt::format("schema id {}", id));
    } else if (schema->schema_type != serde::kJsonSchemaType) {
      result = Status::invalid_argument(
          fmt::format("schema id {} is a {} schema; 'json-registry' reads records written with a JSON Schema", id, schema->schema_type));
    }
    // An unreachable registry is not remembered: the next record asks again.
    if (result.is_ok() || result.code() != StatusCode::kUnavailable) checked_.emplace(id, result);
    return result;
  }

  RegistryTarget target_;
  std::string schema_json_;
  std::vector<std::string> names_;
  std::vector<values::DataType> types_;
  std::optional<int> id_;
  std::map<int, Status> checked_;
};

}  // namespace

Result<std::unique_ptr<FieldsCodec>> make_json_registry_codec(const CodecSpec& spec, SchemaRegistryClients* registries) {
  const std::string where = fmt::format("table '{}': {} format '{}'", spec.table->name, spec.is_key ? "key" : "value", spec.format);
  CF_RETURN_IF_ERROR(check_format_options(spec));
  auto schema = json_schema_for_columns(spec.names, spec.types, kRecordTitle);
  if (!schema.is_ok()) return schema.status().with_context(where);
  CF_ASSIGN_OR_RETURN(RegistryTarget target, registry_target(spec, kRecordTitle, registries));
  return std::unique_ptr<FieldsCodec>(new JsonRegistryCodec(std::move(target), schema->dump(), spec.names, spec.types));
}

CF_REGISTER_FORMAT({"json-registry", make_avro_record_format, true});

}  // namespace careflow::exec
