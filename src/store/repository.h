#pragma once
// Rows of the three domain tables as JSON objects with the table's snake_case column names, read
// and written with parameterized statements only. PostgreSQL does the typing: row_to_json gives
// numbers as numbers, DATE as "YYYY-MM-DD", JSONB embedded, TIMESTAMPTZ as ISO-8601 text.
// Field validation belongs to the caller (the API answers 422 naming the field); what slips past
// it comes back as InvalidArgument / FailedPrecondition from PostgreSQL, never as a crash.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "store/database.h"

namespace careflow::store {

struct TableSpec {
  std::string table;               // e.g. "prescriptions"
  std::string key;                 // the primary-key column
  std::vector<std::string> columns;  // writable columns, key included
  std::string order_by;            // list order, e.g. "device_id, prescription_id"
};

const TableSpec& patients_table();
const TableSpec& devices_table();
const TableSpec& prescriptions_table();

class Repository {
 public:
  Repository(Database& db, const TableSpec& spec) : db_(db), spec_(spec) {}

  Result<std::vector<nlohmann::json>> list() const;
  // Rows whose `column` equals `value` (column must be one of the spec's columns).
  Result<std::vector<nlohmann::json>> list_where(const std::string& column, const std::string& value) const;
  // NotFound when no row has that key.
  Result<nlohmann::json> get(const std::string& key) const;
  // `row` holds some of the spec's columns (absent ones take their defaults). AlreadyExists for a
  // duplicate key; FailedPrecondition for a broken reference; InvalidArgument for a value the
  // column's type cannot hold. Error messages start with the column's name ("birth_date '0000-01-01'
  // is not a date the database can store").
  Result<nlohmann::json> insert(const nlohmann::json& row);
  // Sets only the columns present in `changes` (and updated_at). NotFound when absent.
  Result<nlohmann::json> update(const std::string& key, const nlohmann::json& changes);
  // FailedPrecondition while other rows reference it; NotFound when absent.
  Status remove(const std::string& key);

 private:
  Result<std::vector<nlohmann::json>> rows_of(Result<SqlRows> result) const;
  // `row`: the columns written, to name the one holding a value PostgreSQL refused.
  Status translate(const Status& status, const nlohmann::json* row = nullptr) const;
  Status data_error(const std::string& message, const nlohmann::json* row) const;

  Database& db_;
  const TableSpec& spec_;
};

}  // namespace careflow::store
