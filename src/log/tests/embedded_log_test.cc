// The embedded log through its public interface, on real files; the main cases loop over every
// fsync policy, as RocksDB loops one body over its configurations.

#include "common/crc32c.h"
#include "log/embedded_log.h"
#include "log/record_batch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "log/tests/log_test_util.h"

namespace careflow::log {
namespace {

using testing::open_log;
using testing::rec;
using testing::TempDir;
using testing::values;

class PerPolicy : public ::testing::TestWithParam<FsyncPolicy> {
 protected:
  TopicConfig config(int partitions = 1) const {
    TopicConfig c;
    c.partitions = partitions;
    c.fsync = GetParam();
    c.fsync_interval_ms = 5;
    return c;
  }
  TempDir dir_;
};

INSTANTIATE_TEST_SUITE_P(FsyncPolicies, PerPolicy,
                         ::testing::Values(FsyncPolicy::kEveryBatch, FsyncPolicy::kInterval, FsyncPolicy::kNever),
                         [](const auto& param_info) {
                           return param_info.param == FsyncPolicy::kEveryBatch ? "EveryBatch"
                                  : param_info.param == FsyncPolicy::kInterval ? "Interval" : "Never";
                         });

TEST_P(PerPolicy, AppendsAndReadsInOrderAcrossPartitionsAndReopens) {
  {
    auto log = open_log(dir_.str());
    ASSERT_TRUE(log->create_topic("orders", config(3)).is_ok());
    for (int i = 0; i < 30; ++i) {
      std::vector<Record> batch = {rec("v" + std::to_string(i), 1000 + i, "k" + std::to_string(i % 3))};
      batch[0].headers = {{"source", "test"}};
      auto offset = log->append({"orders", i % 3}, batch);
      ASSERT_TRUE(offset.is_ok()) << offset.status().to_string();
      EXPECT_EQ(*offset, i / 3);
    }
    auto fetched = log->fetch({"orders", 1}, 0);
    ASSERT_TRUE(fetched.is_ok());
    ASSERT_EQ(fetched->records.size(), 10u);
    EXPECT_EQ(fetched->records[0].value, "v1");
    EXPECT_EQ(fetched->records[0].key, "k1");
    EXPECT_EQ(fetched->records[0].timestamp_ms, 1001);
    EXPECT_EQ(fetched->records[0].headers, (std::vector<Header>{{"source", "test"}}));
    EXPECT_EQ(fetched->records[9].offset, 9);
    EXPECT_EQ(fetched->next_offset, 10);
    EXPECT_EQ(fetched->end_offset, 10);
  }
  auto log = open_log(dir_.str());
  EXPECT_EQ(values(*log, {"orders", 2}), (std::vector<std::string>{"v2", "v5", "v8", "v11", "v14", "v17", "v20", "v23", "v26", "v29"}));
  auto more = log->append({"orders", 2}, std::vector<Record>{rec("after reopen")});
  ASSERT_TRUE(more.is_ok());
  EXPECT_EQ(*more, 10);
  auto d = log->describe_topic("orders");
  ASSERT_TRUE(d.is_ok());
  EXPECT_EQ(d->config.fsync, GetParam());
  EXPECT_EQ(d->partitions.size(), 3u);
  EXPECT_EQ(d->partitions[2].end_offset, 11);
}

TEST_P(PerPolicy, SegmentsRollAndReadsCrossThemFromAnyOffset) {
  TopicConfig c = config();
  c.segment_bytes = 4096;
  c.index_interval_bytes = 512;
  {
    auto log = open_log(dir_.str());
    ASSERT_TRUE(log->create_topic("small", c).is_ok());
    for (int i = 0; i < 500; ++i) ASSERT_TRUE(log->append({"small", 0}, std::vector<Record>{rec(std::string(50, 'a' + i % 26) + std::to_string(i), i)}).is_ok());
    EXPECT_GT(log->describe_topic("small")->partitions[0].segments, 5);
  }
  auto log = open_log(dir_.str());  // older segments open from their index files
  for (int64_t from : {0, 1, 77, 250, 498, 499}) {
    auto fetched = log->fetch({"small", 0}, from, {3, 1 << 20});
    ASSERT_TRUE(fetched.is_ok()) << fetched.status().to_string();
    ASSERT_EQ(fetched->records.size(), std::min<size_t>(3, 500 - from));
    EXPECT_EQ(fetched->records[0].offset, from);
    EXPECT_TRUE(fetched->records[0].value->ends_with(std::to_string(from)));
    EXPECT_EQ(fetched->next_offset, from + static_cast<int64_t>(fetched->records.size()));
  }
  EXPECT_EQ(values(*log, {"small", 0}).size(), 500u);
}

TEST_P(PerPolicy, AtomicAppendIsNeverSeenHalfWay) {
  auto log = open_log(dir_.str());
  ASSERT_TRUE(log->create_topic("quad", config(4)).is_ok());
  std::atomic<bool> done{false};
  std::atomic<int> snapshots{0};
  std::thread reader([&] {
    while (!done) {
      auto offsets = log->partition_offsets("quad");
      ASSERT_TRUE(offsets.is_ok());
      for (const auto& p : *offsets) ASSERT_EQ(p.end_offset, (*offsets)[0].end_offset) << "half an atomic append is visible";
      ++snapshots;
    }
  });
  // At least 200 appends, and on until the reader has looked more than ten times while they ran
  // (on a loaded machine the reader thread may get no time during the first 200).
  constexpr int kMinAppends = 200;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int appends = 0;
  while (appends < kMinAppends || (snapshots.load() <= 10 && std::chrono::steady_clock::now() < give_up)) {
    const int i = appends++;
    std::vector<PartitionBatch> batches;
    for (int p = 0; p < 4; ++p) batches.push_back({{"quad", p}, {rec(std::to_string(i))}});
    std::vector<OffsetCommit> commits = {{"g", {"quad", 0}, i + 1}};
    auto bases = log->append_atomic(batches, commits);
    ASSERT_TRUE(bases.is_ok()) << bases.status().to_string();
    EXPECT_EQ(*bases, (std::vector<int64_t>(4, i)));
  }
  done = true;
  reader.join();
  EXPECT_GT(snapshots.load(), 10);
  EXPECT_EQ(**log->committed_offset("g", {"quad", 0}), appends);
  for (int p = 0; p < 4; ++p) EXPECT_EQ(values(*log, {"quad", p}).size(), static_cast<size_t>(appends));
}

TEST_P(PerPolicy, ManyProducersAndConsumersSeeEveryRecordOnceInOrder) {
  auto log = open_log(dir_.str());
  ASSERT_TRUE(log->create_topic("busy", config(4)).is_ok());
  constexpr int kPerProducer = 300;
  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> seen(4);
  for (int p = 0; p < 4; ++p) {
    threads.emplace_back([&, p] {
      int64_t next = 0;
      while (static_cast<int>(seen[p].size()) < kPerProducer) {
        auto ready = log->wait_for_data({"busy", p}, next, std::chrono::seconds(10));
        ASSERT_TRUE(ready.is_ok() && *ready) << "consumer " << p << " starved";
        auto fetched = log->fetch({"busy", p}, next);
        ASSERT_TRUE(fetched.is_ok());
        for (const Record& r : fetched->records) seen[p].push_back(*r.value);
        next = fetched->next_offset;
      }
    });
  }
  for (int p = 0; p < 4; ++p) {
    threads.emplace_back([&, p] {
      for (int i = 0; i < kPerProducer; ++i) ASSERT_TRUE(log->append({"busy", p}, std::vector<Record>{rec(std::to_string(i))}).is_ok());
    });
  }
  for (auto& t : threads) t.join();
  for (int p = 0; p < 4; ++p) {
    ASSERT_EQ(seen[p].size(), static_cast<size_t>(kPerProducer));
    for (int i = 0; i < kPerProducer; ++i) EXPECT_EQ(seen[p][i], std::to_string(i));
  }
}

TEST(EmbeddedLog, FetchHonoursLimitsButReturnsAtLeastOneRecord) {
  TempDir dir;
  auto log = open_log(dir.str());
  ASSERT_TRUE(log->create_topic("t", {}).is_ok());
  std::vector<Record> batch;
  for (int i = 0; i < 10; ++i) batch.push_back(rec(std::string(1000, 'x')));
  ASSERT_TRUE(log->append({"t", 0}, batch).is_ok());
  auto few = log->fetch({"t", 0}, 2, {3, 1 << 20});
  ASSERT_TRUE(few.is_ok());
  EXPECT_EQ(few->records.size(), 3u);
  EXPECT_EQ(few->next_offset, 5);
  auto tiny = log->fetch({"t", 0}, 0, {100, 1});
  ASSERT_TRUE(tiny.is_ok());
  EXPECT_GE(tiny->records.size(), 1u);
  auto at_end = log->fetch({"t", 0}, 10);
  ASSERT_TRUE(at_end.is_ok());
  EXPECT_TRUE(at_end->records.empty());
  EXPECT_EQ(at_end->next_offset, 10);
}

TEST(EmbeddedLog, CompressedTopicsStoreLessAndReadBackTheSame) {
  TempDir dir;
  std::vector<Record> batch;
  for (int i = 0; i < 1000; ++i) {
    batch.push_back(rec(R"({"schema":{"type":"struct","fields":[{"type":"string","field":"name"}]},"payload":{"id":)" +
                            std::to_string(i) + "}}",
                        i, "k" + std::to_string(i % 10)));
  }
  {
    auto log = open_log(dir.str());
    TopicConfig plain;
    plain.compression = Compression::kUncompressed;
    ASSERT_TRUE(log->create_topic("plain", plain).is_ok());
    ASSERT_TRUE(log->create_topic("packed", {}).is_ok());  // zstd is the default
    EXPECT_EQ(log->describe_topic("packed")->config.compression, Compression::kZstd);
    for (const std::string topic : {"plain", "packed"}) {
      ASSERT_TRUE(log->append({topic, 0}, batch).is_ok());
      ASSERT_TRUE(log->append({topic, 0}, std::vector<Record>{rec("small", 5000)}).is_ok());  // stored plain
    }
    const int64_t plain_bytes = log->partition_offsets("plain")->at(0).size_bytes;
    const int64_t packed_bytes = log->partition_offsets("packed")->at(0).size_bytes;
    EXPECT_LT(packed_bytes * 10, plain_bytes) << packed_bytes << " bytes compressed, " << plain_bytes << " plain";
    // max_bytes counts the records handed back, not the few compressed bytes they came from.
    auto limited = log->fetch({"packed", 0}, 0, {.max_records = 100000, .max_bytes = 1000});
    ASSERT_TRUE(limited.is_ok());
    EXPECT_EQ(limited->records.size(), 1000u);  // one batch: at least one is returned whole
  }
  auto log = open_log(dir.str());  // the setting and the data survive a reopen
  EXPECT_EQ(log->describe_topic("plain")->config.compression, Compression::kUncompressed);
  EXPECT_EQ(values(*log, {"packed", 0}, 0), values(*log, {"plain", 0}, 0));
  auto middle = log->fetch({"packed", 0}, 500, {.max_records = 3});
  ASSERT_TRUE(middle.is_ok());
  ASSERT_EQ(middle->records.size(), 3u);
  EXPECT_EQ(middle->records[0].offset, 500);
  EXPECT_EQ(middle->records[0].value, batch[500].value);
  EXPECT_EQ(middle->records[0].key, "k0");
  EXPECT_EQ(*log->offset_for_timestamp({"packed", 0}, 750), 750);
}

// What the Kafka listener's fetch copies: the stored batches from the one holding the offset asked
// for, each with its records section as stored and that section's CRC; max_bytes counts stored
// bytes and stops after the batch that reaches it; offsets outside the partition are refused.
TEST(EmbeddedLog, StoredBatchesComeAsStoredWithTheirRecordsCrc) {
  TempDir dir;
  auto log = open_log(dir.str());
  ASSERT_TRUE(log->create_topic("packed", {}).is_ok());
  std::vector<Record> batch;
  for (int i = 0; i < 500; ++i) batch.push_back(rec("reading " + std::to_string(i % 9), i, "device"));
  ASSERT_TRUE(log->append({"packed", 0}, batch).is_ok());                              // offsets 0..499, zstd
  ASSERT_TRUE(log->append({"packed", 0}, std::vector<Record>{rec("small", 9)}).is_ok());  // 500, plain
  ASSERT_TRUE(log->append({"packed", 0}, std::vector<Record>{rec("last", 10)}).is_ok());  // 501
  struct Seen {
    int64_t base;
    int32_t count;
    uint16_t codec;
  };
  auto read = [&](int64_t offset, int64_t max_bytes, std::vector<Seen>& seen) {
    return log->read_stored_batches({"packed", 0}, offset, max_bytes, [&](const StoredBatch& b) {
      EXPECT_EQ(b.records_crc, crc32c(b.records)) << b.base_offset;
      seen.push_back({b.base_offset, b.record_count, b.codec});
      return true;
    });
  };
  std::vector<Seen> all;
  auto whole = read(250, 1 << 20, all);
  ASSERT_TRUE(whole.is_ok()) << whole.status().to_string();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].base, 0);  // the batch holding offset 250, whole
  EXPECT_EQ(all[0].count, 500);
  EXPECT_EQ(all[0].codec, kCodecZstd);
  EXPECT_EQ(all[1].codec, 0);
  EXPECT_EQ(whole->next_offset, 502);
  EXPECT_EQ(whole->end_offset, 502);
  std::vector<Seen> one;
  auto limited = read(0, 1, one);
  ASSERT_TRUE(limited.is_ok());
  ASSERT_EQ(one.size(), 1u);  // at least one batch, then the budget is spent
  EXPECT_EQ(limited->next_offset, 500);
  std::vector<Seen> none;
  auto at_end = read(502, 1 << 20, none);
  ASSERT_TRUE(at_end.is_ok());
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(read(503, 1 << 20, none).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(log->read_stored_batches({"nope", 0}, 0, 1, [](const StoredBatch&) { return true; }).status().code(),
            StatusCode::kNotFound);
}

TEST(EmbeddedLog, OffsetForTimestampFindsTheEarliestAtOrAfter) {
  TempDir dir;
  auto log = open_log(dir.str());
  TopicConfig c;
  c.segment_bytes = 2048;
  c.index_interval_bytes = 256;
  ASSERT_TRUE(log->create_topic("t", c).is_ok());
  // Timestamps 0, 10, 20, ... with one late record (offset 50 has ts 5).
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(log->append({"t", 0}, std::vector<Record>{rec(std::string(60, 'v'), i == 50 ? 5 : i * 10)}).is_ok());
  EXPECT_EQ(**log->offset_for_timestamp({"t", 0}, 0), 0);
  EXPECT_EQ(**log->offset_for_timestamp({"t", 0}, 1), 1);
  EXPECT_EQ(**log->offset_for_timestamp({"t", 0}, 5), 1);
  EXPECT_EQ(**log->offset_for_timestamp({"t", 0}, 500), 51);  // offset 50 holds the late ts 5
  EXPECT_EQ(**log->offset_for_timestamp({"t", 0}, 495), 51);
  EXPECT_EQ(**log->offset_for_timestamp({"t", 0}, 990), 99);
  EXPECT_FALSE(log->offset_for_timestamp({"t", 0}, 991)->has_value());
}

TEST(EmbeddedLog, GroupOffsetsSurviveRestart) {
  TempDir dir;
  {
    auto log = open_log(dir.str());
    ASSERT_TRUE(log->create_topic("t", TopicConfig{.partitions = 2}).is_ok());
    ASSERT_TRUE(log->commit_offsets(std::vector<OffsetCommit>{{"g1", {"t", 0}, 5}, {"g1", {"t", 1}, 7}, {"g2", {"t", 0}, 1}}).is_ok());
    ASSERT_TRUE(log->commit_offsets(std::vector<OffsetCommit>{{"g1", {"t", 0}, 6}}).is_ok());
  }
  auto log = open_log(dir.str());
  EXPECT_EQ(**log->committed_offset("g1", {"t", 0}), 6);
  EXPECT_EQ(**log->committed_offset("g1", {"t", 1}), 7);
  EXPECT_EQ(**log->committed_offset("g2", {"t", 0}), 1);
  EXPECT_FALSE(log->committed_offset("g3", {"t", 0})->has_value());
  EXPECT_EQ(log->list_group_offsets().size(), 2u);
  EXPECT_EQ(log->commit_offsets(std::vector<OffsetCommit>{{"g1", {"t", 0}, -1}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log->commit_offsets(std::vector<OffsetCommit>{{"g1", {"nope", 0}, 1}}).code(), StatusCode::kNotFound);
  EXPECT_EQ(log->commit_offsets(std::vector<OffsetCommit>{{"g1", {"t", 9}, 1}}).code(), StatusCode::kOutOfRange);
}

TEST(EmbeddedLog, RetentionByTimeAndSizeAdvancesTheStart) {
  TempDir dir;
  auto log = open_log(dir.str());
  TopicConfig by_time;
  by_time.segment_bytes = 1024;
  by_time.retention_ms = 1000;
  ASSERT_TRUE(log->create_topic("by-time", by_time).is_ok());
  TopicConfig by_size;
  by_size.segment_bytes = 1024;
  by_size.retention_ms = -1;
  by_size.retention_bytes = 3000;
  ASSERT_TRUE(log->create_topic("by-size", by_size).is_ok());
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(log->append({"by-time", 0}, std::vector<Record>{rec(std::string(100, 'x'), i < 50 ? 1000 : 100000)}).is_ok());
    ASSERT_TRUE(log->append({"by-size", 0}, std::vector<Record>{rec(std::string(100, 'x'), 0)}).is_ok());
  }
  ASSERT_TRUE(log->run_maintenance(50000).is_ok());
  auto t = log->partition_offsets("by-time")->at(0);
  EXPECT_GT(t.start_offset, 30);   // old segments went
  EXPECT_LE(t.start_offset, 50);   // nothing newer than the cut
  EXPECT_EQ(t.end_offset, 100);
  auto below = log->fetch({"by-time", 0}, 0);
  EXPECT_EQ(below.status().code(), StatusCode::kOutOfRange);
  EXPECT_NE(below.status().message().find("retention"), std::string::npos);
  EXPECT_EQ(log->fetch({"by-time", 0}, t.start_offset)->records.front().offset, t.start_offset);

  auto s = log->partition_offsets("by-size")->at(0);
  EXPECT_GT(s.start_offset, 0);
  EXPECT_LT(s.size_bytes, 3000 + 1024);
  EXPECT_GE(s.size_bytes, 3000 - 1024);
  EXPECT_EQ(values(*log, {"by-size", 0}, s.start_offset).size(), static_cast<size_t>(100 - s.start_offset));
}

TEST(EmbeddedLog, CompactionKeepsTheLastValuePerKeyAndDropsOldTombstones) {
  TempDir dir;
  auto log = open_log(dir.str());
  TopicConfig c;
  c.cleanup = CleanupPolicy::kCompact;
  c.segment_bytes = 1024;
  c.delete_retention_ms = 1000;
  ASSERT_TRUE(log->create_topic("state", c).is_ok());
  // Keys a..e updated 20 times; "c" deleted long ago, "d" deleted recently.
  for (int round = 0; round < 20; ++round) {
    for (std::string key : {"a", "b", "c", "d", "e"}) {
      ASSERT_TRUE(log->append({"state", 0}, std::vector<Record>{rec(key + std::to_string(round), 10, key)}).is_ok());
    }
  }
  Record old_tombstone;
  old_tombstone.key = "c";
  old_tombstone.timestamp_ms = 10;
  Record recent_tombstone;
  recent_tombstone.key = "d";
  recent_tombstone.timestamp_ms = 9500;
  ASSERT_TRUE(log->append({"state", 0}, std::vector<Record>{old_tombstone, recent_tombstone}).is_ok());
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(log->append({"state", 0}, std::vector<Record>{rec(std::string(100, 'z'), 10, "filler")}).is_ok());
  const int64_t end = log->partition_offsets("state")->at(0).end_offset;
  ASSERT_TRUE(log->run_maintenance(10000).is_ok());

  std::map<std::string, std::pair<int64_t, std::optional<std::string>>> latest;
  int records = 0;
  for (int64_t offset = 0;;) {
    auto f = log->fetch({"state", 0}, offset);
    ASSERT_TRUE(f.is_ok()) << f.status().to_string();
    if (f->records.empty()) break;
    for (const Record& r : f->records) {
      EXPECT_FALSE(latest.count(*r.key) && *r.key != "filler") << "key " << *r.key << " kept twice";
      latest[*r.key] = {r.offset, r.value};
      ++records;
    }
    offset = f->next_offset;
  }
  EXPECT_EQ(latest["a"].second, "a19");
  EXPECT_EQ(latest["e"].second, "e19");
  EXPECT_EQ(latest["a"].first, 95);  // offsets are preserved
  EXPECT_FALSE(latest.count("c")) << "an expired tombstone was kept";
  ASSERT_TRUE(latest.count("d")) << "a recent tombstone was dropped";
  EXPECT_FALSE(latest["d"].second.has_value());
  EXPECT_LT(records, 40);
  EXPECT_EQ(log->partition_offsets("state")->at(0).end_offset, end);
  // Still readable after a reopen, and appends go on at the same offsets.
  log.reset();
  log = open_log(dir.str());
  EXPECT_EQ(*log->append({"state", 0}, std::vector<Record>{rec("a20", 10, "a")}), end);
}

TEST(EmbeddedLog, BadInputGetsClearErrors) {
  TempDir dir;
  auto log = open_log(dir.str());
  ASSERT_TRUE(log->create_topic("orders", TopicConfig{.partitions = 3}).is_ok());
  ASSERT_TRUE(log->append({"orders", 0}, std::vector<Record>{rec("a"), rec("b")}).is_ok());

  auto unknown = log->fetch({"nope", 0}, 0);
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message(), "topic 'nope' does not exist");
  auto partition = log->append({"orders", 7}, std::vector<Record>{rec("x")});
  EXPECT_EQ(partition.status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(partition.status().message(), "partition 7 out of range for topic 'orders' (3 partitions: 0..2)");
  EXPECT_EQ(log->fetch({"orders", -1}, 0).status().code(), StatusCode::kOutOfRange);
  auto negative = log->fetch({"orders", 0}, -1);
  EXPECT_EQ(negative.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(negative.status().message(), "offset -1 is negative");
  auto past = log->fetch({"orders", 0}, 120);
  EXPECT_EQ(past.status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(past.status().message(), "offset 120 is past the end of orders/0 (end offset 2)");
  EXPECT_EQ(log->append({"orders", 0}, std::vector<Record>{}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log->create_topic("orders", {}).code(), StatusCode::kAlreadyExists);

  for (std::string bad : {std::string(""), std::string(250, 'a'), std::string("a/b"), std::string("a b"), std::string(".."),
                          std::string("."), std::string("ümlaut")}) {
    Status s = log->create_topic(bad, {});
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_FALSE(s.message().empty());
  }
  EXPECT_TRUE(log->create_topic(std::string(249, 'a'), {}).is_ok());
  EXPECT_TRUE(log->create_topic("healthcare.public.prescriptions", {}).is_ok());
  EXPECT_NE(log->create_topic("a b", {}).message().find("' ' at position 2"), std::string::npos);

  auto settings = parse_topic_config({{"retention.ms", "soon"}});
  EXPECT_EQ(settings.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(settings.status().message().find("retention.ms=soon"), std::string::npos);
  EXPECT_NE(parse_topic_config({{"colour", "red"}}).status().message().find("unknown topic setting 'colour'"), std::string::npos);
  EXPECT_EQ(parse_topic_config({{"cleanup.policy", "compact"}, {"partitions", "4"}})->partitions, 4);
  EXPECT_NE(parse_topic_config({{"compression.type", "lz4"}}).status().message().find("compression.type=lz4: expected zstd or uncompressed"),
            std::string::npos);
  EXPECT_EQ(topic_config_to_map(*parse_topic_config({{"compression.type", "uncompressed"}})).at("compression.type"), "uncompressed");
}

TEST(EmbeddedLog, DeletedTopicsAreGoneAndWaitersWake) {
  TempDir dir;
  auto log = open_log(dir.str());
  ASSERT_TRUE(log->create_topic("gone", {}).is_ok());
  ASSERT_TRUE(log->append({"gone", 0}, std::vector<Record>{rec("x")}).is_ok());
  std::thread waiter([&] {
    auto r = log->wait_for_data({"gone", 0}, 1, std::chrono::seconds(10));
    EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(log->delete_topic("gone").is_ok());
  waiter.join();
  EXPECT_EQ(log->fetch({"gone", 0}, 0).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(log->delete_topic("gone").code(), StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "topics" / "gone"));
  ASSERT_TRUE(log->create_topic("gone", {}).is_ok());  // the name is free again, and empty
  EXPECT_EQ(log->partition_offsets("gone")->at(0).end_offset, 0);
}

TEST(EmbeddedLog, WaitForDataWakesOnAppendAndTimesOut) {
  TempDir dir;
  auto log = open_log(dir.str());
  ASSERT_TRUE(log->create_topic("t", {}).is_ok());
  auto start = std::chrono::steady_clock::now();
  auto timed_out = log->wait_for_data({"t", 0}, 0, std::chrono::milliseconds(50));
  ASSERT_TRUE(timed_out.is_ok());
  EXPECT_FALSE(*timed_out);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(45));
  std::thread appender([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    (void)log->append({"t", 0}, std::vector<Record>{rec("x")});
  });
  auto woke = log->wait_for_data({"t", 0}, 0, std::chrono::seconds(10));
  appender.join();
  ASSERT_TRUE(woke.is_ok());
  EXPECT_TRUE(*woke);
}

TEST(EmbeddedLog, WaitForAnyWakesOnAnAppendToAnyOfItsPartitions) {
  TempDir dir;
  auto log = open_log(dir.str());
  TopicConfig two;
  two.partitions = 2;
  ASSERT_TRUE(log->create_topic("a", two).is_ok());
  ASSERT_TRUE(log->create_topic("b", {}).is_ok());
  const std::vector<ReadPosition> positions = {{{"a", 0}, 0}, {{"a", 1}, 0}, {{"b", 0}, 0}};
  auto timed_out = log->wait_for_any(positions, std::chrono::milliseconds(50));
  ASSERT_TRUE(timed_out.is_ok());
  EXPECT_FALSE(*timed_out);
  std::thread appender([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    (void)log->append({"a", 1}, std::vector<Record>{rec("x")});
  });
  const auto start = std::chrono::steady_clock::now();
  auto woke = log->wait_for_any(positions, std::chrono::seconds(10));
  appender.join();
  ASSERT_TRUE(woke.is_ok());
  EXPECT_TRUE(*woke);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(log->wait_for_any(std::vector<ReadPosition>{{{"missing", 0}, 0}}, std::chrono::milliseconds(1)).status().code(),
            StatusCode::kNotFound);
}

TEST(EmbeddedLog, SecondOpenOfTheSameDirectoryIsRefused) {
  TempDir dir;
  auto first = open_log(dir.str());
  auto second = EmbeddedLog::open(dir.str());
  ASSERT_FALSE(second.is_ok());
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("in use by another careflow process"), std::string::npos);
  first.reset();
  EXPECT_TRUE(EmbeddedLog::open(dir.str()).is_ok());
}

// A batch longer than its i32 length could say, or than a reader should allocate, is refused
// before anything is written, plain or atomic.
TEST(EmbeddedLog, AnAppendAboveTheBatchLimitIsRefusedBeforeAnythingIsWritten) {
  TempDir dir;
  auto log = open_log(dir.str());
  ASSERT_TRUE(log->create_topic("big", TopicConfig{.partitions = 1}).is_ok());
  std::vector<Record> huge(2);
  huge[0].value = std::string(kMaxBatchRecordBytes / 2, 'x');
  huge[1].value = std::string(kMaxBatchRecordBytes / 2, 'y');
  auto refused = log->append({"big", 0}, huge);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("big/0: 2 records of "), std::string::npos) << refused.status().message();
  EXPECT_NE(refused.status().message().find("exceed the 256 MiB one append may hold"), std::string::npos);
  const std::vector<PartitionBatch> batches{{{"big", 0}, huge}};
  auto atomic = log->append_atomic(batches);
  EXPECT_EQ(atomic.status().code(), StatusCode::kInvalidArgument);
  huge.pop_back();  // half the limit fits
  EXPECT_TRUE(log->append({"big", 0}, huge).is_ok());
  auto fetched = log->fetch({"big", 0}, 0);
  ASSERT_TRUE(fetched.is_ok());
  ASSERT_EQ(fetched->records.size(), 1u);
  EXPECT_EQ(fetched->records[0].offset, 0);
}

}  // namespace
}  // namespace careflow::log
