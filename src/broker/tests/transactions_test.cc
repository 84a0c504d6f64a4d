// The transaction coordinator over a real embedded log: a committed transaction's records and
// offsets appear together, an aborted or timed-out one leaves nothing, older epochs are fenced,
// a retried batch is kept once, and every request is checked against the id's producer.

#include "broker/transactions.h"

#include <gtest/gtest.h>

#include <thread>

#include "broker/protocol.h"
#include "log/embedded_log.h"
#include "log/tests/log_test_util.h"

namespace careflow::broker {
namespace {

class TransactionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = log::EmbeddedLog::open(dir_.str(), {});
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    log_ = std::move(*opened);
    log::TopicConfig config;
    config.partitions = 2;
    ASSERT_TRUE(log_->create_topic("out", config).is_ok());
    ASSERT_TRUE(log_->create_topic("in", config).is_ok());
    coordinator_ = std::make_unique<TransactionCoordinator>(*log_, producers_);
  }

  std::vector<log::Record> records(std::initializer_list<std::string> values) {
    std::vector<log::Record> out;
    for (const std::string& v : values) out.push_back({std::nullopt, v, {}, 1000, -1});
    return out;
  }

  // A transactional batch of `values` at `sequence`.
  int16_t send(const TransactionCoordinator::Identity& id, const log::TopicPartition& p, int32_t sequence,
               std::initializer_list<std::string> values, const std::string& txn = "t1") {
    std::string message;
    BatchProducer batch{id.producer_id, id.producer_epoch, sequence, static_cast<int32_t>(values.size()), true};
    return coordinator_->produce(txn, p, batch, records(values), &message);
  }

  int64_t end_offset(const std::string& topic, int partition) {
    auto offsets = log_->partition_offsets(topic);
    EXPECT_TRUE(offsets.is_ok());
    return (*offsets)[static_cast<size_t>(partition)].end_offset;
  }

  std::vector<std::string> values(const std::string& topic, int partition) {
    auto fetched = log_->fetch({topic, partition}, 0);
    EXPECT_TRUE(fetched.is_ok());
    std::vector<std::string> out;
    for (const log::Record& r : fetched->records) out.push_back(r.value.value_or("null"));
    return out;
  }

  log::testing::TempDir dir_;
  std::unique_ptr<log::EmbeddedLog> log_;
  ProducerStates producers_{5000};
  std::unique_ptr<TransactionCoordinator> coordinator_;
  const log::TopicPartition out0_{"out", 0}, out1_{"out", 1}, in0_{"in", 0};
};

TEST_F(TransactionsTest, ACommitWritesEveryPartitionAndTheOffsetsTogether) {
  auto id = coordinator_->init("t1", 60'000);
  ASSERT_EQ(id.error, err::kNone);
  EXPECT_EQ(id.producer_epoch, 0);
  ASSERT_EQ(coordinator_->add_partition("t1", id.producer_id, id.producer_epoch, out0_), err::kNone);
  ASSERT_EQ(coordinator_->add_partition("t1", id.producer_id, id.producer_epoch, out1_), err::kNone);
  ASSERT_EQ(send(id, out0_, 0, {"a", "b"}), err::kNone);
  ASSERT_EQ(send(id, out1_, 0, {"c"}), err::kNone);
  ASSERT_EQ(send(id, out0_, 2, {"d"}), err::kNone);
  ASSERT_EQ(coordinator_->add_group("t1", id.producer_id, id.producer_epoch, "g"), err::kNone);
  ASSERT_EQ(coordinator_->commit_offset("t1", id.producer_id, id.producer_epoch, "g", in0_, 42), err::kNone);
  // Nothing is visible before the commit, to any reader.
  EXPECT_EQ(end_offset("out", 0), 0);
  EXPECT_FALSE(log_->committed_offset("g", in0_)->has_value());
  std::string message;
  ASSERT_EQ(coordinator_->end("t1", id.producer_id, id.producer_epoch, true, &message), err::kNone) << message;
  EXPECT_EQ(values("out", 0), (std::vector<std::string>{"a", "b", "d"}));
  EXPECT_EQ(values("out", 1), (std::vector<std::string>{"c"}));
  EXPECT_EQ(log_->committed_offset("g", in0_)->value_or(-1), 42);
  // The next transaction of the same producer continues its sequences.
  ASSERT_EQ(coordinator_->add_partition("t1", id.producer_id, id.producer_epoch, out0_), err::kNone);
  ASSERT_EQ(send(id, out0_, 3, {"e"}), err::kNone);
  ASSERT_EQ(coordinator_->end("t1", id.producer_id, id.producer_epoch, true, &message), err::kNone) << message;
  EXPECT_EQ(values("out", 0), (std::vector<std::string>{"a", "b", "d", "e"}));
}

TEST_F(TransactionsTest, AnAbortLeavesNothing) {
  auto id = coordinator_->init("t1", 60'000);
  ASSERT_EQ(coordinator_->add_partition("t1", id.producer_id, id.producer_epoch, out0_), err::kNone);
  ASSERT_EQ(send(id, out0_, 0, {"x"}), err::kNone);
  ASSERT_EQ(coordinator_->add_group("t1", id.producer_id, id.producer_epoch, "g"), err::kNone);
  ASSERT_EQ(coordinator_->commit_offset("t1", id.producer_id, id.producer_epoch, "g", in0_, 7), err::kNone);
  std::string message;
  ASSERT_EQ(coordinator_->end("t1", id.producer_id, id.producer_epoch, false, &message), err::kNone);
  EXPECT_EQ(end_offset("out", 0), 0);
  EXPECT_FALSE(log_->committed_offset("g", in0_)->has_value());
  // A retried EndTxn after completion is answered as done.
  EXPECT_EQ(coordinator_->end("t1", id.producer_id, id.producer_epoch, false, &message), err::kNone);
}

TEST_F(TransactionsTest, ANewInitFencesTheOldProducerAndAbortsItsTransaction) {
  auto first = coordinator_->init("t1", 60'000);
  ASSERT_EQ(coordinator_->add_partition("t1", first.producer_id, first.producer_epoch, out0_), err::kNone);
  ASSERT_EQ(send(first, out0_, 0, {"zombie"}), err::kNone);
  auto second = coordinator_->init("t1", 60'000);
  EXPECT_EQ(second.producer_id, first.producer_id);
  EXPECT_EQ(second.producer_epoch, first.producer_epoch + 1);
  std::string message;
  EXPECT_EQ(coordinator_->end("t1", first.producer_id, first.producer_epoch, true, &message), err::kProducerFenced);
  EXPECT_EQ(coordinator_->add_partition("t1", first.producer_id, first.producer_epoch, out0_), err::kProducerFenced);
  EXPECT_EQ(send(first, out0_, 1, {"late"}), err::kProducerFenced);
  EXPECT_EQ(end_offset("out", 0), 0);
  // Another id's producer id is not this one's.
  auto other = coordinator_->init("t2", 60'000);
  EXPECT_NE(other.producer_id, first.producer_id);
  EXPECT_EQ(coordinator_->add_partition("t1", other.producer_id, other.producer_epoch, out0_), err::kInvalidProducerIdMapping);
  EXPECT_EQ(coordinator_->add_partition("unknown", other.producer_id, 0, out0_), err::kInvalidProducerIdMapping);
}

TEST_F(TransactionsTest, ProduceNeedsTheAddedPartitionAndARetryIsKeptOnce) {
  auto id = coordinator_->init("t1", 60'000);
  EXPECT_EQ(send(id, out0_, 0, {"a"}), err::kInvalidTxnState);  // AddPartitionsToTxn first
  ASSERT_EQ(coordinator_->add_partition("t1", id.producer_id, id.producer_epoch, out0_), err::kNone);
  EXPECT_EQ(send(id, out1_, 0, {"a"}), err::kInvalidTxnState);   // not this partition
  ASSERT_EQ(send(id, out0_, 0, {"a", "b"}), err::kNone);
  ASSERT_EQ(send(id, out0_, 0, {"a", "b"}), err::kNone);  // the same batch again: a retry
  EXPECT_EQ(send(id, out0_, 5, {"gap"}), err::kOutOfOrderSequenceNumber);
  std::string message;
  ASSERT_EQ(coordinator_->end("t1", id.producer_id, id.producer_epoch, true, &message), err::kNone);
  EXPECT_EQ(values("out", 0), (std::vector<std::string>{"a", "b"}));
  // Offsets need AddOffsetsToTxn for their group first; a negative offset is refused.
  ASSERT_EQ(coordinator_->add_partition("t1", id.producer_id, id.producer_epoch, out0_), err::kNone);
  EXPECT_EQ(coordinator_->commit_offset("t1", id.producer_id, id.producer_epoch, "g", in0_, 1), err::kInvalidTxnState);
  EXPECT_EQ(coordinator_->commit_offset("t1", id.producer_id, id.producer_epoch, "g", in0_, -5), err::kInvalidRequest);
}

TEST_F(TransactionsTest, ATransactionPastItsTimeoutIsAbortedAndItsProducerFenced) {
  auto id = coordinator_->init("t1", 50);
  ASSERT_EQ(coordinator_->add_partition("t1", id.producer_id, id.producer_epoch, out0_), err::kNone);
  ASSERT_EQ(send(id, out0_, 0, {"slow"}), err::kNone);
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  std::string message;
  EXPECT_EQ(coordinator_->end("t1", id.producer_id, id.producer_epoch, true, &message), err::kProducerFenced);
  EXPECT_EQ(end_offset("out", 0), 0);
  EXPECT_EQ(coordinator_->init("t1", 0).error, err::kInvalidTransactionTimeout);
  EXPECT_EQ(coordinator_->init("t1", 60'000).producer_epoch, id.producer_epoch + 2);  // fenced once, then init
}

}  // namespace
}  // namespace careflow::broker
