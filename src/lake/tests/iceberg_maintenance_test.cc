// Table maintenance on real files: snapshot expiry (retained ancestors, files only expired
// snapshots named deleted, rows unchanged), orphan removal (unreferenced files older than the
// cutoff only), and compaction (small files per partition rewritten with deletes applied as a
// `replace` snapshot, obsolete delete files dropped, appends committed concurrently kept).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>

#include "common/clock.h"
#include "lake/iceberg_commit.h"
#include "lake/iceberg_deletes.h"
#include "lake/iceberg_files.h"
#include "lake/iceberg_maintenance.h"
#include "lake/iceberg_manifest.h"

namespace careflow::lake::iceberg {
namespace {

namespace fs = std::filesystem;
using values::DataType;
using values::Value;

constexpr int64_t kDay = 86'400'000'000LL;

class IcebergMaintenance : public ::testing::Test {
 protected:
  void SetUp() override {
    location_ = (fs::temp_directory_path() / fmt::format("careflow-maint-{}-{}", ::getpid(),
                                                         ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                    .string();
    fs::remove_all(location_);
    auto t = create_table(location_, columns_, {"", day_partition(columns_, "ts"), {}, 0});
    ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  }
  void TearDown() override { fs::remove_all(location_); }

  // Ids [first, first + n) over three days, one file per day, committed at `at_ms` (0: now).
  Snapshot append(int64_t first, int n, int64_t at_ms = 0) {
    auto t = load_table(location_);
    DataFileWriter w(*t, fmt::format("a{}", first));
    for (int64_t i = first; i < first + n; ++i) EXPECT_TRUE(w.add({Value::integer(i), Value::integer((i % 3) * kDay + i)}).is_ok());
    CommitOptions o;
    o.timestamp_ms = at_ms;
    o.retries = 100;
    auto s = append_files(location_, *w.flush(), o);
    EXPECT_TRUE(s.is_ok()) << s.status().to_string();
    return *s;
  }
  std::multiset<int64_t> ids(std::optional<int64_t> snapshot = std::nullopt) {
    std::multiset<int64_t> out;
    auto t = load_table(location_);
    Status s = scan_rows(*t, [&](std::vector<Value> row) {
      out.insert(row[0].as_int());
      return Status::ok();
    }, snapshot);
    EXPECT_TRUE(s.is_ok()) << s.to_string();
    return out;
  }
  static std::multiset<int64_t> range(int64_t from, int64_t to) {
    std::multiset<int64_t> out;
    for (int64_t i = from; i < to; ++i) out.insert(i);
    return out;
  }

  std::string location_;
  std::vector<ColumnSpec> columns_ = {{"id", DataType::bigint().with_nullable(false), 1}, {"ts", DataType::timestamp(6), 2}};
};

TEST_F(IcebergMaintenance, ExpiryKeepsRecentAncestorsAndDeletesWhatOnlyExpiredSnapshotsNamed) {
  std::vector<Snapshot> snaps;
  for (int i = 0; i < 5; ++i) snaps.push_back(append(i * 10, 10, 1'000 * (i + 1)));
  auto nothing = expire_snapshots(location_, {500, 1, 0});
  ASSERT_TRUE(nothing.is_ok());
  EXPECT_TRUE(nothing->expired.empty());
  auto expired = expire_snapshots(location_, {4'500, 2, 0});
  ASSERT_TRUE(expired.is_ok()) << expired.status().to_string();
  EXPECT_EQ(expired->expired, (std::vector<int64_t>{snaps[0].snapshot_id, snaps[1].snapshot_id, snaps[2].snapshot_id}));
  auto t = load_table(location_);
  ASSERT_EQ(t->snapshots.size(), 2u);
  EXPECT_EQ(t->json["snapshot-log"].size(), 2u);
  EXPECT_EQ(ids(), range(0, 50));  // the data files are still named by the retained snapshots
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(fs::exists(snaps[i].manifest_list)) << i;
  EXPECT_TRUE(fs::exists(snaps[3].manifest_list));
  // retain_last keeps the current snapshot even when everything is old.
  auto all = expire_snapshots(location_, {wall_clock_ms() + 1'000, 0, 0});
  ASSERT_TRUE(all.is_ok());
  EXPECT_EQ(all->expired, std::vector<int64_t>{snaps[3].snapshot_id});
  EXPECT_EQ(ids(), range(0, 50));
}

TEST_F(IcebergMaintenance, OrphansOlderThanTheCutoffGoLiveFilesStay) {
  append(0, 9);
  const std::string stray_data = location_ + "/data/ts_day=1970-01-01/stray.parquet";
  const std::string stray_meta = location_ + "/metadata/stray-m0.avro";
  ASSERT_TRUE(write_file(stray_data, "x").is_ok());
  ASSERT_TRUE(write_file(stray_meta, "x").is_ok());
  auto recent = remove_orphan_files(location_);  // 3 days by default: fresh files may be a commit in flight
  ASSERT_TRUE(recent.is_ok()) << recent.status().to_string();
  EXPECT_TRUE(recent->empty());
  auto removed = remove_orphan_files(location_, wall_clock_ms() + 60'000);
  ASSERT_TRUE(removed.is_ok());
  EXPECT_EQ(std::set<std::string>(removed->begin(), removed->end()), (std::set<std::string>{stray_data, stray_meta}));
  EXPECT_EQ(ids(), range(0, 9));
  EXPECT_TRUE(fs::exists(location_ + "/metadata/version-hint.text"));
}

TEST_F(IcebergMaintenance, CompactionRewritesSmallFilesWithDeletesAppliedAndKeepsConcurrentAppends) {
  for (int i = 0; i < 4; ++i) append(i * 30, 30);  // 12 files, 4 per day
  // Delete ids 0..4 by position.
  auto t = load_table(location_);
  std::vector<PositionDelete> deletes;
  ASSERT_TRUE(scan_rows_at(*t, [&](const DataFile& f, int64_t pos, std::vector<Value> row) {
                if (row[0].as_int() < 5) deletes.push_back({f.path, f.partition, pos});
                return Status::ok();
              }).is_ok());
  auto delete_files = write_position_deletes(*t, "del", deletes);
  ASSERT_TRUE(delete_files.is_ok());
  ASSERT_TRUE(commit_files(location_, {}, *delete_files, {}).is_ok());
  ASSERT_EQ(ids(), range(5, 120));
  const auto old_files = live_files(*load_table(location_));
  ASSERT_EQ(old_files->size(), 12u);

  // Appends land while the compaction runs; none may be lost.
  std::thread appender([&] {
    for (int i = 0; i < 5; ++i) append(1'000 + i * 3, 3);
  });
  CompactOptions o;
  o.retries = 100;
  auto compacted = compact(location_, o);
  appender.join();
  ASSERT_TRUE(compacted.is_ok()) << compacted.status().to_string();
  EXPECT_GE(compacted->rewritten_files, 12);
  EXPECT_NE(compacted->snapshot_id, 0);
  auto after = load_table(location_);
  const Snapshot* replace = after->find(compacted->snapshot_id);
  ASSERT_NE(replace, nullptr);
  EXPECT_EQ(replace->summary.at("operation"), "replace");
  EXPECT_EQ(replace->summary.at("removed-delete-files"), std::to_string(delete_files->size()));
  std::multiset<int64_t> want = range(5, 120);
  for (int i = 0; i < 5; ++i) want.merge(range(1'000 + i * 3, 1'003 + i * 3));
  EXPECT_EQ(ids(), want);
  auto tasks = plan_scan(*after);
  ASSERT_TRUE(tasks.is_ok());
  for (const ScanTask& task : *tasks) EXPECT_TRUE(task.position_deletes.empty()) << task.file.path;
  // Expiring the snapshots before the compaction deletes the rewritten files and the delete files.
  auto expired = expire_snapshots(location_, {wall_clock_ms() + 1'000, 1, 0});
  ASSERT_TRUE(expired.is_ok()) << expired.status().to_string();
  for (const DataFile& f : *old_files) EXPECT_FALSE(fs::exists(f.path)) << f.path;
  for (const DataFile& f : *delete_files) EXPECT_FALSE(fs::exists(f.path)) << f.path;
  EXPECT_EQ(ids(), want);
  // Compacting again (the appends' small files) keeps the rows.
  auto again = compact(location_, o);
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(ids(), want);
}

}  // namespace
}  // namespace careflow::lake::iceberg
