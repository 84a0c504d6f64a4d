#pragma once
// A thin owner of one libpq connection: parameterized statements only, results copied out as
// strings (NULL = nullopt), errors as Status carrying PostgreSQL's SQLSTATE and message.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

struct pg_conn;

namespace careflow::store {

using SqlParam = std::optional<std::string>;  // text-format parameter; nullopt = SQL NULL

struct SqlRows {
  std::vector<std::string> columns;
  std::vector<uint32_t> column_types;  // each column's type OID (PQftype): 23 int4, 25 text, ...
  std::vector<std::vector<std::optional<std::string>>> rows;
  int64_t affected = 0;  // rows inserted/updated/deleted (PQcmdTuples)

  // Index of a column by name; -1 when absent.
  int column(std::string_view name) const;
};

// A failed statement: code() is kFailedPrecondition for constraint violations (SQLSTATE class 23),
// kUnavailable for a lost connection, kInvalidArgument otherwise; the message starts with the
// SQLSTATE, e.g. "23503: insert or update on table ... violates foreign key constraint ...".
class PgConnection {
 public:
  // `conninfo`: a libpq connection string or URL. Unavailable when the server cannot be reached.
  static Result<std::unique_ptr<PgConnection>> connect(const std::string& conninfo);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Result<SqlRows> exec(std::string_view sql, const std::vector<SqlParam>& params = {});
  // Runs several statements without parameters (migrations).
  Status exec_script(std::string_view sql);
  bool healthy() const;
  // The SQLSTATE of the last failure ("" when none).
  const std::string& last_sqlstate() const { return last_sqlstate_; }

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  pg_conn* conn_;
  std::string last_sqlstate_;
};

}  // namespace careflow::store
