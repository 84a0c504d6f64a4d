// Kafka's v2 record batch: records encoded for Fetch decode as Produce reads them, with keys,
// nulls, headers, timestamps and offset gaps; every kind of damage is refused with a message.

#include <gtest/gtest.h>
#include <zstd.h>

#include "broker/kafka_batch.h"
#include "broker/wire.h"
#include "common/crc32c.h"

namespace careflow::broker {
namespace {

std::vector<log::Record> sample() {
  log::Record a;
  a.key = "k1";
  a.value = "v1";
  a.headers = {{"h", "x"}, {"empty", std::nullopt}};
  a.timestamp_ms = 1'700'000'000'000;
  a.offset = 10;
  log::Record b;
  b.value = std::nullopt;  // tombstone, no key
  b.timestamp_ms = 1'699'999'999'000;  // earlier than the first: a negative delta
  b.offset = 13;               // a gap, as after compaction
  return {a, b};
}

void fix_crc(std::string& batch) {
  Writer w;
  w.u32(crc32c(std::string_view(batch).substr(21)));
  batch.replace(17, 4, w.buffer());
}

TEST(KafkaBatchTest, EncodedRecordsDecodeBack) {
  std::string bytes;
  encode_kafka_batch(sample(), bytes);
  bool codec_error = true;
  auto decoded = decode_record_set(bytes, codec_error);
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  EXPECT_FALSE(codec_error);
  EXPECT_EQ(*decoded, sample());
}

TEST(KafkaBatchTest, SeveralBatchesInOneRecordSet) {
  std::string bytes;
  encode_kafka_batch(sample(), bytes);
  encode_kafka_batch(sample(), bytes);
  bool codec_error = false;
  auto decoded = decode_record_set(bytes, codec_error);
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  EXPECT_EQ(decoded->size(), 4u);
}

TEST(KafkaBatchTest, ZstdCompressedRecordsAreRead) {
  std::string plain;
  encode_kafka_batch(sample(), plain);
  std::string section = plain.substr(kKafkaBatchHeaderSize);
  std::string packed(ZSTD_compressBound(section.size()), '\0');
  packed.resize(ZSTD_compress(packed.data(), packed.size(), section.data(), section.size(), 1));
  std::string batch = plain.substr(0, kKafkaBatchHeaderSize) + packed;
  batch[22] = 4;  // attributes: zstd
  Writer length;
  length.i32(static_cast<int32_t>(batch.size() - 12));
  batch.replace(8, 4, length.buffer());
  fix_crc(batch);
  bool codec_error = false;
  auto decoded = decode_record_set(batch, codec_error);
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  EXPECT_EQ(*decoded, sample());
}

TEST(KafkaBatchTest, DamageIsRefusedWithAReason) {
  std::string good;
  encode_kafka_batch(sample(), good);
  struct Case {
    std::string name;
    std::string bytes;
    std::string expected;
  };
  std::vector<Case> cases;
  std::string flipped = good;
  flipped.back() ^= 1;
  cases.push_back({"a flipped bit", flipped, "CRC32C mismatch"});
  cases.push_back({"a truncated batch", good.substr(0, good.size() - 3), "past the record set's end"});
  cases.push_back({"a short header", good.substr(0, 20), "shorter than a batch header"});
  std::string magic = good;
  magic[16] = 1;
  cases.push_back({"magic 1", magic, "magic 1"});
  std::string count = good;
  count[60] = 9;  // record_count 9 of 2
  fix_crc(count);
  cases.push_back({"a wrong record count", count, "record 2"});
  std::string lz4 = good;
  lz4[22] = 3;
  fix_crc(lz4);
  cases.push_back({"lz4", lz4, "compression codec lz4 is not supported"});
  std::string control = good;
  control[22] = 0x20;
  fix_crc(control);
  cases.push_back({"a control batch", control, "control batch"});
  for (const Case& c : cases) {
    bool codec_error = false;
    auto decoded = decode_record_set(c.bytes, codec_error);
    ASSERT_FALSE(decoded.is_ok()) << c.name;
    EXPECT_NE(decoded.status().message().find(c.expected), std::string::npos) << c.name << ": " << decoded.status().message();
    EXPECT_EQ(codec_error, c.name == "lz4") << c.name;
  }
}

TEST(KafkaBatchTest, EveryTruncationOfAValidBatchIsAnErrorNotACrash) {
  std::string good;
  encode_kafka_batch(sample(), good);
  for (size_t n = 1; n < good.size(); ++n) {
    bool codec_error = false;
    EXPECT_FALSE(decode_record_set(std::string_view(good).substr(0, n), codec_error).is_ok()) << n;
  }
}

}  // namespace
}  // namespace careflow::broker
