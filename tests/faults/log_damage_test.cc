// Damage to a closed log's committed data: a flipped bit or a cut in the last batch of a
// partition, a garbled or missing txn.journal. Recovery may only remove what never committed, so
// each case must either keep every committed record or refuse to open naming the file and the
// byte, changing nothing on disk. A real torn tail (a write that was never acknowledged) is still
// truncated. These cases reproduce issue 15 ("one flipped bit erases a topic's history").

#include <gtest/gtest.h>

#include <cstring>

#include "log/embedded_log.h"
#include "log/record_batch.h"
#include "log/tests/log_test_util.h"
#include "log_files.h"

namespace careflow::log {
namespace {

using faults::batch_positions;
using faults::data_files;
using faults::flip_bit;
using faults::read_file;
using faults::segment_file;
using faults::write_file;
using testing::open_log;
using testing::rec;
using testing::TempDir;
using testing::values;

constexpr const char* kEvents = "healthcare.public.prescriptions";
constexpr const char* kOffsets = "__careflow_cdc_offsets";

// What the change capture does: each source transaction is one atomic append of its events and
// the capture's position. `restarts` reopens the log in between, as a service restart does.
void capture(const TempDir& dir, int transactions, int restarts = 2) {
  for (int run = 0; run <= restarts; ++run) {
    auto log = open_log(dir.str());
    ASSERT_TRUE(log);
    if (run == 0) {
      ASSERT_TRUE(log->create_topic(kEvents, TopicConfig{.partitions = 2}).is_ok());
      ASSERT_TRUE(log->create_topic(kOffsets, TopicConfig{}).is_ok());
    }
    for (int i = run * transactions / (restarts + 1); i < (run + 1) * transactions / (restarts + 1); ++i) {
      const std::string n = std::to_string(i);
      std::vector<PartitionBatch> batches = {{{kEvents, i % 2}, {rec("event-" + n, i), rec("event-" + n + "b", i)}},
                                             {{kOffsets, 0}, {rec("lsn-" + n, i, std::string("slot"))}}};
      ASSERT_TRUE(log->append_atomic(batches).is_ok());
    }
  }
}

// The open fails with Corruption naming `file` and `at byte N`; the data files are as before.
void expect_refused(const TempDir& dir, const std::string& file, int64_t byte) {
  const auto before = data_files(dir.path());
  EmbeddedLogOptions options;
  options.maintenance_interval_ms = 0;
  auto log = EmbeddedLog::open(dir.str(), options);
  ASSERT_FALSE(log.is_ok()) << "the damaged log opened";
  EXPECT_EQ(log.status().code(), StatusCode::kCorruption) << log.status().to_string();
  EXPECT_NE(log.status().message().find(file), std::string::npos) << log.status().message();
  EXPECT_NE(log.status().message().find(fmt::format("at byte {}", byte)), std::string::npos) << log.status().message();
  EXPECT_TRUE(data_files(dir.path()) == before) << "a refused open changed the data files";
}

TEST(LogDamage, AFlippedBitAnywhereInTheLastBatchIsRefusedNotRolledBack) {
  TempDir pristine;
  capture(pristine, 60);
  const auto file = segment_file(pristine.path(), kEvents, 1);
  const int64_t last = batch_positions(file).back();
  const auto size = static_cast<int64_t>(std::filesystem::file_size(file));
  // The base offset, the length, the header CRC, the body CRC, the txn id, a record, the last byte.
  for (int64_t at : {last + 2, last + 9, last + 13, last + 17, last + 44, last + 60, size - 1}) {
    SCOPED_TRACE(at);
    TempDir dir;
    std::filesystem::copy(pristine.path(), dir.path(), std::filesystem::copy_options::recursive |
                                                           std::filesystem::copy_options::overwrite_existing);
    flip_bit(segment_file(dir.path(), kEvents, 1), at);
    expect_refused(dir, segment_file(dir.path(), kEvents, 1).string(), last);
  }
}

TEST(LogDamage, AFlippedBitInTheCaptureOffsetsIsRefusedSoNothingIsEmittedTwice) {
  TempDir dir;
  capture(dir, 60);
  const auto file = segment_file(dir.path(), kOffsets, 0);
  const int64_t last = batch_positions(file).back();
  flip_bit(file, static_cast<int64_t>(std::filesystem::file_size(file)) - 3);
  expect_refused(dir, file.string(), last);
}

TEST(LogDamage, ALastBatchCutShortAfterItWasFlushedIsRefused) {
  TempDir dir;
  capture(dir, 60);
  const auto file = segment_file(dir.path(), kEvents, 0);
  const int64_t last = batch_positions(file).back();
  const std::string bytes = read_file(file);
  // Mid-record, inside the header, and exactly at the batch boundary (the whole batch gone).
  for (int64_t cut : {static_cast<int64_t>(bytes.size()) - 5, last + 20, last}) {
    SCOPED_TRACE(cut);
    write_file(file, bytes.substr(0, static_cast<size_t>(cut)));
    expect_refused(dir, file.string(), last);
  }
  write_file(file, bytes);
  auto log = open_log(dir.str());
  ASSERT_TRUE(log);
  EXPECT_EQ(values(*log, {kEvents, 0}).size() + values(*log, {kEvents, 1}).size(), 120u);
}

TEST(LogDamage, ARealTornTailIsStillTruncated) {
  TempDir dir;
  capture(dir, 60);
  const auto file = segment_file(dir.path(), kEvents, 0);
  const auto size = std::filesystem::file_size(file);
  // A crash in the middle of the next write: half of a batch nobody was told about.
  std::string batch;
  encode_batch(std::vector<Record>{rec("never acknowledged")}, 60, 0, Compression::kUncompressed, batch);
  std::ofstream(file, std::ios::binary | std::ios::app) << batch.substr(0, batch.size() / 2);
  auto log = open_log(dir.str());
  ASSERT_TRUE(log);
  EXPECT_EQ(std::filesystem::file_size(file), size);
  EXPECT_EQ(values(*log, {kEvents, 0}).size(), 60u);
  EXPECT_EQ(values(*log, {kOffsets, 0}).size(), 60u);
}

TEST(LogDamage, AGarbledOrMissingJournalIsRefusedNotTakenAsNoCommits) {
  TempDir pristine;
  capture(pristine, 60);
  const auto journal = pristine.path() / "txn.journal";
  const std::string good = read_file(journal);
  ASSERT_GE(good.size(), 72u);
  struct Case {
    const char* name;
    std::string bytes;
    int64_t byte;
  };
  std::string flipped = good;
  flipped[50] ^= 0x10;  // inside the second record
  const std::vector<Case> cases = {
      {"random bytes", std::string("\x13\x37garbage, not a journal at all\xff\xfe", 34), 0},
      {"zeros", std::string(good.size(), '\0'), 0},
      {"empty", "", 0},
      {"a flipped bit in a record", flipped, 40},
      {"a record of another file", good.substr(0, 8) + std::string(32, 'x') + good.substr(8), 8},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    std::filesystem::copy(pristine.path(), dir.path(), std::filesystem::copy_options::recursive |
                                                           std::filesystem::copy_options::overwrite_existing);
    write_file(dir.path() / "txn.journal", c.bytes);
    expect_refused(dir, (dir.path() / "txn.journal").string(), c.byte);
  }
  {
    SCOPED_TRACE("deleted");
    TempDir dir;
    std::filesystem::copy(pristine.path(), dir.path(), std::filesystem::copy_options::recursive |
                                                           std::filesystem::copy_options::overwrite_existing);
    std::filesystem::remove(dir.path() / "txn.journal");
    auto log = EmbeddedLog::open(dir.str());
    ASSERT_FALSE(log.is_ok());
    EXPECT_NE(log.status().message().find("txn.journal is missing"), std::string::npos) << log.status().message();
  }
}

TEST(LogDamage, DamageInOnePartitionLeavesEveryOtherPartitionAndTopicUntouched) {
  TempDir dir;
  capture(dir, 60);
  const auto victim = segment_file(dir.path(), kEvents, 0);
  const int64_t last = batch_positions(victim).back();
  flip_bit(victim, last + 70);
  expect_refused(dir, victim.string(), last);  // also: no other file changed
  // Once the damaged batch is put right, every partition and topic has all of its data.
  flip_bit(victim, last + 70);
  auto log = open_log(dir.str());
  ASSERT_TRUE(log);
  EXPECT_EQ(values(*log, {kEvents, 0}).size(), 60u);
  EXPECT_EQ(values(*log, {kEvents, 1}).size(), 60u);
  EXPECT_EQ(values(*log, {kOffsets, 0}).size(), 60u);
}

// The batch of an atomic append that never committed is still rolled back in every partition it
// reached, also after restarts that compacted the journal.
TEST(LogDamage, AnUncommittedAtomicAppendIsStillRolledBackAfterRestarts) {
  TempDir dir;
  capture(dir, 30);
  for (int p : {0, 1}) {
    std::string batch;
    encode_batch(std::vector<Record>{rec("uncommitted")}, 30, 1'000'000, Compression::kUncompressed, batch);
    std::ofstream(segment_file(dir.path(), kEvents, p), std::ios::binary | std::ios::app) << batch;
  }
  for (int restart = 0; restart < 3; ++restart) {
    auto log = open_log(dir.str());
    ASSERT_TRUE(log);
    EXPECT_EQ(values(*log, {kEvents, 0}).size(), 30u);  // 15 transactions of two events each
    EXPECT_EQ(values(*log, {kEvents, 1}).size(), 30u);
    EXPECT_EQ(values(*log, {kOffsets, 0}).size(), 30u);
  }
}

}  // namespace
}  // namespace careflow::log
