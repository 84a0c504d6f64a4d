// What a crash or a bad disk leaves, made by hand on closed logs: torn tails are truncated, an
// atomic append that never committed is rolled back, and damage before the tail is an error
// naming the file and the byte.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "log/embedded_log.h"
#include "log/record_batch.h"
#include "log/tests/log_test_util.h"
#include "log/txn_journal.h"
#include "common/crc32c.h"

namespace careflow::log {
namespace {

using testing::open_log;
using testing::rec;
using testing::TempDir;
using testing::values;

std::filesystem::path segment_path(const TempDir& dir, const std::string& topic, int partition, int64_t base) {
  return dir.path() / "topics" / topic / std::to_string(partition) / fmt::format("{:020}.log", base);
}

std::vector<std::filesystem::path> segments(const TempDir& dir, const std::string& topic) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(dir.path() / "topics" / topic / "0")) {
    if (e.path().extension() == ".log") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void append_bytes(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream(file, std::ios::binary | std::ios::app) << bytes;
}

void flip_byte(const std::filesystem::path& file, int64_t position) {
  std::fstream f(file, std::ios::binary | std::ios::in | std::ios::out);
  f.seekg(position);
  char c;
  f.get(c);
  f.seekp(position);
  f.put(static_cast<char>(c ^ 0x5A));
}

// Writes ten records in ten batches and closes the log.
void ten_records(const TempDir& dir, TopicConfig config = {}) {
  auto log = open_log(dir.str());
  ASSERT_TRUE(log->create_topic("t", config).is_ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(log->append({"t", 0}, std::vector<Record>{rec("v" + std::to_string(i), i)}).is_ok());
}

TEST(Recovery, TornTailsAreTruncatedAndAppendsContinue) {
  for (const char* kind : {"half a batch", "a few header bytes", "zeros"}) {
    SCOPED_TRACE(kind);
    TempDir dir;
    ten_records(dir);
    const auto file = segment_path(dir, "t", 0, 0);
    const auto size = std::filesystem::file_size(file);
    std::string batch;
    encode_batch(std::vector<Record>{rec("torn", 99)}, 10, 0, Compression::kUncompressed, batch);
    if (std::string(kind) == "half a batch") append_bytes(file, batch.substr(0, batch.size() / 2));
    if (std::string(kind) == "a few header bytes") append_bytes(file, batch.substr(0, 7));
    if (std::string(kind) == "zeros") append_bytes(file, std::string(4096, '\0'));
    auto log = open_log(dir.str());
    ASSERT_TRUE(log);
    EXPECT_EQ(std::filesystem::file_size(file), size);
    EXPECT_EQ(values(*log, {"t", 0}).size(), 10u);
    EXPECT_EQ(*log->append({"t", 0}, std::vector<Record>{rec("next")}), 10);
    EXPECT_EQ(values(*log, {"t", 0}).back(), "next");
  }
}

TEST(Recovery, AnAtomicAppendThatNeverCommittedIsRolledBack) {
  TempDir dir;
  {
    auto log = open_log(dir.str());
    ASSERT_TRUE(log->create_topic("t", TopicConfig{.partitions = 2}).is_ok());
    std::vector<PartitionBatch> batches = {{{"t", 0}, {rec("both-0")}}, {{"t", 1}, {rec("both-1")}}};
    ASSERT_TRUE(log->append_atomic(batches).is_ok());  // committed: must stay
  }
  // A crash after writing partition 0's batch of the next atomic append, before its commit.
  std::string batch;
  encode_batch(std::vector<Record>{rec("uncommitted")}, 1, 424242, Compression::kUncompressed, batch);
  append_bytes(segment_path(dir, "t", 0, 0), batch);
  {
    auto log = open_log(dir.str());
    EXPECT_EQ(values(*log, {"t", 0}), (std::vector<std::string>{"both-0"}));
    EXPECT_EQ(values(*log, {"t", 1}), (std::vector<std::string>{"both-1"}));
    std::vector<PartitionBatch> next = {{{"t", 0}, {rec("again-0")}}, {{"t", 1}, {rec("again-1")}}};
    auto bases = log->append_atomic(next);
    ASSERT_TRUE(bases.is_ok());
    EXPECT_EQ(*bases, (std::vector<int64_t>{1, 1}));
  }
  // And the committed atomic appends stay committed across more restarts.
  auto log = open_log(dir.str());
  EXPECT_EQ(values(*log, {"t", 0}), (std::vector<std::string>{"both-0", "again-0"}));
  EXPECT_EQ(values(*log, {"t", 1}), (std::vector<std::string>{"both-1", "again-1"}));
}

// The batch a rollback exposes is committed and must stay so through later restarts, even when
// the rollback happened in every partition the committed append touched.
TEST(Recovery, TheCommittedBatchBeforeARollbackSurvivesTheNextRestarts) {
  TempDir dir;
  {
    auto log = open_log(dir.str());
    ASSERT_TRUE(log->create_topic("t", TopicConfig{.partitions = 2}).is_ok());
    std::vector<PartitionBatch> batches = {{{"t", 0}, {rec("both-0")}}, {{"t", 1}, {rec("both-1")}}};
    ASSERT_TRUE(log->append_atomic(batches).is_ok());
  }
  // A crash after both batches of the next atomic append were written, before its commit.
  for (int p : {0, 1}) {
    std::string batch;
    encode_batch(std::vector<Record>{rec("uncommitted")}, 1, 424242, Compression::kUncompressed, batch);
    append_bytes(segment_path(dir, "t", p, 0), batch);
  }
  for (int restart = 0; restart < 3; ++restart) {
    SCOPED_TRACE(restart);
    auto log = open_log(dir.str());
    EXPECT_EQ(values(*log, {"t", 0}), (std::vector<std::string>{"both-0"}));
    EXPECT_EQ(values(*log, {"t", 1}), (std::vector<std::string>{"both-1"}));
  }
}

TEST(Recovery, AFlippedByteInTheLastSegmentFailsTheOpenNamingFileAndByte) {
  TempDir dir;
  ten_records(dir);
  const auto file = segment_path(dir, "t", 0, 0);
  const auto size = static_cast<int64_t>(std::filesystem::file_size(file));
  flip_byte(file, size / 2);
  auto log = EmbeddedLog::open(dir.str());
  ASSERT_FALSE(log.is_ok());
  EXPECT_EQ(log.status().code(), StatusCode::kCorruption);
  EXPECT_NE(log.status().message().find(file.string()), std::string::npos) << log.status().message();
  EXPECT_NE(log.status().message().find("at byte "), std::string::npos) << log.status().message();
  // Nothing was truncated: the data stays for inspection.
  EXPECT_EQ(static_cast<int64_t>(std::filesystem::file_size(file)), size);
}

TEST(Recovery, AFlippedByteInAnOlderSegmentFailsTheFetchNamingFileAndByte) {
  TempDir dir;
  TopicConfig config;
  config.segment_bytes = 1024;
  config.index_interval_bytes = 128;  // older segments are checked only after their last index entry
  {
    auto log = open_log(dir.str());
    ASSERT_TRUE(log->create_topic("t", config).is_ok());
    for (int i = 0; i < 200; ++i) ASSERT_TRUE(log->append({"t", 0}, std::vector<Record>{rec(std::string(40, 'x') + std::to_string(i))}).is_ok());
  }
  const auto files = segments(dir, "t");
  ASSERT_GE(files.size(), 3u);
  const auto victim = files[0];
  const auto size = static_cast<int64_t>(std::filesystem::file_size(victim));
  flip_byte(victim, size / 3);
  auto log = open_log(dir.str());  // the damage is before the last index entry: found by the read
  ASSERT_TRUE(log);
  auto fetched = log->fetch({"t", 0}, 0);
  ASSERT_FALSE(fetched.is_ok());
  EXPECT_EQ(fetched.status().code(), StatusCode::kCorruption);
  EXPECT_NE(fetched.status().message().find(victim.string()), std::string::npos) << fetched.status().message();
  EXPECT_NE(fetched.status().message().find("at byte "), std::string::npos) << fetched.status().message();
  // Later segments are still readable.
  auto later = log->fetch({"t", 0}, 150);
  EXPECT_TRUE(later.is_ok()) << later.status().to_string();
}

TEST(Recovery, MissingIndexFilesAreRebuilt) {
  TempDir dir;
  TopicConfig config;
  config.segment_bytes = 1024;
  config.index_interval_bytes = 100;
  {
    auto log = open_log(dir.str());
    ASSERT_TRUE(log->create_topic("t", config).is_ok());
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(log->append({"t", 0}, std::vector<Record>{rec(std::to_string(i), i * 10)}).is_ok());
  }
  for (const auto& f : segments(dir, "t")) {
    std::filesystem::remove(std::filesystem::path(f).replace_extension(".index"));
    std::filesystem::resize_file(std::filesystem::path(f).replace_extension(".timeindex"), 5);  // damaged
  }
  auto log = open_log(dir.str());
  EXPECT_EQ(log->fetch({"t", 0}, 57)->records.front().value, "57");
  EXPECT_EQ(**log->offset_for_timestamp({"t", 0}, 455), 46);
}

// A data directory written before the format-2 journal (no FORMAT file, 12-byte journal records
// of which a restart kept only the ids of each partition's last batch) still opens: its one
// uncommitted batch is rolled back, and the journal is upgraded.
std::string format1_journal(std::initializer_list<int64_t> ids) {
  std::string out;
  for (int64_t id : ids) {
    const uint32_t crc = crc32c(&id, 8);
    out.append(reinterpret_cast<const char*>(&id), 8).append(reinterpret_cast<const char*>(&crc), 4);
  }
  return out;
}

void three_atomic_appends_in_format1(const TempDir& dir) {
  {
    auto log = open_log(dir.str());
    ASSERT_TRUE(log->create_topic("t", TopicConfig{.partitions = 2}).is_ok());
    for (int i = 0; i < 3; ++i) {  // ids 1, 2, 3
      std::vector<PartitionBatch> batches = {{{"t", 0}, {rec("a" + std::to_string(i))}}, {{"t", 1}, {rec("b" + std::to_string(i))}}};
      ASSERT_TRUE(log->append_atomic(batches).is_ok());
    }
  }
  std::filesystem::remove(dir.path() / "FORMAT");
  std::ofstream(dir.path() / "txn.journal", std::ios::binary | std::ios::trunc) << format1_journal({3});
}

TEST(Recovery, AFormat1DirectoryOpensRollsBackItsUncommittedBatchAndIsUpgraded) {
  TempDir dir;
  three_atomic_appends_in_format1(dir);
  std::string batch;
  encode_batch(std::vector<Record>{rec("uncommitted")}, 3, 4, Compression::kUncompressed, batch);
  append_bytes(segment_path(dir, "t", 0, 0), batch);
  for (int restart = 0; restart < 2; ++restart) {
    auto log = open_log(dir.str());
    ASSERT_TRUE(log);
    EXPECT_EQ(values(*log, {"t", 0}), (std::vector<std::string>{"a0", "a1", "a2"}));
    EXPECT_EQ(values(*log, {"t", 1}), (std::vector<std::string>{"b0", "b1", "b2"}));
  }
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "FORMAT"));
  std::ifstream in(dir.path() / "txn.journal", std::ios::binary);
  std::string magic(8, '\0');
  in.read(magic.data(), 8);
  EXPECT_EQ(magic, "CFTXNJ02");
}

// A crash leaves at most one uncommitted batch per partition; a format-1 journal does not say how
// far the partition was flushed, so a second one is refused rather than rolled back.
TEST(Recovery, TwoUncommittedBatchesWithAFormat1JournalAreRefused) {
  TempDir dir;
  three_atomic_appends_in_format1(dir);
  std::ofstream(dir.path() / "txn.journal", std::ios::binary | std::ios::trunc) << format1_journal({1});
  auto log = EmbeddedLog::open(dir.str());
  ASSERT_FALSE(log.is_ok());
  EXPECT_EQ(log.status().code(), StatusCode::kCorruption);
  EXPECT_NE(log.status().message().find(segment_path(dir, "t", 0, 0).string()), std::string::npos) << log.status().message();
  EXPECT_NE(log.status().message().find("atomic append 2"), std::string::npos) << log.status().message();
}

TEST(TxnJournal, RotatesWithoutForgettingACommitAndKeepsAbortsAndInFlightIdsOut) {
  TempDir dir;
  const std::string path = (dir.path() / "txn.journal").string();
  int64_t in_flight = 0, aborted = 0;
  {
    auto journal = TxnJournal::open(path, false, /*rotate_bytes=*/256);
    ASSERT_TRUE(journal.is_ok()) << journal.status().to_string();
    ASSERT_TRUE((*journal)->settle().is_ok());
    aborted = (*journal)->begin();
    ASSERT_TRUE((*journal)->abort(aborted).is_ok());
    for (int i = 0; i < 40; ++i) {
      const int64_t id = (*journal)->begin();
      ASSERT_TRUE((*journal)->commit(id, false).is_ok());
      ASSERT_TRUE((*journal)->record_flushed({"t", i % 3}, i, false).is_ok());
    }
    EXPECT_LT(std::filesystem::file_size(path), 256u + 64u) << "the journal did not rotate";
    in_flight = (*journal)->begin();  // a crash before its commit: rotations must not settle it
    for (int i = 40; i < 60; ++i) ASSERT_TRUE((*journal)->commit((*journal)->begin(), false).is_ok());
  }
  auto journal = TxnJournal::open(path, true);
  ASSERT_TRUE(journal.is_ok()) << journal.status().to_string();
  for (int64_t id = aborted + 1; id <= aborted + 61; ++id) EXPECT_EQ((*journal)->committed(id), id != in_flight) << id;
  EXPECT_EQ(in_flight, aborted + 41);
  EXPECT_FALSE((*journal)->committed(aborted));
  EXPECT_FALSE((*journal)->committed(aborted + 62));
  EXPECT_EQ((*journal)->flushed_end({"t", 1}), 37);
  EXPECT_EQ((*journal)->flushed_end({"u", 1}), -1);
}

// A process that runs for months commits an id per atomic append: memory holds only the commits
// above the oldest append still in flight, not every commit since the last rotation (the soak's
// steady heap growth), and the journal still answers for every one after a reopen.
TEST(TxnJournal, MemoryHoldsOnlyTheCommitsAboveTheOldestAppendInFlight) {
  TempDir dir;
  const std::string path = (dir.path() / "txn.journal").string();
  int64_t first = 0, held_open = 0;
  {
    auto journal = TxnJournal::open(path, false);
    ASSERT_TRUE(journal.is_ok()) << journal.status().to_string();
    ASSERT_TRUE((*journal)->settle().is_ok());
    first = (*journal)->begin();
    ASSERT_TRUE((*journal)->commit(first, false).is_ok());
    for (int i = 0; i < 10000; ++i) ASSERT_TRUE((*journal)->commit((*journal)->begin(), false).is_ok());
    EXPECT_EQ((*journal)->commits_held(), 0u);
    held_open = (*journal)->begin();
    for (int i = 0; i < 100; ++i) ASSERT_TRUE((*journal)->commit((*journal)->begin(), false).is_ok());
    EXPECT_EQ((*journal)->commits_held(), 100u);  // the one in flight may still be taken back
    ASSERT_TRUE((*journal)->commit(held_open, false).is_ok());
    EXPECT_EQ((*journal)->commits_held(), 0u);
    const int64_t taken_back = (*journal)->begin();
    ASSERT_TRUE((*journal)->abort(taken_back).is_ok());
    ASSERT_TRUE((*journal)->commit((*journal)->begin(), false).is_ok());
    ASSERT_TRUE((*journal)->sync().is_ok());
  }
  auto journal = TxnJournal::open(path, true);
  ASSERT_TRUE(journal.is_ok()) << journal.status().to_string();
  for (int64_t id = first; id <= held_open + 100; ++id) ASSERT_TRUE((*journal)->committed(id)) << id;
  EXPECT_FALSE((*journal)->committed(held_open + 101));  // taken back
  EXPECT_TRUE((*journal)->committed(held_open + 102));
}

// A stored batch's CRC is checked the first time this process reads it; a later read relies on
// that check, and a byte damaged after it still reaches the reader with the stored CRC, so the
// Kafka client that checks CRCs finds it (as Kafka's brokers leave that check to clients).
TEST(Recovery, StoredBatchReadsCheckOnceAndCarryTheStoredCrcEndToEnd) {
  TempDir dir;
  TopicConfig config;
  config.segment_bytes = 1024;
  config.index_interval_bytes = 128;
  config.compression = Compression::kUncompressed;
  {
    auto log = open_log(dir.str());
    ASSERT_TRUE(log->create_topic("t", config).is_ok());
    for (int i = 0; i < 60; ++i) ASSERT_TRUE(log->append({"t", 0}, std::vector<Record>{rec(std::string(40, 'x') + std::to_string(i))}).is_ok());
  }
  const auto files = segments(dir, "t");
  ASSERT_GE(files.size(), 3u);
  const auto victim = files[0];
  const auto size = static_cast<int64_t>(std::filesystem::file_size(victim));
  auto log = open_log(dir.str());
  ASSERT_TRUE(log);
  auto read_all = [&](bool& crcs_match) {
    crcs_match = true;
    return log->read_stored_batches({"t", 0}, 0, 1 << 20, [&](const StoredBatch& b) {
      crcs_match = crcs_match && b.records_crc == crc32c(b.records);
      return true;
    });
  };
  flip_byte(victim, size / 3);  // before the first read: the first read finds it
  bool match = false;
  auto first = read_all(match);
  ASSERT_FALSE(first.is_ok());
  EXPECT_EQ(first.status().code(), StatusCode::kCorruption);
  EXPECT_NE(first.status().message().find(victim.string()), std::string::npos) << first.status().message();

  flip_byte(victim, size / 3);  // repaired: read and checked in full
  auto second = read_all(match);
  ASSERT_TRUE(second.is_ok()) << second.status().to_string();
  EXPECT_TRUE(match);

  flip_byte(victim, size - 5);  // damage in a records section after the check
  auto third = read_all(match);
  ASSERT_TRUE(third.is_ok()) << third.status().to_string();
  EXPECT_FALSE(match) << "the damaged records reach the reader with the stored CRC, which no longer matches them";
}

}  // namespace
}  // namespace careflow::log
