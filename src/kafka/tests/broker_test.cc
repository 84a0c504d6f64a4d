// The Kafka backend against a real broker named by KAFKA_BOOTSTRAP_SERVERS: what librdkafka's
// mock cluster cannot check (the Admin API, lookups by timestamp, offsets committed inside a
// transaction, consumer group listing). Run by tests/interop/kafka/run, which starts the broker;
// not registered with ctest, and failing, not skipping, without a broker.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <thread>

#include "common/clock.h"
#include "kafka/kafka_topics.h"

namespace careflow::kafka {
namespace {

using log::Record;

class BrokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* servers = std::getenv("KAFKA_BOOTSTRAP_SERVERS");
    ASSERT_TRUE(servers && *servers) << "set KAFKA_BOOTSTRAP_SERVERS to a running broker (tests/interop/kafka/run does)";
    KafkaOptions o;
    o.bootstrap_servers = servers;
    o.transactional_id = "careflow-broker-test-" + std::to_string(wall_clock_ms());
    auto opened = open_kafka_topics(o);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    topics_ = std::move(*opened);
    prefix_ = "bt" + std::to_string(wall_clock_ms()) + ".";
  }

  std::string topic(const std::string& name, int32_t partitions = 1) {
    log::TopicConfig c;
    c.partitions = partitions;
    Status s = topics_->create_topic(prefix_ + name, c);
    EXPECT_TRUE(s.is_ok()) << s.to_string();
    return prefix_ + name;
  }

  std::unique_ptr<log::Topics> topics_;
  std::string prefix_;
};

Record rec(std::string key, std::string value, int64_t ts = 1700000000000) {
  return Record{std::move(key), std::move(value), {}, ts, -1};
}

TEST_F(BrokerTest, AdminCreatesDescribesAndDeletesTopics) {
  const std::string name = prefix_ + "admin";
  log::TopicConfig c;
  c.partitions = 3;
  c.cleanup = log::CleanupPolicy::kCompact;
  c.retention_ms = 3600000;
  ASSERT_TRUE(topics_->create_topic(name, c).is_ok());
  EXPECT_EQ(topics_->create_topic(name, c).code(), StatusCode::kAlreadyExists);
  auto names = topics_->list_topics();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_NE(std::find(names.begin(), names.end(), name), names.end());
  auto d = topics_->describe_topic(name);
  ASSERT_TRUE(d.is_ok()) << d.status().to_string();
  EXPECT_EQ(d->config.partitions, 3);
  EXPECT_EQ(d->config.cleanup, log::CleanupPolicy::kCompact);
  EXPECT_EQ(d->config.retention_ms, 3600000);
  EXPECT_EQ(d->partitions.size(), 3u);
  ASSERT_TRUE(topics_->delete_topic(name).is_ok());
  EXPECT_EQ(topics_->describe_topic(name).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(topics_->delete_topic(name).code(), StatusCode::kNotFound);
  EXPECT_EQ(topics_->append({name, 0}, std::vector<Record>{rec("k", "v")}).status().code(), StatusCode::kNotFound);
}

TEST_F(BrokerTest, OffsetForTimestampFindsTheFirstRecordAtOrAfter) {
  const std::string t = topic("ts");
  ASSERT_TRUE(topics_->append({t, 0}, std::vector<Record>{rec("a", "1", 1000), rec("b", "2", 2000), rec("c", "3", 3000)}).is_ok());
  auto at = topics_->offset_for_timestamp({t, 0}, 1500);
  ASSERT_TRUE(at.is_ok()) << at.status().to_string();
  EXPECT_EQ(*at, std::optional<int64_t>(1));
  auto after = topics_->offset_for_timestamp({t, 0}, 9000);
  ASSERT_TRUE(after.is_ok());
  EXPECT_EQ(*after, std::nullopt);
}

TEST_F(BrokerTest, AtomicAppendCommitsTheOffsetsWithTheRecords) {
  const std::string in = topic("in");
  const std::string out = topic("out", 2);
  const std::string group = prefix_ + "job";
  std::vector<log::PartitionBatch> batches = {{{out, 0}, {rec("a", "1"), rec("b", "2")}}, {{out, 1}, {rec("c", "3")}}};
  std::vector<log::OffsetCommit> commits = {{group, {in, 0}, 42}};
  auto bases = topics_->append_atomic(batches, commits);
  ASSERT_TRUE(bases.is_ok()) << bases.status().to_string();
  EXPECT_EQ(*bases, (std::vector<int64_t>{0, 0}));
  auto committed = topics_->committed_offset(group, {in, 0});
  ASSERT_TRUE(committed.is_ok()) << committed.status().to_string();
  EXPECT_EQ(*committed, std::optional<int64_t>(42));
  auto groups = topics_->list_group_offsets();
  ASSERT_TRUE(groups.count(group));
  EXPECT_EQ((groups[group][log::TopicPartition{in, 0}]), 42);
  // The commit marker takes an offset: the end is past it and a reader steps over it.
  auto second = topics_->append_atomic(std::vector<log::PartitionBatch>{{{out, 0}, {rec("d", "4")}}}, {});
  ASSERT_TRUE(second.is_ok()) << second.status().to_string();
  EXPECT_EQ((*second)[0], 3);
  auto fetched = topics_->fetch({out, 0}, 0, {});
  ASSERT_TRUE(fetched.is_ok()) << fetched.status().to_string();
  std::vector<std::string> values;
  for (const Record& r : fetched->records) values.push_back(*r.value);
  EXPECT_EQ(values, (std::vector<std::string>{"1", "2", "4"}));
  EXPECT_EQ(fetched->end_offset, 5);
  EXPECT_EQ(fetched->next_offset, 5);
}

TEST_F(BrokerTest, ConcurrentAppendsToOnePartitionGetDisjointConsecutiveOffsets) {
  const std::string t = topic("concurrent");
  std::vector<std::pair<int64_t, int64_t>> ranges;
  std::mutex mutex;
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int b = 0; b < 10; ++b) {
        std::vector<Record> batch;
        for (int i = 0; i < 50; ++i) batch.push_back(rec(std::to_string(w), std::to_string(b * 50 + i)));
        auto first = topics_->append({t, 0}, batch);
        ASSERT_TRUE(first.is_ok()) << first.status().to_string();
        std::lock_guard lock(mutex);
        ranges.push_back({*first, *first + 50});
      }
    });
  }
  for (auto& w : writers) w.join();
  std::sort(ranges.begin(), ranges.end());
  ASSERT_EQ(ranges.size(), 40u);
  for (size_t i = 0; i < ranges.size(); ++i) EXPECT_EQ(ranges[i].first, static_cast<int64_t>(i) * 50);
  // Each batch's 50 offsets hold one writer's records, in the order it appended them.
  std::vector<Record> all;
  int64_t offset = 0;
  while (offset < 2000) {
    auto f = topics_->fetch({t, 0}, offset, {});
    ASSERT_TRUE(f.is_ok()) << f.status().to_string();
    ASSERT_FALSE(f->records.empty());
    for (Record& r : f->records) all.push_back(std::move(r));
    offset = f->next_offset;
  }
  ASSERT_EQ(all.size(), 2000u);
  for (size_t i = 0; i < all.size(); i += 50) {
    const int first = std::stoi(*all[i].value);
    EXPECT_EQ(first % 50, 0);
    for (size_t k = 1; k < 50; ++k) {
      EXPECT_EQ(all[i + k].key, all[i].key);
      EXPECT_EQ(std::stoi(*all[i + k].value), first + static_cast<int>(k));
    }
  }
}

}  // namespace
}  // namespace careflow::kafka
