// 'debezium-json': Debezium's envelope {"before", "after", "op"}, each op into the rows
// debezium_ops.h gives for the table's changelog mode; 'debezium-json.schema-include' reads the
// {"schema", "payload"} wrapper. Written as Flink writes it: +I/+U as "c" with after, -U/-D as
// "d" with before.
#include <fmt/format.h>

#include "exec/formats/debezium_ops.h"
#include "exec/formats/format_util.h"
#include "exec/formats/json_rows.h"

namespace careflow::exec {

namespace {

class DebeziumJsonFormat : public RecordFormat {
 public:
  DebeziumJsonFormat(PhysicalSchema schema, sql::ChangelogMode mode, bool schema_include, bool ignore_errors)
      : schema_(std::move(schema)), mode_(mode), schema_include_(schema_include), ignore_errors_(ignore_errors) {}

  Status decode(const log::Record& record, RowBatch* out) const override {
    if (!record.value) return Status::ok();  // Debezium's tombstone after a delete
    Result<Json> parsed = parse_record_json(record, *record.value);
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

Result<std::unique_ptr<RecordFormat>> make_debezium_json_format(const sql::TableDef& table, const std::string&,
                                                                SchemaRegistryClients*) {
  bool include = table_flag(table, "debezium-json.schema-include") || table_flag(table, "value.debezium-json.schema-include");
  bool ignore =
      table_flag(table, "debezium-json.ignore-parse-errors") || table_flag(table, "value.debezium-json.ignore-parse-errors");
  return std::unique_ptr<RecordFormat>(new DebeziumJsonFormat(physical_schema(table), table.changelog_mode(), include, ignore));
}

}  // namespace

CF_REGISTER_FORMAT({"debezium-json", make_debezium_json_format, false});

}  // namespace careflow::exec
