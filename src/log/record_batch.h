#pragma once
// The on-disk record batch (docs/log-format.md). Private to log/.
//
//   0  base_offset        i64   offset of the first record
//   8  batch_length       i32   bytes after this field
//  12  header_crc         u32   CRC32C of bytes 0..11, so a damaged length is told from a torn tail
//  16  crc                u32   CRC32C of bytes 20..end
//  20  magic              u8    = 1
//  21  attributes         u16   bit 0: written by an atomic (transactional) append;
//                               bits 1-3: codec of the records section (0 none, 4 zstd: Kafka's numbers)
//  23  last_offset_delta  i32
//  27  first_timestamp    i64
//  35  max_timestamp      i64
//  43  txn_id             i64   0 unless transactional
//  51  record_count       i32
//  55  records: Kafka-style, zigzag varints: length, attributes i8, timestamp_delta, offset_delta,
//      key_length (-1 = null) + key, value_length (-1 = tombstone) + value, header_count,
//      per header: key_length + key, value_length (-1 = null) + value. With a codec, the records
//      section is one compressed frame of those bytes, and the CRC covers the compressed bytes.
// Fixed-width fields are little-endian.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "log/topics.h"

namespace careflow::log {

inline constexpr size_t kBatchHeaderSize = 55;
inline constexpr size_t kBatchLengthPrefix = 12;  // base_offset + batch_length
inline constexpr uint8_t kBatchMagic = 1;
inline constexpr uint16_t kTransactionalBit = 1;
inline constexpr uint16_t kCodecShift = 1;
inline constexpr uint16_t kCodecMask = 0x7 << kCodecShift;
inline constexpr uint16_t kCodecZstd = 4;
// Below this many bytes of records, compression gains too little to pay for itself: stored plain.
inline constexpr size_t kMinCompressedSection = 512;
// The most bytes of records (before compression) one batch holds. Appends above it are refused
// before anything is written (the batch length is an i32, and a reader allocates the whole
// section); a stored frame claiming more is damage, however valid its CRC.
inline constexpr size_t kMaxBatchRecordBytes = size_t{256} << 20;

struct BatchHeader {
  int64_t base_offset = 0;
  int32_t batch_length = 0;
  uint32_t header_crc = 0;
  uint32_t crc = 0;
  uint8_t magic = 0;
  uint16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t first_timestamp = 0;
  int64_t max_timestamp = 0;
  int64_t txn_id = 0;
  int32_t record_count = 0;

  int64_t total_size() const { return kBatchLengthPrefix + static_cast<int64_t>(batch_length); }
  int64_t last_offset() const { return base_offset + last_offset_delta; }
  bool transactional() const { return attributes & kTransactionalBit; }
  uint16_t codec() const { return (attributes & kCodecMask) >> kCodecShift; }
};

// InvalidArgument naming `target` when `records` encode to more than kMaxBatchRecordBytes.
Status check_batch_size(std::string_view target, std::span<const Record> records);

// Encodes `records` (offsets base_offset, base_offset+1, ... unless `offsets` gives each record's
// own offset, as compaction does) into `out`, replacing its contents. With kZstd the records
// section is compressed when it is at least kMinCompressedSection bytes and compression makes it
// smaller; otherwise it is stored plain.
void encode_batch(std::span<const Record> records, int64_t base_offset, int64_t txn_id, Compression compression,
                  std::string& out, const std::vector<int64_t>* offsets = nullptr);

// Parses the fixed header of the batch at the start of `bytes` (at least kBatchHeaderSize long).
BatchHeader parse_batch_header(const char* bytes);

bool header_crc_ok(const char* bytes);
// `bytes` holds the whole batch.
bool body_crc_ok(const BatchHeader& header, const char* bytes);

// Appends the records of a complete, CRC-checked batch with offset >= `from_offset` to `out`;
// Corruption when the record section does not parse or does not decompress.
Status decode_records(const BatchHeader& header, const char* bytes, int64_t from_offset, std::vector<Record>& out);

}  // namespace careflow::log
