// The batch codec round-trips every record shape, plain and zstd-compressed, and its CRCs catch
// damage.

#include "log/record_batch.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <zstd.h>

#include <cstring>
#include <random>

#include "common/crc32c.h"

namespace careflow::log {
namespace {

class PerCompression : public ::testing::TestWithParam<Compression> {};

TEST_P(PerCompression, RoundTripsKeysValuesHeadersAndTombstones) {
  std::vector<Record> in(5);
  in[0].value = "plain";
  in[0].timestamp_ms = 1000;
  in[1].key = "";
  in[1].value = "";
  in[1].timestamp_ms = 900;  // timestamps need not grow
  in[2].key = "k";
  in[2].value = std::nullopt;  // tombstone
  in[2].timestamp_ms = 5000;
  in[3].key = "with headers";
  in[3].value = std::string(100000, 'x');
  in[3].headers = {{"h1", "v1"}, {"empty", ""}, {"null", std::nullopt}};
  in[3].timestamp_ms = -5;
  in[4].value = std::string("bin\0ary", 7);
  std::string bytes;
  encode_batch(in, 42, 0, GetParam(), bytes);
  ASSERT_TRUE(header_crc_ok(bytes.data()));
  BatchHeader h = parse_batch_header(bytes.data());
  // The 100,000 x's shrink to almost nothing compressed.
  EXPECT_EQ(h.codec(), GetParam() == Compression::kZstd ? kCodecZstd : 0);
  if (GetParam() == Compression::kZstd) {
    EXPECT_LT(bytes.size(), 1000u);
  }
  EXPECT_EQ(h.base_offset, 42);
  EXPECT_EQ(h.total_size(), static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(h.last_offset(), 46);
  EXPECT_EQ(h.record_count, 5);
  EXPECT_EQ(h.max_timestamp, 5000);
  EXPECT_FALSE(h.transactional());
  ASSERT_TRUE(body_crc_ok(h, bytes.data()));
  std::vector<Record> out;
  ASSERT_TRUE(decode_records(h, bytes.data(), 0, out).is_ok());
  ASSERT_EQ(out.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    Record expected = in[i];
    expected.offset = 42 + static_cast<int64_t>(i);
    EXPECT_EQ(out[i], expected) << i;
  }
  out.clear();
  ASSERT_TRUE(decode_records(h, bytes.data(), 45, out).is_ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].offset, 45);
}

TEST_P(PerCompression, KeepsGivenOffsetsAndMarksTransactions) {
  std::vector<Record> in(3);
  for (auto& r : in) r.value = std::string(400, 'v');  // enough to be compressed
  std::vector<int64_t> offsets = {10, 15, 99};
  std::string bytes;
  encode_batch(in, 10, 7, GetParam(), bytes, &offsets);
  BatchHeader h = parse_batch_header(bytes.data());
  EXPECT_TRUE(h.transactional());
  EXPECT_EQ(h.txn_id, 7);
  EXPECT_EQ(h.last_offset(), 99);
  std::vector<Record> out;
  ASSERT_TRUE(decode_records(h, bytes.data(), 11, out).is_ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].offset, 15);
  EXPECT_EQ(out[1].offset, 99);
  EXPECT_EQ(out[1].value, in[2].value);
}

INSTANTIATE_TEST_SUITE_P(Codecs, PerCompression, ::testing::Values(Compression::kUncompressed, Compression::kZstd),
                         [](const auto& p) { return p.param == Compression::kZstd ? "Zstd" : "Uncompressed"; });

// Change events repeat their schema in every record: the case compression is for.
std::vector<Record> repetitive_records(int n) {
  std::vector<Record> records(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    records[static_cast<size_t>(i)].key = fmt::format("{{\"id\":{}}}", i);
    records[static_cast<size_t>(i)].value =
        fmt::format("{{\"schema\":{{\"type\":\"struct\",\"fields\":[{{\"type\":\"string\",\"field\":\"name\"}}]}},"
                    "\"payload\":{{\"id\":{},\"name\":\"patient {}\"}}}}",
                    i, i * 7919);
  }
  return records;
}

TEST(RecordBatch, ZstdStoresOnlyWhatItShrinks) {
  std::string plain, packed;
  const std::vector<Record> events = repetitive_records(200);
  encode_batch(events, 0, 0, Compression::kUncompressed, plain);
  encode_batch(events, 0, 0, Compression::kZstd, packed);
  EXPECT_EQ(parse_batch_header(packed.data()).codec(), kCodecZstd);
  EXPECT_LT(packed.size() * 10, plain.size()) << plain.size() << " bytes plain, " << packed.size() << " compressed";

  // Too small to gain: stored plain, byte for byte what the uncompressed setting writes.
  const std::vector<Record> one = repetitive_records(1);
  std::string small_plain, small_packed;
  encode_batch(one, 5, 0, Compression::kUncompressed, small_plain);
  encode_batch(one, 5, 0, Compression::kZstd, small_packed);
  EXPECT_EQ(small_packed, small_plain);

  // Random bytes do not compress: stored plain too, and read back.
  std::vector<Record> noise(4);
  std::mt19937_64 random(42);
  for (Record& r : noise) {
    r.value = std::string(4096, '\0');
    for (char& c : *r.value) c = static_cast<char>(random());
  }
  std::string bytes;
  encode_batch(noise, 0, 0, Compression::kZstd, bytes);
  const BatchHeader h = parse_batch_header(bytes.data());
  EXPECT_EQ(h.codec(), 0);
  std::vector<Record> out;
  ASSERT_TRUE(decode_records(h, bytes.data(), 0, out).is_ok());
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[3].value, noise[3].value);
}

// Rewrites the attributes and the body CRC, so the damage reaches the decoder as damage the CRC
// happened not to catch would.
void set_attributes_and_reseal(std::string& bytes, uint16_t attributes) {
  std::memcpy(bytes.data() + 21, &attributes, sizeof attributes);
  const uint32_t crc = crc32c(bytes.data() + 20, bytes.size() - 20);
  std::memcpy(bytes.data() + 16, &crc, sizeof crc);
}

TEST(RecordBatch, ABadFrameOrCodecIsCorruptionNamingTheBatch) {
  std::string bytes;
  encode_batch(repetitive_records(50), 77, 0, Compression::kZstd, bytes);
  ASSERT_EQ(parse_batch_header(bytes.data()).codec(), kCodecZstd);
  std::vector<Record> out;

  std::string bad_frame = bytes;
  bad_frame[kBatchHeaderSize + 4] ^= 0x7f;  // inside the frame header: the content size
  set_attributes_and_reseal(bad_frame, kCodecZstd << kCodecShift);
  Status bad = decode_records(parse_batch_header(bad_frame.data()), bad_frame.data(), 0, out);
  EXPECT_EQ(bad.code(), StatusCode::kCorruption);
  EXPECT_NE(bad.message().find("batch at offset 77"), std::string::npos) << bad.message();

  std::string unknown_codec = bytes;
  set_attributes_and_reseal(unknown_codec, 3 << kCodecShift);  // Kafka's lz4: not written here
  bad = decode_records(parse_batch_header(unknown_codec.data()), unknown_codec.data(), 0, out);
  EXPECT_EQ(bad.code(), StatusCode::kCorruption);
  EXPECT_NE(bad.message().find("unknown compression codec 3"), std::string::npos) << bad.message();

  std::string not_compressed = bytes;  // a compressed section read as plain records
  set_attributes_and_reseal(not_compressed, 0);
  bad = decode_records(parse_batch_header(not_compressed.data()), not_compressed.data(), 0, out);
  EXPECT_EQ(bad.code(), StatusCode::kCorruption);
  EXPECT_TRUE(out.empty() || out.size() < 50u);
}

// A frame whose header claims more plain bytes than any append writes is damage, refused before
// the claimed size is allocated, even inside a batch whose CRCs are right.
TEST(RecordBatch, AFrameClaimingMoreThanABatchHoldsIsCorruption) {
  std::string bytes;
  encode_batch(repetitive_records(50), 78, 0, Compression::kZstd, bytes);
  // 300 MiB of zeros compress to a few KiB: streamed, so the test never holds them.
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  const size_t claimed = size_t{300} << 20;
  ASSERT_FALSE(ZSTD_isError(ZSTD_CCtx_setPledgedSrcSize(cctx, claimed)));
  const std::string zeros(1 << 20, '\0');
  std::string frame(ZSTD_compressBound(zeros.size()) * 4, '\0');
  ZSTD_outBuffer out_buffer{frame.data(), frame.size(), 0};
  for (size_t fed = 0; fed < claimed; fed += zeros.size()) {
    ZSTD_inBuffer in_buffer{zeros.data(), zeros.size(), 0};
    const bool last = fed + zeros.size() == claimed;
    size_t left;
    do {
      left = ZSTD_compressStream2(cctx, &out_buffer, &in_buffer, last ? ZSTD_e_end : ZSTD_e_continue);
      ASSERT_FALSE(ZSTD_isError(left));
    } while (in_buffer.pos < in_buffer.size || (last && left != 0));
  }
  ZSTD_freeCCtx(cctx);
  frame.resize(out_buffer.pos);
  ASSERT_EQ(ZSTD_getFrameContentSize(frame.data(), frame.size()), claimed);

  bytes.resize(kBatchHeaderSize);
  bytes += frame;
  const int32_t batch_length = static_cast<int32_t>(bytes.size() - kBatchLengthPrefix);
  std::memcpy(bytes.data() + 8, &batch_length, sizeof batch_length);
  const uint32_t header_crc = crc32c(bytes.data(), 12);
  std::memcpy(bytes.data() + 12, &header_crc, sizeof header_crc);
  set_attributes_and_reseal(bytes, kCodecZstd << kCodecShift);
  const BatchHeader header = parse_batch_header(bytes.data());
  ASSERT_TRUE(header_crc_ok(bytes.data()));
  ASSERT_TRUE(body_crc_ok(header, bytes.data()));

  std::vector<Record> out;
  Status claimed_too_much = decode_records(header, bytes.data(), 0, out);
  EXPECT_EQ(claimed_too_much.code(), StatusCode::kCorruption);
  EXPECT_EQ(claimed_too_much.message(), "batch at offset 78 claims 314572800 bytes of records, more than the 256 MiB a batch holds");
  EXPECT_TRUE(out.empty());
}

TEST(RecordBatch, AnyFlippedByteFailsACrc) {
  std::vector<Record> in(2);
  in[0].value = "hello";
  in[1].key = "k";
  in[1].value = "world";
  std::string bytes;
  encode_batch(in, 0, 0, Compression::kUncompressed, bytes);
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] ^= 0x10;
    const bool header_ok = header_crc_ok(damaged.data());
    const bool body_ok = header_ok && body_crc_ok(parse_batch_header(damaged.data()), damaged.data());
    // Bytes 16..19 hold the body CRC itself; any change there fails the comparison too.
    EXPECT_FALSE(header_ok && body_ok) << "byte " << i;
  }
}

}  // namespace
}  // namespace careflow::log
