// The session's append thread against a real embedded log: appends land in the order submitted,
// drain waits for all of them, and after a failed append nothing more is written and every later
// call reports that failure.

#include "cdc/log_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "log/embedded_log.h"

namespace careflow::cdc {
namespace {

class LogWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("careflow-log-writer-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    log::EmbeddedLogOptions o;
    o.maintenance_interval_ms = 0;
    log_ = std::move(log::EmbeddedLog::open(dir_.string(), o)).value();
    ASSERT_TRUE(log_->create_topic("events", {}).is_ok());
  }
  void TearDown() override {
    log_.reset();
    std::filesystem::remove_all(dir_);
  }
  static std::vector<log::PartitionBatch> batch(const std::string& topic, int first, int count) {
    std::vector<log::Record> records;
    for (int i = first; i < first + count; ++i) {
      log::Record r;
      r.value = std::to_string(i);
      records.push_back(std::move(r));
    }
    return {log::PartitionBatch{{topic, 0}, std::move(records)}};
  }
  std::vector<std::string> values() {
    auto fetched = log_->fetch({"events", 0}, 0, {.max_records = 100'000, .max_bytes = 1ll << 30});
    std::vector<std::string> out;
    for (const auto& r : fetched->records) out.push_back(*r.value);
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<log::EmbeddedLog> log_;
};

TEST_F(LogWriterTest, AppendsInSubmitOrderAndDrainWaitsForThem) {
  LogWriter writer(*log_, 2);
  for (int chunk = 0; chunk < 50; ++chunk) ASSERT_TRUE(writer.submit(batch("events", chunk * 100, 100)).is_ok());
  ASSERT_TRUE(writer.drain().is_ok());
  const auto got = values();
  ASSERT_EQ(got.size(), 5000u);
  for (int i = 0; i < 5000; ++i) ASSERT_EQ(got[i], std::to_string(i));
}

TEST_F(LogWriterTest, AfterAFailedAppendNothingMoreIsWrittenAndEveryCallSaysWhy) {
  {
    LogWriter writer(*log_, 1);
    ASSERT_TRUE(writer.submit(batch("events", 0, 10)).is_ok());
    ASSERT_TRUE(writer.submit(batch("no_such_topic", 10, 10)).is_ok());  // fails in the writer
    Status drained = writer.drain();
    ASSERT_FALSE(drained.is_ok());
    EXPECT_NE(drained.to_string().find("no_such_topic"), std::string::npos) << drained.to_string();
    Status later = writer.submit(batch("events", 20, 10));
    EXPECT_FALSE(later.is_ok());
    EXPECT_EQ(later.to_string(), drained.to_string());
  }  // the destructor writes nothing more either
  EXPECT_EQ(values().size(), 10u);
}

}  // namespace
}  // namespace careflow::cdc
