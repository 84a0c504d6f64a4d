#pragma once
// Debezium's PostgreSQL change events as Kafka Connect's JsonConverter writes them: the key is
// the primary key as a struct ("<topic>.Key"), the value the envelope ("<topic>.Envelope",
// version 2) with before, after, source, transaction, op, ts_ms, ts_us, ts_ns. With
// schemas.enable each is {"schema": ..., "payload": ...}; without, the payload alone.
// The topic is <topic.prefix>.<schema>.<table>.

#include <optional>
#include <string>

#include "cdc/debezium_types.h"
#include "cdc/lsn.h"
#include "cdc/pgoutput.h"
#include "cdc/table_schema.h"

namespace careflow::cdc {

struct EnvelopeOptions {
  std::string topic_prefix = "healthcare";  // topic.prefix, also source.name
  std::string database;                     // source.db
  bool schemas_enable = true;               // key/value.converter.schemas.enable
  DecimalHandling decimals = DecimalHandling::kPrecise;
  std::string version = "careflow";         // source.version: who produced the event
};

enum class Op : char { kCreate = 'c', kUpdate = 'u', kDelete = 'd', kRead = 'r', kTruncate = 't' };

// The source block's varying part.
struct SourceInfo {
  int64_t ts_us = 0;                  // commit time (streaming) or snapshot time
  std::string snapshot = "false";     // true, first, first_in_data_collection, last_in_data_collection, last, false
  std::optional<Lsn> last_commit_lsn;  // first element of source.sequence
  Lsn lsn = 0;
  std::optional<int64_t> tx_id;
};

// One table's precomputed schemas: built when the table's shape is learned, reused per event.
class TableEvents {
 public:
  TableEvents(TableSchema table, const EnvelopeOptions& options);

  const TableSchema& table() const { return table_; }
  const std::string& topic() const { return topic_; }
  bool has_key() const { return !table_.key_columns.empty(); }

  // The key record of a row; nullopt for a table without a primary key (Debezium's null key).
  Result<std::optional<std::string>> key(const Tuple& row) const;
  // The envelope. `before`/`after` may be null (insert/delete/truncate). `now_us` is ts_ms/us/ns.
  Result<std::string> value(Op op, const Tuple* before, const Tuple* after, const SourceInfo& source,
                            int64_t now_us) const;

 private:
  Status append_row(std::string& out, const Tuple& row) const;

  TableSchema table_;
  const EnvelopeOptions& options_;
  std::string topic_;
  // The constant parts of every record, serialized once: events are written as text around them
  // (json_text.h), byte for byte what dumping the equivalent JSON tree gives.
  std::string key_head_;             // {"schema":<key schema>,"payload": (empty without schemas)
  std::string value_head_;           // {"schema":<envelope schema>,"payload": (empty without schemas)
  std::vector<std::string> fields_;  // "<column name>": per column
  std::string source_head_;          // {"version":..,"connector":..,"name":..,"ts_ms":
  std::string source_db_;            // ,"db":..,"sequence":
  std::string source_table_;         // ,"schema":..,"table":..,"txId":
  mutable size_t value_size_hint_ = 256;  // the last value's size: one allocation per value
};

// Text form of a query result row as a tuple (NULL → kNull), for snapshot rows.
Tuple tuple_from_text(const std::vector<std::optional<std::string>>& row);

}  // namespace careflow::cdc
