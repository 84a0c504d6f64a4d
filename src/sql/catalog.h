#pragma once
// The tables and views a session knows. A table is a schema plus options; where its rows live
// (a topic of the log, a file, a generator) is the exec layer's business, read from the options.
// Names are case-sensitive, as in Flink; lookups suggest the nearest name on a miss.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "sql/ast.h"
#include "sql/value_system.h"
#include "values/types.h"

namespace careflow::sql {

struct TableColumn {
  std::string name;
  DataType type;
  std::shared_ptr<const Expr> computed;  // `c AS expr`: evaluated over the physical columns
  bool metadata = false;
  std::string metadata_key;              // '' means the column name
  bool is_virtual = false;               // metadata read but never written
  // A system column (Confluent Cloud's `$rowtime`): not declared but added by the catalog
  // (add_system_columns), left out of SELECT *, DESCRIBE (not DESCRIBE EXTENDED), SHOW CREATE
  // TABLE and CREATE TABLE ... LIKE; selectable by name. Always a virtual metadata column.
  bool system = false;
  std::string comment;
  bool is_physical() const { return !computed && !metadata; }
};

// How a table's rows change: the changelog a source emits and a sink accepts.
enum class ChangelogMode { kAppend, kRetract, kUpsert };

struct TableDef {
  std::string name;
  std::vector<TableColumn> columns;
  std::vector<std::string> primary_key;
  std::optional<std::string> watermark_column;
  std::shared_ptr<const Expr> watermark;
  std::vector<std::string> distributed_by;
  std::optional<int> buckets;
  std::vector<std::pair<std::string, std::string>> options;  // in the order written
  std::string comment;
  bool temporary = false;

  const std::string* option(std::string_view key) const;
  int column_index(std::string_view name) const;  // -1 when absent
  std::vector<int> primary_key_indexes() const;
  // 'changelog.mode' if set; else the connector's ('upsert-kafka' upsert, 'kafka' append,
  // debezium-json retract); else upsert with a primary key and append without (Confluent Cloud).
  ChangelogMode changelog_mode() const;
  // SHOW CREATE TABLE: the statement that recreates this table.
  std::string create_statement() const;
};

struct ViewDef {
  std::string name;
  std::vector<std::string> columns;
  std::shared_ptr<const Query> query;
  std::string text;
  bool temporary = false;
};

class Catalog {
 public:
  // AlreadyExists "table 'x' already exists" unless if_not_exists (then OK, nothing changes).
  Status create_table(TableDef table, bool if_not_exists);
  Status create_view(ViewDef view, bool if_not_exists);
  // NotFound unless if_exists.
  Status drop_table(const std::string& name, bool if_exists);
  Status drop_view(const std::string& name, bool if_exists);
  const TableDef* table(const std::string& name) const;
  TableDef* mutable_table(const std::string& name);
  const ViewDef* view(const std::string& name) const;
  std::vector<std::string> table_names() const;  // tables and views, sorted
  std::vector<std::string> view_names() const;
  // "table 'x' not found; did you mean 'y'?" over tables and views.
  Status not_found(const std::string& name) const;

 private:
  std::map<std::string, TableDef> tables_;
  std::map<std::string, ViewDef> views_;
};

// Confluent Cloud's system column of every table on a topic (no 'connector', 'kafka' or
// 'upsert-kafka'): `$rowtime` TIMESTAMP_LTZ(3) NOT NULL METADATA VIRTUAL, the record's timestamp
// (read by the topic connector as METADATA FROM 'timestamp' is).
// TODO(event time): Confluent Cloud also makes `$rowtime` the rowtime attribute by default, with
// WATERMARK FOR `$rowtime` AS SOURCE_WATERMARK(); that default belongs to the event-time work.
inline constexpr std::string_view kRowtimeColumn = "$rowtime";

// Drops `t`'s system columns and appends the ones its options give it now, last; a table that
// declares a column of the same name keeps its own. The catalog calls it on every table it stores
// (create, ALTER), so a connector change adds or removes `$rowtime`.
void add_system_columns(TableDef& t);

// Builds a table definition from CREATE TABLE, checking names, key columns, the watermark column
// and option values; positions in errors come from the statement. Moves the column expressions out.
Result<TableDef> table_from_ddl(CreateTable& ddl);
// table_from_ddl in two steps, for CREATE TABLE ... LIKE, whose PRIMARY KEY and WATERMARK may name
// the source's columns (Flink resolves them on the merged schema): the columns and options alone,
// then the key, DISTRIBUTED BY and watermark resolved on `t` (the merged table), each replacing
// t's only when the statement declares one. Errors as table_from_ddl's.
Result<TableDef> table_without_keys_from_ddl(CreateTable& ddl);
Status apply_keys_from_ddl(TableDef& t, CreateTable& ddl);

// The closest of `candidates` to `name` within a small edit distance, or "" (for "did you mean").
std::string nearest_name(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace careflow::sql
