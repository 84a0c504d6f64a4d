// The page index: ColumnIndex and OffsetIndex encoded and decoded, then the writer's: every data
// page of every chunk located (its header decodes there, its size and first row add up), its
// bounds and NULL count equal to the rows it holds, the boundary order of rising, falling and
// unordered columns, NULL pages, no ColumnIndex for a page of NaNs, pages of a repeated column
// starting on rows, and no index when WriterOptions turns it off.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "lake/parquet_page_index.h"
#include "lake/parquet_reader.h"
#include "lake/parquet_writer.h"

namespace careflow::lake {
namespace {

using parquet::BoundaryOrder;
using values::DataType;
using values::Value;

std::string temp_path(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("careflow-lake-page-index-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string int64_bytes(int64_t v) {
  std::string out(8, '\0');
  std::memcpy(out.data(), &v, 8);
  return out;
}

TEST(PageIndex, EncodesAndDecodes) {
  parquet::ColumnIndex ci;
  ci.null_pages = {false, true, false};
  ci.min_values = {"a", "", "c"};
  ci.max_values = {"b", "", "d"};
  ci.boundary_order = BoundaryOrder::kAscending;
  ci.null_counts = {0, 100, 3};
  std::string bytes;
  parquet::encode_column_index(ci, &bytes);
  auto back = parquet::decode_column_index(bytes, "x.parquet", 1000);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->null_pages, ci.null_pages);
  EXPECT_EQ(back->min_values, ci.min_values);
  EXPECT_EQ(back->max_values, ci.max_values);
  EXPECT_EQ(back->boundary_order, BoundaryOrder::kAscending);
  EXPECT_EQ(back->null_counts, ci.null_counts);

  parquet::OffsetIndex oi;
  oi.page_locations = {{4, 100, 0}, {104, 90, 20000}, {1LL << 40, 7, 1LL << 35}};
  bytes.clear();
  parquet::encode_offset_index(oi, &bytes);
  auto offsets = parquet::decode_offset_index(bytes, "x.parquet", 0);
  ASSERT_TRUE(offsets.is_ok()) << offsets.status().to_string();
  ASSERT_EQ(offsets->page_locations.size(), 3u);
  EXPECT_EQ(offsets->page_locations[2].offset, 1LL << 40);
  EXPECT_EQ(offsets->page_locations[2].first_row_index, 1LL << 35);
  EXPECT_EQ(offsets->page_locations[1].compressed_page_size, 90);

  // Lists that disagree, and truncation, are errors naming the file and byte.
  ci.max_values.pop_back();
  bytes.clear();
  parquet::encode_column_index(ci, &bytes);
  auto bad = parquet::decode_column_index(bytes, "x.parquet", 1000);
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
  EXPECT_NE(bad.status().message().find("x.parquet: byte 10"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("3 null_pages, 3 min_values, 2 max_values"), std::string::npos) << bad.status().message();
  bytes.clear();
  parquet::encode_offset_index(oi, &bytes);
  EXPECT_EQ(parquet::decode_offset_index(std::string_view(bytes).substr(0, bytes.size() - 2), "x.parquet", 0).status().code(),
            StatusCode::kCorruption);
}

// The rows of the writer test: id rises, down falls, tag cycles through 13 strings, wave swings
// between signs every 100 rows (pages whose bounds neither rise nor fall) and is NULL every third
// row and from row 4000 on (the last row group's chunk is one NULL page).
constexpr int64_t kRows = 5000;
std::vector<Value> row_at(int64_t r) {
  return {Value::integer(r), Value::integer(1'000'000 - 7 * r), Value::string("t" + std::to_string(r * 7 % 13)),
          r >= 4000 || r % 3 == 0 ? Value() : Value::integer((r / 100) % 2 ? r : -r)};
}

// A page's bounds as the test computes them from its rows (strings compare as strings, numbers as
// numbers); unset for a page without values.
struct PageBounds {
  std::optional<Value> lo, hi;
  int64_t nulls = 0;
};

PageBounds bounds_of(size_t column, int64_t first, int64_t end) {
  PageBounds b;
  for (int64_t r = first; r < end; ++r) {
    const Value v = row_at(r)[column];
    if (v.is_null()) {
      ++b.nulls;
      continue;
    }
    if (!b.lo || values::compare_values(v, *b.lo) < 0) b.lo = v;
    if (!b.hi || values::compare_values(*b.hi, v) < 0) b.hi = v;
  }
  return b;
}

std::string plain_bytes(size_t column, const Value& v) {
  if (v.is_string()) return v.as_string();
  if (column == 3) {  // INT32
    std::string out(4, '\0');
    const auto i = static_cast<int32_t>(v.as_int());
    std::memcpy(out.data(), &i, 4);
    return out;
  }
  return int64_bytes(v.as_int());
}

TEST(PageIndex, WriterIndexesEveryDataPage) {
  for (bool dictionary : {true, false}) {
    for (int version : {1, 2}) {
      SCOPED_TRACE(testing::Message() << "data pages v" << version << (dictionary ? ", dictionary" : ", PLAIN"));
      const std::string path = temp_path("indexed.parquet");
      WriterOptions o;
      o.row_group_rows = 2000;
      o.page_bytes = 1024;  // 128 PLAIN INT64 values a page
      o.data_page_version = version;
      o.dictionary = dictionary;
      std::vector<ColumnSpec> columns = {{"id", DataType::bigint().with_nullable(false), 1},
                                         {"down", DataType::bigint(), 2},
                                         {"tag", DataType::string(), 3},
                                         {"wave", DataType::integer(), 4}};
      {
        auto w = ParquetWriter::open(path, columns, o);
        ASSERT_TRUE(w.is_ok()) << w.status().to_string();
        for (int64_t r = 0; r < kRows; ++r) ASSERT_TRUE((*w)->write_row(row_at(r)).is_ok());
        ASSERT_TRUE((*w)->close().is_ok());
      }
      const std::string bytes = file_bytes(path);
      auto rd = ParquetReader::open(path);
      ASSERT_TRUE(rd.is_ok()) << rd.status().to_string();
      ASSERT_EQ((*rd)->num_row_groups(), 3u);
      int64_t group_start = 0;
      for (size_t g = 0; g < 3; ++g) {
        const int64_t group_rows = (*rd)->metadata().row_groups[g].num_rows;
        for (size_t c = 0; c < columns.size(); ++c) {
          SCOPED_TRACE(testing::Message() << "row group " << g << " column " << columns[c].name);
          auto index = (*rd)->page_index(g, c);
          ASSERT_TRUE(index.is_ok()) << index.status().to_string();
          ASSERT_TRUE(index->has_value());
          const auto& pages = (*index)->offsets.page_locations;
          ASSERT_TRUE((*index)->column.has_value());
          const parquet::ColumnIndex& ci = *(*index)->column;
          ASSERT_FALSE(pages.empty());
          if (c < 2) {
            EXPECT_GE(pages.size(), 2u);  // a dictionary's indices take 11 bits: 744 a page
          }
          ASSERT_EQ(ci.null_pages.size(), pages.size());
          ASSERT_EQ(ci.null_counts.size(), pages.size());
          EXPECT_EQ(pages[0].offset, (*rd)->metadata().row_groups[g].columns[c].meta_data->data_page_offset);
          bool ascending = true, descending = true;
          std::optional<PageBounds> previous;
          for (size_t p = 0; p < pages.size(); ++p) {
            // The page's header decodes where the index says, and its size is the header and body.
            size_t header_bytes = 0;
            auto h = parquet::decode_page_header(std::string_view(bytes).substr(static_cast<size_t>(pages[p].offset)), path,
                                                 static_cast<uint64_t>(pages[p].offset), &header_bytes);
            ASSERT_TRUE(h.is_ok()) << h.status().to_string();
            EXPECT_EQ(h->type, version == 1 ? parquet::PageType::kDataPage : parquet::PageType::kDataPageV2);
            EXPECT_EQ(static_cast<int64_t>(header_bytes) + h->compressed_page_size, pages[p].compressed_page_size);
            const int64_t first = pages[p].first_row_index;
            const int64_t end = p + 1 < pages.size() ? pages[p + 1].first_row_index : group_rows;
            const int32_t page_values = version == 1 ? h->data_page->num_values : h->data_page_v2->num_values;
            EXPECT_EQ(page_values, end - first) << "page " << p;
            const PageBounds want = bounds_of(c, group_start + first, group_start + end);
            EXPECT_EQ(ci.null_counts[p], want.nulls) << "page " << p;
            EXPECT_EQ(ci.null_pages[p], !want.lo.has_value()) << "page " << p;
            if (!want.lo) {
              EXPECT_EQ(ci.min_values[p], "");
              EXPECT_EQ(ci.max_values[p], "");
              continue;
            }
            EXPECT_EQ(ci.min_values[p], plain_bytes(c, *want.lo)) << "page " << p;
            EXPECT_EQ(ci.max_values[p], plain_bytes(c, *want.hi)) << "page " << p;
            if (previous) {
              auto less = [](const Value& a, const Value& b) { return values::compare_values(a, b) < 0; };
              ascending = ascending && !less(*want.lo, *previous->lo) && !less(*want.hi, *previous->hi);
              descending = descending && !less(*previous->lo, *want.lo) && !less(*previous->hi, *want.hi);
            }
            previous = want;
          }
          const BoundaryOrder want = ascending ? BoundaryOrder::kAscending : descending ? BoundaryOrder::kDescending : BoundaryOrder::kUnordered;
          EXPECT_EQ(ci.boundary_order, want);
          if (c == 0) {
            EXPECT_EQ(ci.boundary_order, BoundaryOrder::kAscending);
          }
          if (c == 1) {
            EXPECT_EQ(ci.boundary_order, BoundaryOrder::kDescending);
          }
          if (c == 3 && g < 2) {
            EXPECT_EQ(ci.boundary_order, BoundaryOrder::kUnordered);
          }
          if (c == 3 && g == 2) {
            EXPECT_EQ(ci.null_pages, std::vector<bool>{true});
          }
        }
        group_start += group_rows;
      }
    }
  }
}

TEST(PageIndex, NoColumnIndexForAPageOfNaNs) {
  const std::string path = temp_path("nan.parquet");
  WriterOptions o;
  o.page_bytes = 512;  // 64 doubles a page: the first page is NaN only
  o.dictionary = false;
  {
    auto w = ParquetWriter::open(path, {{"x", DataType::double_type(), 1}, {"n", DataType::bigint(), 2}}, o);
    ASSERT_TRUE(w.is_ok());
    for (int64_t r = 0; r < 1000; ++r) {
      std::vector<Value> row = {Value::real(r < 64 ? NAN : static_cast<double>(r)), Value::integer(r)};
      ASSERT_TRUE((*w)->write_row(row).is_ok());
    }
    ASSERT_TRUE((*w)->close().is_ok());
  }
  auto rd = ParquetReader::open(path);
  ASSERT_TRUE(rd.is_ok());
  auto x = (*rd)->page_index(0, 0);
  ASSERT_TRUE(x.is_ok() && x->has_value());
  EXPECT_FALSE((*x)->column.has_value());
  EXPECT_GT((*x)->offsets.page_locations.size(), 10u);
  EXPECT_FALSE((*rd)->metadata().row_groups[0].columns[0].column_index_offset.has_value());
  auto n = (*rd)->page_index(0, 1);
  ASSERT_TRUE(n.is_ok() && n->has_value());
  EXPECT_TRUE((*n)->column.has_value());
}

TEST(PageIndex, PagesOfARepeatedColumnStartOnRows) {
  const std::string path = temp_path("lists.parquet");
  WriterOptions o;
  o.page_bytes = 256;
  o.dictionary = false;
  {
    auto w = ParquetWriter::open(path, {{"xs", DataType::array(DataType::bigint()), 1}}, o);
    ASSERT_TRUE(w.is_ok());
    for (int64_t r = 0; r < 2000; ++r) {
      std::vector<Value> items;
      for (int64_t k = 0; k < r % 9; ++k) items.push_back(Value::integer(r * 10 + k));
      std::vector<Value> row = {r % 11 == 5 ? Value() : Value::list(std::move(items))};
      ASSERT_TRUE((*w)->write_row(row).is_ok());
    }
    ASSERT_TRUE((*w)->close().is_ok());
  }
  auto rd = ParquetReader::open(path);
  ASSERT_TRUE(rd.is_ok());
  auto index = (*rd)->page_index(0, 0);
  ASSERT_TRUE(index.is_ok() && index->has_value()) << index.status().to_string();
  const auto& pages = (*index)->offsets.page_locations;
  ASSERT_GT(pages.size(), 5u);
  // Rows have 0..8 items, so a page holding whole rows starts where the row count says: the
  // first value of the page's first row is row * 10 (an empty or NULL row shifts it to the next).
  const parquet::ColumnIndex& ci = *(*index)->column;
  EXPECT_EQ(ci.boundary_order, BoundaryOrder::kAscending);
  for (size_t p = 0; p < pages.size(); ++p) {
    int64_t row = pages[p].first_row_index;
    while (row % 9 == 0 || row % 11 == 5) ++row;
    ASSERT_FALSE(ci.null_pages[p]);
    EXPECT_EQ(ci.min_values[p], int64_bytes(row * 10)) << "page " << p;
  }
}

TEST(PageIndex, OffByOption) {
  const std::string path = temp_path("no-index.parquet");
  WriterOptions o;
  o.page_index = false;
  {
    auto w = ParquetWriter::open(path, {{"id", DataType::bigint(), 1}}, o);
    ASSERT_TRUE(w.is_ok());
    for (int64_t r = 0; r < 100; ++r) ASSERT_TRUE((*w)->write_row(std::vector<Value>{Value::integer(r)}).is_ok());
    ASSERT_TRUE((*w)->close().is_ok());
  }
  auto rd = ParquetReader::open(path);
  ASSERT_TRUE(rd.is_ok());
  auto index = (*rd)->page_index(0, 0);
  ASSERT_TRUE(index.is_ok());
  EXPECT_FALSE(index->has_value());
  EXPECT_EQ((*rd)->page_index(1, 0).status().code(), StatusCode::kInvalidArgument);
}

// A damaged page index is an error naming the file and byte, never a crash: every byte of the
// indexes of one file replaced by a few values, and offsets pointing outside the data.
TEST(PageIndex, DamagedIndexesAreErrors) {
  const std::string path = temp_path("damaged.parquet");
  WriterOptions o;
  o.page_bytes = 256;
  {
    auto w = ParquetWriter::open(path, {{"id", DataType::bigint(), 1}, {"s", DataType::string(), 2}}, o);
    ASSERT_TRUE(w.is_ok());
    for (int64_t r = 0; r < 500; ++r) {
      std::vector<Value> row = {r % 9 ? Value::integer(r) : Value(), Value::string("s" + std::to_string(r % 17))};
      ASSERT_TRUE((*w)->write_row(row).is_ok());
    }
    ASSERT_TRUE((*w)->close().is_ok());
  }
  const std::string bytes = file_bytes(path);
  auto rd = ParquetReader::open(path);
  ASSERT_TRUE(rd.is_ok());
  const auto& chunks = (*rd)->metadata().row_groups[0].columns;
  // The indexes lie from the first ColumnIndex to the end of the last OffsetIndex.
  const auto from = static_cast<size_t>(*chunks[0].column_index_offset);
  const auto to = static_cast<size_t>(*chunks[1].offset_index_offset + *chunks[1].offset_index_length);
  ASSERT_LT(from, to);
  int errors = 0;
  for (size_t at = from; at < to; ++at) {
    for (char v : {'\x00', '\x7f', '\xff'}) {
      std::string damaged = bytes;
      damaged[at] = v;
      auto reader = ParquetReader::from_bytes("damaged.parquet", damaged);
      ASSERT_TRUE(reader.is_ok());  // the footer is untouched
      for (size_t c = 0; c < 2; ++c) {
        auto index = (*reader)->page_index(0, c);
        if (index.is_ok()) continue;
        ++errors;
        EXPECT_EQ(index.status().code(), StatusCode::kCorruption) << index.status().to_string();
        EXPECT_NE(index.status().message().find("damaged.parquet: byte "), std::string::npos) << index.status().message();
      }
    }
  }
  EXPECT_GT(errors, 0);
  // An index said to lie in the footer, past the end of the file, or before its start: the footer
  // rewritten with that offset.
  uint32_t footer_len;
  std::memcpy(&footer_len, bytes.data() + bytes.size() - 8, 4);
  const std::string data = bytes.substr(0, bytes.size() - 8 - footer_len);
  for (int64_t offset : {static_cast<int64_t>(bytes.size()) - 20, int64_t{1} << 40, int64_t{-5}}) {
    parquet::FileMetaData meta = (*rd)->metadata();
    meta.row_groups[0].columns[0].offset_index_offset = offset;
    std::string footer;
    parquet::encode_file_metadata(meta, &footer);
    const auto len = static_cast<uint32_t>(footer.size());
    std::string moved = data + footer + std::string(reinterpret_cast<const char*>(&len), 4) + "PAR1";
    auto reader = ParquetReader::from_bytes("moved.parquet", moved);
    ASSERT_TRUE(reader.is_ok()) << reader.status().to_string();
    auto index = (*reader)->page_index(0, 0);
    EXPECT_EQ(index.status().code(), StatusCode::kCorruption) << offset;
    EXPECT_NE(index.status().message().find("its OffsetIndex ("), std::string::npos) << index.status().message();
  }
}

}  // namespace
}  // namespace careflow::lake
