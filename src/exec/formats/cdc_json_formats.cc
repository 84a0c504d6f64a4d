// Flink's other changelog JSON formats, read and written as flink-json 1.20 does
// (org.apache.flink.formats.json.{canal,maxwell,ogg}):
//
//   'canal-json'    {"data": [rows], "old": [changed fields], "type": "INSERT" | "UPDATE" | "DELETE"
//                   | "CREATE", "database", "table", ...}: one row of each kind per element of
//                   "data"; an UPDATE's before image is the element of "old" with every field that
//                   is NULL or missing there taken from "data" (Flink's rule: "old" lists what
//                   changed); "CREATE" (a DDL event) carries no rows. 'canal-json.database.include'
//                   and 'canal-json.table.include' keep only events whose "database" / "table"
//                   match the regular expression whole.
//   'maxwell-json'  {"data": row, "old": changed fields, "type": "insert" | "update" | "delete"}: an
//                   update's before image takes from "data" every field "old" does not name (a
//                   field "old" names as null was NULL before).
//   'ogg-json'      {"before": row, "after": row, "op_type": "I" | "U" | "D"}: an update or a
//                   delete without "before" is an error naming the replica identity, as Flink's.
//
// Each gives the retract changelog (+I, -U/+U, -D); with 'changelog.mode' = 'append' every image
// is a +I as for the Debezium formats (debezium_ops.h). An unknown type is an error naming it, a
// record that is not such an event one naming the record; '<format>.ignore-parse-errors' skips
// both. Written as Flink writes them: +I/+U as an insert of the row, -U/-D as a delete of it.
#include <fmt/format.h>

#include <array>
#include <optional>
#include <regex>

#include "exec/formats/format_util.h"
#include "exec/formats/json_rows.h"

namespace careflow::exec {

namespace {

// The rows of one event before the table's changelog mode shapes them.
struct Change {
  enum class Op { kInsert, kUpdate, kDelete } op;
  Row before, after;  // before for update and delete, after for insert and update
};

class CdcJsonFormat : public RecordFormat {
 public:
  CdcJsonFormat(std::string name, PhysicalSchema schema, sql::ChangelogMode mode, bool ignore_errors)
      : name_(std::move(name)), schema_(std::move(schema)), mode_(mode), ignore_errors_(ignore_errors) {}

  Status decode(const log::Record& record, RowBatch* out) const override {
    if (!record.value || record.value->empty()) return Status::ok();  // a tombstone
    Result<Json> parsed = parse_record_json(record, *record.value);
    if (!parsed.is_ok()) return skip_or(parsed.status());
    if (!parsed->is_object()) return skip_or(record_error(record, fmt::format("{}: the record is not a JSON object", name_)));
    std::vector<Change> changes;
    Status read = changes_of(record, *parsed, &changes);
    if (!read.is_ok()) return skip_or(read);
    for (Change& c : changes) emit(c, out);
    return Status::ok();
  }

 protected:
  // The changes of one event, in order; an error names what is wrong with it.
  virtual Status changes_of(const log::Record& record, const Json& event, std::vector<Change>* out) const = 0;

  Status skip_or(Status s) const { return ignore_errors_ || s.is_ok() ? Status::ok() : s; }

  // The row of the object `value` (named `where` in errors), with `kind`.
  Result<Row> row_at(const log::Record& record, const Json* value, const char* where, RowKind kind) const {
    if (value == nullptr || !value->is_object()) {
      return record_error(record, fmt::format("{}: \"{}\" is not an object", name_, where));
    }
    Result<Row> row = row_from_object(*value, schema_, kind);
    if (!row.is_ok()) return record_error(record, fmt::format("{}: \"{}\": {}", name_, where, row.status().message()));
    return row;
  }

  static const Json* field(const Json& object, const char* name) {
    auto it = object.find(name);
    return it == object.end() ? nullptr : &*it;
  }

  // The event's operation, read from its field `key` as spelled by `names` (insert, update,
  // delete); an error naming a missing or unknown one.
  Result<Change::Op> op_of(const log::Record& record, const Json& event, const char* key,
                           const std::array<const char*, 3>& names) const {
    const Json* type = field(event, key);
    if (type == nullptr || !type->is_string()) return record_error(record, fmt::format("{}: no \"{}\" in the event", name_, key));
    const std::string op = type->get<std::string>();
    for (size_t i = 0; i < names.size(); ++i) {
      if (op == names[i]) return static_cast<Change::Op>(i);
    }
    return record_error(record, fmt::format("Unknown \"{}\" value \"{}\" in a {} event", key, op, name_));
  }

  // One record holding `event`.
  static void append(const Json& event, std::vector<log::Record>* out) {
    log::Record r;
    r.value = event.dump();
    out->push_back(std::move(r));
  }

  const std::string name_;
  const PhysicalSchema schema_;

 private:
  void emit(Change& c, RowBatch* out) const {
    const bool images_as_inserts = mode_ == sql::ChangelogMode::kAppend;
    switch (c.op) {
      case Change::Op::kInsert:
        c.after.kind = RowKind::kInsert;
        out->push_back(std::move(c.after));
        return;
      case Change::Op::kUpdate:
        if (!images_as_inserts) {
          c.before.kind = RowKind::kUpdateBefore;
          out->push_back(std::move(c.before));
        }
        c.after.kind = images_as_inserts ? RowKind::kInsert : RowKind::kUpdateAfter;
        out->push_back(std::move(c.after));
        return;
      case Change::Op::kDelete:
        c.before.kind = images_as_inserts ? RowKind::kInsert : RowKind::kDelete;
        out->push_back(std::move(c.before));
        return;
    }
  }

  sql::ChangelogMode mode_;
  bool ignore_errors_;
};

// The before image of an update: `after` with the fields `old` says changed put back.
// `changed(i)` tells whether column i's value in `old` is the before value.
template <typename Changed>
Row before_image(const Row& after, const Row& old, Changed&& changed) {
  Row before = old;
  for (size_t i = 0; i < before.fields.size(); ++i) {
    if (!changed(i)) before.fields[i] = after.fields[i];
  }
  return before;
}

class CanalJsonFormat : public CdcJsonFormat {
 public:
  CanalJsonFormat(PhysicalSchema schema, sql::ChangelogMode mode, bool ignore_errors, std::optional<std::regex> database,
                  std::optional<std::regex> table)
      : CdcJsonFormat("canal-json", std::move(schema), mode, ignore_errors),
        database_(std::move(database)),
        table_(std::move(table)) {}

  Status encode(const Row& row, std::vector<log::Record>* out) const override {
    Json event = Json::object();
    event["data"] = Json::array({object_from_row(row, schema_)});
    event["type"] = is_accumulate(row.kind) ? "INSERT" : "DELETE";
    append(event, out);
    return Status::ok();
  }

 protected:
  Status changes_of(const log::Record& record, const Json& event, std::vector<Change>* out) const override {
    if (!included(event, "database", database_) || !included(event, "table", table_)) return Status::ok();
    if (const Json* type = field(event, "type"); type != nullptr && *type == "CREATE") return Status::ok();  // DDL: no rows
    CF_ASSIGN_OR_RETURN(const Change::Op kind, op_of(record, event, "type", {"INSERT", "UPDATE", "DELETE"}));
    const Json* data = field(event, "data");
    if (data == nullptr || !data->is_array()) return record_error(record, "canal-json: \"data\" is not an array");
    const Json* old = kind == Change::Op::kUpdate ? field(event, "old") : nullptr;
    if (kind == Change::Op::kUpdate && (old == nullptr || !old->is_array() || old->size() < data->size())) {
      return record_error(record, "canal-json: an UPDATE's \"old\" is not an array with an element per row of \"data\"");
    }
    for (size_t i = 0; i < data->size(); ++i) {
      const std::string where = fmt::format("data[{}]", i);
      CF_ASSIGN_OR_RETURN(Row row, row_at(record, &(*data)[i], where.c_str(), RowKind::kInsert));
      Change c{kind, {}, {}};
      if (kind == Change::Op::kUpdate) {
        const std::string old_where = fmt::format("old[{}]", i);
        CF_ASSIGN_OR_RETURN(Row previous, row_at(record, &(*old)[i], old_where.c_str(), RowKind::kInsert));
        // Flink copies every field that is NULL in "old", whether named there or not.
        c.before = before_image(row, previous, [&](size_t f) { return !previous.fields[f].is_null(); });
      }
      (kind == Change::Op::kDelete ? c.before : c.after) = std::move(row);
      out->push_back(std::move(c));
    }
    return Status::ok();
  }

 private:
  // Whether the event's `name` field matches the filter whole (no filter: every event).
  static bool included(const Json& event, const char* name, const std::optional<std::regex>& filter) {
    if (!filter) return true;
    const Json* value = field(event, name);
    return value != nullptr && value->is_string() && std::regex_match(value->get<std::string>(), *filter);
  }

  std::optional<std::regex> database_, table_;
};

class MaxwellJsonFormat : public CdcJsonFormat {
 public:
  MaxwellJsonFormat(PhysicalSchema schema, sql::ChangelogMode mode, bool ignore_errors)
      : CdcJsonFormat("maxwell-json", std::move(schema), mode, ignore_errors) {}

  Status encode(const Row& row, std::vector<log::Record>* out) const override {
    Json event = Json::object();
    event["data"] = object_from_row(row, schema_);
    event["type"] = is_accumulate(row.kind) ? "insert" : "delete";
    append(event, out);
    return Status::ok();
  }

 protected:
  Status changes_of(const log::Record& record, const Json& event, std::vector<Change>* out) const override {
    Change c{Change::Op::kInsert, {}, {}};
    CF_ASSIGN_OR_RETURN(c.op, op_of(record, event, "type", {"insert", "update", "delete"}));
    CF_ASSIGN_OR_RETURN(Row row, row_at(record, field(event, "data"), "data", RowKind::kInsert));
    if (c.op == Change::Op::kUpdate) {
      const Json* old = field(event, "old");
      CF_ASSIGN_OR_RETURN(Row previous, row_at(record, old, "old", RowKind::kInsert));
      c.before = before_image(row, previous, [&](size_t f) {
        return !previous.fields[f].is_null() || old->contains(schema_.names[f]);
      });
    }
    (c.op == Change::Op::kDelete ? c.before : c.after) = std::move(row);
    out->push_back(std::move(c));
    return Status::ok();
  }
};

class OggJsonFormat : public CdcJsonFormat {
 public:
  OggJsonFormat(PhysicalSchema schema, sql::ChangelogMode mode, bool ignore_errors)
      : CdcJsonFormat("ogg-json", std::move(schema), mode, ignore_errors) {}

  Status encode(const Row& row, std::vector<log::Record>* out) const override {
    const bool insert = is_accumulate(row.kind);
    Json event = Json::object();
    event["before"] = insert ? Json(nullptr) : object_from_row(row, schema_);
    event["after"] = insert ? object_from_row(row, schema_) : Json(nullptr);
    event["op_type"] = insert ? "I" : "D";
    append(event, out);
    return Status::ok();
  }

 protected:
  Status changes_of(const log::Record& record, const Json& event, std::vector<Change>* out) const override {
    Change c{Change::Op::kInsert, {}, {}};
    CF_ASSIGN_OR_RETURN(c.op, op_of(record, event, "op_type", {"I", "U", "D"}));
    if (c.op != Change::Op::kInsert) {
      const Json* before = field(event, "before");
      if (before == nullptr || before->is_null()) {
        return record_error(record, fmt::format("ogg-json: the \"before\" field of {} message is null; with Ogg's "
                                                "Postgres connector, set the table's REPLICA IDENTITY to FULL",
                                                c.op == Change::Op::kUpdate ? "UPDATE" : "DELETE"));
      }
      CF_ASSIGN_OR_RETURN(c.before, row_at(record, before, "before", RowKind::kInsert));
    }
    if (c.op != Change::Op::kDelete) {
      CF_ASSIGN_OR_RETURN(c.after, row_at(record, field(event, "after"), "after", RowKind::kInsert));
    }
    out->push_back(std::move(c));
    return Status::ok();
  }
};

bool ignores_errors(const sql::TableDef& table, const std::string& format) {
  return table_flag(table, format + ".ignore-parse-errors") || table_flag(table, "value." + format + ".ignore-parse-errors");
}

// A table's include filter ('canal-json.database.include'): a regular expression matched whole.
Result<std::optional<std::regex>> include_filter(const sql::TableDef& table, const std::string& key) {
  const std::string* pattern = table.option(key);
  if (!pattern) pattern = table.option("value." + key);
  if (!pattern) return std::optional<std::regex>();
  try {
    return std::optional<std::regex>(std::regex(*pattern, std::regex::ECMAScript));
  } catch (const std::regex_error& e) {
    return Status::invalid_argument(fmt::format("table '{}': '{}' is not a regular expression: {}", table.name, key, e.what()));
  }
}

Result<std::unique_ptr<RecordFormat>> make_canal_json(const sql::TableDef& table, const std::string&, SchemaRegistryClients*) {
  CF_ASSIGN_OR_RETURN(std::optional<std::regex> database, include_filter(table, "canal-json.database.include"));
  CF_ASSIGN_OR_RETURN(std::optional<std::regex> tables, include_filter(table, "canal-json.table.include"));
  return std::unique_ptr<RecordFormat>(new CanalJsonFormat(physical_schema(table), table.changelog_mode(),
                                                           ignores_errors(table, "canal-json"), std::move(database),
                                                           std::move(tables)));
}

Result<std::unique_ptr<RecordFormat>> make_maxwell_json(const sql::TableDef& table, const std::string&, SchemaRegistryClients*) {
  return std::unique_ptr<RecordFormat>(
      new MaxwellJsonFormat(physical_schema(table), table.changelog_mode(), ignores_errors(table, "maxwell-json")));
}

Result<std::unique_ptr<RecordFormat>> make_ogg_json(const sql::TableDef& table, const std::string&, SchemaRegistryClients*) {
  return std::unique_ptr<RecordFormat>(
      new OggJsonFormat(physical_schema(table), table.changelog_mode(), ignores_errors(table, "ogg-json")));
}

}  // namespace

CF_REGISTER_FORMAT({"canal-json", make_canal_json, false});
CF_REGISTER_FORMAT({"maxwell-json", make_maxwell_json, false});
CF_REGISTER_FORMAT({"ogg-json", make_ogg_json, false});

}  // namespace careflow::exec
