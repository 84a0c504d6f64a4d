#pragma once
// The fixture of the job manager's tests: a real embedded log in a fresh folder, a JobManager on it
// with the SQL gateway in front, statements sent as a client sends them, and waits with limits.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <thread>

#include "jobs/job_manager.h"
#include "jobs/query_service.h"
#include "jobs/sql_gateway.h"
#include "log/embedded_log.h"

namespace careflow::jobs::testing {

namespace fs = std::filesystem;

class JobManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("careflow-jobs-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto log = log::EmbeddedLog::open((dir_ / "log").string());
    ASSERT_TRUE(log.is_ok()) << log.status().to_string();
    log_ = std::move(*log);
    ASSERT_TRUE(log_->create_topic("readings", {}).is_ok());
    open_manager();
  }
  void TearDown() override {
    gateway_.reset();
    queries_.reset();
    manager_.reset();
    log_.reset();
    fs::remove_all(dir_);
  }
  void open_manager() {
    JobManagerOptions options;
    options.data_dir = dir_.string();
    options.topics = log_.get();
    auto m = JobManager::open(options);
    ASSERT_TRUE(m.is_ok()) << m.status().to_string();
    manager_ = std::move(*m);
    queries_ = std::make_unique<QueryService>(QueryServiceOptions{log_.get(), nullptr});
    gateway_ = std::make_unique<SqlGateway>(*manager_, *queries_);
  }
  void close_manager() {
    gateway_.reset();
    queries_.reset();
    manager_.reset();
  }
  void produce(const std::string& topic, const std::vector<std::string>& values) {
    std::vector<log::Record> records;
    for (const std::string& v : values) {
      log::Record r;
      r.value = v;
      r.timestamp_ms = 1700000000000;
      records.push_back(std::move(r));
    }
    ASSERT_TRUE(log_->append({topic, 0}, records).is_ok());
  }
  std::vector<std::string> values_of(const std::string& topic) {
    std::vector<std::string> out;
    auto fetched = log_->fetch({topic, 0}, 0, {100000, 64 << 20});
    if (!fetched.is_ok()) return out;
    for (const log::Record& r : fetched->records) out.emplace_back(r.value->begin(), r.value->end());
    return out;
  }
  Result<std::vector<GatewayResult>> sql(const std::string& script) {
    GatewayRequest request;
    request.script = script;
    return gateway_->execute(request);
  }
  // Waits until the topic holds `count` values (committed: the log shows nothing else), up to 10 s.
  std::vector<std::string> wait_values(const std::string& topic, size_t count) {
    std::vector<std::string> values;
    for (int i = 0; i < 500; ++i) {
      values = values_of(topic);
      if (values.size() >= count) return values;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "topic " << topic << " holds " << values.size() << " values, not " << count;
    return values;
  }
  // Waits until `done` holds for the job, up to 10 s.
  JobInfo wait_for(const std::string& id, const std::function<bool(const JobInfo&)>& done) {
    JobInfo last;
    for (int i = 0; i < 500; ++i) {
      auto info = manager_->describe(id);
      if (info.is_ok()) {
        last = *info;
        if (done(last)) return last;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "job " << id << " stayed " << last.state << " with " << last.rows_out << " rows out; error: " << last.error;
    return last;
  }

  static constexpr const char* kTables =
      "CREATE TABLE readings (device STRING, v STRING) WITH ('connector' = 'kafka', 'topic' = 'readings', 'value.format' = 'json');\n"
      "CREATE TABLE copied (device STRING, v STRING) WITH ('connector' = 'kafka', 'topic' = 'copied', 'value.format' = 'json');\n"
      "CREATE TABLE numbers (device STRING, n INT) WITH ('connector' = 'kafka', 'topic' = 'numbers', 'value.format' = 'json');\n";

  fs::path dir_;
  std::unique_ptr<log::EmbeddedLog> log_;
  std::unique_ptr<JobManager> manager_;
  std::unique_ptr<QueryService> queries_;
  std::unique_ptr<SqlGateway> gateway_;
};

inline std::string job_id(const Result<std::vector<GatewayResult>>& results) {
  if (!results.is_ok()) return "";
  for (const GatewayResult& r : *results) {
    if (r.kind == GatewayResult::Kind::kJob) return r.job.id;
  }
  return "";
}

}  // namespace careflow::jobs::testing
