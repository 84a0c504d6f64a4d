// careflow's Parquet writer read back by careflow's reader: every supported type with NULLs, every
// codec, dictionary and PLAIN, data pages v1 and v2, row groups and pages of several sizes
// (RocksDB-style: one test body looped over the configurations). Then the footer's statistics,
// projection, row-group pruning, and the writer's errors.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <span>

#include "lake/parquet_reader.h"
#include "lake/parquet_writer.h"

namespace careflow::lake {
namespace {

using values::DataType;
using values::TypeId;
using values::Value;

// A scratch folder per test process, removed when the tests end.
struct ScratchDir : ::testing::Environment {
  static std::filesystem::path path() { return std::filesystem::temp_directory_path() / ("careflow-lake-" + std::to_string(::getpid())); }
  void TearDown() override { std::filesystem::remove_all(path()); }
};
const auto* const kScratch = ::testing::AddGlobalTestEnvironment(new ScratchDir);

std::string temp_path(const std::string& name) {
  std::filesystem::create_directories(ScratchDir::path());
  return (ScratchDir::path() / name).string();
}

std::vector<ColumnSpec> all_types() {
  return {
      {"b", DataType::boolean(), 1},
      {"i8", DataType::of(TypeId::kTinyInt), 2},
      {"i16", DataType::of(TypeId::kSmallInt), 3},
      {"i32", DataType::integer(), 4},
      {"i64", DataType::bigint().with_nullable(false), 5},
      {"f", DataType::of(TypeId::kFloat), 6},
      {"d", DataType::double_type(), 7},
      {"s", DataType::string(), 8},
      {"bin", DataType::bytes(), 9},
      {"day", DataType::date(), 10},
      {"t", DataType::time(3), 11},
      {"ts3", DataType::timestamp(3), 12},
      {"ts6", DataType::timestamp_ltz(6), 13},
      {"dec9", DataType::decimal(9, 2), 14},
      {"dec18", DataType::decimal(18, 4), 15},
      {"dec38", DataType::decimal(38, 10), 16},
  };
}

// Row r of the test data: NULL in every nullable column every 7th row, few distinct strings (so
// they dictionary-encode) and unique doubles (so a small dictionary limit falls back to PLAIN).
std::vector<Value> row_of(int64_t r) {
  if (r % 7 == 3) {
    std::vector<Value> row(16);
    row[4] = Value::integer(r);
    return row;
  }
  values::int128 big = static_cast<values::int128>(r) * 1'000'000'000'000'000'000LL * (r % 2 ? -1 : 1);
  return {
      Value::boolean(r % 3 == 0),
      Value::integer(static_cast<int8_t>(r)),
      Value::integer(static_cast<int16_t>(r * 31)),
      Value::integer(static_cast<int32_t>(r * 2654435761LL)),
      Value::integer(r * 1'000'000'007LL),
      Value::real(static_cast<float>(r) / 8),
      Value::real(r * 0.001 - 3),
      Value::string("device-" + std::to_string(r % 13) + (r % 2 ? "é" : "")),
      Value::bytes(std::string(static_cast<size_t>(r % 5), static_cast<char>(r))),
      Value::integer(19000 + r % 400 - 200),
      Value::integer(r * 1000 % 86'400'000),
      Value::integer((1'700'000'000'000LL + r * 17) * 1000),  // ms precision, in µs
      Value::integer(1'700'000'000'000'000LL - r * 1234567),
      Value::decimal((r % 2 ? -1 : 1) * r * 101),
      Value::decimal(static_cast<values::int128>(r) * 99'999'999'999LL),
      Value::decimal(big),
  };
}

struct Config {
  parquet::Codec codec;
  bool dictionary;
  int page_version;
  int64_t row_group_rows;
  int64_t page_bytes;
  int64_t dictionary_bytes;
  ColumnEncoding integers = ColumnEncoding::kAuto;
};

class RoundTrip : public ::testing::TestWithParam<Config> {};

TEST_P(RoundTrip, EveryTypeComesBackIdentical) {
  const Config& c = GetParam();
  WriterOptions o;
  o.codec = c.codec;
  o.dictionary = c.dictionary;
  o.data_page_version = c.page_version;
  o.row_group_rows = c.row_group_rows;
  o.page_bytes = c.page_bytes;
  o.dictionary_page_bytes = c.dictionary_bytes;
  o.integer_encoding = c.integers;
  std::string path = temp_path("roundtrip.parquet");
  const int64_t rows = 5000;
  {
    auto w = ParquetWriter::open(path, all_types(), o);
    ASSERT_TRUE(w.is_ok()) << w.status().to_string();
    for (int64_t r = 0; r < rows; ++r) {
      auto row = row_of(r);
      ASSERT_TRUE((*w)->write_row(row).is_ok());
    }
    ASSERT_TRUE((*w)->close().is_ok());
  }
  auto reader = ParquetReader::open(path);
  ASSERT_TRUE(reader.is_ok()) << reader.status().to_string();
  const ParquetReader& rd = **reader;
  ASSERT_EQ(rd.num_rows(), rows);
  EXPECT_EQ(rd.num_row_groups(), static_cast<size_t>((rows + c.row_group_rows - 1) / c.row_group_rows));
  auto expected_columns = all_types();
  ASSERT_EQ(rd.columns().size(), expected_columns.size());
  for (size_t i = 0; i < expected_columns.size(); ++i) {
    EXPECT_EQ(rd.columns()[i].name, expected_columns[i].name);
    EXPECT_EQ(rd.columns()[i].field_id, expected_columns[i].field_id);
    EXPECT_EQ(rd.columns()[i].type.to_string(), expected_columns[i].type.to_string()) << expected_columns[i].name;
  }
  std::vector<size_t> all(expected_columns.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  int64_t r = 0;
  for (size_t g = 0; g < rd.num_row_groups(); ++g) {
    auto cols = rd.read_row_group(g, all);
    ASSERT_TRUE(cols.is_ok()) << cols.status().to_string();
    for (size_t k = 0; k < (*cols)[0].size(); ++k, ++r) {
      auto want = row_of(r);
      for (size_t i = 0; i < all.size(); ++i) {
        Value got = (*cols)[i].value(k);
        if (i == 5 && !want[i].is_null()) want[i] = Value::real(static_cast<float>(want[i].as_double()));
        ASSERT_TRUE(got == want[i]) << "row " << r << " column " << expected_columns[i].name;
      }
    }
  }
  EXPECT_EQ(r, rows);
}

INSTANTIATE_TEST_SUITE_P(
    Configurations, RoundTrip,
    ::testing::Values(Config{parquet::Codec::kZstd, true, 1, 1'000'000, 1 << 20, 1 << 20},
                      Config{parquet::Codec::kSnappy, true, 1, 1500, 1 << 10, 1 << 20},
                      Config{parquet::Codec::kUncompressed, false, 1, 2048, 4096, 1 << 20},
                      Config{parquet::Codec::kZstd, true, 2, 999, 512, 1 << 20},
                      Config{parquet::Codec::kSnappy, false, 2, 5000, 1 << 20, 1 << 20},
                      // a 64-byte dictionary limit: low-cardinality columns stay dictionary, the rest fall back
                      Config{parquet::Codec::kUncompressed, true, 1, 3000, 1 << 20, 64},
                      // every integer, date, time, timestamp and small decimal column DELTA_BINARY_PACKED
                      Config{parquet::Codec::kZstd, true, 1, 1500, 1 << 10, 1 << 20, ColumnEncoding::kDelta},
                      Config{parquet::Codec::kUncompressed, true, 2, 5000, 1 << 20, 1 << 20, ColumnEncoding::kDelta},
                      Config{parquet::Codec::kSnappy, false, 2, 777, 300, 1 << 20, ColumnEncoding::kDelta}));

TEST(ParquetWriter, EncodingsByOptionAndByColumn) {
  std::vector<ColumnSpec> columns = {{"ts", DataType::timestamp_ltz(6), 1}, {"seq", DataType::bigint().with_nullable(false), 2},
                                     {"day", DataType::date(), 3},         {"name", DataType::string(), 4}};
  auto write = [&](const WriterOptions& o) -> Result<std::string> {
    std::string path = temp_path("encodings.parquet");
    CF_ASSIGN_OR_RETURN(auto w, ParquetWriter::open(path, columns, o));
    for (int64_t r = 0; r < 10000; ++r) {
      std::vector<Value> row = {r % 10 == 4 ? Value() : Value::integer(1'764'547'200'000'000LL + r * 1'000'017), Value::integer(r),
                                Value::integer(20000 + r / 1000), Value::string("n" + std::to_string(r % 4))};
      CF_RETURN_IF_ERROR(w->write_row(row));
    }
    CF_RETURN_IF_ERROR(w->close());
    return path;
  };
  using parquet::Encoding;
  const std::vector<Encoding> delta = {Encoding::kRle, Encoding::kDeltaBinaryPacked};
  const std::vector<Encoding> dictionary = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary};
  const std::vector<Encoding> plain = {Encoding::kPlain, Encoding::kRle};
  auto check = [&](const WriterOptions& o, const std::vector<std::vector<Encoding>>& want) {
    auto path = write(o);
    ASSERT_TRUE(path.is_ok()) << path.status().to_string();
    auto rd = ParquetReader::open(*path);
    ASSERT_TRUE(rd.is_ok()) << rd.status().to_string();
    for (size_t c = 0; c < want.size(); ++c) EXPECT_EQ((*rd)->metadata().row_groups[0].columns[c].meta_data->encodings, want[c]) << columns[c].name;
    std::vector<size_t> all = {0, 1, 2, 3};
    auto cols = (*rd)->read_row_group(0, all);
    ASSERT_TRUE(cols.is_ok()) << cols.status().to_string();
    for (int64_t r = 0; r < 10000; ++r) {
      ASSERT_TRUE((*cols)[0].value(r) == (r % 10 == 4 ? Value() : Value::integer(1'764'547'200'000'000LL + r * 1'000'017))) << r;
      ASSERT_TRUE((*cols)[1].value(r) == Value::integer(r)) << r;
      ASSERT_TRUE((*cols)[2].value(r) == Value::integer(20000 + r / 1000)) << r;
    }
  };
  WriterOptions o;
  // The default: a dictionary where values repeat (day, name), PLAIN where they do not (ts, seq).
  check(o, {plain, plain, dictionary, dictionary});
  o.integer_encoding = ColumnEncoding::kDelta;  // every INT32 / INT64 column; strings as before
  check(o, {delta, delta, delta, dictionary});
  o.integer_encoding = ColumnEncoding::kAuto;
  o.column_encodings = {{"ts", ColumnEncoding::kDelta}, {"name", ColumnEncoding::kPlain}};
  check(o, {delta, plain, dictionary, plain});
  o.integer_encoding = ColumnEncoding::kDelta;
  o.column_encodings = {{"seq", ColumnEncoding::kAuto}};  // a column overrides the table-wide choice
  check(o, {delta, plain, delta, dictionary});

  o.column_encodings = {{"name", ColumnEncoding::kDelta}};
  Status s = write(o).status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("column 'name' (STRING): DELTA_BINARY_PACKED encodes INT32 and INT64 columns only"), std::string::npos) << s.message();
  o.column_encodings = {{"nope", ColumnEncoding::kPlain}};
  s = write(o).status();
  EXPECT_NE(s.message().find("column_encodings: no column 'nope'"), std::string::npos) << s.message();
}

TEST(ParquetWriter, DeltaShrinksTimestamps) {
  // A clock ticking about once a second (in µs): PLAIN stores 8 bytes a value, DELTA a few bits.
  auto size_with = [&](ColumnEncoding e) {
    std::string path = temp_path("ticks.parquet");
    WriterOptions o;
    o.codec = parquet::Codec::kUncompressed;
    o.integer_encoding = e;
    auto w = ParquetWriter::open(path, {{"ts", DataType::timestamp(6).with_nullable(false), 1}}, o);
    EXPECT_TRUE(w.is_ok());
    for (int64_t r = 0; r < 100'000; ++r) EXPECT_TRUE((*w)->write_row(std::vector<Value>{Value::integer(1'764'547'200'000'000LL + r * 1'000'000 + r % 7)}).is_ok());
    EXPECT_TRUE((*w)->close().is_ok());
    return std::filesystem::file_size(path);
  };
  const auto plain = size_with(ColumnEncoding::kPlain), delta = size_with(ColumnEncoding::kDelta);
  EXPECT_GT(plain, 800'000u);
  EXPECT_LT(delta, plain / 10);
}

TEST(ParquetWriter, StatisticsPruningAndProjection) {
  std::string path = temp_path("stats.parquet");
  WriterOptions o;
  o.row_group_rows = 100;
  {
    auto w = ParquetWriter::open(path, {{"id", DataType::bigint(), 1}, {"name", DataType::string(), 2}, {"x", DataType::double_type(), 3}}, o);
    ASSERT_TRUE(w.is_ok());
    for (int64_t r = 0; r < 1000; ++r) {
      // rows 0..99 in group 0, ...; name is NULL in group 3 only; x is NaN in row 5
      Value name = r / 100 == 3 ? Value() : Value::string(fmt::format("n{:04}", r));
      Value x = r == 5 ? Value::real(NAN) : Value::real(r == 0 ? -0.0 : static_cast<double>(r));
      std::vector<Value> row = {Value::integer(r), name, x};
      ASSERT_TRUE((*w)->write_row(row).is_ok());
    }
    ASSERT_TRUE((*w)->close().is_ok());
  }
  auto rd = ParquetReader::open(path);
  ASSERT_TRUE(rd.is_ok()) << rd.status().to_string();
  ASSERT_EQ((*rd)->num_row_groups(), 10u);
  ColumnStatistics s = (*rd)->statistics(2, 0);
  EXPECT_TRUE(*s.min == Value::integer(200));
  EXPECT_TRUE(*s.max == Value::integer(299));
  EXPECT_EQ(s.null_count, 0);
  s = (*rd)->statistics(3, 1);
  EXPECT_EQ(s.null_count, 100);
  EXPECT_FALSE(s.min.has_value());
  s = (*rd)->statistics(0, 1);
  EXPECT_TRUE(*s.min == Value::string("n0000"));
  EXPECT_TRUE(*s.max == Value::string("n0099"));
  s = (*rd)->statistics(0, 2);  // NaN left out of the bounds; a zero minimum is -0.0
  EXPECT_TRUE(*s.max == Value::real(99));
  EXPECT_TRUE(std::signbit(s.min->as_double()));
  EXPECT_EQ((*rd)->metadata().row_groups[0].columns[2].meta_data->statistics->nan_count, 1);

  std::vector<ColumnRange> ranges = {{"id", Value::integer(250), Value::integer(420)}};
  auto groups = (*rd)->prune(ranges);
  ASSERT_TRUE(groups.is_ok());
  EXPECT_EQ(*groups, (std::vector<size_t>{2, 3, 4}));
  ranges.push_back({"name", Value::string("n0300"), std::nullopt});  // group 3 is all NULL names
  groups = (*rd)->prune(ranges);
  EXPECT_EQ(*groups, (std::vector<size_t>{4}));
  ranges = {{"nope", std::nullopt, std::nullopt}};
  EXPECT_EQ((*rd)->prune(ranges).status().code(), StatusCode::kNotFound);

  std::vector<size_t> only_name = {1};
  auto cols = (*rd)->read_row_group(4, only_name);
  ASSERT_TRUE(cols.is_ok());
  ASSERT_EQ(cols->size(), 1u);
  EXPECT_EQ((*cols)[0].column.name, "name");
  EXPECT_TRUE((*cols)[0].value(17) == Value::string("n0417"));
}

TEST(ParquetWriter, DictionaryOnlyWhereValuesRepeat) {
  // 'unique' is all distinct: PLAIN from the first 4,096 values on; 'few' has 50 values: a
  // dictionary; 'big' repeats, but its dictionary passes the 1 KiB limit: PLAIN.
  std::string path = temp_path("dictionary.parquet");
  WriterOptions o;
  o.dictionary_page_bytes = 1024;
  auto w = ParquetWriter::open(path, {{"unique", DataType::bigint(), 1}, {"few", DataType::string(), 2}, {"big", DataType::bigint(), 3}}, o);
  ASSERT_TRUE(w.is_ok());
  for (int64_t r = 0; r < 10000; ++r) {
    std::vector<Value> row = {Value::integer(r * 7919), Value::string("v" + std::to_string(r % 50)), Value::integer(r % 1000)};
    ASSERT_TRUE((*w)->write_row(row).is_ok());
  }
  ASSERT_TRUE((*w)->close().is_ok());
  auto rd = ParquetReader::open(path);
  ASSERT_TRUE(rd.is_ok());
  auto encodings = [&](size_t c) { return (*rd)->metadata().row_groups[0].columns[c].meta_data->encodings; };
  using parquet::Encoding;
  EXPECT_EQ(encodings(0), (std::vector<Encoding>{Encoding::kPlain, Encoding::kRle}));
  EXPECT_EQ(encodings(1), (std::vector<Encoding>{Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary}));
  EXPECT_EQ(encodings(2), (std::vector<Encoding>{Encoding::kPlain, Encoding::kRle}));
  std::vector<size_t> all = {0, 1, 2};
  auto cols = (*rd)->read_row_group(0, all);
  ASSERT_TRUE(cols.is_ok());
  EXPECT_TRUE((*cols)[0].value(9999) == Value::integer(9999 * 7919));
  EXPECT_TRUE((*cols)[1].value(9999) == Value::string("v49"));
  EXPECT_TRUE((*cols)[2].value(9999) == Value::integer(999));
}

TEST(ParquetWriter, ColumnarAppendsMatchRowAppends) {
  std::string path = temp_path("columnar.parquet");
  auto w = ParquetWriter::open(path, {{"a", DataType::bigint(), 1}, {"s", DataType::string(), 2}});
  ASSERT_TRUE(w.is_ok());
  for (int i = 0; i < 10; ++i) {
    (*w)->column(0).append_int(i);
    if (i % 2) (*w)->column(1).append_null(); else (*w)->column(1).append_bytes("x" + std::to_string(i));
    ASSERT_TRUE((*w)->commit_rows().is_ok());
  }
  (*w)->column(0).append_int(99);  // the other column has no value for this row
  Status s = (*w)->commit_rows();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("column 's' holds 10 rows but column 'a' holds 11"), std::string::npos) << s.message();
}

// The batch appends write the very file the per-value appends write.
TEST(ParquetWriter, BatchAppendsMatchValueAppends) {
  std::vector<ColumnSpec> columns = {{"id", DataType::bigint().with_nullable(false), 1}, {"n", DataType::integer(), 2},
                                     {"x", DataType::double_type(), 3},  {"ok", DataType::boolean(), 4},
                                     {"d", DataType::decimal(9, 2), 5},  {"w", DataType::decimal(30, 3), 6}};
  const int64_t rows = 3000;
  std::vector<int64_t> ids, ns, oks;
  std::vector<double> xs;
  std::vector<values::int128> ds, ws;
  std::vector<uint8_t> valid;
  for (int64_t r = 0; r < rows; ++r) {
    ids.push_back(r);
    ns.push_back(r % 7 - 3);
    xs.push_back(static_cast<double>(r) / 8);
    oks.push_back(r % 3 == 0);
    ds.push_back(-r * 101);
    ws.push_back(static_cast<values::int128>(r) << 70);
    valid.push_back(r % 5 != 2);
  }
  WriterOptions o;
  o.row_group_rows = 1000;
  std::string by_value = temp_path("by_value.parquet"), by_batch = temp_path("by_batch.parquet");
  {
    auto w = ParquetWriter::open(by_value, columns, o);
    ASSERT_TRUE(w.is_ok());
    for (int64_t r = 0; r < rows; ++r) {
      (*w)->column(0).append_int(ids[r]);
      if (!valid[r]) {
        for (size_t c = 1; c < columns.size(); ++c) (*w)->column(c).append_null();
      } else {
        (*w)->column(1).append_int(ns[r]);
        (*w)->column(2).append_double(xs[r]);
        (*w)->column(3).append_bool(oks[r] != 0);
        (*w)->column(4).append_decimal(ds[r]);
        (*w)->column(5).append_decimal(ws[r]);
      }
      ASSERT_TRUE((*w)->commit_rows().is_ok());
    }
    ASSERT_TRUE((*w)->close().is_ok());
  }
  {
    auto w = ParquetWriter::open(by_batch, columns, o);
    ASSERT_TRUE(w.is_ok());
    for (size_t begin = 0; begin < static_cast<size_t>(rows); begin += 1000) {
      auto slice = [&](const auto& v) { return std::span(v).subspan(begin, 1000); };
      (*w)->column(0).append_ints(slice(ids));
      (*w)->column(1).append_ints(slice(ns), slice(valid));
      (*w)->column(2).append_doubles(slice(xs), slice(valid));
      (*w)->column(3).append_ints(slice(oks), slice(valid));
      (*w)->column(4).append_decimals(slice(ds), slice(valid));
      (*w)->column(5).append_decimals(slice(ws), slice(valid));
      ASSERT_TRUE((*w)->commit_rows().is_ok());
    }
    ASSERT_TRUE((*w)->close().is_ok());
  }
  auto bytes = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(bytes(by_batch), bytes(by_value));
  auto rd = ParquetReader::open(by_batch);
  ASSERT_TRUE(rd.is_ok());
  EXPECT_EQ((*rd)->num_rows(), rows);
}

TEST(ParquetWriter, ErrorsNameTheColumn) {
  std::string path = temp_path("errors.parquet");
  // ARRAY, MAP and ROW are written (parquet_nested_test.cc); an interval is not.
  auto bad = ParquetWriter::open(path, {{"wait", DataType::of(TypeId::kIntervalDayTime), 1}});
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("column 'wait': type INTERVAL"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("is not supported"), std::string::npos) << bad.status().message();

  auto w = ParquetWriter::open(path, {{"id", DataType::bigint().with_nullable(false), 1}, {"s", DataType::string(), 2}});
  ASSERT_TRUE(w.is_ok());
  std::vector<Value> null_id = {Value(), Value::string("x")};
  Status s = (*w)->write_row(null_id);
  EXPECT_NE(s.message().find("column 'id' is NOT NULL"), std::string::npos) << s.message();
  std::vector<Value> wrong = {Value::integer(1), Value::integer(2)};
  s = (*w)->write_row(wrong);
  EXPECT_NE(s.message().find("column 's' (STRING): expected a string"), std::string::npos) << s.message();
  std::vector<Value> short_row = {Value::integer(1)};
  EXPECT_FALSE((*w)->write_row(short_row).is_ok());
  auto opt = WriterOptions{};
  opt.codec = parquet::Codec::kGzip;
  EXPECT_FALSE(ParquetWriter::open(path, {{"id", DataType::bigint(), 1}}, opt).is_ok());
}

TEST(ParquetWriter, EmptyFileHasASchemaAndNoRowGroups) {
  std::string path = temp_path("empty.parquet");
  auto w = ParquetWriter::open(path, {{"id", DataType::bigint(), 7}});
  ASSERT_TRUE(w.is_ok());
  ASSERT_TRUE((*w)->close().is_ok());
  auto rd = ParquetReader::open(path);
  ASSERT_TRUE(rd.is_ok()) << rd.status().to_string();
  EXPECT_EQ((*rd)->num_rows(), 0);
  EXPECT_EQ((*rd)->num_row_groups(), 0u);
  EXPECT_EQ((*rd)->columns()[0].field_id, 7);
}

}  // namespace
}  // namespace careflow::lake
