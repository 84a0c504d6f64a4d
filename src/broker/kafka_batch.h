#pragma once
// Kafka's record batch, magic v2, as it travels in Produce and Fetch (the protocol guide's
// "Record Batch"): big-endian header, CRC32C over everything after the crc field, zigzag-varint
// records. careflow's log stores its own header (log/record_batch.h, little-endian, with a header
// CRC) before the same records section, so produce decodes into log::Record, and fetch puts a
// Kafka header before a stored records section (or, where it cannot, encodes log::Records back).
// Private to broker/.
//
//   0 base_offset i64 | 8 batch_length i32 | 12 partition_leader_epoch i32 | 16 magic i8 = 2
//   17 crc u32 | 21 attributes i16 | 23 last_offset_delta i32 | 27 base_timestamp i64
//   35 max_timestamp i64 | 43 producer_id i64 | 51 producer_epoch i16 | 53 base_sequence i32
//   57 record_count i32 | 61 records
// attributes: bits 0-2 compression (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd), bit 3 timestamp
// type (1 = log append time), bit 4 transactional, bit 5 control batch.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "log/stored_batches.h"
#include "log/topics.h"

namespace careflow::broker {

inline constexpr size_t kKafkaBatchHeaderSize = 61;

// The idempotence fields of a record batch.
struct BatchProducer {
  int64_t producer_id = -1;  // -1: not an idempotent batch
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  int32_t record_count = 0;
  bool transactional = false;  // attribute bit 4: part of a transaction (transactions.h)
};

// The records of every batch in a produce request's record set, in order. InvalidArgument naming
// the batch and the problem for: a magic other than 2, a CRC32C mismatch, a length past the end,
// a record count that does not match, a record that does not parse, control
// batches; Unimplemented-style InvalidArgument ("compression codec lz4 is not supported") for codecs
// the broker cannot read. `codec_error` is set to true when the failure is the codec (so the
// caller answers UNSUPPORTED_COMPRESSION_TYPE instead of CORRUPT_MESSAGE). With `producers`, each
// batch's idempotence fields are appended to it, a batch after another.
Result<std::vector<log::Record>> decode_record_set(std::string_view bytes, bool& codec_error,
                                                   std::vector<BatchProducer>* producers = nullptr);

// Appends one uncompressed v2 batch holding `records` (offsets ascending, not necessarily
// consecutive) to `out`. Nothing is written for no records.
void encode_kafka_batch(std::span<const log::Record> records, std::string& out);

// Appends the stored batch as a Kafka v2 batch: a Kafka header, then the records section as it is
// (compressed or not: the codec goes into the attributes). The CRC is derived from the section's
// CRC, so the records are copied once and not read again.
void append_stored_batch(const log::StoredBatch& batch, std::string& out);

}  // namespace careflow::broker
