#include "store/repository.h"

#include <fmt/format.h>

#include "common/json_parse.h"

#include <algorithm>
#include <regex>

namespace careflow::store {
namespace {

bool is_column(const TableSpec& spec, const std::string& name) {
  return std::find(spec.columns.begin(), spec.columns.end(), name) != spec.columns.end();
}

// The spec's columns present in `row`, in spec order (only trusted names reach the SQL text).
std::vector<std::string> present_columns(const TableSpec& spec, const nlohmann::json& row) {
  std::vector<std::string> out;
  for (const std::string& c : spec.columns) {
    if (row.contains(c)) out.push_back(c);
  }
  return out;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

const TableSpec& patients_table() {
  static const TableSpec spec{"patients", "patient_id",
                              {"patient_id", "name", "gender", "birth_date", "zip_code", "timezone"},
                              "patient_id"};
  return spec;
}

const TableSpec& devices_table() {
  static const TableSpec spec{"devices", "device_id",
                              {"device_id", "patient_id", "model_type", "manufacturer", "serial_number",
                               "software_version", "pressure_setting", "flow_rate_setting", "flow_level_setting",
                               // written by the server only (api/domain_routes.cc), never from a body
                               "assigned_at"},
                              "device_id"};
  return spec;
}

const TableSpec& prescriptions_table() {
  static const TableSpec spec{"prescriptions", "prescription_id",
                              {"prescription_id", "patient_id", "device_id", "medication_or_therapy", "start_date",
                               "end_date", "parameters"},
                              "device_id, prescription_id"};
  return spec;
}

Result<std::vector<nlohmann::json>> Repository::rows_of(Result<SqlRows> result) const {
  if (!result) return translate(result.status());
  std::vector<nlohmann::json> rows;
  rows.reserve(result->rows.size());
  for (const auto& row : result->rows) {
    auto parsed = parse_json(row.at(0).value_or("null"));
    if (!parsed) return Status::internal(fmt::format("{}: row_to_json gave invalid JSON: {}", spec_.table, parsed.status().message()));
    rows.push_back(std::move(*parsed));
  }
  return rows;
}

// PostgreSQL's constraint errors, retold with the column and value its DETAIL names, e.g.
// 'Key (patient_id)=(P009) is not present in table "patients".'; its data errors (SQLSTATE class
// 22: a date or number the column's type cannot hold) retold naming the column of `row` that holds
// the value PostgreSQL quotes. Either way the message starts with the column's name.
Status Repository::translate(const Status& status, const nlohmann::json* row) const {
  static const std::regex kDetail(R"re(Key \(([^)]*)\)=\(([^)]*)\) (is still referenced from|is not present in|already exists)( table "([^"]*)")?)re");
  const std::string& m = status.message();
  if (m.starts_with("22")) return data_error(m, row);
  std::smatch detail;
  if (!std::regex_search(m, detail, kDetail)) return status;
  const std::string column = detail[1], value = detail[2], what = detail[3], table = detail[5];
  if (what == "already exists") return Status::already_exists(fmt::format("{} '{}' already exists", column, value));
  if (what == "is not present in") {
    return Status::failed_precondition(fmt::format("{} '{}' does not exist (no such row in {})", column, value, table));
  }
  return Status::failed_precondition(fmt::format("{} '{}' is still referenced by {}", column, value, table));
}

Status Repository::data_error(const std::string& message, const nlohmann::json* row) const {
  const std::string sqlstate = message.substr(0, 5);
  const char* what = sqlstate == "22001"                       ? "is too long for the database"
                     : sqlstate == "22007" || sqlstate == "22008" ? "is not a date the database can store"
                     : sqlstate == "22003"                      ? "is out of the range the database can store"
                                                                : "is not a value the database can store";
  // PostgreSQL quotes the value it refused: 'date/time field value out of range: "0000-01-01"'.
  const size_t open = message.find('"');
  const size_t close = open == std::string::npos ? open : message.find('"', open + 1);
  if (row && close != std::string::npos) {
    const std::string value = message.substr(open + 1, close - open - 1);
    for (const auto& [column, v] : row->items()) {
      if ((v.is_string() && v.get<std::string>() == value) || (!v.is_string() && v.dump() == value)) {
        return Status::invalid_argument(fmt::format("{} '{}' {}", column, value, what));
      }
    }
  }
  return Status::invalid_argument(fmt::format("{}: a value {} (SQLSTATE {})", spec_.table, what, sqlstate));
}

Result<std::vector<nlohmann::json>> Repository::list() const {
  return rows_of(db_.exec(fmt::format("SELECT row_to_json(t) FROM {} t ORDER BY {}", spec_.table, spec_.order_by)));
}

Result<std::vector<nlohmann::json>> Repository::list_where(const std::string& column, const std::string& value) const {
  if (!is_column(spec_, column)) return Status::invalid_argument(fmt::format("{} has no column '{}'", spec_.table, column));
  return rows_of(db_.exec(
      fmt::format("SELECT row_to_json(t) FROM {} t WHERE {} = $1 ORDER BY {}", spec_.table, column, spec_.order_by),
      {value}));
}

Result<nlohmann::json> Repository::get(const std::string& key) const {
  CF_ASSIGN_OR_RETURN(auto rows, rows_of(db_.exec(
                                     fmt::format("SELECT row_to_json(t) FROM {} t WHERE {} = $1", spec_.table, spec_.key),
                                     {key})));
  if (rows.empty()) return Status::not_found(fmt::format("{} '{}' not found", spec_.key, key));
  return rows.front();
}

Result<nlohmann::json> Repository::insert(const nlohmann::json& row) {
  const std::vector<std::string> columns = present_columns(spec_, row);
  if (columns.empty()) return Status::invalid_argument(fmt::format("no {} columns given", spec_.table));
  // json_populate_record types each value by its column; absent columns are not inserted, so
  // their defaults apply.
  auto result = db_.exec(fmt::format("INSERT INTO {0} ({1}) SELECT {1} FROM json_populate_record(NULL::{0}, $1::json) "
                                     "RETURNING row_to_json({0}.*)",
                                     spec_.table, joined(columns)),
                         {row.dump()});
  if (!result) return translate(result.status(), &row);
  CF_ASSIGN_OR_RETURN(auto rows, rows_of(std::move(result)));
  return rows.at(0);
}

Result<nlohmann::json> Repository::update(const std::string& key, const nlohmann::json& changes) {
  const std::vector<std::string> columns = present_columns(spec_, changes);
  if (columns.empty()) return get(key);
  auto result = db_.exec(fmt::format("UPDATE {0} SET ({1}, updated_at) = (SELECT {1}, now() FROM "
                                     "json_populate_record(NULL::{0}, $2::json)) WHERE {2} = $1 RETURNING row_to_json({0}.*)",
                                     spec_.table, joined(columns), spec_.key),
                         {key, changes.dump()});
  if (!result) return translate(result.status(), &changes);
  CF_ASSIGN_OR_RETURN(auto rows, rows_of(std::move(result)));
  if (rows.empty()) return Status::not_found(fmt::format("{} '{}' not found", spec_.key, key));
  return rows.front();
}

Status Repository::remove(const std::string& key) {
  auto result = db_.exec(fmt::format("DELETE FROM {} WHERE {} = $1", spec_.table, spec_.key), {key});
  if (!result) return translate(result.status());
  if (result->affected == 0) return Status::not_found(fmt::format("{} '{}' not found", spec_.key, key));
  return Status::ok();
}

}  // namespace careflow::store
