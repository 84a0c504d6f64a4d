// Row-level deletes on an Iceberg v2 table: position delete files written per partition, committed
// alone ("delete") or with data files in one snapshot ("overwrite"), applied by careflow's scan to
// data files of the same or an older sequence number only, kept by older snapshots' scans,
// referenced for orphan detection; another engine's equality deletes refused naming the file.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "lake/iceberg_commit.h"
#include "lake/iceberg_deletes.h"
#include "lake/iceberg_files.h"
#include "lake/iceberg_manifest.h"

namespace careflow::lake::iceberg {
namespace {

namespace fs = std::filesystem;
using values::DataType;
using values::Value;

constexpr int64_t kDay = 86'400'000'000LL;

struct Rows {
  std::multiset<int64_t> ids;
  std::map<int64_t, std::pair<std::string, int64_t>> where;  // id → (file, position)
};

Rows scan(const TableMetadata& t, std::optional<int64_t> snapshot = std::nullopt) {
  Rows out;
  Status s = scan_rows_at(
      t,
      [&](const DataFile& f, int64_t pos, std::vector<Value> row) {
        out.ids.insert(row[0].as_int());
        out.where[row[0].as_int()] = {f.path, pos};
        return Status::ok();
      },
      snapshot);
  EXPECT_TRUE(s.is_ok()) << s.to_string();
  return out;
}

TEST(IcebergDeletes, PositionDeletesHideRowsOfOlderAndSameSequenceFilesOnly) {
  const std::string location = (fs::temp_directory_path() / fmt::format("careflow-deletes-{}", ::getpid())).string();
  fs::remove_all(location);
  const std::vector<ColumnSpec> columns = {{"id", DataType::bigint().with_nullable(false), 1}, {"ts", DataType::timestamp(6), 2}};
  auto created = create_table(location, columns, {"", day_partition(columns, "ts"), {}, 0});
  ASSERT_TRUE(created.is_ok()) << created.status().to_string();

  // Ids 0..9 over two days; the writer says where each row went.
  DataFileWriter writer(*created, "first");
  for (int64_t i = 0; i < 10; ++i) ASSERT_TRUE(writer.add({Value::integer(i), Value::integer((i % 2) * kDay + i)}).is_ok());
  std::vector<DataFileWriter::Placement> placed;
  auto files = writer.flush(&placed);
  ASSERT_TRUE(files.is_ok());
  ASSERT_EQ(files->size(), 2u);
  ASSERT_EQ(placed.size(), 10u);
  auto first = commit_files(location, *files, {}, {});
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  auto table = load_table(location);
  Rows before = scan(*table);
  for (int64_t i = 0; i < 10; ++i) {  // the placements are the positions a scan finds
    EXPECT_EQ(before.where[i], std::make_pair((*files)[placed[i].file].path, placed[i].pos)) << i;
  }

  // Delete ids 3 and 4 (one per day partition): one delete file per partition, a "delete" snapshot.
  std::vector<PositionDelete> deletes;
  for (int64_t id : {3, 4, 3}) {  // a duplicate is written once
    const DataFile& f = (*files)[placed[id].file];
    deletes.push_back({f.path, f.partition, placed[id].pos});
  }
  auto delete_files = write_position_deletes(*table, "del", deletes);
  ASSERT_TRUE(delete_files.is_ok()) << delete_files.status().to_string();
  ASSERT_EQ(delete_files->size(), 2u);
  EXPECT_EQ((*delete_files)[0].content, FileContent::kPositionDeletes);
  EXPECT_EQ((*delete_files)[0].record_count + (*delete_files)[1].record_count, 2);
  EXPECT_EQ(read_position_deletes((*delete_files)[0].path)->size(), 1u);
  EXPECT_FALSE(commit_files(location, {}, {(*files)[0]}, {}).is_ok());  // a data file is no delete file
  auto second = commit_files(location, {}, *delete_files, {});
  ASSERT_TRUE(second.is_ok()) << second.status().to_string();
  EXPECT_EQ(second->summary.at("operation"), "delete");
  EXPECT_EQ(second->summary.at("total-position-deletes"), "2");
  EXPECT_EQ(second->summary.at("total-delete-files"), "2");
  table = load_table(location);
  EXPECT_EQ(scan(*table).ids, (std::multiset<int64_t>{0, 1, 2, 5, 6, 7, 8, 9}));
  EXPECT_EQ(scan(*table, first->snapshot_id).ids.size(), 10u);  // the older snapshot as it was
  EXPECT_EQ(live_files(*table)->size(), 2u);                      // data files only
  auto planned = plan_scan(*table);
  ASSERT_TRUE(planned.is_ok());
  for (const ScanTask& t : *planned) EXPECT_EQ(t.position_deletes.size(), 1u) << t.file.path;  // its own partition's, by bounds
  auto referenced = referenced_files(*table);
  ASSERT_TRUE(referenced.is_ok());
  EXPECT_TRUE(referenced->count((*delete_files)[1].path));

  // New rows 10..11 and a delete of row 11 (same snapshot: sequence numbers equal, applies) and of
  // row 0: an "overwrite". A delete naming a position of a newer file would not apply to it.
  DataFileWriter more(*table, "second");
  ASSERT_TRUE(more.add({Value::integer(10), Value::integer(10)}).is_ok());
  ASSERT_TRUE(more.add({Value::integer(11), Value::integer(11)}).is_ok());
  auto new_files = more.flush(&placed);
  ASSERT_TRUE(new_files.is_ok());
  auto both = write_position_deletes(*table, "del2", {{(*new_files)[0].path, (*new_files)[0].partition, placed[1].pos},
                                                       {before.where[0].first, (*files)[placed[0].file].partition, before.where[0].second}});
  ASSERT_TRUE(both.is_ok());
  auto third = commit_files(location, *new_files, *both, {});
  ASSERT_TRUE(third.is_ok()) << third.status().to_string();
  EXPECT_EQ(third->summary.at("operation"), "overwrite");
  EXPECT_EQ(third->summary.at("total-position-deletes"), "4");
  table = load_table(location);
  EXPECT_EQ(scan(*table).ids, (std::multiset<int64_t>{1, 2, 5, 6, 7, 8, 9, 10}));

  // A delete committed before the data file it names (a lower sequence number) does not apply.
  DataFileWriter late(*table, "third");
  ASSERT_TRUE(late.add({Value::integer(12), Value::integer(12)}).is_ok());
  auto late_files = late.flush();
  ASSERT_TRUE(late_files.is_ok());
  auto early = write_position_deletes(*table, "del3", {{(*late_files)[0].path, (*late_files)[0].partition, 0}});
  ASSERT_TRUE(early.is_ok());
  ASSERT_TRUE(commit_files(location, {}, *early, {}).is_ok());
  ASSERT_TRUE(commit_files(location, *late_files, {}, {}).is_ok());
  table = load_table(location);
  EXPECT_EQ(scan(*table).ids, (std::multiset<int64_t>{1, 2, 5, 6, 7, 8, 9, 10, 12}));

  // Another engine's equality delete file: careflow refuses to scan rather than show deleted rows.
  DataFile eq = (*delete_files)[0];
  eq.content = FileContent::kEqualityDeletes;
  eq.equality_ids = {1};
  ASSERT_TRUE(commit_files(location, {}, {eq}, {}).is_ok());
  table = load_table(location);
  Status refused = scan_rows(*table, [](std::vector<Value>) { return Status::ok(); });
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find("equality delete file"), std::string::npos) << refused.to_string();
  fs::remove_all(location);
}

TEST(IcebergDeletes, AFileWithoutTheDeleteColumnsIsCorruption) {
  const std::string path = (fs::temp_directory_path() / fmt::format("careflow-not-deletes-{}.parquet", ::getpid())).string();
  auto w = ParquetWriter::open(path, {{"x", DataType::bigint(), 1}});
  ASSERT_TRUE(w.is_ok());
  const Value row[] = {Value::integer(1)};
  ASSERT_TRUE((*w)->write_row(row).is_ok());
  ASSERT_TRUE((*w)->close().is_ok());
  auto r = read_position_deletes(path);
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find(path), std::string::npos);
  fs::remove(path);
}

}  // namespace
}  // namespace careflow::lake::iceberg
