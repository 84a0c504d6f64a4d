#pragma once
// Decoder of PostgreSQL's built-in logical replication output plugin, pgoutput (the messages of
// "Logical Replication Message Formats" in PostgreSQL's protocol documentation), for protocol
// versions 1 to 4 without streamed in-progress transactions.
//
// Pure functions over bytes; the replication connection (replication_connection.h) delivers them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cdc/lsn.h"
#include "common/status.h"

namespace careflow::cdc {

// Microseconds since 2000-01-01 (PostgreSQL's epoch) → since 1970-01-01.
inline constexpr int64_t kPostgresEpochOffsetUs = 946'684'800'000'000;

struct RelationColumn {
  bool part_of_key = false;  // flag 1: part of the replica identity (all columns under FULL)
  std::string name;
  uint32_t type_oid = 0;
  int32_t type_modifier = -1;  // atttypmod, e.g. VARCHAR(n) → n + 4, NUMERIC(p,s) → ((p << 16) | s) + 4
};

struct RelationMessage {
  uint32_t relation_oid = 0;
  std::string schema;  // "" stands for pg_catalog in the protocol; kept as sent
  std::string table;
  char replica_identity = 'd';  // d default (primary key), n nothing, f full, i index
  std::vector<RelationColumn> columns;
};

struct TypeMessage {
  uint32_t type_oid = 0;
  std::string schema;
  std::string name;
};

struct TupleValue {
  enum class Kind : char { kNull = 'n', kUnchangedToast = 'u', kText = 't', kBinary = 'b' };
  Kind kind = Kind::kNull;
  std::string data;  // text or binary form when kind is kText / kBinary
};
using Tuple = std::vector<TupleValue>;

struct BeginMessage {
  Lsn final_lsn = 0;          // LSN of the commit record
  int64_t commit_time_us = 0;  // since the Unix epoch
  uint32_t xid = 0;
};

struct CommitMessage {
  Lsn commit_lsn = 0;  // LSN of the commit record
  Lsn end_lsn = 0;     // end of the commit record: where the next transaction may start
  int64_t commit_time_us = 0;
};

struct OriginMessage {
  Lsn origin_lsn = 0;
  std::string name;
};

struct InsertMessage {
  uint32_t relation_oid = 0;
  Tuple new_tuple;
};

struct UpdateMessage {
  uint32_t relation_oid = 0;
  // 'K' (changed key columns only) or 'O' (the whole old row, REPLICA IDENTITY FULL); nullopt
  // when the server sent no old row (default identity and the key did not change).
  std::optional<Tuple> old_tuple;
  bool old_is_key_only = false;
  Tuple new_tuple;
};

struct DeleteMessage {
  uint32_t relation_oid = 0;
  Tuple old_tuple;  // key columns only ('K') or the whole row ('O')
  bool old_is_key_only = false;
};

struct TruncateMessage {
  bool cascade = false;
  bool restart_identity = false;
  std::vector<uint32_t> relation_oids;
};

// A generic logical decoding message (pg_logical_emit_message), sent when messages are enabled.
struct LogicalMessage {
  bool transactional = false;
  Lsn lsn = 0;
  std::string prefix;
  std::string content;
};

using PgOutputMessage = std::variant<BeginMessage, CommitMessage, OriginMessage, RelationMessage, TypeMessage,
                                     InsertMessage, UpdateMessage, DeleteMessage, TruncateMessage, LogicalMessage>;

// Decodes one message (the payload of one XLogData). Corruption naming the message type and the
// byte offset when it is truncated or holds an unknown tag.
Result<PgOutputMessage> decode_pgoutput(std::string_view bytes);

}  // namespace careflow::cdc
