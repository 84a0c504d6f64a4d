// Page skipping by the page index: for a range predicate the reader keeps only the rows of pages
// whose ColumnIndex bounds may match (NULL-only pages never do), decodes only those pages of every
// flat column (its dictionary first) and returns exactly the rows of a full scan there; a file
// without page indexes reads the whole row group; an Iceberg scan with ranges returns the rows a
// full scan filtered would, counting the pages it read and skipped.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "lake/iceberg_commit.h"
#include "lake/iceberg_files.h"
#include "lake/parquet_reader.h"
#include "lake/parquet_writer.h"

namespace careflow::lake {
namespace {

namespace fs = std::filesystem;
using values::DataType;
using values::Value;

constexpr int64_t kRows = 10'000;
constexpr int64_t kGroupRows = 4'000;

std::string temp_path(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("careflow-lake-page-skip-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return (dir / name).string();
}

const std::vector<ColumnSpec>& columns() {
  static const std::vector<ColumnSpec> c = {{"id", DataType::bigint().with_nullable(false), 1},
                                            {"name", DataType::string(), 2},
                                            {"x", DataType::double_type(), 3},
                                            {"amount", DataType::decimal(10, 2), 4},
                                            {"tags", DataType::array(DataType::bigint()), 5, {7}},
                                            {"wave", DataType::integer(), 6}};
  return c;
}

// id rises; name is NULL on rows 3000..3499 (whole NULL pages) and repeats every 50 rows otherwise
// (a dictionary when the options allow one); wave jumps about (an unordered column).
std::vector<Value> row_at(int64_t r) {
  std::vector<Value> tags;
  for (int64_t k = 0; k < r % 3; ++k) tags.push_back(Value::integer(r + k));
  return {Value::integer(r),
          r >= 3000 && r < 3500 ? Value() : Value::string(fmt::format("n{:05}", r - r % 50)),
          r % 13 == 0 ? Value() : Value::real(static_cast<double>(r) / 4),
          Value::decimal(r * 7 - 20'000),
          Value::list(std::move(tags)),
          Value::integer((r * 7919) % 1000)};
}

struct Options {
  bool dictionary;
  int page_version;
  bool page_index;
};

std::string write_file(const Options& p) {
  const std::string path = temp_path(fmt::format("skip-{}-{}-{}.parquet", p.dictionary, p.page_version, p.page_index));
  WriterOptions o;
  o.row_group_rows = kGroupRows;
  o.page_bytes = 1024;  // about 128 INT64 values a page: many small pages
  o.dictionary = p.dictionary;
  o.data_page_version = p.page_version;
  o.page_index = p.page_index;
  auto w = ParquetWriter::open(path, columns(), o);
  EXPECT_TRUE(w.is_ok()) << w.status().to_string();
  for (int64_t r = 0; r < kRows; ++r) EXPECT_TRUE((*w)->write_row(row_at(r)).is_ok());
  EXPECT_TRUE((*w)->close().is_ok());
  return path;
}

int64_t rows_in(const std::vector<RowSpan>& spans) {
  int64_t n = 0;
  for (const RowSpan& s : spans) n += s.end - s.first;
  return n;
}

class PageSkip : public ::testing::TestWithParam<Options> {};

TEST_P(PageSkip, ReadsOnlyThePagesARangeNeedsAndTheirRowsExactly) {
  const Options p = GetParam();
  const std::string path = write_file(p);
  auto rd = ParquetReader::open(path);
  ASSERT_TRUE(rd.is_ok()) << rd.status().to_string();
  const ParquetReader& reader = **rd;
  ASSERT_EQ(reader.num_row_groups(), 3u);
  const std::vector<size_t> all = {0, 1, 2, 3, 4, 5};

  // A full read of row group 1, for the pages it decodes.
  const ReadCounters before_full = reader.counters();
  ASSERT_TRUE(reader.read_row_group(1, all).is_ok());
  const int64_t full_pages = reader.counters().data_pages_read - before_full.data_pages_read;
  EXPECT_EQ(reader.counters().data_pages_skipped, 0);

  struct Case {
    std::vector<ColumnRange> ranges;
    size_t group;
    bool narrows;  // the page index shrinks the rows to read
  };
  const std::vector<Case> cases = {
      {{{"id", Value::integer(4100), Value::integer(4300)}}, 1, true},
      {{{"id", std::nullopt, Value::integer(40)}}, 0, true},
      // name's bounds: NULL-only pages (3000..3499) drop out; a string range.
      {{{"name", Value::string("n02900"), Value::string("n03600")}}, 0, true},
      // Two ranges: an unordered column keeps most pages, the intersection is id's.
      {{{"id", Value::integer(9000), std::nullopt}, {"wave", std::nullopt, Value::integer(100)}}, 2, true},
      // Nothing matches: no rows, nothing decoded.
      {{{"id", Value::integer(5000), Value::integer(4000)}}, 1, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "group " << c.group << " range on " << c.ranges[0].column);
    auto spans = reader.select_rows(c.group, c.ranges);
    ASSERT_TRUE(spans.is_ok()) << spans.status().to_string();
    const int64_t group_start = static_cast<int64_t>(c.group) * kGroupRows;
    const int64_t group_rows = reader.metadata().row_groups[c.group].num_rows;
    if (!p.page_index) {
      EXPECT_EQ(*spans, (std::vector<RowSpan>{{0, group_rows}}));
    } else if (c.narrows) {
      EXPECT_LT(rows_in(*spans), group_rows);
    }
    // Every matching row of the group lies inside the spans.
    int64_t matching = 0;
    for (int64_t r = 0; r < group_rows; ++r) {
      const std::vector<Value> row = row_at(group_start + r);
      bool match = true;
      for (const ColumnRange& range : c.ranges) {
        const Value& v = row[*reader.column_index(range.column)];
        match = match && !v.is_null() && (!range.lower || values::compare_values(v, *range.lower) >= 0) &&
                (!range.upper || values::compare_values(v, *range.upper) <= 0);
      }
      if (!match) continue;
      ++matching;
      bool kept = false;
      for (const RowSpan& s : *spans) kept = kept || (r >= s.first && r < s.end);
      EXPECT_TRUE(kept) << "row " << r << " matches but was left out";
    }
    const ReadCounters before = reader.counters();
    auto got = reader.read_rows(c.group, all, *spans);
    ASSERT_TRUE(got.is_ok()) << got.status().to_string();
    const int64_t pages = reader.counters().data_pages_read - before.data_pages_read;
    if (p.page_index && c.narrows) {
      EXPECT_LT(pages, full_pages);
      if (!spans->empty()) {
        EXPECT_GT(reader.counters().data_pages_skipped, before.data_pages_skipped);
      }
    }
    if (matching == 0 && p.page_index) {
      EXPECT_EQ(pages, 0);
    }
    ASSERT_EQ(got->size(), all.size());
    size_t slot = 0;
    for (const RowSpan& s : *spans) {
      for (int64_t r = s.first; r < s.end; ++r, ++slot) {
        const std::vector<Value> want = row_at(group_start + r);
        for (size_t col = 0; col < all.size(); ++col) {
          ASSERT_LT(slot, (*got)[col].size());
          ASSERT_TRUE((*got)[col].value(slot) == want[col]) << "row " << group_start + r << " column " << columns()[col].name;
        }
      }
    }
    for (const ColumnVector& v : *got) EXPECT_EQ(v.size(), slot);
  }
}

INSTANTIATE_TEST_SUITE_P(Layouts, PageSkip,
                         ::testing::Values(Options{true, 1, true}, Options{false, 1, true}, Options{true, 2, true}, Options{false, 2, true},
                                           Options{true, 1, false}),
                         [](const auto& layout) {
                           return fmt::format("{}_v{}_{}", layout.param.dictionary ? "dictionary" : "plain", layout.param.page_version,
                                              layout.param.page_index ? "indexed" : "unindexed");
                         });

TEST(PageSkip, SpansMustBeSortedDisjointAndInsideTheGroup) {
  const std::string path = write_file({true, 1, true});
  auto rd = ParquetReader::open(path);
  ASSERT_TRUE(rd.is_ok());
  const std::vector<size_t> id = {0};
  for (const std::vector<RowSpan>& bad : {std::vector<RowSpan>{{10, 20}, {15, 30}}, std::vector<RowSpan>{{20, 10}},
                                          std::vector<RowSpan>{{0, kGroupRows + 1}}, std::vector<RowSpan>{{-1, 3}}}) {
    EXPECT_EQ((*rd)->read_rows(0, id, bad).status().code(), StatusCode::kInvalidArgument);
  }
  auto none = (*rd)->read_rows(0, id, {});
  ASSERT_TRUE(none.is_ok());
  ASSERT_EQ(none->size(), 1u);
  EXPECT_EQ((*none)[0].size(), 0u);
  EXPECT_EQ((*none)[0].column.name, "id");
  std::vector<ColumnRange> unknown = {{"nope", std::nullopt, std::nullopt}};
  EXPECT_EQ((*rd)->select_rows(0, unknown).status().code(), StatusCode::kNotFound);
}

TEST(PageSkip, IcebergScanWithRangesMatchesAFilteredFullScan) {
  namespace ice = iceberg;
  const std::string location = (fs::temp_directory_path() / fmt::format("careflow-page-skip-{}", ::getpid())).string();
  fs::remove_all(location);
  auto created = ice::create_table(location, columns(), {});
  ASSERT_TRUE(created.is_ok()) << created.status().to_string();
  WriterOptions o;
  o.row_group_rows = kGroupRows;
  o.page_bytes = 1024;
  ice::DataFileWriter writer(*created, "skip", o);
  for (int64_t r = 0; r < kRows; ++r) ASSERT_TRUE(writer.add(row_at(r)).is_ok());
  auto files = writer.flush();
  ASSERT_TRUE(files.is_ok()) << files.status().to_string();
  ASSERT_TRUE(ice::commit_files(location, *files, {}, {}).is_ok());
  auto table = ice::load_table(location);
  ASSERT_TRUE(table.is_ok());

  ice::ScanCounters counters;
  ice::ScanFilter filter{{{"id", Value::integer(4100), Value::integer(4300)}, {"x", std::nullopt, Value::real(1070)}}, &counters};
  std::vector<int64_t> got;
  Status s = ice::scan_rows(
      *table,
      [&](std::vector<Value> row) {
        EXPECT_TRUE(row == row_at(row[0].as_int()));
        got.push_back(row[0].as_int());
        return Status::ok();
      },
      std::nullopt, filter);
  ASSERT_TRUE(s.is_ok()) << s.to_string();
  std::vector<int64_t> want;  // x <= 1070 is r <= 4280; rows with r % 13 == 0 have no x
  for (int64_t r = 4100; r <= 4280; ++r) {
    if (r % 13 != 0) want.push_back(r);
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(counters.row_groups_read, 1);
  EXPECT_EQ(counters.row_groups_skipped, 2);
  EXPECT_GT(counters.data_pages_read, 0);
  EXPECT_GT(counters.data_pages_skipped, counters.data_pages_read);

  filter.ranges = {{"nope", std::nullopt, std::nullopt}};
  EXPECT_EQ(ice::scan_rows(*table, [](std::vector<Value>) { return Status::ok(); }, std::nullopt, filter).code(), StatusCode::kNotFound);
  fs::remove_all(location);
}

}  // namespace
}  // namespace careflow::lake
