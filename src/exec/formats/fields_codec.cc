#include "exec/formats/fields_codec.h"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <set>
#include <utility>

#include "exec/formats/avro_rows.h"
#include "exec/formats/json_convert.h"
#include "exec/formats/record_format.h"
#include "serde/avro_binary.h"
#include "serde/avro_resolve.h"
#include "serde/wire_format.h"

namespace careflow::exec {

namespace avro = serde::avro;
using values::DataType;
using values::Value;

const std::string* format_option(const CodecSpec& spec, const std::string& name) {
  const std::string qualified = spec.format + "." + name;
  if (spec.is_key) return spec.table->option("key." + qualified);
  if (const std::string* v = spec.table->option("value." + qualified)) return v;
  return spec.table->option(qualified);
}

Status check_format_options(const CodecSpec& spec) {
  // The options Flink defines for each format that careflow honours; Flink's others (TLS key
  // stores, bearer tokens, pass-through client properties) are refused by name rather than
  // silently ignored.
  static const std::set<std::string> kRegistry = {"url", "subject", "schema", "basic-auth.user-info",
                                                  "basic-auth.credentials-source", "timestamp_mapping.legacy"};
  static const std::set<std::string> kPlain = {"timestamp_mapping.legacy", "encoding"};
  // Confluent Cloud's formats take the Schema Registry context; the registry itself is the
  // session's (its URL and key are the configuration's, not the table's).
  static const std::set<std::string> kConfluentCloud = {"schema-context"};
  const bool plain = spec.format == "avro";
  const bool cloud = is_confluent_cloud_registry_format(spec.format);
  if (!cloud && spec.format != "avro" && spec.format != "avro-confluent" && spec.format != "debezium-avro-confluent") return Status::ok();
  for (const auto& [key, value] : spec.table->options) {
    std::string name;
    for (const std::string& prefix : spec.is_key ? std::vector<std::string>{"key." + spec.format + "."}
                                                 : std::vector<std::string>{"value." + spec.format + ".", spec.format + "."}) {
      if (key.rfind(prefix, 0) == 0) name = key.substr(prefix.size());
    }
    if (name.empty()) continue;
    const std::set<std::string>& known = cloud ? kConfluentCloud : plain ? kPlain : kRegistry;
    if (!known.count(name)) {
      return Status::invalid_argument(fmt::format("table '{}': option '{}' is not supported by careflow's '{}' format (it reads {})",
                                                  spec.table->name, key, spec.format,
                                                  cloud   ? "'schema-context'; the registry is the session's schema_registry.*"
                                                  : plain ? "'avro.timestamp_mapping.legacy' and 'avro.encoding' = 'binary'"
                                                          : "'url', 'subject', 'schema', 'basic-auth.user-info' and "
                                                            "'timestamp_mapping.legacy'"));
    }
    if (name == "encoding" && value != "binary") {
      return Status::invalid_argument(fmt::format("table '{}': '{}' = '{}' is not supported; careflow writes Avro's binary encoding",
                                                  spec.table->name, key, value));
    }
    if (name == "basic-auth.credentials-source" && value != "USER_INFO") {
      return Status::invalid_argument(fmt::format("table '{}': '{}' = '{}' is not supported; use 'USER_INFO' with "
                                                  "'{}.basic-auth.user-info'", spec.table->name, key, value, spec.format));
    }
  }
  return Status::ok();
}

Result<RegistryTarget> registry_target(const CodecSpec& spec, std::string_view record_name, SchemaRegistryClients* registries) {
  const std::string side = spec.is_key ? "key" : "value";
  RegistryTarget target;
  if (is_confluent_cloud_registry_format(spec.format)) {
    if (!registries || !registries->session()) {
      return Status::failed_precondition(fmt::format(
          "table '{}': {} format '{}' uses the session's Schema Registry, and there is none: set schema_registry.url "
          "(or SCHEMA_REGISTRY_URL)",
          spec.table->name, side, spec.format));
    }
    serde::SerializerOptions options = registries->defaults();
    options.is_key = spec.is_key;
    if (const std::string* context = format_option(spec, "schema-context")) {
      // Confluent writes contexts with their leading dot (".flink-dev"); "." is the default context.
      options.context = *context == "." ? "" : (context->rfind('.', 0) == 0 ? *context : "." + *context);
    }
    CF_ASSIGN_OR_RETURN(target.subject, serde::subject_name(options, spec.topic, record_name));
    target.client = registries->session();
    return target;
  }
  const std::string* url = format_option(spec, "url");
  if (url) {
    const std::string* user_info = format_option(spec, "basic-auth.user-info");
    if (!registries) {
      return Status::failed_precondition(fmt::format("table '{}': '{}.url' is set, but this command cannot reach a Schema Registry",
                                                     spec.table->name, spec.format));
    }
    auto client = registries->for_url(*url, user_info ? *user_info : "");
    if (!client.is_ok()) return client.status().with_context(fmt::format("table '{}': '{}.url'", spec.table->name, spec.format));
    target.client = *client;
  } else if (registries && registries->session()) {
    target.client = registries->session();
  } else {
    return Status::failed_precondition(fmt::format("table '{}': {} format '{}' needs a Schema Registry: set '{}{}.url' on the table "
                                                   "or schema_registry.url in the configuration",
                                                   spec.table->name, side, spec.format, spec.is_key ? "key." : "", spec.format));
  }
  const std::string* subject = format_option(spec, "subject");
  target.subject = subject ? *subject : spec.topic + (spec.is_key ? "-key" : "-value");
  return target;
}

namespace {

// The writer's field a reader's field reads: the same name, else one of the reader's aliases; -1
// when there is none (the reader's default applies).
int writer_field_of(const avro::Node& writer, const avro::Field& field) {
  int index = writer.field_index(field.name);
  for (size_t a = 0; index < 0 && a < field.aliases.size(); ++a) index = writer.field_index(field.aliases[a]);
  return index;
}

Status no_such_field(const avro::Field& field) {
  return Status::invalid_argument(
      fmt::format("field '{}': the writer's schema has no such field and the column is NOT NULL (no default)", field.name));
}

}  // namespace

Result<avro::Datum> resolve_record_fields(const avro::Node& writer, const avro::Node& reader, const avro::Datum& value) {
  if (writer.type != avro::Type::kRecord || reader.type != avro::Type::kRecord) {
    return Status::invalid_argument(fmt::format("expected an Avro record, the writer's schema is a {}", avro::type_name(writer.type)));
  }
  if (value.items.size() != writer.fields.size()) return Status::invalid_argument("Avro record datum does not match its schema");
  avro::Datum out;
  out.items.reserve(reader.fields.size());
  for (const avro::Field& field : reader.fields) {
    const int index = writer_field_of(writer, field);
    if (index >= 0) {
      auto i = static_cast<size_t>(index);
      auto d = avro::resolve(*writer.fields[i].type, *field.type, value.items[i], avro::NameRule::kJavaReader);
      if (!d.is_ok()) return d.status().with_context(fmt::format("field '{}'", field.name));
      out.items.push_back(std::move(d).value());
    } else if (field.default_value) {
      CF_ASSIGN_OR_RETURN(avro::Datum d, avro::datum_from_json(*field.default_value, *field.type));
      out.items.push_back(std::move(d));
    } else {
      return no_such_field(field);
    }
  }
  return out;
}

namespace {

// A JSON object of the columns (careflow's key for a keyed table without 'key.format').
class JsonFieldsCodec : public FieldsCodec {
 public:
  explicit JsonFieldsCodec(const CodecSpec& spec) : names_(spec.names), types_(spec.types) {}

  Result<std::string> encode(const std::vector<Value>& values) override {
    Json out = Json::object();
    for (size_t i = 0; i < names_.size(); ++i) out[names_[i]] = value_to_json(values[i], types_[i]);
    return out.dump();
  }

  Result<std::vector<Value>> decode(std::string_view bytes) override {
    Json j = Json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return Status::invalid_argument("not a JSON object");
    std::vector<Value> out;
    for (size_t i = 0; i < names_.size(); ++i) {
      auto it = j.find(names_[i]);
      if (it == j.end()) {
        out.emplace_back();
        continue;
      }
      Result<Value> v = json_to_value(*it, types_[i]);
      if (!v.is_ok()) return Status::invalid_argument(fmt::format("field '{}': {}", names_[i], v.status().message()));
      out.push_back(std::move(*v));
    }
    return out;
  }

 private:
  std::vector<std::string> names_;
  std::vector<DataType> types_;
};

class RawFieldCodec : public FieldsCodec {
 public:
  explicit RawFieldCodec(DataType type) : type_(std::move(type)) {}
  Result<std::string> encode(const std::vector<Value>& values) override {
    if (values[0].is_null()) return std::string();
    return type_.is_binary() ? values[0].as_bytes() : values[0].as_string();
  }
  Result<std::vector<Value>> decode(std::string_view bytes) override {
    return std::vector<Value>{type_.is_binary() ? Value::bytes(std::string(bytes)) : Value::string(std::string(bytes))};
  }

 private:
  DataType type_;
};

// Flink's 'avro': the Avro binary of the schema the columns derive, nothing around it.
class PlainAvroCodec : public FieldsCodec {
 public:
  PlainAvroCodec(avro::Schema schema, std::vector<DataType> types) : schema_(std::move(schema)), types_(std::move(types)) {}

  Result<std::string> encode(const std::vector<Value>& values) override {
    CF_ASSIGN_OR_RETURN(avro::Datum datum, values_to_avro(schema_.root(), values, types_));
    std::string out;
    CF_RETURN_IF_ERROR(avro::encode(schema_.root(), datum, out));
    return out;
  }

  Result<std::vector<Value>> decode(std::string_view bytes) override {
    size_t used = 0;
    CF_RETURN_IF_ERROR(avro::decode_into(schema_.root(), bytes, datum_, &used));
    if (used != bytes.size()) {
      return Status::invalid_argument(fmt::format("{} bytes left over after the Avro record", bytes.size() - used));
    }
    return avro_to_values(schema_.root(), datum_, types_);
  }

 private:
  avro::Schema schema_;
  std::vector<DataType> types_;
  avro::Datum datum_;  // reused between records
};

// Confluent's wire format: magic byte, schema id, Avro binary. Writes register the table's
// schema under the subject on first use; reads take the writer schema from the record's id and
// read it as the table's schema.
class ConfluentAvroCodec : public FieldsCodec {
 public:
  ConfluentAvroCodec(RegistryTarget target, avro::Schema schema, std::string schema_json, std::vector<DataType> types)
      : target_(std::move(target)),
        schema_(std::move(schema)),
        schema_json_(std::move(schema_json)),
        types_(std::move(types)) {}

  Result<std::string> encode(const std::vector<Value>& values) override {
    if (!id_) {
      auto id = target_.client->register_schema(target_.subject, schema_json_);
      if (!id.is_ok()) return id.status().with_context(fmt::format("registering the schema under subject '{}'", target_.subject));
      id_ = *id;
    }
    CF_ASSIGN_OR_RETURN(avro::Datum datum, values_to_avro(schema_.root(), values, types_));
    std::string out;
    serde::write_wire_header(*id_, out);
    CF_RETURN_IF_ERROR(avro::encode(schema_.root(), datum, out));
    return out;
  }

  Result<std::vector<Value>> decode(std::string_view bytes) override {
    CF_ASSIGN_OR_RETURN(serde::WireMessage message, serde::parse_wire(bytes));
    CF_ASSIGN_OR_RETURN(const ReadPlan* plan, read_plan(message.schema_id));
    // The common case (a table reading what a table of the same columns wrote) decodes straight
    // into the reused datum; another writer schema decodes into its own reused datum first.
    const avro::Node& written_as = plan->writer ? plan->writer->root() : schema_.root();
    avro::Datum& written = plan->writer ? written_ : datum_;
    size_t used = 0;
    Status s = avro::decode_into(written_as, message.payload, written, &used);
    if (!s.is_ok()) return s.with_context(fmt::format("record with schema {}", message.schema_id));
    if (used != message.payload.size()) {
      return Status::invalid_argument(fmt::format("record with schema {}: {} bytes left over after the Avro value",
                                                  message.schema_id, message.payload.size() - used));
    }
    if (plan->writer) CF_RETURN_IF_ERROR(apply(*plan, message.schema_id));
    return avro_to_values(schema_.root(), datum_, types_);
  }

 private:
  // How the records of one writer schema read as the table's, worked out once per schema id.
  struct ReadPlan {
    // Empty when the writer's schema has the table's Parsing Canonical Form (same names, fields
    // and types in the same order): its records need no resolution.
    std::optional<avro::Schema> writer;
    struct Source {
      int writer_field = -1;  // -1: the reader field's default
      bool as_is = false;     // the writer field's type reads as the reader's unchanged
      bool movable = false;   // as_is, and no other reader field reads this writer field: swapped in
      std::optional<avro::Datum> default_value;  // none: the record cannot be read (no such field)
    };
    std::vector<Source> fields;  // one per table (reader) field
  };

  Result<const ReadPlan*> read_plan(int id) {
    auto it = plans_.find(id);
    if (it != plans_.end()) return &it->second;
    auto text = target_.client->schema_by_id(id);
    if (!text.is_ok()) return text.status().with_context(fmt::format("schema id {}", id));
    auto writer = avro::Schema::parse(*text);
    if (!writer.is_ok()) return writer.status().with_context(fmt::format("schema id {}", id));
    ReadPlan plan;
    if (writer->canonical_form() != schema_.canonical_form()) {
      const avro::Node& w = writer->root();
      const avro::Node& r = schema_.root();
      if (w.type != avro::Type::kRecord) {
        return Status::invalid_argument(fmt::format("reading schema {} as the table's: expected an Avro record, the writer's schema is a {}",
                                                    id, avro::type_name(w.type)));
      }
      std::vector<int> readers_of(w.fields.size(), 0);
      for (const avro::Field& field : r.fields) {
        ReadPlan::Source source;
        source.writer_field = writer_field_of(w, field);
        if (source.writer_field >= 0) {
          const auto from = static_cast<size_t>(source.writer_field);
          source.as_is = avro::canonical_form(*w.fields[from].type) == avro::canonical_form(*field.type);
          ++readers_of[from];
        } else if (field.default_value) {
          auto d = avro::datum_from_json(*field.default_value, *field.type);
          if (!d.is_ok()) return d.status().with_context(fmt::format("reading schema {} as the table's: field '{}'", id, field.name));
          source.default_value = std::move(d).value();
        }
        plan.fields.push_back(std::move(source));
      }
      for (ReadPlan::Source& source : plan.fields) {
        source.movable = source.as_is && readers_of[static_cast<size_t>(source.writer_field)] == 1;
      }
      plan.writer = std::move(*writer);
    }
    return &plans_.emplace(id, std::move(plan)).first->second;
  }

  // written_ (a record of plan.writer) as the table's record, into datum_.
  Status apply(const ReadPlan& plan, int id) {
    const avro::Node& w = plan.writer->root();
    const avro::Node& r = schema_.root();
    datum_.items.resize(plan.fields.size());
    for (size_t i = 0; i < plan.fields.size(); ++i) {
      const ReadPlan::Source& source = plan.fields[i];
      if (source.writer_field < 0) {
        if (!source.default_value) return no_such_field(r.fields[i]).with_context(fmt::format("reading schema {} as the table's", id));
        datum_.items[i] = *source.default_value;
        continue;
      }
      const auto from = static_cast<size_t>(source.writer_field);
      if (source.movable) {
        // written_ is decoded afresh for the next record: swapping keeps both sides' buffers.
        std::swap(datum_.items[i], written_.items[from]);
        continue;
      }
      if (source.as_is) {
        datum_.items[i] = written_.items[from];
        continue;
      }
      auto d = avro::resolve(*w.fields[from].type, *r.fields[i].type, written_.items[from], avro::NameRule::kJavaReader);
      if (!d.is_ok()) return d.status().with_context(fmt::format("reading schema {} as the table's: field '{}'", id, r.fields[i].name));
      datum_.items[i] = std::move(d).value();
    }
    return Status::ok();
  }

  RegistryTarget target_;
  avro::Schema schema_;
  std::string schema_json_;
  std::vector<DataType> types_;
  std::optional<int> id_;
  std::map<int, ReadPlan> plans_;  // by writer schema id
  avro::Datum datum_;              // the table's record, reused between records
  avro::Datum written_;            // a record of another writer schema, reused between records
};

}  // namespace

Result<std::unique_ptr<FieldsCodec>> make_fields_codec(const CodecSpec& spec, SchemaRegistryClients* registries) {
  const std::string& f = spec.format;
  const std::string where = fmt::format("table '{}': {} format '{}'", spec.table->name, spec.is_key ? "key" : "value", f);
  if (f == "json") return std::unique_ptr<FieldsCodec>(new JsonFieldsCodec(spec));
  if (f == "raw") {
    if (spec.types.size() != 1 || !(spec.types[0].is_string() || spec.types[0].is_binary())) {
      return Status::invalid_argument(where + " needs exactly one STRING or BYTES column");
    }
    return std::unique_ptr<FieldsCodec>(new RawFieldCodec(spec.types[0]));
  }
  if (f == "json-registry") return make_json_registry_codec(spec, registries);
  if (f != "avro" && f != "avro-confluent" && f != "avro-registry") {
    return Status::invalid_argument(fmt::format("{}: unknown format; a {} is 'json', 'raw', 'avro', 'avro-confluent', "
                                                "'avro-registry' or 'json-registry'", where, spec.is_key ? "key" : "value"));
  }
  CF_RETURN_IF_ERROR(check_format_options(spec));
  AvroRowOptions options;
  if (const std::string* legacy = format_option(spec, "timestamp_mapping.legacy")) options.legacy_timestamp_mapping = *legacy != "false";
  std::string schema_json;
  if (const std::string* given = format_option(spec, "schema"); given && f != "avro") {
    schema_json = *given;
  } else {
    auto derived = avro_schema_for_row(spec.names, spec.types, options);
    if (!derived.is_ok()) return derived.status().with_context(where);
    schema_json = derived->dump();
  }
  auto schema = avro::Schema::parse(schema_json);
  if (!schema.is_ok()) return schema.status().with_context(fmt::format("{}: '{}.schema'", where, f));
  if (schema->root().type != avro::Type::kRecord || schema->root().fields.size() != spec.types.size()) {
    return Status::invalid_argument(fmt::format("{}: '{}.schema' must be a record with one field per column ({})", where, f,
                                                spec.types.size()));
  }
  if (f == "avro") return std::unique_ptr<FieldsCodec>(new PlainAvroCodec(std::move(*schema), spec.types));
  const std::string_view record_name = schema->root().is_named() ? std::string_view(schema->root().fullname) : std::string_view();
  CF_ASSIGN_OR_RETURN(RegistryTarget target, registry_target(spec, record_name, registries));
  return std::unique_ptr<FieldsCodec>(new ConfluentAvroCodec(std::move(target), std::move(*schema), std::move(schema_json), spec.types));
}

}  // namespace careflow::exec
