// The Kafka backend against librdkafka's mock cluster: a Kafka protocol implementation that runs
// inside the test process (brokers, partitions, idempotence, transactions, consumer groups).
// A real Apache Kafka broker is exercised by tests/interop/kafka/run.
#include "kafka/kafka_topics.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <chrono>
#include <thread>

#include "common/clock.h"

namespace careflow::kafka {
namespace {

using log::Header;
using log::Record;
using log::TopicPartition;

// A mock cluster with `brokers` brokers; it lives as long as the handle that hosts it.
class MockCluster {
 public:
  explicit MockCluster(int brokers) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char err[256];
    rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err);
    host_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    cluster_ = rd_kafka_mock_cluster_new(host_, brokers);
  }
  ~MockCluster() {
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(host_);
  }
  std::string bootstraps() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }
  rd_kafka_mock_cluster_t* get() { return cluster_; }

 private:
  rd_kafka_t* host_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

Record rec(std::optional<std::string> key, std::optional<std::string> value, int64_t ts = 1700000000000,
           std::vector<Header> headers = {}) {
  return Record{std::move(key), std::move(value), std::move(headers), ts, -1};
}

class KafkaTopicsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    KafkaOptions o;
    o.bootstrap_servers = cluster_.bootstraps();
    o.timeout_ms = 5000;
    o.properties["log_level"] = "3";
    auto opened = open_kafka_topics(o);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    topics_ = std::move(*opened);
  }

  // librdkafka 2.0's mock cluster has no controller, so CreateTopics / DeleteTopics cannot run
  // on it: topics are made through the mock's own API here, and the Admin calls are checked
  // against a real broker by tests/interop/kafka/run.
  void create(const std::string& name, int32_t partitions) {
    ASSERT_EQ(rd_kafka_mock_topic_create(cluster_.get(), name.c_str(), partitions, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  std::vector<Record> read_all(const TopicPartition& tp) {
    std::vector<Record> out;
    int64_t offset = 0;
    for (;;) {
      auto fetched = topics_->fetch(tp, offset, {});
      EXPECT_TRUE(fetched.is_ok()) << fetched.status().to_string();
      if (!fetched.is_ok() || fetched->records.empty()) break;
      for (Record& r : fetched->records) out.push_back(std::move(r));
      offset = fetched->next_offset;
    }
    return out;
  }

  MockCluster cluster_{3};
  std::unique_ptr<log::Topics> topics_;
};

TEST_F(KafkaTopicsTest, ListsAndDescribesTopics) {
  create("orders", 3);
  EXPECT_EQ(topics_->create_topic("bad name", {}).code(), StatusCode::kInvalidArgument);
  log::TopicConfig none;
  none.partitions = 0;
  EXPECT_EQ(topics_->create_topic("fine", none).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(topics_->delete_topic("__consumer_offsets").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(topics_->delete_topic("absent").code(), StatusCode::kNotFound);
  auto names = topics_->list_topics();
  EXPECT_NE(std::find(names.begin(), names.end(), "orders"), names.end());
  auto d = topics_->describe_topic("orders");
  ASSERT_TRUE(d.is_ok()) << d.status().to_string();
  EXPECT_EQ(d->name, "orders");
  EXPECT_EQ(d->config.partitions, 3);
  ASSERT_EQ(d->partitions.size(), 3u);
  EXPECT_EQ(d->partitions[2].end_offset, 0);
  EXPECT_EQ(topics_->describe_topic("nope").status().code(), StatusCode::kNotFound);
}

TEST_F(KafkaTopicsTest, AppendReturnsConsecutiveOffsetsAndFetchReturnsRecordsAsWritten) {
  create("events", 2);
  std::vector<Record> batch = {
      rec("k1", "v1", 1700000000001, {{"source", "sim"}, {"trace", std::nullopt}}),
      rec(std::nullopt, "no key", 1700000000002),
      rec("k3", std::nullopt, 1700000000003),  // tombstone
      rec("k4", "", 1700000000004),             // empty, not null
  };
  auto first = topics_->append({"events", 1}, batch);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_EQ(*first, 0);
  auto second = topics_->append({"events", 1}, std::vector<Record>{rec("k5", "v5")});
  ASSERT_TRUE(second.is_ok());
  EXPECT_EQ(*second, 4);

  auto got = read_all({"events", 1});
  ASSERT_EQ(got.size(), 5u);
  for (size_t i = 0; i < batch.size(); ++i) {
    Record expected = batch[i];
    expected.offset = static_cast<int64_t>(i);
    EXPECT_EQ(got[i], expected) << "record " << i;
  }
  EXPECT_TRUE(read_all({"events", 0}).empty());

  auto limited = topics_->fetch({"events", 1}, 1, {2, 1 << 20});
  ASSERT_TRUE(limited.is_ok()) << limited.status().to_string();
  ASSERT_EQ(limited->records.size(), 2u);
  EXPECT_EQ(limited->records[0].offset, 1);
  EXPECT_EQ(limited->next_offset, 3);
  EXPECT_EQ(limited->end_offset, 5);
  // Going back re-reads (the reader seeks).
  auto again = topics_->fetch({"events", 1}, 0, {1, 1 << 20});
  ASSERT_TRUE(again.is_ok());
  ASSERT_EQ(again->records.size(), 1u);
  EXPECT_EQ(again->records[0].key, "k1");
  auto at_end = topics_->fetch({"events", 1}, 5, {});
  ASSERT_TRUE(at_end.is_ok());
  EXPECT_TRUE(at_end->records.empty());
  EXPECT_EQ(at_end->next_offset, 5);
  EXPECT_EQ(topics_->fetch({"events", 1}, 6, {}).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(topics_->fetch({"events", 1}, -1, {}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(KafkaTopicsTest, BadTargetsAreErrorsNamingThem) {
  create("one", 1);
  auto no_topic = topics_->append({"missing", 0}, std::vector<Record>{rec("k", "v")});
  EXPECT_EQ(no_topic.status().code(), StatusCode::kNotFound);
  EXPECT_NE(no_topic.status().message().find("missing"), std::string::npos);
  auto bad_partition = topics_->append({"one", 4}, std::vector<Record>{rec("k", "v")});
  EXPECT_EQ(bad_partition.status().code(), StatusCode::kOutOfRange);
  EXPECT_NE(bad_partition.status().message().find("partition 4"), std::string::npos);
  EXPECT_EQ(topics_->append({"one", 0}, std::vector<Record>{}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(topics_->fetch({"one", 1}, 0, {}).status().code(), StatusCode::kOutOfRange);
}

// Lookups by timestamp are checked on a real broker (tests/interop/kafka/run): the mock cluster
// answers ListOffsets only for the earliest and latest offsets.
TEST_F(KafkaTopicsTest, PartitionOffsetsFollowAppends) {
  create("ts", 2);
  ASSERT_TRUE(topics_->append({"ts", 0}, std::vector<Record>{rec("a", "1", 1000), rec("b", "2", 2000), rec("c", "3", 3000)}).is_ok());
  auto infos = topics_->partition_offsets("ts");
  ASSERT_TRUE(infos.is_ok());
  ASSERT_EQ(infos->size(), 2u);
  EXPECT_EQ((*infos)[0].start_offset, 0);
  EXPECT_EQ((*infos)[0].end_offset, 3);
  EXPECT_EQ((*infos)[1].end_offset, 0);
  EXPECT_EQ(topics_->offset_for_timestamp({"ts", 5}, 1500).status().code(), StatusCode::kOutOfRange);
}

TEST_F(KafkaTopicsTest, WaitForDataWakesOnAnAppendAndTimesOutWithout) {
  create("wait", 1);
  const int64_t before = steady_clock_ms();
  auto idle = topics_->wait_for_data({"wait", 0}, 0, std::chrono::milliseconds(300));
  ASSERT_TRUE(idle.is_ok()) << idle.status().to_string();
  EXPECT_FALSE(*idle);
  EXPECT_GE(steady_clock_ms() - before, 250);
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ASSERT_TRUE(topics_->append({"wait", 0}, std::vector<Record>{rec("k", "v")}).is_ok());
  });
  auto woke = topics_->wait_for_data({"wait", 0}, 0, std::chrono::seconds(5));
  writer.join();
  ASSERT_TRUE(woke.is_ok());
  EXPECT_TRUE(*woke);
  auto got = topics_->fetch({"wait", 0}, 0, {});
  ASSERT_TRUE(got.is_ok());
  ASSERT_EQ(got->records.size(), 1u);
  EXPECT_EQ(got->records[0].value, "v");
}

TEST_F(KafkaTopicsTest, ConsumerGroupOffsetsAreCommittedAndReadBack) {
  create("grouped", 2);
  EXPECT_EQ(*topics_->committed_offset("g1", {"grouped", 0}), std::nullopt);
  std::vector<log::OffsetCommit> commits = {{"g1", {"grouped", 0}, 7}, {"g1", {"grouped", 1}, 3}, {"g2", {"grouped", 0}, 1}};
  Status s = topics_->commit_offsets(commits);
  ASSERT_TRUE(s.is_ok()) << s.to_string();
  EXPECT_EQ(*topics_->committed_offset("g1", {"grouped", 0}), std::optional<int64_t>(7));
  EXPECT_EQ(*topics_->committed_offset("g1", {"grouped", 1}), std::optional<int64_t>(3));
  EXPECT_EQ(*topics_->committed_offset("g2", {"grouped", 0}), std::optional<int64_t>(1));
  std::vector<log::OffsetCommit> bad = {{"", {"grouped", 0}, 1}};
  EXPECT_EQ(topics_->commit_offsets(bad).code(), StatusCode::kInvalidArgument);
  std::vector<log::OffsetCommit> negative = {{"g1", {"grouped", 0}, -5}};
  EXPECT_EQ(topics_->commit_offsets(negative).code(), StatusCode::kInvalidArgument);
}

TEST_F(KafkaTopicsTest, AtomicAppendWritesEveryBatchAndTheOffsetsInOneTransaction) {
  create("in", 1);
  create("out", 2);
  std::vector<log::PartitionBatch> batches = {
      {{"out", 0}, {rec("a", "1"), rec("b", "2")}},
      {{"out", 1}, {rec("c", "3")}},
  };
  std::vector<log::OffsetCommit> commits = {{"job", {"in", 0}, 42}};
  auto bases = topics_->append_atomic(batches, commits);
  ASSERT_TRUE(bases.is_ok()) << bases.status().to_string();
  EXPECT_EQ(*bases, (std::vector<int64_t>{0, 0}));
  auto p0 = read_all({"out", 0});
  ASSERT_EQ(p0.size(), 2u);
  EXPECT_EQ(p0[1].value, "2");
  ASSERT_EQ(read_all({"out", 1}).size(), 1u);
  // The mock accepts TxnOffsetCommit without storing it; the committed offset is checked on a
  // real broker by tests/interop/kafka/run.
  // A second transaction continues after the first one's commit marker.
  auto next = topics_->append_atomic(std::vector<log::PartitionBatch>{{{"out", 0}, {rec("d", "4")}}}, {});
  ASSERT_TRUE(next.is_ok()) << next.status().to_string();
  ASSERT_EQ(next->size(), 1u);
  EXPECT_GE((*next)[0], 2);
  auto all = read_all({"out", 0});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].value, "4");

  std::vector<log::PartitionBatch> twice = {{{"out", 0}, {rec("x", "1")}}, {{"out", 0}, {rec("y", "2")}}};
  EXPECT_EQ(topics_->append_atomic(twice, {}).status().code(), StatusCode::kInvalidArgument);
  std::vector<log::PartitionBatch> empty = {{{"out", 0}, {}}};
  EXPECT_EQ(topics_->append_atomic(empty, {}).status().code(), StatusCode::kInvalidArgument);
}

class KafkaCompressionTest : public ::testing::TestWithParam<const char*> {};

TEST_P(KafkaCompressionTest, RecordsRoundTripCompressed) {
  MockCluster cluster(1);
  KafkaOptions o;
  o.bootstrap_servers = cluster.bootstraps();
  o.compression = GetParam();
  o.timeout_ms = 5000;
  auto topics = open_kafka_topics(o);
  ASSERT_TRUE(topics.is_ok()) << topics.status().to_string();
  ASSERT_EQ(rd_kafka_mock_topic_create(cluster.get(), "z", 1, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  std::vector<Record> batch;
  for (int i = 0; i < 200; ++i) batch.push_back(rec("key-" + std::to_string(i), std::string(500, static_cast<char>('a' + i % 26))));
  ASSERT_TRUE((*topics)->append({"z", 0}, batch).is_ok());
  auto got = (*topics)->fetch({"z", 0}, 0, {});
  ASSERT_TRUE(got.is_ok());
  ASSERT_EQ(got->records.size(), batch.size());
  EXPECT_EQ(got->records[199].value, batch[199].value);
}

INSTANTIATE_TEST_SUITE_P(Codecs, KafkaCompressionTest, ::testing::Values("none", "gzip", "snappy", "lz4", "zstd"));

TEST(KafkaOpenTest, UnreachableBrokerIsAnErrorNamingTheSettingWithinTheTimeout) {
  KafkaOptions o;
  o.bootstrap_servers = "127.0.0.1:1";
  o.timeout_ms = 1500;
  o.properties["log_level"] = "0";
  const int64_t before = steady_clock_ms();
  auto opened = open_kafka_topics(o);
  ASSERT_FALSE(opened.is_ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(opened.status().message().find("kafka.bootstrap_servers"), std::string::npos) << opened.status().message();
  EXPECT_NE(opened.status().message().find("127.0.0.1:1"), std::string::npos);
  EXPECT_LT(steady_clock_ms() - before, 10000);
}

TEST(KafkaOpenTest, BadSettingsAreErrorsNamingTheKey) {
  KafkaOptions o;
  EXPECT_NE(open_kafka_topics(o).status().message().find("kafka.bootstrap_servers"), std::string::npos);
  o.bootstrap_servers = "127.0.0.1:1";
  o.compression = "brotli";
  auto bad_codec = open_kafka_topics(o);
  EXPECT_EQ(bad_codec.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_codec.status().message().find("kafka.compression"), std::string::npos) << bad_codec.status().message();
  o.compression = "lz4";
  o.security_protocol = "sasl_ssl";
  auto no_key = open_kafka_topics(o);
  EXPECT_EQ(no_key.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(no_key.status().message().find("kafka.api_key"), std::string::npos);
  o.security_protocol = "carrier-pigeon";
  EXPECT_NE(open_kafka_topics(o).status().message().find("kafka.security_protocol"), std::string::npos);
  o.security_protocol = "plaintext";
  o.ssl_ca_location = "/etc/hostname";
  auto ca_without_tls = open_kafka_topics(o);
  EXPECT_EQ(ca_without_tls.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(ca_without_tls.status().message().find("kafka.ssl_ca_location"), std::string::npos)
      << ca_without_tls.status().message();
  o.security_protocol = "ssl";
  o.ssl_ca_location = "/nonexistent/ca.pem";
  auto missing_ca = open_kafka_topics(o);
  EXPECT_EQ(missing_ca.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing_ca.status().message().find("kafka.ssl_ca_location = '/nonexistent/ca.pem'"), std::string::npos)
      << missing_ca.status().message();
}

TEST(KafkaOpenTest, ConfluentCloudSettingsAreAcceptedBySaslSsl) {
  // Credentials for Confluent Cloud select SASL_SSL + PLAIN; against a plaintext listener the
  // TLS handshake fails, which must surface as Unavailable naming the servers, not as a hang.
  MockCluster cluster(1);
  KafkaOptions o;
  o.bootstrap_servers = cluster.bootstraps();
  o.sasl_username = "APIKEY";
  o.sasl_password = "SECRET";
  o.timeout_ms = 1500;
  o.properties["log_level"] = "0";
  auto opened = open_kafka_topics(o);
  ASSERT_FALSE(opened.is_ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kUnavailable) << opened.status().to_string();
}

}  // namespace
}  // namespace careflow::kafka
