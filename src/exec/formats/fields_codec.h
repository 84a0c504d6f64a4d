#pragma once
// Private to exec/formats: one side of a record (its key or its value) as some of a table's
// columns, in one of the formats a side can have. record_format.cc combines a key codec and a
// value codec into a table's RecordFormat.
//
// Codecs keep per-run caches (a registered schema's id, writer schemas by id), so encode and
// decode are not const; a codec belongs to one source or sink.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "exec/formats/schema_registry_clients.h"
#include "sql/catalog.h"
#include "values/types.h"
#include "values/value.h"

namespace careflow::exec {

class FieldsCodec {
 public:
  virtual ~FieldsCodec() = default;
  // The bytes of one side holding `values` (one per column of the codec).
  virtual Result<std::string> encode(const std::vector<values::Value>& values) = 0;
  // One value per column. InvalidArgument naming the problem (not the record: the caller knows it).
  virtual Result<std::vector<values::Value>> decode(std::string_view bytes) = 0;
};

// What a codec needs to know about its side.
struct CodecSpec {
  const sql::TableDef* table = nullptr;
  std::string format;       // "json", "raw", "avro", "avro-confluent", "avro-registry", ...
  bool is_key = false;
  std::vector<std::string> names;
  std::vector<values::DataType> types;
  std::string topic;
};

// The option `name` of the format on this side: 'key.<format>.<name>' for a key;
// 'value.<format>.<name>' or '<format>.<name>' for a value. Null when not set.
const std::string* format_option(const CodecSpec& spec, const std::string& name);

// The registry a Confluent-framed side uses, and the subject it registers under.
struct RegistryTarget {
  serde::RegistryClient* client = nullptr;
  std::string subject;
};
// For 'avro-confluent' and 'debezium-avro-confluent': the table's '<format>.url' (and
// '.basic-auth.user-info') if set, else the session's registry; the subject '<format>.subject'
// if set, else Flink's default "<topic>-value" / "<topic>-key". For Confluent Cloud's formats
// (is_confluent_cloud_registry_format): the session's registry, the subject its strategy gives
// (`record_name`, the schema's full name or "", for the record strategies) in the context of
// '<format>.schema-context' if set, else the session's. FailedPrecondition naming the table and
// what to set when there is no registry to use.
Result<RegistryTarget> registry_target(const CodecSpec& spec, std::string_view record_name, SchemaRegistryClients* registries);

// InvalidArgument naming the option for a '<format>.*' option of 'avro', 'avro-confluent' or
// 'debezium-avro-confluent' that careflow does not honour (Flink's TLS key stores, bearer auth,
// client properties; 'avro.encoding' other than 'binary'), or of a Confluent Cloud format other
// than 'schema-context'.
Status check_format_options(const CodecSpec& spec);

// 'json' (an object of the columns), 'raw' (one STRING or BYTES column), 'avro', 'avro-confluent',
// 'avro-registry' or 'json-registry'. InvalidArgument naming the table for any other format or
// columns the format cannot hold.
Result<std::unique_ptr<FieldsCodec>> make_fields_codec(const CodecSpec& spec, SchemaRegistryClients* registries);

// 'json-registry' (json_registry_format.cc): Confluent's wire format around a JSON document, the
// columns' JSON Schema (json_schema_rows.h) registered with schemaType JSON.
Result<std::unique_ptr<FieldsCodec>> make_json_registry_codec(const CodecSpec& spec, SchemaRegistryClients* registries);

// Reads a record datum of `writer` as `reader` field by field (by name, then the reader's
// aliases; a missing field takes the reader's default). Records are read as Avro's Java reader,
// which Flink uses, reads them (serde's NameRule::kJavaReader): their names need not match, the
// top-level record's nor a nested one's (a Debezium envelope's `before` read as a ROW column), so a
// table reads records a producer wrote under any record name. The Confluent Avro codecs read
// fields of another writer schema the same way.
Result<serde::avro::Datum> resolve_record_fields(const serde::avro::Node& writer, const serde::avro::Node& reader,
                                                 const serde::avro::Datum& value);

}  // namespace careflow::exec

namespace careflow::exec {

class RecordFormat;

// Whether the table's 'key.format' is an Avro one: then a 'json' or 'raw' value takes the Avro
// formats' key/value layout (make_avro_record_format).
bool has_avro_key_format(const sql::TableDef& table);

// The RecordFormat of a table whose value format is 'avro', 'avro-confluent', 'avro-registry',
// 'json-registry', or a Debezium Avro one (is_debezium_avro_format), or 'json' / 'raw' under an
// Avro 'key.format' (avro_formats.cc): key and value sides of make_fields_codec.
Result<std::unique_ptr<RecordFormat>> make_avro_record_format(const sql::TableDef& table, const std::string& format,
                                                              SchemaRegistryClients* registries);

}  // namespace careflow::exec
