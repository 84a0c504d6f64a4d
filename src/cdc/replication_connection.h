#pragma once
// One PostgreSQL connection in logical replication mode (replication=database): creates slots,
// streams a slot through START_REPLICATION ... LOGICAL with pgoutput, and answers the server with
// standby status updates. Not thread-safe: one thread owns it.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "cdc/lsn.h"
#include "common/status.h"

struct pg_conn;

namespace careflow::cdc {

// The conninfo of a normal connection turned into a replication one, with the session settings
// whose text output the event converter expects (UTC, ISO dates, shortest exact floats).
std::string replication_conninfo(const std::string& conninfo);
// The same session settings for a normal (snapshot / catalog) connection.
std::string session_conninfo(const std::string& conninfo);

struct CreatedSlot {
  Lsn consistent_point = 0;
  std::string snapshot_name;  // "" unless exported
};

// XLogData: one pgoutput message.
struct WalData {
  Lsn wal_start = 0;  // LSN of the WAL record the message was decoded from
  Lsn wal_end = 0;    // the server's current end of WAL
  std::string payload;
};
// Primary keepalive.
struct Keepalive {
  Lsn wal_end = 0;
  bool reply_requested = false;
};
using StreamMessage = std::variant<WalData, Keepalive>;

class ReplicationConnection {
 public:
  // Unavailable when the server cannot be reached; FailedPrecondition when it refuses replication.
  static Result<std::unique_ptr<ReplicationConnection>> connect(const std::string& conninfo);
  ~ReplicationConnection();
  ReplicationConnection(const ReplicationConnection&) = delete;
  ReplicationConnection& operator=(const ReplicationConnection&) = delete;

  int server_version() const;  // e.g. 150020

  // CREATE_REPLICATION_SLOT <name> LOGICAL pgoutput, exporting a snapshot when asked. The
  // snapshot stays usable (SET TRANSACTION SNAPSHOT) until the next command on this connection.
  Result<CreatedSlot> create_slot(const std::string& slot, bool export_snapshot);

  // START_REPLICATION SLOT <slot> LOGICAL <start> with pgoutput's options; the connection is
  // then in COPY BOTH mode. The highest protocol version this server supports is used.
  Status start(const std::string& slot, const std::string& publication, Lsn start);

  // The next message, or nullopt when none arrived within `timeout`. Unavailable when the
  // connection is lost or the server ends the stream.
  Result<std::optional<StreamMessage>> read(std::chrono::milliseconds timeout);

  // Standby status update: `flushed` is what the server may discard (the slot's confirmed_flush_lsn).
  Status send_status(Lsn received, Lsn flushed, bool reply_requested = false);

  // Ends the stream (CopyDone) and waits up to 2 s for the server to end it too, so that the
  // status updates sent before are applied to the slot.
  Status finish();

 private:
  explicit ReplicationConnection(pg_conn* conn) : conn_(conn) {}
  Status command(const std::string& sql);
  pg_conn* conn_;
};

}  // namespace careflow::cdc
