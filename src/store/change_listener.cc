#include "store/change_listener.h"

#include <libpq-fe.h>
#include <poll.h>

#include <fmt/format.h>

#include "common/exception_guard.h"
#include "common/logging.h"

namespace careflow::store {
namespace {

constexpr const char* kDomainTables[] = {"patients", "devices", "prescriptions"};

PGconn* connect_and_listen(const std::string& conninfo, std::string& error) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) == CONNECTION_OK) {
    PGresult* r = PQexec(conn, fmt::format("LISTEN {}", kTableChangesChannel).c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (ok) return conn;
  }
  error = PQerrorMessage(conn);
  PQfinish(conn);
  return nullptr;
}

}  // namespace

Result<std::unique_ptr<ChangeListener>> ChangeListener::start(const std::string& conninfo, Callback on_change) {
  std::string error;
  PGconn* conn = connect_and_listen(conninfo, error);
  if (!conn) return Status::unavailable(fmt::format("cannot LISTEN for table changes: {}", error));
  std::unique_ptr<ChangeListener> listener(new ChangeListener(conninfo, std::move(on_change)));
  listener->thread_ = std::thread([l = listener.get(), conn] { l->run(conn); });
  return listener;
}

ChangeListener::~ChangeListener() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

// Guarded: the callback runs on this thread, where an exception would end the process; one that
// throws is logged and the listener goes on with the next notification.
void ChangeListener::notify(const std::string& table) {
  Status called = catch_exceptions("the table change callback", [&] {
    on_change_(table);
    return Status::ok();
  });
  if (!called.is_ok()) log_error("store", called.message(), {{"table", table}});
}

void ChangeListener::run(void* opaque) {
  auto* conn = static_cast<PGconn*>(opaque);
  int backoff_ms = 100;
  while (!stopping_) {
    if (!conn) {
      std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
      std::string error;
      conn = connect_and_listen(conninfo_, error);
      if (!conn) {
        backoff_ms = std::min(backoff_ms * 2, 5000);
        continue;
      }
      backoff_ms = 100;
      for (const char* table : kDomainTables) notify(table);  // what changed while we were away is unknown
    }
    // Wake at least every 200 ms to notice stop().
    pollfd p{PQsocket(conn), POLLIN, 0};
    if (poll(&p, 1, 200) < 0 && errno != EINTR) break;
    if (!PQconsumeInput(conn) || PQstatus(conn) != CONNECTION_OK) {
      PQfinish(conn);
      conn = nullptr;
      continue;
    }
    while (PGnotify* n = PQnotifies(conn)) {
      notify(n->extra);
      PQfreemem(n);
    }
  }
  if (conn) PQfinish(conn);
}

}  // namespace careflow::store
