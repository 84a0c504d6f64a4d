#include "sql/catalog.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/suggest.h"
#include "sql/printer.h"

namespace careflow::sql {

const std::string* TableDef::option(std::string_view key) const {
  for (const auto& [k, v] : options) {
    if (k == key) return &v;
  }
  return nullptr;
}

int TableDef::column_index(std::string_view n) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == n) return static_cast<int>(i);
  }
  return -1;
}

std::vector<int> TableDef::primary_key_indexes() const {
  std::vector<int> out;
  for (const std::string& k : primary_key) out.push_back(column_index(k));
  return out;
}

ChangelogMode TableDef::changelog_mode() const {
  if (const std::string* mode = option("changelog.mode")) {
    if (*mode == "retract") return ChangelogMode::kRetract;
    if (*mode == "upsert") return ChangelogMode::kUpsert;
    return ChangelogMode::kAppend;
  }
  const std::string* connector = option("connector");
  const std::string* format = option("value.format");
  if (!format) format = option("format");
  if (format && (*format == "debezium-json" || *format == "debezium-avro-confluent" || *format == "debezium-avro-registry" ||
                 *format == "avro-debezium-registry" || *format == "canal-json" || *format == "maxwell-json" ||
                 *format == "ogg-json")) {
    return ChangelogMode::kRetract;
  }
  if (connector && *connector == "upsert-kafka") return ChangelogMode::kUpsert;
  if (connector && *connector != "upsert-kafka") return ChangelogMode::kAppend;
  return primary_key.empty() ? ChangelogMode::kAppend : ChangelogMode::kUpsert;
}

std::string TableDef::create_statement() const {
  std::string out = "CREATE TABLE " + quote_identifier(name) + " (\n";
  std::vector<std::string> lines;
  for (const TableColumn& c : columns) {
    if (c.system) continue;
    std::string line = "  " + quote_identifier(c.name);
    if (c.computed) {
      line += " AS " + print_expr(*c.computed);
    } else {
      line += " " + c.type.without_time_attribute().to_string();
      if (c.metadata) {
        line += " METADATA";
        if (!c.metadata_key.empty()) line += " FROM " + quote_string(c.metadata_key);
        if (c.is_virtual) line += " VIRTUAL";
      }
    }
    if (!c.comment.empty()) line += " COMMENT " + quote_string(c.comment);
    lines.push_back(line);
  }
  if (!primary_key.empty()) {
    std::string cols;
    for (const std::string& k : primary_key) cols += (cols.empty() ? "" : ", ") + quote_identifier(k);
    lines.push_back("  PRIMARY KEY (" + cols + ") NOT ENFORCED");
  }
  if (watermark) lines.push_back("  WATERMARK FOR " + quote_identifier(*watermark_column) + " AS " + print_expr(*watermark));
  for (size_t i = 0; i < lines.size(); ++i) out += lines[i] + (i + 1 < lines.size() ? ",\n" : "\n");
  out += ")";
  if (!comment.empty()) out += "\nCOMMENT " + quote_string(comment);
  if (!distributed_by.empty()) {
    std::string cols;
    for (const std::string& k : distributed_by) cols += (cols.empty() ? "" : ", ") + quote_identifier(k);
    out += "\nDISTRIBUTED BY HASH(" + cols + ")";
    if (buckets) out += fmt::format(" INTO {} BUCKETS", *buckets);
  }
  if (!options.empty()) {
    out += "\nWITH (\n";
    for (size_t i = 0; i < options.size(); ++i) {
      out += "  " + quote_string(options[i].first) + " = " + quote_string(options[i].second) +
             (i + 1 < options.size() ? ",\n" : "\n");
    }
    out += ")";
  }
  return out;
}

void add_system_columns(TableDef& t) {
  std::erase_if(t.columns, [](const TableColumn& c) { return c.system; });
  const std::string* connector = t.option("connector");
  bool on_topic = !connector || *connector == "kafka" || *connector == "upsert-kafka";
  if (!on_topic || t.column_index(kRowtimeColumn) >= 0) return;
  TableColumn rowtime;
  rowtime.name = std::string(kRowtimeColumn);
  rowtime.type = DataType::timestamp_ltz(3);
  rowtime.type.nullable = false;
  rowtime.metadata = true;  // key '' = the column's name, which the topic connector reads as 'timestamp'
  rowtime.is_virtual = true;
  rowtime.system = true;
  t.columns.push_back(std::move(rowtime));
}

Status Catalog::create_table(TableDef table, bool if_not_exists) {
  if (tables_.count(table.name) || views_.count(table.name)) {
    if (if_not_exists) return Status::ok();
    return Status::already_exists(fmt::format("table '{}' already exists", table.name));
  }
  add_system_columns(table);
  std::string name = table.name;
  tables_.emplace(std::move(name), std::move(table));
  return Status::ok();
}

Status Catalog::create_view(ViewDef view, bool if_not_exists) {
  if (tables_.count(view.name) || views_.count(view.name)) {
    if (if_not_exists) return Status::ok();
    return Status::already_exists(fmt::format("view '{}' already exists", view.name));
  }
  std::string name = view.name;
  views_.emplace(std::move(name), std::move(view));
  return Status::ok();
}

Status Catalog::drop_table(const std::string& name, bool if_exists) {
  if (tables_.erase(name) == 0 && !if_exists) return not_found(name);
  return Status::ok();
}

Status Catalog::drop_view(const std::string& name, bool if_exists) {
  if (views_.erase(name) == 0 && !if_exists) {
    return Status::not_found(fmt::format("view '{}' not found", name));
  }
  return Status::ok();
}

const TableDef* Catalog::table(const std::string& name) const {
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : &it->second;
}

TableDef* Catalog::mutable_table(const std::string& name) {
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : &it->second;
}

const ViewDef* Catalog::view(const std::string& name) const {
  auto it = views_.find(name);
  return it == views_.end() ? nullptr : &it->second;
}

std::vector<std::string> Catalog::table_names() const {
  std::vector<std::string> out;
  for (const auto& [n, t] : tables_) out.push_back(n);
  for (const auto& [n, v] : views_) out.push_back(n);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Catalog::view_names() const {
  std::vector<std::string> out;
  for (const auto& [n, v] : views_) out.push_back(n);
  return out;
}

Status Catalog::not_found(const std::string& name) const {
  std::string near = nearest_name(name, table_names());
  if (!near.empty()) return Status::not_found(fmt::format("table '{}' not found; did you mean '{}'?", name, near));
  return Status::not_found(fmt::format("table '{}' not found", name));
}

std::string nearest_name(const std::string& name, const std::vector<std::string>& candidates) {
  // SQL names differ in case more often than in spelling: compare without it, allow a third.
  return nearest(name, candidates, std::max<size_t>(2, name.size() / 3), [](const std::string& c) { return c; },
                 /*ignore_case=*/true);
}

namespace {
Status at(SourcePos pos, const std::string& msg) {
  return Status::invalid_argument(fmt::format("line {}:{}: {}", pos.line, pos.column, msg));
}
}  // namespace

Result<TableDef> table_without_keys_from_ddl(CreateTable& ddl) {
  TableDef t;
  t.name = join_name(ddl.name);
  t.temporary = ddl.temporary;
  t.comment = ddl.comment;
  for (ColumnDef& c : ddl.columns) {
    if (t.column_index(c.name) >= 0) return at(c.pos, fmt::format("column '{}' is declared twice", c.name));
    TableColumn col;
    col.name = c.name;
    col.type = c.type;
    if (c.computed) col.computed = std::shared_ptr<const Expr>(std::move(c.computed));
    col.metadata = c.metadata;
    col.metadata_key = c.metadata_key;
    col.is_virtual = c.is_virtual;
    col.comment = c.comment;
    t.columns.push_back(std::move(col));
  }
  // Options before keys and watermark: they decide the system columns, which WATERMARK FOR
  // `$rowtime` may name.
  for (const TableOption& o : ddl.options) {
    for (const auto& [k, v] : t.options) {
      if (k == o.key) return at(o.pos, fmt::format("option '{}' is given twice", o.key));
    }
    if (o.key == "changelog.mode" && o.value != "append" && o.value != "retract" && o.value != "upsert") {
      return at(o.pos, fmt::format("'changelog.mode' must be 'append', 'retract' or 'upsert', not '{}'", o.value));
    }
    t.options.emplace_back(o.key, o.value);
  }
  add_system_columns(t);
  return t;
}

Status apply_keys_from_ddl(TableDef& t, CreateTable& ddl) {
  if (!ddl.primary_key.empty()) t.primary_key.clear();
  for (const std::string& k : ddl.primary_key) {
    int i = t.column_index(k);
    if (i < 0) return at(ddl.primary_key_pos, fmt::format("primary key column '{}' is not a column of '{}'", k, t.name));
    TableColumn& col = t.columns[static_cast<size_t>(i)];
    if (!col.is_physical()) {
      return at(ddl.primary_key_pos, fmt::format("primary key column '{}' must be a physical column", k));
    }
    col.type.nullable = false;  // Flink makes primary key columns NOT NULL
    t.primary_key.push_back(k);
  }
  for (const std::string& k : ddl.distributed_by) {
    if (t.column_index(k) < 0) return at({1, 1}, fmt::format("DISTRIBUTED BY column '{}' is not a column of '{}'", k, t.name));
  }
  if (!ddl.distributed_by.empty() || ddl.buckets) {
    t.distributed_by = ddl.distributed_by;
    t.buckets = ddl.buckets;
  }
  if (ddl.watermark) {
    if (t.column_index(ddl.watermark->column) < 0) {
      return at(ddl.watermark->pos, fmt::format("watermark column '{}' is not a column of '{}'", ddl.watermark->column, t.name));
    }
    t.watermark_column = ddl.watermark->column;
    t.watermark = std::shared_ptr<const Expr>(std::move(ddl.watermark->expr));
  }
  if (const std::string* mode = t.option("changelog.mode"); mode && *mode == "upsert" && t.primary_key.empty()) {
    return at({1, 1}, fmt::format("table '{}' has 'changelog.mode' = 'upsert' but no PRIMARY KEY; an upsert table "
                                  "needs one", t.name));
  }
  return Status::ok();
}

Result<TableDef> table_from_ddl(CreateTable& ddl) {
  CF_ASSIGN_OR_RETURN(TableDef t, table_without_keys_from_ddl(ddl));
  CF_RETURN_IF_ERROR(apply_keys_from_ddl(t, ddl));
  return t;
}

}  // namespace careflow::sql
