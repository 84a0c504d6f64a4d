#include "store/database.h"

namespace careflow::store {

Result<std::unique_ptr<Database>> Database::open(const std::string& conninfo, int size) {
  std::unique_ptr<Database> db(new Database(conninfo));
  db->size_ = size;
  for (int i = 0; i < size; ++i) {
    CF_ASSIGN_OR_RETURN(auto conn, PgConnection::connect(conninfo));
    db->idle_.push_back(std::move(conn));
  }
  return db;
}

Result<std::unique_ptr<PgConnection>> Database::acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [&] { return !idle_.empty() || leased_ + static_cast<int>(idle_.size()) < size_; });
  ++leased_;
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    if (conn->healthy()) return conn;
  }
  // A broken connection (or a slot freed by one): connect anew outside the lock.
  lock.unlock();
  auto fresh = PgConnection::connect(conninfo_);
  if (!fresh) {
    lock.lock();
    --leased_;
    available_.notify_one();
  }
  return fresh;
}

void Database::release(std::unique_ptr<PgConnection> conn) {
  std::lock_guard lock(mutex_);
  --leased_;
  if (conn->healthy()) idle_.push_back(std::move(conn));
  available_.notify_one();
}

Result<SqlRows> Database::exec(std::string_view sql, const std::vector<SqlParam>& params) {
  return with_connection<SqlRows>([&](PgConnection& conn) { return conn.exec(sql, params); });
}

}  // namespace careflow::store
