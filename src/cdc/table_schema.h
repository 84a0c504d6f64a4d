#pragma once
// What careflow knows of a captured table: its columns in order with their PostgreSQL types, and
// from the catalog the NOT NULL flags, column defaults and the primary key (pgoutput's relation
// message marks every column as "key" under REPLICA IDENTITY FULL, so the key comes from here).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cdc/pgoutput.h"
#include "common/status.h"
#include "store/pg_connection.h"

namespace careflow::cdc {

struct ColumnSchema {
  std::string name;
  uint32_t type_oid = 0;
  int32_t type_modifier = -1;
  bool optional = true;                     // not NOT NULL
  std::optional<std::string> default_expr;  // pg_get_expr of the column default, e.g. 'x'::text or now()
};

struct TableSchema {
  uint32_t relation_oid = 0;
  std::string schema;
  std::string table;
  std::vector<ColumnSchema> columns;
  std::vector<size_t> key_columns;  // indexes into columns, in primary-key order; empty = no primary key

  std::string qualified_name() const { return schema + "." + table; }  // public.prescriptions
};

// The table as the catalog describes it now. NotFound when it does not exist.
Result<TableSchema> load_table_schema(store::PgConnection& conn, const std::string& schema, const std::string& table);

// The table as a relation message describes it (column order and types from the message, which
// is what the following tuples follow), completed from the catalog.
Result<TableSchema> load_table_schema(store::PgConnection& conn, const RelationMessage& relation);

}  // namespace careflow::cdc
