#include "exec/connectors/record_format.h"

#include <fmt/format.h>

#include "exec/connectors/debezium_ops.h"
#include "exec/connectors/fields_codec.h"
#include "exec/connectors/json_convert.h"

namespace careflow::exec {

PhysicalSchema physical_schema(const sql::TableDef& table) {
  PhysicalSchema s;
  for (const sql::TableColumn& c : table.columns) {
    if (!c.is_physical()) continue;
    for (const std::string& k : table.primary_key) {
      if (k == c.name) s.key.push_back(static_cast<int>(s.names.size()));
    }
    s.names.push_back(c.name);
    s.types.push_back(c.type.without_time_attribute());
  }
  return s;
}

std::string topic_of(const sql::TableDef& table) {
  const std::string* topic = table.option("topic");
  return topic ? *topic : table.name;
}

namespace {

Status record_error(const log::Record& record, const std::string& what) {
  return Status::invalid_argument(fmt::format("record at offset {}: {}", record.offset, what));
}

Result<Json> parse_json(const log::Record& record, const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    std::string shown = text.size() > 80 ? text.substr(0, 77) + "..." : text;
    return record_error(record, fmt::format("value is not JSON: {}", shown));
  }
  return j;
}

Result<Row> row_from_object(const Json& object, const PhysicalSchema& schema, RowKind kind) {
  if (!object.is_object()) return Status::invalid_argument(fmt::format("expected a JSON object, got {}", object.dump()));
  Row row{kind, {}};
  row.fields.reserve(schema.names.size());
  for (size_t i = 0; i < schema.names.size(); ++i) {
    auto it = object.find(schema.names[i]);
    if (it == object.end()) {
      row.fields.emplace_back();
      continue;
    }
    Result<Value> v = json_to_value(*it, schema.types[i]);
    if (!v.is_ok()) return Status::invalid_argument(fmt::format("field '{}': {}", schema.names[i], v.status().message()));
    row.fields.push_back(std::move(*v));
  }
  return row;
}

Json object_from_row(const Row& row, const PhysicalSchema& schema, const std::vector<int>* only = nullptr) {
  Json out = Json::object();
  if (only) {
    for (int i : *only) out[schema.names[static_cast<size_t>(i)]] = value_to_json(row.fields[static_cast<size_t>(i)], schema.types[static_cast<size_t>(i)]);
    return out;
  }
  for (size_t i = 0; i < schema.names.size(); ++i) out[schema.names[i]] = value_to_json(row.fields[i], schema.types[i]);
  return out;
}

class JsonFormat : public RecordFormat {
 public:
  JsonFormat(PhysicalSchema schema, sql::ChangelogMode mode, bool ignore_errors)
      : schema_(std::move(schema)), mode_(mode), ignore_errors_(ignore_errors) {}

  Status decode(const log::Record& record, RowBatch* out) const override {
    if (!record.value) {
      // A tombstone deletes the key's row in an upsert table; elsewhere it carries nothing.
      if (mode_ != sql::ChangelogMode::kUpsert || !record.key) return Status::ok();
      Result<Json> key = parse_json(record, *record.key);
      if (!key.is_ok()) return skip_or(key.status());
      Result<Row> row = row_from_object(*key, schema_, RowKind::kDelete);
      if (!row.is_ok()) return skip_or(record_error(record, "key: " + row.status().message()));
      out->push_back(std::move(*row));
      return Status::ok();
    }
    Result<Json> value = parse_json(record, *record.value);
    if (!value.is_ok()) return skip_or(value.status());
    RowKind kind = RowKind::kInsert;
    for (const log::Header& h : record.headers) {
      // Only a retract table's rows carry their kind; any other table reads every record as +I
      // (its declared changelog), whatever a header says.
      if (mode_ != sql::ChangelogMode::kRetract) break;
      if (h.key == "op" && h.value && !parse_kind(*h.value, &kind)) {
        return skip_or(record_error(record, fmt::format("header op '{}' is not +I, -U, +U or -D", *h.value)));
      }
    }
    Result<Row> row = row_from_object(*value, schema_, kind);
    if (!row.is_ok()) return skip_or(record_error(record, row.status().message()));
    out->push_back(std::move(*row));
    return Status::ok();
  }

  Status encode(const Row& row, std::vector<log::Record>* out) const override {
    log::Record r;
    if (!schema_.key.empty()) r.key = object_from_row(row, schema_, &schema_.key).dump();
    if (mode_ == sql::ChangelogMode::kUpsert) {
      if (row.kind == RowKind::kUpdateBefore) return Status::ok();
      if (row.kind != RowKind::kDelete) r.value = object_from_row(row, schema_).dump();
    } else {
      r.value = object_from_row(row, schema_).dump();
      if (mode_ == sql::ChangelogMode::kRetract) r.headers.push_back({"op", std::string(kind_symbol(row.kind))});
    }
    out->push_back(std::move(r));
    return Status::ok();
  }

 private:
  Status skip_or(Status s) const { return ignore_errors_ ? Status::ok() : s; }

  PhysicalSchema schema_;
  sql::ChangelogMode mode_;
  bool ignore_errors_;
};

class DebeziumJsonFormat : public RecordFormat {
 public:
  DebeziumJsonFormat(PhysicalSchema schema, sql::ChangelogMode mode, bool schema_include, bool ignore_errors)
      : schema_(std::move(schema)), mode_(mode), schema_include_(schema_include), ignore_errors_(ignore_errors) {}

  Status decode(const log::Record& record, RowBatch* out) const override {
    if (!record.value) return Status::ok();  // Debezium's tombstone after a delete
    Result<Json> parsed = parse_json(record, *record.value);
    if (!parsed.is_ok()) return skip_or(parsed.status());
    const Json* envelope = &*parsed;
    if (schema_include_ || (envelope->contains("payload") && envelope->contains("schema"))) {
      auto payload = envelope->find("payload");
      if (payload == envelope->end()) return skip_or(record_error(record, "no 'payload' in a schema-include envelope"));
      envelope = &*payload;
    }
    auto op_it = envelope->find("op");
    if (op_it == envelope->end() || !op_it->is_string()) {
      return skip_or(record_error(record, "not a Debezium envelope: no \"op\""));
    }
    std::string op = op_it->get<std::string>();
    auto side = [&](const char* name, RowKind kind) -> Status {
      auto it = envelope->find(name);
      if (it == envelope->end() || it->is_null()) {
        return record_error(record, fmt::format("Debezium op '{}' without \"{}\"", op, name));
      }
      Result<Row> row = row_from_object(*it, schema_, kind);
      if (!row.is_ok()) return record_error(record, fmt::format("\"{}\": {}", name, row.status().message()));
      out->push_back(std::move(*row));
      return Status::ok();
    };
    std::vector<DebeziumSide> sides;
    if (!debezium_sides(op, mode_, &sides)) return skip_or(record_error(record, fmt::format("unknown Debezium op '{}'", op)));
    for (const DebeziumSide& s : sides) {
      Status status = side(s.field, s.kind);
      if (!status.is_ok()) return skip_or(status);
    }
    return Status::ok();
  }

  Status encode(const Row& row, std::vector<log::Record>* out) const override {
    Json envelope = Json::object();
    bool insert = is_accumulate(row.kind);
    envelope["before"] = insert ? Json(nullptr) : object_from_row(row, schema_);
    envelope["after"] = insert ? object_from_row(row, schema_) : Json(nullptr);
    envelope["op"] = insert ? "c" : "d";
    log::Record r;
    r.value = envelope.dump();
    out->push_back(std::move(r));
    return Status::ok();
  }

 private:
  Status skip_or(Status s) const { return ignore_errors_ || s.is_ok() ? Status::ok() : s; }

  PhysicalSchema schema_;
  sql::ChangelogMode mode_;
  bool schema_include_;
  bool ignore_errors_;
};

class RawFormat : public RecordFormat {
 public:
  explicit RawFormat(sql::DataType type) : type_(std::move(type)) {}

  Status decode(const log::Record& record, RowBatch* out) const override {
    Row row;
    if (!record.value) row.fields.emplace_back();
    else if (type_.is_binary()) row.fields.push_back(Value::bytes(*record.value));
    else row.fields.push_back(Value::string(*record.value));
    out->push_back(std::move(row));
    return Status::ok();
  }

  Status encode(const Row& row, std::vector<log::Record>* out) const override {
    log::Record r;
    const Value& v = row.fields[0];
    if (!v.is_null()) r.value = type_.is_binary() ? v.as_bytes() : v.as_string();
    out->push_back(std::move(r));
    return Status::ok();
  }

 private:
  sql::DataType type_;
};

}  // namespace

static std::string value_format_of(const sql::TableDef& table) {
  const std::string* f = table.option("value.format");
  if (!f) f = table.option("format");
  return f ? *f : "json";
}

bool needs_session_registry(const sql::TableDef& table) {
  auto needs = [&](const std::string& format, const std::string& prefix) {
    if (format == "avro-registry" || format == "debezium-avro-registry") return true;
    if (format != "avro-confluent" && format != "debezium-avro-confluent") return false;
    return !table.option(prefix + format + ".url") && !(prefix == "value." && table.option(format + ".url"));
  };
  if (needs(value_format_of(table), "value.")) return true;
  const std::string* key = table.option("key.format");
  return key && needs(*key, "key.");
}

Result<std::unique_ptr<RecordFormat>> make_record_format(const sql::TableDef& table, FormatRegistries* registries) {
  std::string format = value_format_of(table);
  PhysicalSchema schema = physical_schema(table);
  auto flag = [&](const std::string& key) {
    const std::string* v = table.option(key);
    return v && *v == "true";
  };
  // A JSON or raw value under an Avro key ('key.format' = 'avro-confluent', ...): the key/value
  // layout the Avro formats share, with the value in its own format.
  if (const std::string* key = table.option("key.format");
      key && key->find("avro") != std::string::npos && (format == "json" || format == "raw")) {
    return make_avro_record_format(table, format, registries);
  }
  if (format == "json") {
    bool ignore = flag("json.ignore-parse-errors") || flag("value.json.ignore-parse-errors");
    return std::unique_ptr<RecordFormat>(new JsonFormat(std::move(schema), table.changelog_mode(), ignore));
  }
  if (format == "debezium-json") {
    bool include = flag("debezium-json.schema-include") || flag("value.debezium-json.schema-include");
    bool ignore = flag("debezium-json.ignore-parse-errors") || flag("value.debezium-json.ignore-parse-errors");
    return std::unique_ptr<RecordFormat>(new DebeziumJsonFormat(std::move(schema), table.changelog_mode(), include, ignore));
  }
  if (format == "raw") {
    if (schema.types.size() != 1 || !(schema.types[0].is_string() || schema.types[0].is_binary())) {
      return Status::invalid_argument(fmt::format("table '{}': the 'raw' format needs exactly one STRING or BYTES "
                                                  "physical column", table.name));
    }
    return std::unique_ptr<RecordFormat>(new RawFormat(schema.types[0]));
  }
  if (format == "avro" || format == "avro-confluent" || format == "avro-registry" || format == "debezium-avro-confluent" ||
      format == "debezium-avro-registry") {
    return make_avro_record_format(table, format, registries);
  }
  return Status::invalid_argument(fmt::format("table '{}': unknown format '{}'; careflow reads 'json', 'debezium-json', "
                                              "'raw', 'avro', 'avro-confluent', 'debezium-avro-confluent', 'avro-registry' "
                                              "and 'debezium-avro-registry'", table.name, format));
}

}  // namespace careflow::exec
