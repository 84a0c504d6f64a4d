#include "exec/formats/format_util.h"

#include <fmt/format.h>

namespace careflow::exec {

Status record_error(const log::Record& record, const std::string& what) {
  return Status::invalid_argument(fmt::format("record at offset {}: {}", record.offset, what));
}

Status kind_from_headers(const log::Record& record, sql::ChangelogMode mode, RowKind* kind) {
  *kind = RowKind::kInsert;
  if (mode != sql::ChangelogMode::kRetract) return Status::ok();
  for (const log::Header& h : record.headers) {
    if (h.key == "op" && h.value && !parse_kind(*h.value, kind)) {
      return record_error(record, fmt::format("header op '{}' is not +I, -U, +U or -D", *h.value));
    }
  }
  return Status::ok();
}

bool table_flag(const sql::TableDef& table, const std::string& key) {
  const std::string* v = table.option(key);
  return v && *v == "true";
}

}  // namespace careflow::exec
