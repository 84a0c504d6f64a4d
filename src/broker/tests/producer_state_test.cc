// Idempotent producers' sequence rules on one partition, with a counting append in place of the
// log: a retried batch is answered with its first offset and not appended again, gaps and old
// epochs are refused, a new epoch starts at 0, and a failed append leaves no trace.

#include "broker/producer_state.h"

#include <gtest/gtest.h>

#include "broker/protocol.h"

namespace careflow::broker {
namespace {

class ProducerStatesTest : public ::testing::Test {
 protected:
  // Appends `count` records at the next offset unless `fail` is set.
  ProducerStates::Outcome send(int64_t producer, int16_t epoch, int32_t sequence, int32_t count, bool fail = false) {
    auto outcome = states_.append(partition_, {producer, epoch, sequence, count}, [&]() -> Result<int64_t> {
      if (fail) return Status::io_error("disk full");
      const int64_t base = next_offset_;
      next_offset_ += count;
      ++appends_;
      return base;
    });
    if (!outcome) return {-1, -1, outcome.status().message()};
    return *outcome;
  }

  ProducerStates states_{1000};
  log::TopicPartition partition_{"t", 0};
  int64_t next_offset_ = 0;
  int appends_ = 0;
};

TEST_F(ProducerStatesTest, IdsAreHandedOutOnceFromTheFirst) {
  EXPECT_EQ(states_.allocate_id(), 1000);
  EXPECT_EQ(states_.allocate_id(), 1001);
}

TEST_F(ProducerStatesTest, ARetriedBatchGetsItsFirstOffsetAndIsNotWrittenAgain) {
  EXPECT_EQ(send(7, 0, 0, 3).base_offset, 0);
  EXPECT_EQ(send(7, 0, 3, 2).base_offset, 3);
  ProducerStates::Outcome retried = send(7, 0, 0, 3);  // the first batch again (its answer was lost)
  EXPECT_EQ(retried.error, err::kNone);
  EXPECT_EQ(retried.base_offset, 0);
  EXPECT_EQ(send(7, 0, 3, 2).base_offset, 3);
  EXPECT_EQ(appends_, 2);
  EXPECT_EQ(send(7, 0, 5, 1).base_offset, 5);
}

TEST_F(ProducerStatesTest, AGapInTheSequenceIsOutOfOrder) {
  send(7, 0, 0, 3);
  ProducerStates::Outcome gap = send(7, 0, 4, 1);
  EXPECT_EQ(gap.error, err::kOutOfOrderSequenceNumber);
  EXPECT_NE(gap.message.find("sequence 4 where 3 was expected"), std::string::npos) << gap.message;
  EXPECT_EQ(appends_, 1);
}

TEST_F(ProducerStatesTest, EpochsOnlyGrowAndANewOneStartsAtZero) {
  send(7, 1, 0, 1);
  EXPECT_EQ(send(7, 0, 1, 1).error, err::kInvalidProducerEpoch);
  EXPECT_EQ(send(7, 2, 5, 1).error, err::kOutOfOrderSequenceNumber);
  EXPECT_EQ(send(7, 2, 0, 1).error, err::kNone);
  EXPECT_EQ(send(7, 2, 1, 1).error, err::kNone);
  EXPECT_EQ(appends_, 3);
}

TEST_F(ProducerStatesTest, AProducerWithoutStateIsTakenAtAnySequenceAndProducersAreApart) {
  EXPECT_EQ(send(8, 0, 41, 2).error, err::kNone);  // e.g. still running across a careflow restart
  EXPECT_EQ(send(8, 0, 43, 1).error, err::kNone);
  EXPECT_EQ(send(9, 0, 0, 1).error, err::kNone);
  EXPECT_EQ(appends_, 3);
}

TEST_F(ProducerStatesTest, AFailedAppendIsReportedAndRecordsNothing) {
  send(7, 0, 0, 1);
  ProducerStates::Outcome failed = send(7, 0, 1, 1, true);
  EXPECT_NE(failed.message.find("disk full"), std::string::npos);
  EXPECT_EQ(send(7, 0, 1, 1).error, err::kNone);  // the retry is new, not a duplicate
  EXPECT_EQ(appends_, 2);
}

TEST_F(ProducerStatesTest, SequencesWrapAtInt32Max) {
  send(7, 0, INT32_MAX - 1, 2);  // INT32_MAX - 1, INT32_MAX
  EXPECT_EQ(send(7, 0, 0, 1).error, err::kNone);
}

TEST_F(ProducerStatesTest, BatchesWithoutSequenceOrEpochAreInvalid) {
  EXPECT_EQ(send(7, -1, 0, 1).error, err::kInvalidRecord);
  EXPECT_EQ(send(7, 0, -1, 1).error, err::kInvalidRecord);
  EXPECT_EQ(appends_, 0);
}

}  // namespace
}  // namespace careflow::broker
