#pragma once
// Formats: how a table's rows are stored in records. Each format is one file of this folder that
// registers itself by identifier (CF_REGISTER_FORMAT, below); connectors ask for a table's format
// here and never name one. A table's format is chosen by its options ('value.format' or
// 'format'; 'key.format' for keyed tables):
//   json           one JSON object per record, fields by column name (Flink's 'json' format).
//                  A table with a primary key is keyed: the key is a JSON object of the key
//                  columns, +I/+U write the row, -D writes a tombstone. A retract table keeps
//                  the row kind in a record header "op" (+I, -U, +U, -D).
//   debezium-json  Debezium's envelope {"before", "after", "op"}: c/r → +I, u → -U and +U,
//                  d → -D (in append mode every event is one +I: debezium_ops.h); written as
//                  Flink does (+I/+U as "c" with after, -U/-D as "d" with before).
//                  'debezium-json.schema-include' = 'true' reads the {"schema", "payload"} wrapper.
//   raw            the whole value as the table's single STRING or BYTES column.
//   csv            one comma-separated line ("" quoting) per record; the filesystem connector's lines.
// The Avro formats (avro_formats.cc), with Flink's mapping of columns to Avro (avro_rows.h):
//   avro                     Avro binary of the schema the columns derive, nothing around it.
//   avro-confluent           Confluent's wire format (magic byte 0, schema id, Avro binary), as
//                            Flink writes it: the derived schema (record
//                            org.apache.flink.avro.generated.record, or 'avro-confluent.schema')
//                            registered under 'avro-confluent.subject', default "<topic>-value" /
//                            "<topic>-key", in the registry at 'avro-confluent.url' (with
//                            'avro-confluent.basic-auth.user-info'); without a URL, the session's.
//                            Reading takes the writer schema of the record's id and reads its
//                            fields by name as the table's (missing nullable columns are NULL).
//   debezium-avro-confluent  Debezium's envelope in that wire format: read by field name from any
//                            Debezium writer schema; written as Flink's envelope
//                            ROW(before, after, op) with the same rules as debezium-json
//                            (a nullable ROW in Flink: the schema is ["null", record]).
//   avro-registry, avro-debezium-registry
//                            Confluent Cloud's names for the two: always the session's registry
//                            (schema_registry.*), subjects by its strategy and context (or
//                            '<side>.<format>.schema-context'). 'debezium-avro-registry', careflow's
//                            first spelling, stays an alias.
//   json-registry            Confluent Cloud's JSON Schema format (json_registry_format.cc).
// Options take Flink's prefixes: 'avro-confluent.url' with 'format', 'value.avro-confluent.url'
// with 'value.format', 'key.avro-confluent.url' with 'key.format'. An Avro table's key holds
// 'key.fields' (';'-separated) or the primary key, in 'key.format' ('json', 'raw', 'avro',
// 'avro-confluent', 'avro-registry'; by default 'avro-registry' for the Confluent Cloud names, no
// key for 'debezium-avro-confluent' and a JSON object otherwise); 'value.fields-include' =
// 'EXCEPT_KEY' leaves the key columns out of the value. A 'json' or 'raw' value under an Avro
// 'key.format' takes the same layout.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/identifier_registry.h"
#include "common/status.h"
#include "exec/formats/schema_registry_clients.h"
#include "exec/row.h"
#include "log/topics.h"
#include "sql/catalog.h"

namespace careflow::exec {

class RecordFormat {
 public:
  virtual ~RecordFormat() = default;
  // Appends the rows a record holds (physical columns, in declaration order) to `out`: none for a
  // record to skip, two for a Debezium update. The kinds are those of the table's changelog mode
  // (an append table's format gives only +I). InvalidArgument naming the problem for a record
  // that does not parse.
  virtual Status decode(const log::Record& record, RowBatch* out) const = 0;
  // Appends the records a row becomes (physical columns in, declaration order) to `out`. Errors:
  // a value the format cannot hold (a NULL in a NOT NULL Avro field), a registry that refuses
  // the schema or cannot be reached.
  virtual Status encode(const Row& row, std::vector<log::Record>* out) const = 0;
};

// The format for `table`'s options, from the format registry. `registries` serves the Avro
// formats that use a Schema Registry (may be null: then only tables that need none work).
// InvalidArgument for an unknown format (listing the known ones) or columns it cannot hold;
// FailedPrecondition naming the table and the option or config key to set when a format needs a
// registry and has none.
Result<std::unique_ptr<RecordFormat>> make_record_format(const sql::TableDef& table, SchemaRegistryClients* registries = nullptr);

// ---- the format registry: each format joins it from its own file (as functions do) ----

// Makes the format `format` (the table's value format, by its identifier) for `table`.
using RecordFormatFactory = std::function<Result<std::unique_ptr<RecordFormat>>(
    const sql::TableDef& table, const std::string& format, SchemaRegistryClients* registries)>;

struct FormatDefinition {
  std::string identifier;        // as written in 'format' / 'value.format' / 'key.format'
  RecordFormatFactory make;      // a table's records
  bool key_format = false;       // may also stand in 'key.format'
};

class FormatRegistry : public IdentifierRegistry<FormatDefinition> {
 public:
  static FormatRegistry& global();
  // "'avro', 'avro-confluent', ... and 'raw'": the identifiers, sorted, for error messages; only
  // those that may stand in 'key.format' with `keys_only`.
  std::string known(bool keys_only = false) const;
};

// In a format's own file: CF_REGISTER_FORMAT({"json", make_json_format, true});
#define CF_REGISTER_FORMAT(...) \
  CF_JOIN_REGISTRY(::careflow::exec::FormatRegistry::global(), ::careflow::exec::FormatDefinition __VA_ARGS__)

// The table's value format: 'value.format', else 'format', else "json".
std::string value_format_of(const sql::TableDef& table);

// Confluent Cloud's formats, which always use the session's registry: 'avro-registry',
// 'json-registry', 'avro-debezium-registry' and careflow's older spelling of it,
// 'debezium-avro-registry' (kept as an alias).
bool is_confluent_cloud_registry_format(std::string_view format);
// The Debezium envelope in Avro: 'debezium-avro-confluent' (Flink), 'avro-debezium-registry'
// (Confluent Cloud) and its alias 'debezium-avro-registry'.
bool is_debezium_avro_format(std::string_view format);

// Whether the table's formats (value or key) use the session's registry: Confluent Cloud's
// '*-registry' names, or an 'avro-confluent' format without its own URL. A caller opens the
// session's registry only when some table needs it.
bool needs_session_registry(const sql::TableDef& table);

// The physical columns of a table, in declaration order.
struct PhysicalSchema {
  std::vector<std::string> names;
  std::vector<values::DataType> types;
  std::vector<int> key;  // primary key, as indexes into names
};
PhysicalSchema physical_schema(const sql::TableDef& table);

// The topic a table reads and writes: 'topic' if set, else the table's name.
std::string topic_of(const sql::TableDef& table);

}  // namespace careflow::exec
