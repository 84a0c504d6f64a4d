#include "store/device_assignment.h"

#include <fmt/format.h>

#include "common/json_parse.h"

namespace careflow::store {
namespace {

// PostgreSQL computes and renders the time (to_json of a timestamptz), which is what the
// repository's json_populate_record reads back into the column: no second formatting of times here.
Result<nlohmann::json> single_json(Result<SqlRows> rows, const std::string& what) {
  if (!rows) return rows.status();
  if (rows->rows.empty() || !rows->rows[0][0]) return Status::not_found(what);
  return parse_json(*rows->rows[0][0]);
}

}  // namespace

Result<nlohmann::json> new_assignment_time(Database& db, int64_t at_ms) {
  return single_json(db.exec("SELECT to_json(to_timestamp($1::bigint / 1000.0))", {std::to_string(at_ms)}),
                     "no assignment time");
}

Result<nlohmann::json> moved_assignment_time(Database& db, const std::string& device_id, int64_t at_ms) {
  return single_json(
      db.exec("SELECT to_json(GREATEST(to_timestamp($2::bigint / 1000.0), "
              "COALESCE(assigned_at, created_at) + interval '1 millisecond')) FROM devices WHERE device_id = $1",
              {device_id, std::to_string(at_ms)}),
      fmt::format("device_id '{}' not found", device_id));
}

}  // namespace careflow::store
