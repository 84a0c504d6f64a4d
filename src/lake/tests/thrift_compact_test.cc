// Thrift's compact protocol and the Parquet structs on it: what the writer encodes decodes back,
// field ids that jump by more than 15 use the long header form, unknown fields are skipped, and
// malformed bytes give an error naming the file and byte.
#include <gtest/gtest.h>

#include "lake/parquet_metadata.h"
#include "lake/thrift_compact.h"

namespace careflow::lake {
namespace {

using thrift::CType;

TEST(ThriftCompact, WritesTheSpecsFieldHeaders) {
  std::string out;
  thrift::CompactWriter w(&out);
  w.field_i32(1, 0);    // delta 1, type i32: 0x15, then zigzag(0) = 0
  w.field_i32(20, -1);  // delta 19 > 15: type byte 0x05, zigzag(20) = 40, zigzag(-1) = 1
  w.field_bool(21, true);  // delta 1, type TRUE: 0x11
  out.push_back(0);
  EXPECT_EQ(out, std::string("\x15\x00\x05\x28\x01\x11\x00", 7));
}

TEST(ThriftCompact, FileMetadataRoundTrips) {
  parquet::FileMetaData m;
  m.schema.resize(2);
  m.schema[0].name = "schema";
  m.schema[0].num_children = 1;
  m.schema[1].name = "ts";
  m.schema[1].type = parquet::PhysicalType::kInt64;
  m.schema[1].repetition = parquet::Repetition::kOptional;
  m.schema[1].field_id = 300;
  m.schema[1].logical.kind = parquet::LogicalType::kTimestamp;
  m.schema[1].logical.unit = parquet::TimeUnit::kMicros;
  m.schema[1].logical.adjusted_to_utc = true;
  m.num_rows = 1LL << 40;
  parquet::RowGroup& g = m.row_groups.emplace_back();
  g.num_rows = m.num_rows;
  parquet::ColumnMetaData& c = g.columns.emplace_back().meta_data.emplace();
  c.type = parquet::PhysicalType::kInt64;
  c.encodings = {parquet::Encoding::kPlain, parquet::Encoding::kRle};
  c.path_in_schema = {"ts"};
  c.codec = parquet::Codec::kZstd;
  c.statistics.emplace().min_value = std::string("\x01\x02", 2);
  c.statistics->null_count = 0;
  m.key_value_metadata.push_back({"k", "v"});
  m.created_by = "careflow";
  m.type_defined_orders = 1;
  std::string bytes;
  parquet::encode_file_metadata(m, &bytes);
  auto back = parquet::decode_file_metadata(bytes, "f.parquet", 100);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->num_rows, 1LL << 40);
  EXPECT_EQ(back->schema[1].field_id, 300);
  EXPECT_EQ(back->schema[1].logical.kind, parquet::LogicalType::kTimestamp);
  EXPECT_EQ(back->schema[1].logical.unit, parquet::TimeUnit::kMicros);
  EXPECT_TRUE(back->schema[1].logical.adjusted_to_utc);
  EXPECT_EQ(back->row_groups[0].columns[0].meta_data->codec, parquet::Codec::kZstd);
  EXPECT_EQ(back->row_groups[0].columns[0].meta_data->statistics->min_value, std::string("\x01\x02", 2));
  EXPECT_EQ(back->key_value_metadata[0].value, "v");
  EXPECT_EQ(back->type_defined_orders, 1u);

  // Every truncation is an error naming the file and a byte inside it, never a crash.
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto cut = parquet::decode_file_metadata(std::string_view(bytes).substr(0, n), "f.parquet", 100);
    ASSERT_FALSE(cut.is_ok()) << n;
    EXPECT_NE(cut.status().message().find("f.parquet: byte "), std::string::npos) << cut.status().message();
  }
}

TEST(ThriftCompact, SkipsUnknownFieldsAndLimitsNesting) {
  // Field 40 (unknown) holding a struct with a list of two binaries, then field 3 num_rows = 7.
  std::string bytes;
  thrift::CompactWriter w(&bytes);
  w.field_struct(40);
  w.field_list(1, CType::kBinary, 2);
  w.binary("ab");
  w.binary("c");
  w.end_struct();
  w.field_i64(3, 7);
  bytes.push_back(0);
  auto m = parquet::decode_file_metadata(bytes, "f", 0);
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  EXPECT_EQ(m->num_rows, 7);

  // 10,000 nested structs in an unknown field: an error, not a stack overflow.
  std::string deep = "\x0c\x50";  // field 40, a struct
  for (int i = 0; i < 10000; ++i) deep.push_back(static_cast<char>(0x1c));  // field delta 1, struct
  auto d = parquet::decode_file_metadata(deep, "deep.parquet", 0);
  ASSERT_FALSE(d.is_ok());
  EXPECT_NE(d.status().message().find("nested too deep"), std::string::npos) << d.status().message();
}

TEST(ThriftCompact, RejectsLengthsPastTheEnd) {
  // schema = list of 2^31 structs in 6 bytes
  std::string bytes = "\x29\xfc\xff\xff\xff\x0f";
  auto m = parquet::decode_file_metadata(bytes, "huge.parquet", 4);
  ASSERT_FALSE(m.is_ok());
  EXPECT_NE(m.status().message().find("runs past the end"), std::string::npos) << m.status().message();
}

}  // namespace
}  // namespace careflow::lake
