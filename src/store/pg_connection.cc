#include "store/pg_connection.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include "common/numbers.h"

namespace careflow::store {
namespace {

struct ResultCloser {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResultPtr = std::unique_ptr<PGresult, ResultCloser>;

std::string trimmed(const char* message) {
  std::string m = message ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

}  // namespace

int SqlRows::column(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

Result<std::unique_ptr<PgConnection>> PgConnection::connect(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    return Status::unavailable(fmt::format("cannot connect to PostgreSQL: {}", message));
  }
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);  // NOTICEs are not errors
  return std::unique_ptr<PgConnection>(new PgConnection(conn));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

Result<SqlRows> PgConnection::exec(std::string_view sql, const std::vector<SqlParam>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const SqlParam& p : params) values.push_back(p ? p->c_str() : nullptr);
  const std::string statement(sql);
  PgResultPtr result(PQexecParams(conn_, statement.c_str(), static_cast<int>(values.size()), nullptr,
                                  values.data(), nullptr, nullptr, 0));
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    const char* state = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
    last_sqlstate_ = state ? state : "";
    std::string message = trimmed(result ? PQresultErrorMessage(result.get()) : PQerrorMessage(conn_));
    if (!healthy()) return Status::unavailable(fmt::format("PostgreSQL connection lost: {}", message));
    std::string text = fmt::format("{}: {}", last_sqlstate_, message);
    if (last_sqlstate_.starts_with("23")) return Status::failed_precondition(std::move(text));
    return Status::invalid_argument(std::move(text));
  }
  last_sqlstate_.clear();
  SqlRows rows;
  const int ncols = PQnfields(result.get());
  const int nrows = PQntuples(result.get());
  for (int c = 0; c < ncols; ++c) {
    rows.columns.emplace_back(PQfname(result.get(), c));
    rows.column_types.push_back(PQftype(result.get(), c));
  }
  rows.rows.resize(nrows);
  for (int r = 0; r < nrows; ++r) {
    rows.rows[r].reserve(ncols);
    for (int c = 0; c < ncols; ++c) {
      if (PQgetisnull(result.get(), r, c)) {
        rows.rows[r].emplace_back(std::nullopt);
      } else {
        rows.rows[r].emplace_back(std::string(PQgetvalue(result.get(), r, c), PQgetlength(result.get(), r, c)));
      }
    }
  }
  const char* affected = PQcmdTuples(result.get());
  rows.affected = affected ? parse_number<int64_t>(affected).value_or(0) : 0;
  return rows;
}

Status PgConnection::exec_script(std::string_view sql) {
  const std::string script(sql);
  PgResultPtr result(PQexec(conn_, script.c_str()));
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Status::ok();
  return Status::invalid_argument(trimmed(result ? PQresultErrorMessage(result.get()) : PQerrorMessage(conn_)));
}

}  // namespace careflow::store
