#include "log/record_batch.h"

#include <fmt/format.h>
#include <zstd.h>

#include <cstring>
#include <memory>

#include "common/crc32c.h"

namespace careflow::log {
namespace {

template <typename T>
void put_fixed(std::string& out, size_t at, T value) {
  std::memcpy(out.data() + at, &value, sizeof(T));  // little-endian hosts only (x86-64, arm64)
}

template <typename T>
T get_fixed(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

void put_varint(std::string& out, int64_t value) {
  uint64_t v = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);  // zigzag
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

size_t varint_size(int64_t value) {
  uint64_t v = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

void put_bytes(std::string& out, const std::optional<std::string>& bytes) {
  if (!bytes) {
    put_varint(out, -1);
    return;
  }
  put_varint(out, static_cast<int64_t>(bytes->size()));
  out.append(*bytes);
}

size_t bytes_size(const std::optional<std::string>& bytes) {
  return bytes ? varint_size(static_cast<int64_t>(bytes->size())) + bytes->size() : 1;
}

// Reads the records back; every read is bounds-checked, since a batch can be damaged in ways its
// CRC happens not to catch only with negligible probability, but a bug must not read past the end.
class Reader {
 public:
  Reader(const char* p, const char* end) : p_(p), end_(end) {}
  bool varint(int64_t& out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) return false;
      const auto byte = static_cast<uint8_t>(*p_++);
      v |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) {
        out = static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
        return true;
      }
    }
    return false;
  }
  bool bytes(std::optional<std::string>& out) {
    int64_t n;
    if (!varint(n) || n < -1 || n > end_ - p_) return false;
    if (n == -1) {
      out.reset();
    } else {
      out.emplace(p_, static_cast<size_t>(n));
      p_ += n;
    }
    return true;
  }
  bool skip(int64_t n) {
    if (n < 0 || n > end_ - p_) return false;
    p_ += n;
    return true;
  }
  const char* position() const { return p_; }

 private:
  const char* p_;
  const char* end_;
};

// The bytes of one record after its length prefix.
size_t record_body_size(const Record& r, int64_t ts_delta, int64_t offset_delta) {
  size_t len = 1 + varint_size(ts_delta) + varint_size(offset_delta) + bytes_size(r.key) + bytes_size(r.value) +
               varint_size(static_cast<int64_t>(r.headers.size()));
  for (const Header& h : r.headers) len += varint_size(static_cast<int64_t>(h.key.size())) + h.key.size() + bytes_size(h.value);
  return len;
}

// Level 1: on change events, whose JSON repeats the same schema in every record, it compresses
// several GB/s at a ratio above 100 (bench/results/log.md); higher levels gain little more.
constexpr int kZstdLevel = 1;

struct ZstdContexts {
  std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> compress{ZSTD_createCCtx(), ZSTD_freeCCtx};
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> decompress{ZSTD_createDCtx(), ZSTD_freeDCtx};
  std::string packed;  // the compressed batch being built, swapped with the caller's buffer
};

// Per thread, so that appends to different partitions never share one; a context is reused
// batch after batch (creating one costs more than compressing a small batch).
ZstdContexts& zstd_contexts() {
  thread_local ZstdContexts contexts;
  return contexts;
}

// Replaces the plain records section of `out` (after the header) by its zstd frame when that is
// smaller; true if it did.
bool compress_section(std::string& out) {
  const size_t plain = out.size() - kBatchHeaderSize;
  if (plain < kMinCompressedSection) return false;
  ZstdContexts& z = zstd_contexts();
  z.packed.resize(kBatchHeaderSize + ZSTD_compressBound(plain));
  const size_t n = ZSTD_compressCCtx(z.compress.get(), z.packed.data() + kBatchHeaderSize, z.packed.size() - kBatchHeaderSize,
                                     out.data() + kBatchHeaderSize, plain, kZstdLevel);
  if (ZSTD_isError(n) || n >= plain) return false;
  z.packed.resize(kBatchHeaderSize + n);
  out.swap(z.packed);  // the header is written afterwards, over whatever the buffer held
  return true;
}

Status parse_records(const BatchHeader& header, const char* begin, const char* end, int64_t from_offset,
                     std::vector<Record>& out);

}  // namespace

Status check_batch_size(std::string_view target, std::span<const Record> records) {
  const int64_t first_ts = records.empty() ? 0 : records.front().timestamp_ms;
  size_t bytes = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    const size_t body = record_body_size(records[i], records[i].timestamp_ms - first_ts, static_cast<int64_t>(i));
    bytes += varint_size(static_cast<int64_t>(body)) + body;
  }
  if (bytes <= kMaxBatchRecordBytes) return Status::ok();
  return Status::invalid_argument(fmt::format("{}: {} records of {} bytes exceed the {} MiB one append may hold; append them in smaller batches",
                                              target, records.size(), bytes, kMaxBatchRecordBytes >> 20));
}

void encode_batch(std::span<const Record> records, int64_t base_offset, int64_t txn_id, Compression compression,
                  std::string& out, const std::vector<int64_t>* offsets) {
  const int64_t first_ts = records.empty() ? 0 : records.front().timestamp_ms;
  int64_t max_ts = first_ts;
  // One pass: a generous reservation from the payload sizes, then each record is sized and written.
  size_t estimate = kBatchHeaderSize;
  for (const Record& r : records) estimate += 32 + (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0) + r.headers.size() * 16;
  out.clear();
  out.reserve(estimate);
  out.resize(kBatchHeaderSize);
  for (size_t i = 0; i < records.size(); ++i) {
    const Record& r = records[i];
    max_ts = std::max(max_ts, r.timestamp_ms);
    const int64_t ts_delta = r.timestamp_ms - first_ts;
    const int64_t delta = offsets ? (*offsets)[i] - base_offset : static_cast<int64_t>(i);
    put_varint(out, static_cast<int64_t>(record_body_size(r, ts_delta, delta)));
    out.push_back(0);  // record attributes: none yet
    put_varint(out, ts_delta);
    put_varint(out, delta);
    put_bytes(out, r.key);
    put_bytes(out, r.value);
    put_varint(out, static_cast<int64_t>(r.headers.size()));
    for (const Header& h : r.headers) {
      put_varint(out, static_cast<int64_t>(h.key.size()));
      out.append(h.key);
      put_bytes(out, h.value);
    }
  }
  const int64_t last_delta = records.empty() ? 0 : (offsets ? offsets->back() - base_offset : static_cast<int64_t>(records.size()) - 1);
  uint16_t attributes = txn_id ? kTransactionalBit : 0;
  if (compression == Compression::kZstd && compress_section(out)) attributes |= kCodecZstd << kCodecShift;
  put_fixed<int64_t>(out, 0, base_offset);
  put_fixed<int32_t>(out, 8, static_cast<int32_t>(out.size() - kBatchLengthPrefix));
  put_fixed<uint32_t>(out, 12, crc32c(out.data(), 12));
  put_fixed<uint8_t>(out, 20, kBatchMagic);
  put_fixed<uint16_t>(out, 21, attributes);
  put_fixed<int32_t>(out, 23, static_cast<int32_t>(last_delta));
  put_fixed<int64_t>(out, 27, first_ts);
  put_fixed<int64_t>(out, 35, max_ts);
  put_fixed<int64_t>(out, 43, txn_id);
  put_fixed<int32_t>(out, 51, static_cast<int32_t>(records.size()));
  put_fixed<uint32_t>(out, 16, crc32c(out.data() + 20, out.size() - 20));
}

BatchHeader parse_batch_header(const char* b) {
  BatchHeader h;
  h.base_offset = get_fixed<int64_t>(b);
  h.batch_length = get_fixed<int32_t>(b + 8);
  h.header_crc = get_fixed<uint32_t>(b + 12);
  h.crc = get_fixed<uint32_t>(b + 16);
  h.magic = get_fixed<uint8_t>(b + 20);
  h.attributes = get_fixed<uint16_t>(b + 21);
  h.last_offset_delta = get_fixed<int32_t>(b + 23);
  h.first_timestamp = get_fixed<int64_t>(b + 27);
  h.max_timestamp = get_fixed<int64_t>(b + 35);
  h.txn_id = get_fixed<int64_t>(b + 43);
  h.record_count = get_fixed<int32_t>(b + 51);
  return h;
}

bool header_crc_ok(const char* bytes) { return crc32c(bytes, 12) == get_fixed<uint32_t>(bytes + 12); }

bool body_crc_ok(const BatchHeader& header, const char* bytes) {
  return crc32c(bytes + 20, static_cast<size_t>(header.total_size() - 20)) == header.crc;
}

Status decode_records(const BatchHeader& header, const char* bytes, int64_t from_offset, std::vector<Record>& out) {
  const char* section = bytes + kBatchHeaderSize;
  const size_t section_size = static_cast<size_t>(header.total_size()) - kBatchHeaderSize;
  if (header.codec() == 0) return parse_records(header, section, section + section_size, from_offset, out);
  if (header.codec() != kCodecZstd) {
    return Status::corruption(fmt::format("batch at offset {} has unknown compression codec {}", header.base_offset, header.codec()));
  }
  const unsigned long long plain_size = ZSTD_getFrameContentSize(section, section_size);
  if (plain_size == ZSTD_CONTENTSIZE_ERROR || plain_size == ZSTD_CONTENTSIZE_UNKNOWN) {
    return Status::corruption(fmt::format("batch at offset {} has a malformed zstd frame", header.base_offset));
  }
  if (plain_size > kMaxBatchRecordBytes) {  // checked before allocating it: no append writes that much
    return Status::corruption(fmt::format("batch at offset {} claims {} bytes of records, more than the {} MiB a batch holds",
                                          header.base_offset, plain_size, kMaxBatchRecordBytes >> 20));
  }
  std::string plain(plain_size, '\0');
  const size_t n = ZSTD_decompressDCtx(zstd_contexts().decompress.get(), plain.data(), plain.size(), section, section_size);
  if (ZSTD_isError(n) || n != plain_size) {
    return Status::corruption(fmt::format("batch at offset {} does not decompress: {}", header.base_offset,
                                          ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short frame"));
  }
  return parse_records(header, plain.data(), plain.data() + plain.size(), from_offset, out);
}

namespace {

Status parse_records(const BatchHeader& header, const char* begin, const char* end, int64_t from_offset,
                     std::vector<Record>& out) {
  Reader in(begin, end);
  const auto malformed = [&] {
    return Status::corruption(fmt::format("batch at offset {} has a malformed record section", header.base_offset));
  };
  for (int32_t i = 0; i < header.record_count; ++i) {
    int64_t length, ts_delta, offset_delta, header_count;
    if (!in.varint(length) || length < 1) return malformed();
    const char* record_end = in.position() + length;
    if (!in.skip(1) || !in.varint(ts_delta) || !in.varint(offset_delta)) return malformed();  // attributes, deltas
    const int64_t offset = header.base_offset + offset_delta;
    if (offset < from_offset) {
      if (!in.skip(record_end - in.position())) return malformed();
      continue;
    }
    Record r;
    r.offset = offset;
    r.timestamp_ms = header.first_timestamp + ts_delta;
    if (!in.bytes(r.key) || !in.bytes(r.value) || !in.varint(header_count) || header_count < 0 ||
        header_count > length) {
      return malformed();
    }
    r.headers.resize(static_cast<size_t>(header_count));
    for (Header& h : r.headers) {
      std::optional<std::string> key;
      if (!in.bytes(key) || !key || !in.bytes(h.value)) return malformed();
      h.key = std::move(*key);
    }
    if (in.position() != record_end) return malformed();
    out.push_back(std::move(r));
  }
  return Status::ok();
}

}  // namespace

}  // namespace careflow::log
