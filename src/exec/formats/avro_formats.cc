// The Avro value formats as whole records (key, value, headers), as Flink's Kafka connector
// lays them out:
//   - the key holds the 'key.fields' columns (';'-separated; else the primary key) in
//     'key.format' (for Confluent Cloud's names the key format defaults to 'avro-registry', as
//     there; for 'avro' and 'avro-confluent' to careflow's JSON object, as the json format keys a
//     table; 'debezium-avro-confluent' writes no key without one, as debezium-json);
//   - the value holds every physical column, or those not in the key with
//     'value.fields-include' = 'EXCEPT_KEY';
//   - upsert tables write -D as a tombstone and skip -U; retract tables keep the row kind in a
//     header "op", as the json format does.
// The Debezium variants write Flink's envelope {before, after, op} (DebeziumAvroSerializationSchema)
// and read any Debezium envelope by field name, as DebeziumAvroDeserializationSchema does. Flink
// derives the envelope from a nullable ROW type, so its schema is the union ["null", record] and
// each record's Avro starts with the union's branch index: careflow writes the same.
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "exec/formats/avro_rows.h"
#include "exec/formats/debezium_ops.h"
#include "exec/formats/fields_codec.h"
#include "exec/formats/format_util.h"
#include "exec/formats/json_convert.h"
#include "exec/formats/record_format.h"
#include "serde/avro_binary.h"
#include "serde/wire_format.h"

namespace careflow::exec {

namespace avro = serde::avro;
using values::DataType;
using values::Value;

namespace {

std::vector<Value> pick(const Row& row, const std::vector<int>& columns) {
  std::vector<Value> out;
  out.reserve(columns.size());
  for (int c : columns) out.push_back(row.fields[static_cast<size_t>(c)]);
  return out;
}

void place(std::vector<Value> values, const std::vector<int>& columns, Row* row) {
  for (size_t i = 0; i < columns.size(); ++i) row->fields[static_cast<size_t>(columns[i])] = std::move(values[i]);
}

// A table's key: its columns and their codec (null when records have no key).
struct KeySide {
  std::vector<int> columns;
  std::unique_ptr<FieldsCodec> codec;
};

// The record's key from the row's key columns; none when the table's records have no key.
Status encode_key(const KeySide& key, const Row& row, log::Record* record) {
  if (!key.codec) return Status::ok();
  auto encoded = key.codec->encode(pick(row, key.columns));
  if (!encoded.is_ok()) return encoded.status().with_context("key");
  record->key = std::move(*encoded);
  return Status::ok();
}

class KeyValueAvroFormat : public RecordFormat {
 public:
  KeyValueAvroFormat(size_t width, sql::ChangelogMode mode, KeySide key, std::vector<int> value_columns,
                     std::unique_ptr<FieldsCodec> value)
      : width_(width), mode_(mode), key_(std::move(key)), value_columns_(std::move(value_columns)), value_(std::move(value)) {}

  Status decode(const log::Record& record, RowBatch* out) const override {
    Row row{RowKind::kInsert, std::vector<Value>(width_)};
    if (!record.value) {
      // A tombstone deletes the key's row in an upsert table; elsewhere it carries nothing.
      if (mode_ != sql::ChangelogMode::kUpsert || !record.key || !key_.codec) return Status::ok();
      CF_RETURN_IF_ERROR(decode_key(record, &row));
      row.kind = RowKind::kDelete;
      out->push_back(std::move(row));
      return Status::ok();
    }
    auto values = value_->decode(*record.value);
    if (!values.is_ok()) return record_error(record, "value: " + values.status().message());
    place(std::move(*values), value_columns_, &row);
    if (value_columns_.size() < width_ && record.key && key_.codec) CF_RETURN_IF_ERROR(decode_key(record, &row));
    CF_RETURN_IF_ERROR(kind_from_headers(record, mode_, &row.kind));
    out->push_back(std::move(row));
    return Status::ok();
  }

  Status encode(const Row& row, std::vector<log::Record>* out) const override {
    log::Record r;
    CF_RETURN_IF_ERROR(encode_key(key_, row, &r));
    if (mode_ == sql::ChangelogMode::kUpsert) {
      if (row.kind == RowKind::kUpdateBefore) return Status::ok();
      if (row.kind == RowKind::kDelete) {
        out->push_back(std::move(r));
        return Status::ok();
      }
    }
    auto value = value_->encode(pick(row, value_columns_));
    if (!value.is_ok()) return value.status().with_context("value");
    r.value = std::move(*value);
    if (mode_ == sql::ChangelogMode::kRetract) r.headers.push_back({"op", std::string(kind_symbol(row.kind))});
    out->push_back(std::move(r));
    return Status::ok();
  }

 private:
  Status decode_key(const log::Record& record, Row* row) const {
    auto values = key_.codec->decode(*record.key);
    if (!values.is_ok()) return record_error(record, "key: " + values.status().message());
    place(std::move(*values), key_.columns, row);
    return Status::ok();
  }

  size_t width_;
  sql::ChangelogMode mode_;
  KeySide key_;
  std::vector<int> value_columns_;
  std::unique_ptr<FieldsCodec> value_;
};

// Debezium's envelope in Confluent's Avro. Written as Flink writes it: the schema of
// ROW(before ROW<columns>, after ROW<columns>, op STRING), +I/+U as op "c" with after, -U/-D
// as op "d" with before. Read from any writer schema with those fields, each op into the rows
// debezium_ops.h gives for the table's changelog mode.
class DebeziumAvroFormat : public RecordFormat {
 public:
  DebeziumAvroFormat(std::vector<DataType> types, sql::ChangelogMode mode, RegistryTarget target, avro::Schema envelope,
                     std::string envelope_json, KeySide key)
      : types_(std::move(types)),
        mode_(mode),
        target_(target),
        envelope_(std::move(envelope)),
        envelope_json_(std::move(envelope_json)),
        record_(envelope_.root().branches[1]),
        row_(record_->fields[0].type->branches[1]),
        key_(std::move(key)),
        deserializer_(std::make_unique<serde::AvroDeserializer>(*target.client)) {}

  Status decode(const log::Record& record, RowBatch* out) const override {
    if (!record.value) return Status::ok();  // Debezium's tombstone after a delete
    auto written = deserializer_->deserialize(*record.value);
    if (!written.is_ok()) return record_error(record, written.status().message());
    const avro::Node* root = &deserializer_->last_writer()->root();
    const avro::Datum* envelope = &*written;
    if (root->type == avro::Type::kUnion) {  // Flink's ["null", envelope]
      root = root->branches[static_cast<size_t>(envelope->i)];
      envelope = &envelope->items[0];
      if (root->type == avro::Type::kNull) return Status::ok();
    }
    const avro::Node& writer = *root;
    if (writer.type != avro::Type::kRecord || writer.field_index("op") < 0) {
      return record_error(record, "not a Debezium envelope: its schema has no field 'op'");
    }
    std::string op;
    {
      auto i = static_cast<size_t>(writer.field_index("op"));
      const avro::Node* node = writer.fields[i].type;
      const avro::Datum* d = &envelope->items[i];
      if (node->type == avro::Type::kUnion) {
        node = node->branches[static_cast<size_t>(d->i)];
        d = &d->items[0];
      }
      if (node->type != avro::Type::kString) return record_error(record, "not a Debezium envelope: 'op' is not a string");
      op = d->s;
    }
    auto side = [&](const char* name, RowKind kind) -> Status {
      int index = writer.field_index(name);
      if (index < 0) return record_error(record, fmt::format("Debezium op '{}' without a field '{}'", op, name));
      const avro::Node* node = writer.fields[static_cast<size_t>(index)].type;
      const avro::Datum* d = &envelope->items[static_cast<size_t>(index)];
      if (node->type == avro::Type::kUnion) {
        node = node->branches[static_cast<size_t>(d->i)];
        d = &d->items[0];
      }
      if (node->type == avro::Type::kNull) {
        return record_error(record, fmt::format("Debezium op '{}' with a null '{}'{}", op, name,
                                                op == "u" ? " (a PostgreSQL table needs REPLICA IDENTITY FULL)" : ""));
      }
      auto resolved = resolve_record_fields(*node, *row_, *d);
      if (!resolved.is_ok()) return record_error(record, fmt::format("'{}': {}", name, resolved.status().message()));
      auto values = avro_to_values(*row_, *resolved, types_);
      if (!values.is_ok()) return record_error(record, fmt::format("'{}': {}", name, values.status().message()));
      out->push_back(Row{kind, std::move(*values)});
      return Status::ok();
    };
    std::vector<DebeziumSide> sides;
    if (!debezium_sides(op, mode_, &sides)) return record_error(record, fmt::format("unknown Debezium op '{}'", op));
    for (const DebeziumSide& s : sides) CF_RETURN_IF_ERROR(side(s.field, s.kind));
    return Status::ok();
  }

  Status encode(const Row& row, std::vector<log::Record>* out) const override {
    log::Record r;
    CF_RETURN_IF_ERROR(encode_key(key_, row, &r));
    if (!id_) {
      auto id = target_.client->register_schema(target_.subject, envelope_json_);
      if (!id.is_ok()) return id.status().with_context(fmt::format("registering the schema under subject '{}'", target_.subject));
      id_ = *id;
    }
    bool insert = is_accumulate(row.kind);
    Value fields = Value::list(row.fields);
    std::vector<Value> envelope = {insert ? Value() : fields, insert ? fields : Value(), Value::string(insert ? "c" : "d")};
    std::vector<DataType> types = {envelope_row_type(), envelope_row_type(), DataType::string()};
    CF_ASSIGN_OR_RETURN(avro::Datum datum, values_to_avro(*record_, envelope, types));
    std::string bytes;
    serde::write_wire_header(*id_, bytes);
    CF_RETURN_IF_ERROR(avro::encode(envelope_.root(), avro::Datum::branch(1, std::move(datum)), bytes));
    r.value = std::move(bytes);
    out->push_back(std::move(r));
    return Status::ok();
  }

  // ROW<columns>, nullable, as before/after are typed.
  DataType envelope_row_type() const {
    DataType t = DataType::of(values::TypeId::kRow);
    t.children = types_;
    t.field_names.resize(types_.size());
    return t;
  }

 private:
  std::vector<DataType> types_;
  sql::ChangelogMode mode_;
  RegistryTarget target_;
  avro::Schema envelope_;
  std::string envelope_json_;
  const avro::Node* record_;  // the envelope record inside the union
  const avro::Node* row_;     // before's record: the table's columns
  KeySide key_;
  std::unique_ptr<serde::AvroDeserializer> deserializer_;  // caches writer schemas by id
  mutable std::optional<int> id_;
};

// 'EXCEPT_KEY' (Flink) and 'except-key' (Confluent Cloud) alike: "except_key".
std::string normalized(std::string s) {
  for (char& c : s) c = c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Result<KeySide> key_side(const sql::TableDef& table, const PhysicalSchema& schema, const std::string& value_format,
                         SchemaRegistryClients* registries) {
  KeySide key;
  if (const std::string* fields = table.option("key.fields")) {
    size_t start = 0;
    while (start <= fields->size()) {
      size_t end = fields->find(';', start);
      std::string name = fields->substr(start, end == std::string::npos ? std::string::npos : end - start);
      auto it = std::find(schema.names.begin(), schema.names.end(), name);
      if (it == schema.names.end()) {
        return Status::invalid_argument(fmt::format("table '{}': 'key.fields' names '{}', which is not a physical column", table.name, name));
      }
      key.columns.push_back(static_cast<int>(it - schema.names.begin()));
      if (end == std::string::npos) break;
      start = end + 1;
    }
  } else {
    key.columns = schema.key;
  }
  if (key.columns.empty()) return key;
  CodecSpec spec;
  spec.table = &table;
  spec.is_key = true;
  spec.topic = topic_of(table);
  if (const std::string* f = table.option("key.format")) {
    spec.format = *f;
  } else if (is_confluent_cloud_registry_format(value_format)) {
    spec.format = "avro-registry";  // Confluent Cloud's default 'key.format', whatever the value's
  } else if (value_format.rfind("debezium-", 0) == 0) {
    return KeySide{};  // as debezium-json: the envelope is the record, no key unless asked for
  } else {
    spec.format = "json";  // as the json format keys a table
  }
  // Flink's 'key.fields-prefix': the table's key columns carry it, the key's fields do not.
  const std::string* prefix = table.option("key.fields-prefix");
  for (int c : key.columns) {
    std::string name = schema.names[static_cast<size_t>(c)];
    if (prefix) {
      if (name.rfind(*prefix, 0) != 0) {
        return Status::invalid_argument(fmt::format("table '{}': key column '{}' does not start with 'key.fields-prefix' '{}'",
                                                    table.name, name, *prefix));
      }
      name = name.substr(prefix->size());
    }
    spec.names.push_back(std::move(name));
    spec.types.push_back(schema.types[static_cast<size_t>(c)]);
  }
  CF_ASSIGN_OR_RETURN(key.codec, make_fields_codec(spec, registries));
  return key;
}

}  // namespace

Result<std::unique_ptr<RecordFormat>> make_avro_record_format(const sql::TableDef& table, const std::string& format,
                                                              SchemaRegistryClients* registries) {
  PhysicalSchema schema = physical_schema(table);
  CF_ASSIGN_OR_RETURN(KeySide key, key_side(table, schema, format, registries));
  CodecSpec spec;
  spec.table = &table;
  spec.format = format;
  spec.topic = topic_of(table);
  if (is_debezium_avro_format(format)) {
    CF_RETURN_IF_ERROR(check_format_options(spec));
    DataType row = DataType::of(values::TypeId::kRow);
    row.field_names = schema.names;
    row.children = schema.types;
    auto json = avro_schema_for_row({"before", "after", "op"}, {row, row, DataType::string()});
    if (!json.is_ok()) return json.status().with_context(fmt::format("table '{}': format '{}'", table.name, format));
    std::string envelope_json = Json::array({"null", std::move(*json)}).dump();
    CF_ASSIGN_OR_RETURN(avro::Schema envelope, avro::Schema::parse(envelope_json));
    CF_ASSIGN_OR_RETURN(RegistryTarget target, registry_target(spec, "", registries));
    return std::unique_ptr<RecordFormat>(
        new DebeziumAvroFormat(schema.types, table.changelog_mode(), target, std::move(envelope), std::move(envelope_json), std::move(key)));
  }
  std::vector<int> value_columns;
  const std::string* include = table.option("value.fields-include");
  if (include && normalized(*include) != "all" && normalized(*include) != "except_key") {
    return Status::invalid_argument(fmt::format("table '{}': 'value.fields-include' = '{}'; expected 'ALL' or 'EXCEPT_KEY'",
                                                table.name, *include));
  }
  bool except_key = include && normalized(*include) == "except_key";
  if (except_key && key.columns.empty()) {
    return Status::invalid_argument(fmt::format("table '{}': 'value.fields-include' = 'EXCEPT_KEY' needs 'key.fields' (or a "
                                                "primary key)", table.name));
  }
  for (size_t i = 0; i < schema.names.size(); ++i) {
    bool in_key = std::find(key.columns.begin(), key.columns.end(), static_cast<int>(i)) != key.columns.end();
    if (except_key && in_key) continue;
    value_columns.push_back(static_cast<int>(i));
    spec.names.push_back(schema.names[i]);
    spec.types.push_back(schema.types[i]);
  }
  CF_ASSIGN_OR_RETURN(std::unique_ptr<FieldsCodec> value, make_fields_codec(spec, registries));
  return std::unique_ptr<RecordFormat>(new KeyValueAvroFormat(schema.names.size(), table.changelog_mode(), std::move(key),
                                                              std::move(value_columns), std::move(value)));
}

bool has_avro_key_format(const sql::TableDef& table) {
  const std::string* key = table.option("key.format");
  return key && key->find("avro") != std::string::npos;
}

CF_REGISTER_FORMAT({"avro", make_avro_record_format, true});
CF_REGISTER_FORMAT({"avro-confluent", make_avro_record_format, true});
CF_REGISTER_FORMAT({"avro-registry", make_avro_record_format, true});
CF_REGISTER_FORMAT({"debezium-avro-confluent", make_avro_record_format, false});
CF_REGISTER_FORMAT({"avro-debezium-registry", make_avro_record_format, false});
// careflow's first spelling of Confluent Cloud's 'avro-debezium-registry', kept so that tables
// created with it still read.
CF_REGISTER_FORMAT({"debezium-avro-registry", make_avro_record_format, false});

}  // namespace careflow::exec
