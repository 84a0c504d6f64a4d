#include "cdc/table_schema.h"

#include <fmt/format.h>

#include <map>

#include "common/numbers.h"

namespace careflow::cdc {
namespace {

constexpr const char* kColumnsSql = R"sql(
SELECT a.attname, a.atttypid, a.atttypmod, a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
       (SELECT k.n FROM pg_index i, unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
         WHERE i.indrelid = c.oid AND i.indisprimary AND k.attnum = a.attnum) AS key_position, c.oid
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attnum)sql";

struct CatalogColumn {
  ColumnSchema column;
  int key_position = 0;  // 1-based position in the primary key; 0 = not part of it
};

Result<std::vector<CatalogColumn>> catalog_columns(store::PgConnection& conn, const std::string& schema,
                                                   const std::string& table, uint32_t& oid) {
  CF_ASSIGN_OR_RETURN(store::SqlRows rows, conn.exec(kColumnsSql, {schema, table}));
  if (rows.rows.empty()) return Status::not_found(fmt::format("table {}.{} does not exist", schema, table));
  std::vector<CatalogColumn> out;
  for (const auto& row : rows.rows) {
    CatalogColumn c;
    c.column.name = *row[0];
    const auto type_oid = parse_number<uint32_t>(row[1].value_or(""));
    const auto type_modifier = parse_number<int>(row[2].value_or(""));
    const auto key_position = row[5] ? parse_number<int>(*row[5]) : std::optional<int>(0);
    const auto table_oid = parse_number<uint32_t>(row[6].value_or(""));
    if (!type_oid || !type_modifier || !key_position || !table_oid) {
      return Status::internal(fmt::format("the catalog described column {} of {}.{} with numbers that do not parse",
                                          c.column.name, schema, table));
    }
    c.column.type_oid = *type_oid;
    c.column.type_modifier = *type_modifier;
    c.column.optional = *row[3] != "t";
    c.column.default_expr = row[4];
    c.key_position = *key_position;
    oid = *table_oid;
    out.push_back(std::move(c));
  }
  return out;
}

void set_key(TableSchema& t, const std::vector<int>& positions) {
  std::map<int, size_t> by_position;
  for (size_t i = 0; i < positions.size(); ++i) {
    if (positions[i] > 0) by_position[positions[i]] = i;
  }
  for (const auto& [position, index] : by_position) t.key_columns.push_back(index);
}

}  // namespace

Result<TableSchema> load_table_schema(store::PgConnection& conn, const std::string& schema, const std::string& table) {
  TableSchema t;
  t.schema = schema;
  t.table = table;
  CF_ASSIGN_OR_RETURN(auto columns, catalog_columns(conn, schema, table, t.relation_oid));
  std::vector<int> positions;
  for (auto& c : columns) {
    t.columns.push_back(std::move(c.column));
    positions.push_back(c.key_position);
  }
  set_key(t, positions);
  return t;
}

Result<TableSchema> load_table_schema(store::PgConnection& conn, const RelationMessage& relation) {
  TableSchema t;
  t.relation_oid = relation.relation_oid;
  t.schema = relation.schema.empty() ? "pg_catalog" : relation.schema;
  t.table = relation.table;
  uint32_t oid = 0;
  auto catalog = catalog_columns(conn, t.schema, t.table, oid);
  if (!catalog && catalog.status().code() != StatusCode::kNotFound) return catalog.status();
  std::map<std::string, CatalogColumn> by_name;
  if (catalog) {
    for (auto& c : *catalog) by_name[c.column.name] = std::move(c);
  }
  std::vector<int> positions;
  for (const RelationColumn& rc : relation.columns) {
    ColumnSchema c;
    c.name = rc.name;
    c.type_oid = rc.type_oid;
    c.type_modifier = rc.type_modifier;
    int position = 0;
    if (auto it = by_name.find(rc.name); it != by_name.end()) {
      c.optional = it->second.column.optional;
      c.default_expr = it->second.column.default_expr;
      position = it->second.key_position;
    }
    t.columns.push_back(std::move(c));
    positions.push_back(position);
  }
  set_key(t, positions);
  return t;
}

}  // namespace careflow::cdc
