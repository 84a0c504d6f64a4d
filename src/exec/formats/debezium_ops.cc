#include "exec/formats/debezium_ops.h"

namespace careflow::exec {

bool debezium_sides(std::string_view op, sql::ChangelogMode mode, std::vector<DebeziumSide>* out) {
  out->clear();
  const bool append = mode == sql::ChangelogMode::kAppend;
  if (op == "c" || op == "r") {
    out->push_back({"after", RowKind::kInsert});
  } else if (op == "u") {
    if (!append) out->push_back({"before", RowKind::kUpdateBefore});
    out->push_back({"after", append ? RowKind::kInsert : RowKind::kUpdateAfter});
  } else if (op == "d") {
    out->push_back({"before", append ? RowKind::kInsert : RowKind::kDelete});
  } else if (op != "t" && op != "m") {
    return false;
  }
  return true;
}

}  // namespace careflow::exec
