#include "store/local_postgres.h"

#include <libpq-fe.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "store/child_process.h"
#include "store/pg_connection.h"

namespace careflow::store {
namespace fs = std::filesystem;
namespace {

constexpr const char* kSuperuser = "careflow";
// sun_path holds 108 bytes including "/.s.PGSQL.<port>" and the terminating NUL.
constexpr size_t kMaxSocketDirLength = 90;

Result<std::string> find_bin_dir(const std::string& configured) {
  if (!configured.empty()) {
    if (fs::exists(fs::path(configured) / "initdb")) return configured;
    return Status::not_found(fmt::format("no initdb in the configured PostgreSQL bin dir {}", configured));
  }
  std::vector<std::pair<int, std::string>> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const fs::path bin = entry.path() / "bin";
    if (fs::exists(bin / "initdb") && fs::exists(bin / "postgres")) {
      found.emplace_back(std::atoi(entry.path().filename().c_str()), bin.string());
    }
  }
  if (found.empty()) {
    return Status::not_found(
        "PostgreSQL server programs not found under /usr/lib/postgresql/*/bin; install Debian's postgresql "
        "package (scripts/setup does) or set DATABASE_URL to use an existing server");
  }
  return std::max_element(found.begin(), found.end())->second;
}

bool process_alive(pid_t pid) { return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM); }

// The pid in <dir>/postmaster.pid, or -1.
pid_t postmaster_pid(const std::string& dir) {
  std::ifstream in(fs::path(dir) / "postmaster.pid");
  long pid = -1;
  if (!(in >> pid)) return -1;
  return static_cast<pid_t>(pid);
}

// The parent pid of `pid` from /proc, or -1.
pid_t parent_of(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name, which is in parentheses and may contain spaces: state ppid ...
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  char state = 0;
  long ppid = -1;
  if (sscanf(stat.c_str() + close + 1, " %c %ld", &state, &ppid) != 2) return -1;
  return static_cast<pid_t>(ppid);
}

// A server whose careflow died is shutting down by itself: it was re-parented to init, or its
// parent is a zombie (an empty cmdline). One whose parent lives is in use.
bool orphaned(pid_t pid) {
  const pid_t parent = parent_of(pid);
  return parent <= 1 || std::ifstream(fmt::format("/proc/{}/cmdline", parent)).peek() == EOF;
}

}  // namespace

Result<std::unique_ptr<LocalPostgres>> LocalPostgres::start(const LocalPostgresOptions& options) {
  std::unique_ptr<LocalPostgres> pg(new LocalPostgres(options));
  pg->options_.dir = fs::absolute(options.dir).lexically_normal().string();
  CF_ASSIGN_OR_RETURN(pg->options_.bin_dir, find_bin_dir(options.bin_dir));
  pg->socket_dir_ = pg->options_.dir;
  if (pg->socket_dir_.size() > kMaxSocketDirLength) {
    pg->socket_dir_ = fmt::format("/tmp/careflow-pg-{}", std::hash<std::string>{}(pg->options_.dir) % 1000000007);
  }
  if (!fs::exists(fs::path(pg->options_.dir) / "PG_VERSION")) CF_RETURN_IF_ERROR(pg->initialize_cluster());

  // A server left by a careflow that was killed stops by itself (it gets SIGINT when its parent
  // dies); give it a moment before declaring the directory busy.
  for (int i = 0; i < 100 && process_alive(postmaster_pid(pg->options_.dir)) && orphaned(postmaster_pid(pg->options_.dir)); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (pid_t other = postmaster_pid(pg->options_.dir); process_alive(other)) {
    return Status::failed_precondition(fmt::format(
        "a PostgreSQL server (pid {}) is already running on {}; is another careflow using this data dir?", other,
        pg->options_.dir));
  }
  CF_RETURN_IF_ERROR(pg->launch_server());
  CF_RETURN_IF_ERROR(pg->wait_until_ready());
  CF_RETURN_IF_ERROR(pg->ensure_database());
  return pg;
}

LocalPostgres::~LocalPostgres() { (void)stop(); }

Status LocalPostgres::initialize_cluster() {
  CF_ASSIGN_OR_RETURN(RunAs user, postgres_run_as());
  const fs::path dir(options_.dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::io_error(fmt::format("creating {}: {}", dir.string(), ec.message()));
  if (!fs::is_empty(dir)) {
    return Status::failed_precondition(fmt::format(
        "{} is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away or choose another data dir",
        dir.string()));
  }
  if (chown(dir.c_str(), user.uid, user.gid) != 0) return Status::from_errno(fmt::format("chown {}", dir.string()), errno);
  chmod(dir.c_str(), 0700);

  const std::string log_path = options_.dir + ".log";
  CF_RETURN_IF_ERROR(run_child({{options_.bin_dir + "/initdb", "-D", options_.dir, "-U", kSuperuser, "--auth=trust",
                                 "--encoding=UTF8", "--locale=C", "--no-instructions"},
                                log_path,
                                user})
                         .with_context(fmt::format("initializing PostgreSQL in {} as user {}", options_.dir, user.name)));

  // careflow's settings live in their own file, included from postgresql.conf.
  std::ofstream conf(dir / "careflow.conf");
  conf << "# Written by careflow on first start. Change database.port in careflow.toml, not here.\n"
          "wal_level = logical\n"
          "max_replication_slots = 10\n"
          "max_wal_senders = 10\n"
          "listen_addresses = '127.0.0.1'\n"
          "max_connections = 100\n";
  std::ofstream(dir / "postgresql.conf", std::ios::app) << "\ninclude 'careflow.conf'\n";
  if (!conf) return Status::io_error(fmt::format("writing {}/careflow.conf", dir.string()));
  return Status::ok();
}

Status LocalPostgres::launch_server() {
  CF_ASSIGN_OR_RETURN(RunAs user, postgres_run_as());
  std::error_code ec;
  fs::create_directories(socket_dir_, ec);
  if (socket_dir_ != options_.dir && chown(socket_dir_.c_str(), user.uid, user.gid) != 0) {
    return Status::from_errno(fmt::format("chown {}", socket_dir_), errno);
  }
  CF_ASSIGN_OR_RETURN(pid_, spawn_child({{options_.bin_dir + "/postgres", "-D", options_.dir, "-p",
                                          std::to_string(options_.port), "-k", socket_dir_},
                                         options_.dir + ".log",
                                         user,
                                         /*die_with_parent=*/true}));
  return Status::ok();
}

Status LocalPostgres::wait_until_ready() {
  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  const std::string ping = fmt::format("host={} port={} user={} dbname=postgres connect_timeout=2", socket_dir_,
                                       options_.port, kSuperuser);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return Status::io_error(fmt::format("PostgreSQL exited during start-up (is port {} in use? set database.port); "
                                          "{}.log ends with:\n{}",
                                          options_.port, options_.dir, tail_of_file(options_.dir + ".log")));
    }
    if (PQping(ping.c_str()) == PQPING_OK) return Status::ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  (void)stop();
  return Status::timeout(fmt::format("PostgreSQL did not accept connections within {} ms; {}.log ends with:\n{}",
                                     options_.start_timeout.count(), options_.dir, tail_of_file(options_.dir + ".log")));
}

Status LocalPostgres::ensure_database() {
  CF_ASSIGN_OR_RETURN(auto admin, PgConnection::connect(fmt::format("host={} port={} user={} dbname=postgres",
                                                                    socket_dir_, options_.port, kSuperuser)));
  CF_ASSIGN_OR_RETURN(SqlRows exists, admin->exec("SELECT 1 FROM pg_database WHERE datname = $1", {options_.database}));
  if (!exists.rows.empty()) return Status::ok();
  // CREATE DATABASE takes no parameters; the name is validated by quoting it as an identifier.
  std::string quoted = "\"";
  for (char c : options_.database) quoted += (c == '"') ? std::string("\"\"") : std::string(1, c);
  quoted += "\"";
  return admin->exec("CREATE DATABASE " + quoted).status();
}

Status LocalPostgres::stop() {
  if (pid_ <= 0) return Status::ok();
  kill(pid_, SIGINT);  // fast shutdown: roll back open transactions, checkpoint, exit
  int status = 0;
  for (int i = 0; i < 600; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return Status::ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid_, SIGQUIT);  // immediate shutdown after 30 s
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return Status::timeout("PostgreSQL did not stop within 30 s and was shut down immediately");
}

std::string LocalPostgres::conninfo() const {
  return fmt::format("host={} port={} user={} dbname={}", socket_dir_, options_.port, kSuperuser, options_.database);
}

std::string LocalPostgres::url() const {
  return fmt::format("postgresql://{}@127.0.0.1:{}/{}", kSuperuser, options_.port, options_.database);
}

}  // namespace careflow::store
