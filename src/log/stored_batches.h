#pragma once
// Reading a partition's record batches as they are stored, without decoding their records: what a
// Kafka fetch serves (broker/handle_fetch.cc), since the records section of careflow's batch is
// Kafka's v2 records section byte for byte (docs/log-format.md) — only the header differs.
//
// A log that can do this implements StoredBatchSource beside Topics (the embedded log does; a
// remote Kafka backend does not): callers ask with dynamic_cast and fall back to Topics::fetch.

#include <cstdint>
#include <functional>
#include <string_view>

#include "common/status.h"
#include "log/topics.h"

namespace careflow::log {

// One committed batch, valid only during the visit.
struct StoredBatch {
  int64_t base_offset = 0;
  int32_t last_offset_delta = 0;
  int64_t first_timestamp = 0;  // the records' timestamp deltas are relative to it
  int64_t max_timestamp = 0;
  int32_t record_count = 0;
  uint16_t codec = 0;          // of the records section, Kafka's numbers: 0 none, 4 zstd
  std::string_view records;    // the records section as stored (one zstd frame when codec is 4)
  uint32_t records_crc = 0;    // CRC32C of `records`, carried over from the checked batch CRC
};

struct StoredBatchesRead {
  int64_t end_offset = 0;   // the partition's end when the read started
  int64_t next_offset = 0;  // after the last batch visited (compaction gaps skipped)
};

class StoredBatchSource {
 public:
  virtual ~StoredBatchSource() = default;
  // Visits, in offset order, the committed batches of `source` that hold an offset >= `offset`
  // (the first may start below it, as Kafka's fetch answers too), each checked against its CRC,
  // until `visit` returns false or the visited batches' records sections reach `max_bytes` (at
  // least one batch is visited when there is one). OutOfRange for an offset before the start or
  // past the end, NotFound for an unknown topic or partition, Corruption naming file and byte.
  virtual Result<StoredBatchesRead> read_stored_batches(const TopicPartition& source, int64_t offset, int64_t max_bytes,
                                                        const std::function<bool(const StoredBatch&)>& visit) const = 0;
};

}  // namespace careflow::log
