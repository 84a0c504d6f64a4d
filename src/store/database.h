#pragma once
// A pool of PostgreSQL connections shared by every request thread. Connections that break are
// replaced on the next use; a caller that finds every connection busy waits for one.

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/pg_connection.h"

namespace careflow::store {

class Database {
 public:
  // Opens `size` connections now, so a wrong URL fails at start and not at the first request.
  static Result<std::unique_ptr<Database>> open(const std::string& conninfo, int size = 4);

  // Runs `work` with a connection of its own. Thread-safe.
  template <typename T>
  Result<T> with_connection(const std::function<Result<T>(PgConnection&)>& work);

  // Runs `work` inside BEGIN ... COMMIT (ROLLBACK when it returns an error).
  template <typename T>
  Result<T> in_transaction(const std::function<Result<T>(PgConnection&)>& work);

  // One statement on any connection.
  Result<SqlRows> exec(std::string_view sql, const std::vector<SqlParam>& params = {});

  const std::string& conninfo() const { return conninfo_; }

 private:
  explicit Database(std::string conninfo) : conninfo_(std::move(conninfo)) {}
  Result<std::unique_ptr<PgConnection>> acquire();
  void release(std::unique_ptr<PgConnection> conn);

  std::string conninfo_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  int size_ = 0;
  int leased_ = 0;
};

template <typename T>
Result<T> Database::with_connection(const std::function<Result<T>(PgConnection&)>& work) {
  CF_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn, acquire());
  Result<T> result = work(*conn);
  release(std::move(conn));
  return result;
}

template <typename T>
Result<T> Database::in_transaction(const std::function<Result<T>(PgConnection&)>& work) {
  return with_connection<T>([&](PgConnection& conn) -> Result<T> {
    CF_RETURN_IF_ERROR(conn.exec("BEGIN").status());
    Result<T> result = work(conn);
    Status end = conn.exec(result.is_ok() ? "COMMIT" : "ROLLBACK").status();
    if (!result.is_ok()) return result;
    if (!end.is_ok()) return end;
    return result;
  });
}

}  // namespace careflow::store
