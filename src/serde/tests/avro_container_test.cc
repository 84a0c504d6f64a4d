// Object Container Files: every codec round trips; corruption is reported with the block.
#include <gtest/gtest.h>

#include "serde/avro_binary.h"
#include "serde/avro_container.h"

namespace careflow::serde::avro {
namespace {

const char* kSchema = R"({"type":"record","name":"Metric","fields":[{"name":"device","type":"string"},{"name":"value","type":"double"}]})";

std::string write_file(Codec codec, int records) {
  auto writer = ContainerWriter::create(kSchema, codec, {{"iceberg.schema", "{}"}}, 100);
  EXPECT_TRUE(writer.is_ok()) << writer.status().to_string();
  for (int i = 0; i < records; ++i) {
    EXPECT_TRUE(writer->append(Datum::list({Datum::text("DEV-P00" + std::to_string(i % 5)), Datum::real(i * 0.5)})).is_ok());
  }
  auto bytes = writer->finish();
  EXPECT_TRUE(bytes.is_ok());
  return *bytes;
}

TEST(AvroContainer, EveryCodecRoundTrips) {
  for (Codec codec : {Codec::kNull, Codec::kDeflate, Codec::kSnappy, Codec::kZstandard}) {
    std::string bytes = write_file(codec, 1234);
    auto file = read_container(bytes);
    ASSERT_TRUE(file.is_ok()) << codec_name(codec) << ": " << file.status().to_string();
    EXPECT_EQ(file->codec, codec);
    EXPECT_EQ(file->metadata.at("avro.codec"), codec_name(codec));
    EXPECT_EQ(file->metadata.at("iceberg.schema"), "{}");
    EXPECT_EQ(file->schema_json, kSchema);
    ASSERT_EQ(file->records.size(), 1234u);
    EXPECT_EQ(file->records[1233], Datum::list({Datum::text("DEV-P003"), Datum::real(1233 * 0.5)}));
    if (codec != Codec::kNull) {
      EXPECT_LT(bytes.size(), write_file(Codec::kNull, 1234).size()) << codec_name(codec);
    }
  }
  EXPECT_TRUE(read_container(write_file(Codec::kDeflate, 0))->records.empty());
}

TEST(AvroContainer, CorruptionNamesTheBlock) {
  std::string bytes = write_file(Codec::kNull, 250);  // three blocks
  std::string bad_sync = bytes;
  bad_sync[bad_sync.size() - 1] ^= 0x55;
  EXPECT_NE(read_container(bad_sync).status().message().find("block 2"), std::string::npos) << read_container(bad_sync).status().message();
  EXPECT_NE(read_container(bad_sync).status().message().find("sync marker mismatch"), std::string::npos);
  EXPECT_FALSE(read_container(bytes.substr(0, bytes.size() - 20)).is_ok());
  EXPECT_EQ(read_container("PAR1").status().message(), "Avro container: missing the \"Obj\\x01\" magic");

  std::string snappy = write_file(Codec::kSnappy, 10);
  // Flip a byte inside the compressed block: the CRC or the snappy framing must catch it.
  std::string flipped = snappy;
  flipped[flipped.size() - 20] ^= 0x01;
  EXPECT_FALSE(read_container(flipped).is_ok());
  EXPECT_FALSE(parse_codec("lz4").is_ok());
}

}  // namespace
}  // namespace careflow::serde::avro
