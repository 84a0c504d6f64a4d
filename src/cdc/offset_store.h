#pragma once
// Where careflow's CDC keeps its position: records in the compacted internal topic
// "__careflow_cdc_offsets", key = the slot name, value = JSON {"lsn", "lsn_commit", "txId",
// "ts_usec", "snapshot_completed"} (the same facts Debezium keeps in Kafka Connect's offsets
// topic), plus "partial_tx" while a large transaction is being appended in chunks. Each record is
// appended in the same atomic append as the change events it covers, so the log's last offset
// record is exactly how far the topics go.

#include <cstdint>
#include <optional>
#include <string>

#include "cdc/lsn.h"
#include "common/status.h"
#include "log/topics.h"

namespace careflow::cdc {

inline constexpr const char* kOffsetsTopic = "__careflow_cdc_offsets";

// A transaction whose first `records` records (events and tombstones, in the order they were
// produced) are in the log while its commit is not: a restart skips that many when PostgreSQL
// sends the transaction again.
struct PartialTransaction {
  Lsn commit_lsn = 0;  // LSN of its commit record (pgoutput's Begin final_lsn): names the transaction
  int64_t tx_id = 0;
  int64_t records = 0;
};

struct StoredOffset {
  Lsn lsn = 0;                         // every transaction that ended at or before this is in the log
  std::optional<Lsn> last_commit_lsn;  // end LSN of the last transaction written (source.sequence[0])
  std::optional<int64_t> tx_id;
  int64_t commit_time_us = 0;          // of the last transaction written (0 after a snapshot or heartbeat)
  bool snapshot_completed = true;
  std::optional<PartialTransaction> partial;  // set while a transaction after `lsn` is partly in the log
};

log::Record offset_record(const std::string& slot, const StoredOffset& offset, int64_t now_ms);

// The newest offset of `slot`, or nullopt when the log holds none (never captured, or the
// offsets topic does not exist). Corruption when the stored record is not an offset.
Result<std::optional<StoredOffset>> read_stored_offset(const log::Topics& topics, const std::string& slot);

// Creates the offsets topic (compacted, one partition) unless it exists.
Status ensure_offsets_topic(log::Topics& topics, log::TopicConfig base);

}  // namespace careflow::cdc
