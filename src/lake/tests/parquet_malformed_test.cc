// Malformed Parquet never crashes the reader (nor its page index and DELTA_BINARY_PACKED decoders):
// every truncation, thousands of random byte flips
// and lengths rewritten to huge values either read (a flip may land in data) or fail with an
// error naming the file — and, for corruption, the byte offset. The ASan preset runs this too.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "lake/parquet_reader.h"
#include "lake/parquet_writer.h"

namespace careflow::lake {
namespace {

using values::DataType;
using values::TypeId;
using values::Value;

std::string sample_file(parquet::Codec codec, bool dictionary, int page_version, ColumnEncoding integers) {
  auto dir = std::filesystem::temp_directory_path() / ("careflow-lake-malformed-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "sample.parquet").string();
  WriterOptions o;
  o.codec = codec;
  o.dictionary = dictionary;
  o.data_page_version = page_version;
  o.row_group_rows = 25;
  o.page_bytes = 64;
  o.integer_encoding = integers;
  auto w = ParquetWriter::open(path,
                               {{"id", DataType::bigint().with_nullable(false), 1},
                                {"name", DataType::string(), 2},
                                {"x", DataType::double_type(), 3},
                                {"amount", DataType::decimal(30, 2), 4},
                                {"ok", DataType::boolean(), 5}},
                               o);
  EXPECT_TRUE(w.is_ok());
  for (int64_t r = 0; r < 60; ++r) {
    std::vector<Value> row = {Value::integer(r), r % 4 ? Value::string("name" + std::to_string(r % 6)) : Value(),
                              Value::real(r * 0.5), Value::decimal(r * 12345), Value::boolean(r % 2)};
    EXPECT_TRUE((*w)->write_row(row).is_ok());
  }
  EXPECT_TRUE((*w)->close().is_ok());
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  std::filesystem::remove_all(dir);
  return s.str();
}

// A local file the reader opens itself (footer first, then chunk by chunk) rather than bytes in
// memory: the same checks must hold on both paths.
std::string scratch_file(const std::string& bytes) {
  auto dir = std::filesystem::temp_directory_path() / ("careflow-lake-malformed-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "mutated.parquet").string();
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  return path;
}

// Opens and reads everything; returns the error, or OK.
Status read_all(const std::string& bytes, bool from_file = false) {
  auto rd = from_file ? ParquetReader::open(scratch_file(bytes)) : ParquetReader::from_bytes("mutated.parquet", bytes);
  if (!rd.is_ok()) return rd.status();
  std::vector<size_t> all((*rd)->columns().size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  for (size_t g = 0; g < (*rd)->num_row_groups(); ++g) {
    (void)(*rd)->statistics(g, 0);
    for (size_t c = 0; c < (*rd)->leaves().size(); ++c) {
      auto index = (*rd)->page_index(g, c);
      if (!index.is_ok()) return index.status();
    }
    auto cols = (*rd)->read_row_group(g, all);
    if (!cols.is_ok()) return cols.status();
    for (const ColumnVector& c : *cols) {
      for (size_t k = 0; k < c.size(); ++k) (void)c.value(k);
    }
  }
  return Status::ok();
}

void expect_clear_error(const Status& s, const std::string& what) {
  if (s.is_ok()) return;
  EXPECT_NE(s.message().find("mutated.parquet"), std::string::npos) << what << ": " << s.message();
  if (s.code() == StatusCode::kCorruption) {
    EXPECT_NE(s.message().find("mutated.parquet: byte "), std::string::npos) << what << ": " << s.message();
  }
}

struct Variant {
  parquet::Codec codec;
  bool dictionary;
  int page_version;
  ColumnEncoding integers = ColumnEncoding::kAuto;
};

class Malformed : public ::testing::TestWithParam<Variant> {};

TEST_P(Malformed, TruncationsFlipsAndHugeLengthsGiveClearErrors) {
  const Variant& v = GetParam();
  const std::string good = sample_file(v.codec, v.dictionary, v.page_version, v.integers);
  ASSERT_TRUE(read_all(good).is_ok());

  ASSERT_TRUE(read_all(good, true).is_ok());

  for (size_t n = 0; n < good.size(); ++n) {
    Status s = read_all(good.substr(0, n));
    ASSERT_FALSE(s.is_ok()) << "truncated to " << n;
    expect_clear_error(s, "truncated to " + std::to_string(n));
    if (n % 5 == 0) {
      s = read_all(good.substr(0, n), true);
      ASSERT_FALSE(s.is_ok()) << "file truncated to " << n;
      expect_clear_error(s, "file truncated to " + std::to_string(n));
    }
  }

  std::mt19937 rng(42);
  for (int i = 0; i < 1000; ++i) {
    std::string bad = good;
    int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) bad[rng() % bad.size()] ^= static_cast<char>(1 << (rng() % 8));
    expect_clear_error(read_all(bad, i % 4 == 0), "flip " + std::to_string(i));
  }

  // Bytes set to 0xff (varints become ten-byte monsters) and 0x7fffffff written over lengths.
  for (size_t at = 0; at < good.size(); at += 2) {
    std::string bad = good;
    bad[at] = static_cast<char>(0xff);
    expect_clear_error(read_all(bad), "0xff at " + std::to_string(at));
    if (at % 3 == 0 && at + 4 <= good.size()) {
      bad.replace(at, 4, "\xff\xff\xff\x7f");
      expect_clear_error(read_all(bad), "0x7fffffff at " + std::to_string(at));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, Malformed,
                         ::testing::Values(Variant{parquet::Codec::kZstd, true, 1}, Variant{parquet::Codec::kSnappy, false, 2},
                                           Variant{parquet::Codec::kUncompressed, true, 2},
                                           Variant{parquet::Codec::kUncompressed, true, 1, ColumnEncoding::kDelta}));

TEST(ParquetReader, NamesTheProblem) {
  Status s = read_all("not parquet at all");
  EXPECT_NE(s.message().find("mutated.parquet: byte 0: not a Parquet file"), std::string::npos) << s.message();
  std::string good = sample_file(parquet::Codec::kZstd, true, 1, ColumnEncoding::kAuto);
  s = read_all(good.substr(0, good.size() - 1));
  EXPECT_NE(s.message().find("no PAR1 magic at the end"), std::string::npos) << s.message();
  std::string huge_footer = good;
  huge_footer.replace(good.size() - 8, 4, "\xff\xff\xff\x0f");
  s = read_all(huge_footer);
  EXPECT_NE(s.message().find("footer length 268435455 exceeds the file"), std::string::npos) << s.message();
  // A file shortened after its footer was read: reading its chunks fails naming the file and byte.
  const std::string path = scratch_file(good);
  auto opened = ParquetReader::open(path);
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  // Cut inside the last row group's data (the page indexes and the footer follow it).
  std::filesystem::resize_file(path, static_cast<uintmax_t>(*(*opened)->metadata().row_groups.back().file_offset + 10));
  std::vector<size_t> all((*opened)->columns().size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  Status shortened = Status::ok();
  for (size_t g = 0; g < (*opened)->num_row_groups() && shortened.is_ok(); ++g) shortened = (*opened)->read_row_group(g, all).status();
  EXPECT_EQ(shortened.code(), StatusCode::kCorruption);
  EXPECT_NE(shortened.message().find("mutated.parquet: byte "), std::string::npos) << shortened.message();

  auto missing = ParquetReader::open("/nonexistent/x.parquet");
  EXPECT_EQ(missing.status().code(), StatusCode::kIOError);
  EXPECT_NE(missing.status().message().find("/nonexistent/x.parquet"), std::string::npos);
}

}  // namespace
}  // namespace careflow::lake
