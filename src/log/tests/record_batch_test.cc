// The batch codec round-trips every record shape, and its CRCs catch damage.

#include "log/record_batch.h"

#include <gtest/gtest.h>

namespace careflow::log {
namespace {

TEST(RecordBatch, RoundTripsKeysValuesHeadersAndTombstones) {
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
  encode_batch(in, 42, 0, bytes);
  ASSERT_TRUE(header_crc_ok(bytes.data()));
  BatchHeader h = parse_batch_header(bytes.data());
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

TEST(RecordBatch, KeepsGivenOffsetsAndMarksTransactions) {
  std::vector<Record> in(3);
  for (auto& r : in) r.value = "v";
  std::vector<int64_t> offsets = {10, 15, 99};
  std::string bytes;
  encode_batch(in, 10, 7, bytes, &offsets);
  BatchHeader h = parse_batch_header(bytes.data());
  EXPECT_TRUE(h.transactional());
  EXPECT_EQ(h.txn_id, 7);
  EXPECT_EQ(h.last_offset(), 99);
  std::vector<Record> out;
  ASSERT_TRUE(decode_records(h, bytes.data(), 11, out).is_ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].offset, 15);
  EXPECT_EQ(out[1].offset, 99);
}

TEST(RecordBatch, AnyFlippedByteFailsACrc) {
  std::vector<Record> in(2);
  in[0].value = "hello";
  in[1].key = "k";
  in[1].value = "world";
  std::string bytes;
  encode_batch(in, 0, 0, bytes);
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
