#include "cdc/replication_connection.h"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <sys/select.h>

#include "cdc/pgoutput.h"
#include "common/clock.h"

namespace careflow::cdc {
namespace {

constexpr const char* kSessionOptions = "-c TimeZone=UTC -c DateStyle=ISO -c IntervalStyle=iso_8601 -c extra_float_digits=1";

std::string trimmed(const char* message) {
  std::string m = message ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

// Adds key=value settings to a keyword/value conninfo or a postgresql:// URL.
std::string with_settings(const std::string& conninfo, const std::vector<std::pair<std::string, std::string>>& settings) {
  std::string out = conninfo;
  const bool url = conninfo.starts_with("postgres://") || conninfo.starts_with("postgresql://");
  for (const auto& [key, value] : settings) {
    if (url) {
      std::string encoded;
      for (char c : value) encoded += c == ' ' ? std::string("%20") : c == '=' ? std::string("%3D") : std::string(1, c);
      out += (out.find('?') == std::string::npos ? "?" : "&") + key + "=" + encoded;
    } else {
      out += " " + key + "='" + value + "'";
    }
  }
  return out;
}

void put_u64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint64_t get_u64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

int64_t postgres_now_us() { return wall_clock_ms() * 1000 - kPostgresEpochOffsetUs; }

}  // namespace

std::string replication_conninfo(const std::string& conninfo) {
  return with_settings(conninfo, {{"replication", "database"}, {"options", kSessionOptions}});
}

std::string session_conninfo(const std::string& conninfo) { return with_settings(conninfo, {{"options", kSessionOptions}}); }

Result<std::unique_ptr<ReplicationConnection>> ReplicationConnection::connect(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(replication_conninfo(conninfo).c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    if (message.find("replication") != std::string::npos && message.find("pg_hba") != std::string::npos) {
      return Status::failed_precondition(fmt::format(
          "PostgreSQL refuses a replication connection (allow it in pg_hba.conf and grant REPLICATION): {}", message));
    }
    return Status::unavailable(fmt::format("cannot open a replication connection to PostgreSQL: {}", message));
  }
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<ReplicationConnection>(new ReplicationConnection(conn));
}

ReplicationConnection::~ReplicationConnection() { PQfinish(conn_); }

int ReplicationConnection::server_version() const { return PQserverVersion(conn_); }

Result<CreatedSlot> ReplicationConnection::create_slot(const std::string& slot, bool export_snapshot) {
  const std::string sql = fmt::format("CREATE_REPLICATION_SLOT \"{}\" LOGICAL pgoutput {}", slot,
                                      export_snapshot ? "EXPORT_SNAPSHOT" : "NOEXPORT_SNAPSHOT");
  PGresult* result = PQexec(conn_, sql.c_str());
  if (PQresultStatus(result) != PGRES_TUPLES_OK || PQntuples(result) != 1) {
    std::string message = trimmed(PQresultErrorMessage(result));
    PQclear(result);
    if (PQstatus(conn_) != CONNECTION_OK) return Status::unavailable("PostgreSQL connection lost: " + message);
    return Status::failed_precondition(fmt::format("creating replication slot '{}': {}", slot, message));
  }
  CreatedSlot created;
  auto lsn = parse_lsn(PQgetvalue(result, 0, 1));
  if (!PQgetisnull(result, 0, 2)) created.snapshot_name = PQgetvalue(result, 0, 2);
  PQclear(result);
  if (!lsn) return lsn.status();
  created.consistent_point = *lsn;
  return created;
}

Status ReplicationConnection::command(const std::string& sql) {
  PGresult* result = PQexec(conn_, sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  std::string message = trimmed(PQresultErrorMessage(result));
  PQclear(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_BOTH) return Status::ok();
  if (PQstatus(conn_) != CONNECTION_OK) return Status::unavailable("PostgreSQL connection lost: " + message);
  return Status::failed_precondition(fmt::format("{}: {}", sql, message));
}

Status ReplicationConnection::start(const std::string& slot, const std::string& publication, Lsn start) {
  const int version = server_version();
  const int proto = version >= 160000 ? 4 : version >= 150000 ? 3 : version >= 140000 ? 2 : 1;
  return command(fmt::format("START_REPLICATION SLOT \"{}\" LOGICAL {} (proto_version '{}', publication_names '\"{}\"')",
                             slot, format_lsn(start), proto, publication));
}

Result<std::optional<StreamMessage>> ReplicationConnection::read(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    char* buffer = nullptr;
    const int n = PQgetCopyData(conn_, &buffer, /*async=*/1);
    if (n > 0) {
      std::string_view data(buffer, static_cast<size_t>(n));
      std::optional<StreamMessage> out;
      if (data[0] == 'w' && n >= 25) {
        WalData w;
        w.wal_start = get_u64(buffer + 1);
        w.wal_end = get_u64(buffer + 9);
        w.payload.assign(buffer + 25, static_cast<size_t>(n - 25));
        out = std::move(w);
      } else if (data[0] == 'k' && n >= 18) {
        out = Keepalive{get_u64(buffer + 1), buffer[17] != 0};
      }
      PQfreemem(buffer);
      if (out) return out;
      continue;  // an unknown CopyData message: ignore, as the protocol allows additions
    }
    if (n == -1) {
      PGresult* result = PQgetResult(conn_);
      std::string message = trimmed(result ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
      PQclear(result);
      return Status::unavailable(fmt::format("replication stream ended: {}", message.empty() ? "by the server" : message));
    }
    if (n == -2) return Status::unavailable(fmt::format("replication stream failed: {}", trimmed(PQerrorMessage(conn_))));
    // n == 0: nothing buffered; wait for the socket.
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return std::optional<StreamMessage>();
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - now);
    fd_set readable;
    FD_ZERO(&readable);
    const int fd = PQsocket(conn_);
    if (fd < 0) return Status::unavailable("replication connection has no socket");
    FD_SET(fd, &readable);
    timeval tv{static_cast<time_t>(left.count() / 1'000'000), static_cast<suseconds_t>(left.count() % 1'000'000)};
    if (select(fd + 1, &readable, nullptr, nullptr, &tv) < 0 && errno != EINTR) {
      return Status::from_errno("waiting for the replication stream", errno);
    }
    if (PQconsumeInput(conn_) == 0) {
      return Status::unavailable(fmt::format("replication connection lost: {}", trimmed(PQerrorMessage(conn_))));
    }
  }
}

Status ReplicationConnection::send_status(Lsn received, Lsn flushed, bool reply_requested) {
  std::string message(1, 'r');
  put_u64(message, received);
  put_u64(message, flushed);
  put_u64(message, flushed);  // applied: nothing is applied beyond what is durable
  put_u64(message, static_cast<uint64_t>(postgres_now_us()));
  message.push_back(reply_requested ? 1 : 0);
  if (PQputCopyData(conn_, message.data(), static_cast<int>(message.size())) != 1 || PQflush(conn_) != 0) {
    return Status::unavailable(fmt::format("sending a standby status update: {}", trimmed(PQerrorMessage(conn_))));
  }
  return Status::ok();
}

Status ReplicationConnection::finish() {
  if (PQputCopyEnd(conn_, nullptr) != 1 || PQflush(conn_) != 0) {
    return Status::unavailable(fmt::format("ending the replication stream: {}", trimmed(PQerrorMessage(conn_))));
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < deadline) {
    auto message = read(std::chrono::milliseconds(100));
    if (!message) return Status::ok();  // the server ended the stream
  }
  return Status::ok();
}

}  // namespace careflow::cdc
