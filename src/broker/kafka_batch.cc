#include "broker/kafka_batch.h"

#include <fmt/format.h>
#include <zlib.h>
#include <zstd.h>

#include <memory>

#include "broker/wire.h"
#include "common/crc32c.h"

namespace careflow::broker {
namespace {

constexpr int8_t kMagicV2 = 2;
constexpr int16_t kCodecMask = 0x7;
constexpr int16_t kTransactionalBit = 0x10;
constexpr int16_t kControlBit = 0x20;
// The most bytes a compressed records section may inflate to: the log's own per-batch bound.
constexpr size_t kMaxInflatedBytes = size_t{256} << 20;

std::string_view codec_name(int codec) {
  switch (codec) {
    case 1: return "gzip";
    case 2: return "snappy";
    case 3: return "lz4";
    case 4: return "zstd";
    default: return "unknown";
  }
}

Result<std::string> inflate_zstd(std::string_view in) {
  std::unique_ptr<ZSTD_DStream, size_t (*)(ZSTD_DStream*)> stream(ZSTD_createDStream(), ZSTD_freeDStream);
  ZSTD_initDStream(stream.get());
  std::string out;
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  while (true) {
    const size_t at = out.size();
    out.resize(at + (64 << 10));
    ZSTD_outBuffer output{out.data() + at, out.size() - at, 0};
    const size_t rc = ZSTD_decompressStream(stream.get(), &output, &input);
    out.resize(at + output.pos);
    if (ZSTD_isError(rc)) return Status::invalid_argument(fmt::format("zstd: {}", ZSTD_getErrorName(rc)));
    if (out.size() > kMaxInflatedBytes) return Status::invalid_argument("zstd records section inflates past 256 MiB");
    if (rc == 0 && input.pos == input.size) return out;
    if (input.pos == input.size && output.pos == 0) return Status::invalid_argument("zstd frame is truncated");
  }
}

Result<std::string> inflate_gzip(std::string_view in) {
  z_stream z{};
  if (inflateInit2(&z, MAX_WBITS + 16) != Z_OK) return Status::internal("zlib inflateInit2 failed");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&z, inflateEnd);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  std::string out;
  while (true) {
    const size_t at = out.size();
    out.resize(at + (64 << 10));
    z.next_out = reinterpret_cast<Bytef*>(out.data() + at);
    z.avail_out = static_cast<uInt>(out.size() - at);
    const int rc = inflate(&z, Z_NO_FLUSH);
    out.resize(out.size() - z.avail_out);
    if (rc == Z_STREAM_END) return out;
    if (rc != Z_OK) return Status::invalid_argument(fmt::format("gzip: {}", z.msg ? z.msg : "bad data"));
    if (out.size() > kMaxInflatedBytes) return Status::invalid_argument("gzip records section inflates past 256 MiB");
    if (z.avail_in == 0 && z.avail_out != 0) return Status::invalid_argument("gzip stream is truncated");
  }
}

// One record of a batch (the protocol guide's "Record").
Status decode_record(Reader& in, int64_t base_offset, int64_t base_timestamp, log::Record& out) {
  const int32_t length = in.varint();
  if (!in.ok() || length < 0 || static_cast<size_t>(length) > in.remaining()) {
    return Status::invalid_argument(fmt::format("record length {} past the batch's end", length));
  }
  Reader r(in.raw(static_cast<size_t>(length)));
  (void)r.i8();  // attributes: unused
  out.timestamp_ms = base_timestamp + r.varlong();
  out.offset = base_offset + r.varint();
  auto read_bytes = [&r]() -> std::optional<std::string> {
    const int32_t n = r.varint();
    if (n < 0) return std::nullopt;
    if (static_cast<size_t>(n) > r.remaining()) {
      r.fail("record field longer than the record");
      return std::nullopt;
    }
    return std::string(r.raw(static_cast<size_t>(n)));
  };
  out.key = read_bytes();
  out.value = read_bytes();
  const int32_t headers = r.varint();
  if (headers < 0 || static_cast<size_t>(headers) > r.remaining()) r.fail("bad header count");
  for (int32_t i = 0; i < headers && r.ok(); ++i) {
    auto key = read_bytes();
    if (!key) r.fail("null header key");
    auto value = read_bytes();
    out.headers.push_back({key.value_or(""), std::move(value)});
  }
  if (!r.ok()) return Status::invalid_argument(r.error());
  if (r.remaining() != 0) return Status::invalid_argument(fmt::format("{} bytes after the record's last field", r.remaining()));
  return Status::ok();
}

}  // namespace

Result<std::vector<log::Record>> decode_record_set(std::string_view bytes, bool& codec_error,
                                                   std::vector<BatchProducer>* producers) {
  codec_error = false;
  std::vector<log::Record> records;
  int batch_index = 0;
  while (!bytes.empty()) {
    const std::string where = fmt::format("record batch {}", batch_index++);
    if (bytes.size() < kKafkaBatchHeaderSize) {
      return Status::invalid_argument(fmt::format("{}: {} bytes, shorter than a batch header", where, bytes.size()));
    }
    Reader h(bytes);
    const int64_t base_offset = h.i64();
    const int32_t batch_length = h.i32();
    (void)h.i32();  // partition leader epoch
    const int8_t magic = h.i8();
    const uint32_t crc = h.u32();
    if (magic != kMagicV2) {
      return Status::invalid_argument(fmt::format("{}: magic {} (only v2 record batches are accepted)", where, magic));
    }
    if (batch_length < static_cast<int32_t>(kKafkaBatchHeaderSize - 12) ||
        static_cast<size_t>(batch_length) > bytes.size() - 12) {
      return Status::invalid_argument(fmt::format("{}: batch length {} past the record set's end", where, batch_length));
    }
    const std::string_view batch = bytes.substr(0, 12 + static_cast<size_t>(batch_length));
    bytes.remove_prefix(batch.size());
    const std::string_view checked = batch.substr(21);
    if (crc32c(checked) != crc) return Status::invalid_argument(fmt::format("{}: CRC32C mismatch", where));
    const int16_t attributes = h.i16();
    const int32_t last_offset_delta = h.i32();
    const int64_t base_timestamp = h.i64();
    (void)h.i64();  // max timestamp
    BatchProducer producer;
    producer.producer_id = h.i64();
    producer.producer_epoch = h.i16();
    producer.base_sequence = h.i32();
    const int32_t count = h.i32();
    producer.record_count = count;
    producer.transactional = (attributes & kTransactionalBit) != 0;
    if (producers) producers->push_back(producer);
    // Control batches (commit / abort markers) are written by brokers, never sent by clients.
    if (attributes & kControlBit) return Status::invalid_argument(fmt::format("{}: a control batch from a client", where));
    if (count < 0 || last_offset_delta < 0) {
      return Status::invalid_argument(fmt::format("{}: negative record count or offset delta", where));
    }
    std::string inflated;
    std::string_view section = batch.substr(kKafkaBatchHeaderSize);
    const int codec = attributes & kCodecMask;
    if (codec != 0) {
      Result<std::string> plain = Status::invalid_argument("");
      if (codec == 4) {
        plain = inflate_zstd(section);
      } else if (codec == 1) {
        plain = inflate_gzip(section);
      } else {
        codec_error = true;
        return Status::invalid_argument(
            fmt::format("{}: compression codec {} is not supported (none, gzip and zstd are)", where, codec_name(codec)));
      }
      if (!plain) return plain.status().with_context(where);
      inflated = std::move(*plain);
      section = inflated;
    }
    Reader in(section);
    const size_t first = records.size();
    for (int32_t i = 0; i < count; ++i) {
      log::Record record;
      CF_RETURN_IF_ERROR(decode_record(in, base_offset, base_timestamp, record).with_context(fmt::format("{} record {}", where, i)));
      records.push_back(std::move(record));
    }
    if (in.remaining() != 0) return Status::invalid_argument(fmt::format("{}: bytes after its {} records", where, count));
    if (records.size() - first != static_cast<size_t>(count)) return Status::invalid_argument(where + ": record count mismatch");
  }
  return records;
}

void encode_kafka_batch(std::span<const log::Record> records, std::string& out) {
  if (records.empty()) return;
  const int64_t base_offset = records.front().offset;
  const int64_t base_timestamp = records.front().timestamp_ms;
  int64_t max_timestamp = base_timestamp;
  Writer body;
  for (const log::Record& r : records) {
    max_timestamp = std::max(max_timestamp, r.timestamp_ms);
    Writer rec;
    rec.i8(0);
    rec.varlong(r.timestamp_ms - base_timestamp);
    rec.varint(static_cast<int32_t>(r.offset - base_offset));
    auto put = [&rec](const std::optional<std::string>& b) {
      if (!b) return rec.varint(-1);
      rec.varint(static_cast<int32_t>(b->size()));
      rec.raw(*b);
    };
    put(r.key);
    put(r.value);
    rec.varint(static_cast<int32_t>(r.headers.size()));
    for (const log::Header& header : r.headers) {
      rec.varint(static_cast<int32_t>(header.key.size()));
      rec.raw(header.key);
      put(header.value);
    }
    body.varint(static_cast<int32_t>(rec.size()));
    body.raw(rec.buffer());
  }
  Writer w;
  w.i64(base_offset);
  w.i32(static_cast<int32_t>(kKafkaBatchHeaderSize - 12 + body.size()));
  w.i32(0);   // partition leader epoch
  w.i8(kMagicV2);
  w.u32(0);   // crc, below
  w.i16(0);   // attributes: no compression, create time
  w.i32(static_cast<int32_t>(records.back().offset - base_offset));
  w.i64(base_timestamp);
  w.i64(max_timestamp);
  w.i64(-1);  // producer id
  w.i16(-1);  // producer epoch
  w.i32(-1);  // base sequence
  w.i32(static_cast<int32_t>(records.size()));
  w.raw(body.buffer());
  std::string& batch = w.buffer();
  const uint32_t crc = crc32c(std::string_view(batch).substr(21));
  w.patch_i32(17, static_cast<int32_t>(crc));
  out.append(batch);
}

void append_stored_batch(const log::StoredBatch& batch, std::string& out) {
  Writer w;
  w.i64(batch.base_offset);
  w.i32(static_cast<int32_t>(kKafkaBatchHeaderSize - 12 + batch.records.size()));
  w.i32(0);  // partition leader epoch
  w.i8(kMagicV2);
  w.u32(0);  // crc, below
  w.i16(static_cast<int16_t>(batch.codec & kCodecMask));  // create time, not transactional
  w.i32(batch.last_offset_delta);
  w.i64(batch.first_timestamp);
  w.i64(batch.max_timestamp);
  w.i64(-1);  // producer id
  w.i16(-1);  // producer epoch
  w.i32(-1);  // base sequence
  w.i32(batch.record_count);
  std::string& header = w.buffer();
  // CRC32C over attributes..end = the header's tail followed by the records.
  const uint32_t crc = crc32c_combine(crc32c(std::string_view(header).substr(21)), batch.records_crc, batch.records.size());
  w.patch_i32(17, static_cast<int32_t>(crc));
  out.append(header);
  out.append(batch.records);
}

}  // namespace careflow::broker
