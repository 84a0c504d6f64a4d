// Commits on an existing Iceberg table: snapshots chained by parent with rising sequence numbers,
// a new metadata version per commit with its logs, the day partition in manifests and paths, and
// optimistic concurrency (a stale commit refused; concurrent committers all land after retries).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <thread>

#include "lake/iceberg_commit.h"
#include "lake/iceberg_files.h"
#include "lake/iceberg_manifest.h"
#include "values/datetime.h"

namespace careflow::lake::iceberg {
namespace {

namespace fs = std::filesystem;
using values::DataType;
using values::Value;

constexpr int64_t kDay = 86'400'000'000LL;
constexpr int64_t kJan1 = 19'723;  // 2024-01-01 in days

class IcebergCommit : public ::testing::Test {
 protected:
  void SetUp() override {
    location_ = (fs::temp_directory_path() / fmt::format("careflow-commit-{}-{}", ::getpid(),
                                                         ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                    .string();
    fs::remove_all(location_);
  }
  void TearDown() override { fs::remove_all(location_); }

  TableMetadata create() {
    auto t = create_table(location_, columns_, {"", day_partition(columns_, "ts"), {}, 0});
    EXPECT_TRUE(t.is_ok()) << t.status().to_string();
    return *t;
  }
  // `n` rows with ids from `first`, spread over three days.
  std::vector<DataFile> write(const TableMetadata& t, int64_t first, int n, const std::string& prefix) {
    DataFileWriter w(t, prefix);
    for (int64_t i = first; i < first + n; ++i) {
      EXPECT_TRUE(w.add({Value::integer(i), Value::string(fmt::format("r{}", i)), Value::integer((kJan1 + i % 3) * kDay + i)}).is_ok());
    }
    auto files = w.flush();
    EXPECT_TRUE(files.is_ok()) << files.status().to_string();
    return *files;
  }
  std::multiset<int64_t> ids(const TableMetadata& t) {
    std::multiset<int64_t> out;
    Status s = scan_rows(t, [&](std::vector<Value> row) {
      out.insert(row[0].as_int());
      return Status::ok();
    });
    EXPECT_TRUE(s.is_ok()) << s.to_string();
    return out;
  }

  std::string location_;
  std::vector<ColumnSpec> columns_ = {{"id", DataType::bigint().with_nullable(false), 1},
                                      {"name", DataType::string(), 2},
                                      {"ts", DataType::timestamp_ltz(6), 3}};
};

TEST_F(IcebergCommit, AppendsChainSnapshotsWithSequenceNumbersAndLogs) {
  TableMetadata t = create();
  EXPECT_EQ(t.version, 1);
  EXPECT_FALSE(t.current());
  auto first = append_files(location_, write(t, 0, 30, "a"), {});
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  CommitOptions tagged;
  tagged.summary = {{"careflow.commit-id", "x"}};
  auto second = append_files(location_, write(t, 30, 12, "b"), tagged);
  ASSERT_TRUE(second.is_ok()) << second.status().to_string();

  auto loaded = load_table(location_);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ(loaded->version, 3);
  EXPECT_EQ(loaded->path, metadata_file(location_, 3));
  ASSERT_EQ(loaded->snapshots.size(), 2u);
  EXPECT_EQ(loaded->current_snapshot_id, second->snapshot_id);
  EXPECT_EQ(loaded->current()->parent_snapshot_id, first->snapshot_id);
  EXPECT_FALSE(loaded->snapshots[0].parent_snapshot_id);
  EXPECT_EQ(loaded->snapshots[0].sequence_number, 1);
  EXPECT_EQ(loaded->snapshots[1].sequence_number, 2);
  EXPECT_EQ(loaded->last_sequence_number, 2);
  EXPECT_EQ(loaded->current()->summary.at("total-records"), "42");
  EXPECT_EQ(loaded->current()->summary.at("added-records"), "12");
  EXPECT_EQ(loaded->current()->summary.at("total-data-files"), "6");
  EXPECT_EQ(loaded->current()->summary.at("careflow.commit-id"), "x");
  EXPECT_EQ(loaded->ancestry().size(), 2u);
  ASSERT_EQ(loaded->json["metadata-log"].size(), 2u);
  EXPECT_EQ(loaded->json["metadata-log"][1]["metadata-file"], metadata_file(location_, 2));
  EXPECT_EQ(loaded->json["snapshot-log"].size(), 2u);
  EXPECT_EQ(loaded->json["refs"]["main"]["snapshot-id"], second->snapshot_id);

  // The second snapshot's list: its own manifest (sequence 2) first, the first one's kept (1).
  auto manifests = read_manifest_list(loaded->current()->manifest_list);
  ASSERT_TRUE(manifests.is_ok()) << manifests.status().to_string();
  ASSERT_EQ(manifests->size(), 2u);
  EXPECT_EQ((*manifests)[0].sequence_number, 2);
  EXPECT_EQ((*manifests)[0].added_snapshot_id, second->snapshot_id);
  EXPECT_EQ((*manifests)[1].sequence_number, 1);
  EXPECT_EQ((*manifests)[1].added_rows_count, 30);
  ASSERT_EQ((*manifests)[0].partitions.size(), 1u);
  const int32_t lo = kJan1, hi = kJan1 + 2;
  EXPECT_EQ((*manifests)[0].partitions[0].lower_bound, std::string(reinterpret_cast<const char*>(&lo), 4));
  EXPECT_EQ((*manifests)[0].partitions[0].upper_bound, std::string(reinterpret_cast<const char*>(&hi), 4));

  // The first snapshot still reads its 30 rows; the current one all 42, once each.
  auto old_files = live_files(*loaded, first->snapshot_id);
  ASSERT_TRUE(old_files.is_ok());
  EXPECT_EQ(old_files->size(), 3u);
  auto files = live_files(*loaded);
  ASSERT_TRUE(files.is_ok()) << files.status().to_string();
  ASSERT_EQ(files->size(), 6u);
  std::set<std::string> folders;
  for (const DataFile& f : *files) {
    folders.insert(fs::path(f.path).parent_path().filename().string());
    ASSERT_EQ(f.partition.size(), 1u);
    EXPECT_EQ(fs::path(f.path).parent_path().filename().string(), "ts_day=" + values::format_date(f.partition[0].as_int()));
  }
  EXPECT_EQ(folders, (std::set<std::string>{"ts_day=2024-01-01", "ts_day=2024-01-02", "ts_day=2024-01-03"}));
  std::multiset<int64_t> want;
  for (int64_t i = 0; i < 42; ++i) want.insert(i);
  EXPECT_EQ(ids(*loaded), want);
}

TEST_F(IcebergCommit, AStaleCommitIsRefusedAndARetryLands) {
  TableMetadata base = create();
  auto files = write(base, 0, 5, "a");
  auto won = commit_append(base, files, {});
  ASSERT_TRUE(won.is_ok()) << won.status().to_string();
  auto lost = commit_append(base, write(base, 5, 5, "b"), {});
  ASSERT_EQ(lost.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(lost.status().message().find("commit conflict on table " + location_ + ": version 2 was committed by another writer"),
            std::string::npos)
      << lost.status().message();
  auto loaded = load_table(location_);
  ASSERT_TRUE(loaded.is_ok());
  EXPECT_EQ(loaded->snapshots.size(), 1u);  // the loser left no snapshot behind
  EXPECT_EQ(ids(*loaded).size(), 5u);
}

TEST_F(IcebergCommit, ConcurrentCommittersAllLandInOneChain) {
  TableMetadata t = create();
  constexpr int kPerThread = 8;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kPerThread; ++i) {
        const int64_t first = (w * kPerThread + i) * 10;
        CommitOptions patient;
        patient.retries = 50;
        auto s = append_files(location_, write(t, first, 10, fmt::format("w{}-{}", w, i)), patient);
        if (!s.is_ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto loaded = load_table(location_);
  ASSERT_TRUE(loaded.is_ok());
  EXPECT_EQ(loaded->version, 1 + 2 * kPerThread);
  EXPECT_EQ(loaded->snapshots.size(), 2u * kPerThread);
  EXPECT_EQ(loaded->ancestry().size(), 2u * kPerThread);  // one chain: every commit saw the one before
  EXPECT_EQ(loaded->last_sequence_number, 2 * kPerThread);
  EXPECT_EQ(loaded->current()->summary.at("total-records"), std::to_string(2 * kPerThread * 10));
  std::multiset<int64_t> want;
  for (int64_t i = 0; i < 2 * kPerThread * 10; ++i) want.insert(i);
  EXPECT_EQ(ids(*loaded), want);
}

TEST_F(IcebergCommit, ManyCommitsMergeManifestsKeepingSequenceNumbers) {
  TableMetadata t = create();
  CommitOptions merging;
  merging.manifest_merge_min_count = 3;
  std::vector<Snapshot> snaps;
  for (int i = 0; i < 7; ++i) {
    auto s = append_files(location_, write(t, i * 4, 4, fmt::format("c{}", i)), merging);
    ASSERT_TRUE(s.is_ok()) << s.status().to_string();
    snaps.push_back(*s);
  }
  auto loaded = load_table(location_);
  ASSERT_TRUE(loaded.is_ok());
  auto manifests = read_manifest_list(loaded->current()->manifest_list);
  ASSERT_TRUE(manifests.is_ok());
  // Commits 4 and 7 merged what their parents had: the list stays short.
  EXPECT_LE(manifests->size(), 3u);
  int existing = 0;
  for (const ManifestFile& m : *manifests) {
    auto entries = read_manifest(m.path, loaded->spec, loaded->columns);
    ASSERT_TRUE(entries.is_ok());
    for (const ManifestEntry& e : *entries) {
      if (e.status != EntryStatus::kExisting) continue;
      ++existing;
      ASSERT_TRUE(e.sequence_number && e.snapshot_id);
      // The entry keeps the snapshot that added it and that snapshot's sequence number.
      auto it = std::find_if(snaps.begin(), snaps.end(), [&](const Snapshot& s) { return s.snapshot_id == *e.snapshot_id; });
      ASSERT_NE(it, snaps.end());
      EXPECT_EQ(*e.sequence_number, it->sequence_number);
      EXPECT_EQ(e.file_sequence_number, it->sequence_number);
    }
    EXPECT_EQ(m.existing_files_count + m.added_files_count, static_cast<int32_t>(entries->size()));
  }
  EXPECT_GT(existing, 0);
  std::multiset<int64_t> want;
  for (int64_t i = 0; i < 28; ++i) want.insert(i);
  EXPECT_EQ(ids(*loaded), want);
  EXPECT_EQ(live_files(*loaded, snaps[2].snapshot_id)->size(), 9u);  // an older snapshot reads as it was
}

TEST_F(IcebergCommit, ReadersProbePastAStaleVersionHint) {
  TableMetadata t = create();
  ASSERT_TRUE(append_files(location_, write(t, 0, 3, "a"), {}).is_ok());
  ASSERT_TRUE(write_file(location_ + "/metadata/version-hint.text", "1").is_ok());  // a committer died before the hint
  auto loaded = load_table(location_);
  ASSERT_TRUE(loaded.is_ok());
  EXPECT_EQ(loaded->version, 2);
  fs::remove(location_ + "/metadata/version-hint.text");
  EXPECT_EQ(load_table(location_)->version, 2);
}

TEST_F(IcebergCommit, ErrorsNameTheFileOrColumn) {
  EXPECT_EQ(load_table(location_).status().code(), StatusCode::kNotFound);
  create();
  EXPECT_EQ(create_table(location_, columns_, {}).status().code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(write_file(metadata_file(location_, 2), "{\"format-version\": 2, \"location\": 7}").is_ok());
  auto damaged = load_table(location_);
  ASSERT_EQ(damaged.status().code(), StatusCode::kCorruption);
  EXPECT_NE(damaged.status().message().find("Iceberg metadata " + metadata_file(location_, 2)), std::string::npos)
      << damaged.status().message();

  auto bad_spec = create_table(location_ + "-x", columns_, {"", day_partition(columns_, "name"), {}, 0});
  ASSERT_FALSE(bad_spec.is_ok());
  EXPECT_NE(bad_spec.status().message().find("partition field 'name_day': transform 'day' cannot apply to column 'name'"),
            std::string::npos)
      << bad_spec.status().message();
  ASSERT_TRUE(write_file(location_ + "/list.avro", "Obj\x01garbage").is_ok());
  auto list = read_manifest_list(location_ + "/list.avro");
  ASSERT_EQ(list.status().code(), StatusCode::kCorruption);
  EXPECT_NE(list.status().message().find(location_ + "/list.avro"), std::string::npos);
}

}  // namespace
}  // namespace careflow::lake::iceberg
