#pragma once
// Private to exec/formats: what every format does the same way with a record.

#include <string>

#include "common/status.h"
#include "exec/row.h"
#include "log/topics.h"
#include "sql/catalog.h"

namespace careflow::exec {

// InvalidArgument "record at offset N: <what>".
Status record_error(const log::Record& record, const std::string& what);

// The kind a retract table's record carries in its header "op" (+I, -U, +U, -D); +I for any other
// table, whatever a header says, so that a format gives only the kinds its table's changelog mode
// declares. InvalidArgument naming the header for a value that is not a kind.
Status kind_from_headers(const log::Record& record, sql::ChangelogMode mode, RowKind* kind);

// Whether the table's option `key` is 'true'.
bool table_flag(const sql::TableDef& table, const std::string& key);

}  // namespace careflow::exec
