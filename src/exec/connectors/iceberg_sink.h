#pragma once
// The 'iceberg' connector's settings that are the process's, not a table's, and what its sink
// (iceberg_connector.cc) and source (iceberg_source.cc) share.

#include <memory>
#include <string>

#include "common/status.h"
#include "exec/connectors/connector.h"

namespace careflow::exec {

// The warehouse a table without a 'warehouse' option writes to: <data-dir>/warehouse, set by the
// app once its configuration is read (before any job starts). Empty: such a table is refused,
// naming the option.
void set_default_iceberg_warehouse(std::string dir);
std::string default_iceberg_warehouse();

// <warehouse>/<catalog-database>/<catalog-table> of an 'iceberg' table; InvalidArgument naming the
// table and option for a missing 'catalog-name', another 'catalog-type' or a remote warehouse.
Result<std::string> iceberg_table_location(const sql::TableDef& table);

// The bounded source of an 'iceberg' table (iceberg_source.cc).
Result<std::unique_ptr<Source>> make_iceberg_source(const sql::TableDef& table, const ConnectorContext& context);

}  // namespace careflow::exec
