#pragma once
// careflow's private PostgreSQL: used when no DATABASE_URL is configured.
//
// On first start `initdb` creates a cluster in <dir> (logical replication enabled, trust
// authentication, listening only on a Unix socket and 127.0.0.1:<port>); every start runs the
// `postgres` server as a child process (as the `postgres` user when careflow runs as root) that
// also stops when careflow dies, even by SIGKILL. Server output goes to <dir>.log.

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include "common/status.h"

namespace careflow::store {

struct LocalPostgresOptions {
  std::string dir;           // the cluster's data directory, e.g. <data_dir>/pg
  int port = 5433;           // not Debian's default 5432, so a system server does not collide
  std::string bin_dir;       // where initdb/postgres live; "" = the newest /usr/lib/postgresql/*/bin
  std::string database = "careflow";  // created on first start
  std::chrono::milliseconds start_timeout{60'000};
};

class LocalPostgres {
 public:
  // Initializes (first time) and starts the server, waits until it accepts connections and the
  // database exists. FailedPrecondition when another server already runs on this directory;
  // IOError quoting the server's log when it does not start (e.g. the port is taken).
  static Result<std::unique_ptr<LocalPostgres>> start(const LocalPostgresOptions& options);

  ~LocalPostgres();  // stops the server
  LocalPostgres(const LocalPostgres&) = delete;
  LocalPostgres& operator=(const LocalPostgres&) = delete;

  // Fast shutdown (SIGINT), waits for the server to exit. Idempotent.
  Status stop();

  // libpq connection string for the careflow database over the Unix socket.
  std::string conninfo() const;
  // The same as a URL over TCP, for tools and `config show`: postgresql://careflow@127.0.0.1:<port>/careflow
  std::string url() const;
  pid_t pid() const { return pid_; }
  int port() const { return options_.port; }

 private:
  explicit LocalPostgres(LocalPostgresOptions options) : options_(std::move(options)) {}
  Status initialize_cluster();
  Status launch_server();
  Status wait_until_ready();
  Status ensure_database();

  LocalPostgresOptions options_;
  std::string socket_dir_;
  pid_t pid_ = -1;
};

}  // namespace careflow::store
