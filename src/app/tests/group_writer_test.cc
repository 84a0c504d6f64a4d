// The group-commit writer behind `careflow topic produce`, on a real embedded log.

#include "app/group_writer.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/clock.h"
#include "log/tests/log_test_util.h"

namespace careflow::app {
namespace {

using log::testing::rec;
using log::testing::TempDir;

class GroupWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = log::EmbeddedLog::open(dir_.str());
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    log_ = std::move(*opened);
    log::TopicConfig c;
    c.partitions = 3;
    ASSERT_TRUE(log_->create_topic("t", c).is_ok());
  }

  std::vector<std::string> values(int32_t partition) {
    std::vector<std::string> out;
    int64_t offset = 0;
    for (;;) {
      auto fetched = log_->fetch({"t", partition}, offset);
      EXPECT_TRUE(fetched.is_ok()) << fetched.status().to_string();
      if (!fetched.is_ok() || fetched->records.empty()) return out;
      for (const log::Record& r : fetched->records) out.push_back(*r.value);
      offset = fetched->next_offset;
    }
  }

  TempDir dir_;
  std::unique_ptr<log::EmbeddedLog> log_;
};

TEST_F(GroupWriterTest, EveryRecordLandsOnceInAddOrderPerPartition) {
  // More than one full batch, so that the reader has to wait for the writer at least once.
  const int n = static_cast<int>(GroupWriter::kMaxRecords) * 2 + 777;
  GroupWriter writer(*log_, "t");
  for (int i = 0; i < n; ++i) ASSERT_TRUE(writer.add(i % 3, rec(std::to_string(i))).is_ok());
  ASSERT_TRUE(writer.finish().is_ok());
  EXPECT_EQ(writer.appended(), n);
  for (int32_t p = 0; p < 3; ++p) {
    std::vector<std::string> got = values(p);
    std::vector<std::string> expected;
    for (int i = p; i < n; i += 3) expected.push_back(std::to_string(i));
    EXPECT_EQ(got, expected) << "partition " << p;
  }
}

TEST_F(GroupWriterTest, ARecordGoesOutWithoutWaitingForMore) {
  // A line typed by hand must not sit in a buffer until a batch fills.
  GroupWriter writer(*log_, "t");
  ASSERT_TRUE(writer.add(1, rec("typed")).is_ok());
  const int64_t deadline = steady_clock_ms() + 10000;
  while (values(1).empty() && steady_clock_ms() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(values(1), std::vector<std::string>{"typed"});
  ASSERT_TRUE(writer.finish().is_ok());
}

TEST_F(GroupWriterTest, AFailedAppendStopsTheReaderWithTheError) {
  GroupWriter writer(*log_, "t");
  Status failed;
  // Partition 7 does not exist: the writer's append fails, and add() reports it soon after.
  for (int i = 0; i < 1000000 && failed.is_ok(); ++i) failed = writer.add(7, rec("x"));
  EXPECT_FALSE(failed.is_ok());
  Status finished = writer.finish();
  EXPECT_FALSE(finished.is_ok());
  EXPECT_NE(finished.message().find("partition 7"), std::string::npos) << finished.to_string();
}

}  // namespace
}  // namespace careflow::app
