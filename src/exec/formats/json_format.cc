// 'json': one JSON object per record, fields by column name (Flink's 'json' format). A table with
// a primary key is keyed by a JSON object of the key columns; an upsert table writes -D as a
// tombstone and reads a tombstone as -D of its key; a retract table keeps the row kind in a
// record header "op". Under an Avro 'key.format' the value takes the Avro formats' key/value
// layout (avro_formats.cc).
#include "exec/formats/fields_codec.h"
#include "exec/formats/format_util.h"
#include "exec/formats/json_rows.h"

namespace careflow::exec {

namespace {

class JsonFormat : public RecordFormat {
 public:
  JsonFormat(PhysicalSchema schema, sql::ChangelogMode mode, bool ignore_errors)
      : schema_(std::move(schema)), mode_(mode), ignore_errors_(ignore_errors) {}

  Status decode(const log::Record& record, RowBatch* out) const override {
    if (!record.value) {
      // A tombstone deletes the key's row in an upsert table; elsewhere it carries nothing.
      if (mode_ != sql::ChangelogMode::kUpsert || !record.key) return Status::ok();
      Result<Json> key = parse_record_json(record, *record.key);
      if (!key.is_ok()) return skip_or(key.status());
      Result<Row> row = row_from_object(*key, schema_, RowKind::kDelete);
      if (!row.is_ok()) return skip_or(record_error(record, "key: " + row.status().message()));
      out->push_back(std::move(*row));
      return Status::ok();
    }
    Result<Json> value = parse_record_json(record, *record.value);
    if (!value.is_ok()) return skip_or(value.status());
    RowKind kind;
    if (Status s = kind_from_headers(record, mode_, &kind); !s.is_ok()) return skip_or(s);
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

Result<std::unique_ptr<RecordFormat>> make_json_format(const sql::TableDef& table, const std::string& format,
                                                       SchemaRegistryClients* registries) {
  if (has_avro_key_format(table)) return make_avro_record_format(table, format, registries);
  bool ignore = table_flag(table, "json.ignore-parse-errors") || table_flag(table, "value.json.ignore-parse-errors");
  return std::unique_ptr<RecordFormat>(new JsonFormat(physical_schema(table), table.changelog_mode(), ignore));
}

}  // namespace

CF_REGISTER_FORMAT({"json", make_json_format, true});

}  // namespace careflow::exec
