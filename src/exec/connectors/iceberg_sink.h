#pragma once
// The 'iceberg' connector's settings that are the process's, not a table's.

#include <string>

namespace careflow::exec {

// The warehouse a table without a 'warehouse' option writes to: <data-dir>/warehouse, set by the
// app once its configuration is read (before any job starts). Empty: such a table is refused,
// naming the option.
void set_default_iceberg_warehouse(std::string dir);
std::string default_iceberg_warehouse();

}  // namespace careflow::exec
