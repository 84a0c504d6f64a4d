// careflow up's jobs on a real embedded log: a job runs and moves rows, keeps its definition and
// its place, resumes after the manager is reopened without losing a row, fails on a bad row naming
// its topic, partition and offset while another job goes on, and is restarted per its strategy.
// Delivery: jobs checkpoint by default and are exactly once (output visible only when a checkpoint
// commits it, operator state resumed after a restart), fall back to at least once with the reason
// shown, stop with a savepoint that a new statement starts from, and refuse one of another plan.
#include "jobs/job_manager.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "jobs/query_service.h"
#include "jobs/sql_gateway.h"
#include "log/embedded_log.h"

namespace careflow::jobs {
namespace {

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

std::string job_id(const Result<std::vector<GatewayResult>>& results) {
  if (!results.is_ok()) return "";
  for (const GatewayResult& r : *results) {
    if (r.kind == GatewayResult::Kind::kJob) return r.job.id;
  }
  return "";
}

TEST_F(JobManagerTest, AJobRunsAndResumesWhereItWasWithItsTablesKept) {
  produce("readings", {R"({"device":"a","v":"1"})", R"({"device":"b","v":"2"})"});
  ASSERT_TRUE(sql(kTables).is_ok());
  auto submitted = sql("INSERT INTO copied SELECT device, v FROM readings");
  ASSERT_TRUE(submitted.is_ok()) << submitted.status().to_string();
  const std::string id = job_id(submitted);
  ASSERT_EQ(id, "job-1");
  JobInfo running = wait_for(id, [](const JobInfo& j) { return j.state == "RUNNING" && j.rows_out == 2; });
  EXPECT_EQ(running.name, "insert-into_copied");
  EXPECT_EQ(running.delivery, "exactly-once");
  ASSERT_EQ(running.lag.size(), 1u);
  EXPECT_EQ(running.lag[0].offset, 2);
  EXPECT_TRUE(fs::exists(dir_ / "jobs" / "job-1" / "definition.json"));

  close_manager();  // as careflow stops: the job is kept RUNNING
  produce("readings", {R"({"device":"c","v":"3"})"});
  open_manager();
  EXPECT_EQ(manager_->resumed(), 1u);
  wait_for(id, [](const JobInfo& j) { return j.state == "RUNNING" && j.rows_out == 1; });
  // Every row once: the resumed job started at its checkpoint's offsets, not at the beginning.
  EXPECT_EQ(wait_values("copied", 3), (std::vector<std::string>{R"({"device":"a","v":"1"})", R"({"device":"b","v":"2"})",
                                                             R"({"device":"c","v":"3"})"}));
  // The catalog was kept: a new statement sees the tables.
  auto shown = sql("SHOW TABLES");
  ASSERT_TRUE(shown.is_ok());
  EXPECT_NE(shown->front().text.find("copied"), std::string::npos);
}

TEST_F(JobManagerTest, ABadRowFailsItsJobNamingTheRecordWhileAnotherRuns) {
  ASSERT_TRUE(sql(kTables).is_ok());
  const std::string good = job_id(sql("INSERT INTO copied SELECT device, v FROM readings"));
  // Checkpointing often: the restarts resume after the good row, so the bad one is read alone.
  const std::string bad = job_id(
      sql("SET 'restart-strategy.type' = 'fixed-delay';\nSET 'restart-strategy.fixed-delay.attempts' = '2';\n"
          "SET 'restart-strategy.fixed-delay.delay' = '50 ms';\nSET 'execution.checkpointing.interval' = '50 ms';\n"
          "INSERT INTO numbers SELECT device, CAST(v AS INT) FROM readings"));
  ASSERT_FALSE(good.empty());
  ASSERT_FALSE(bad.empty());
  wait_for(bad, [](const JobInfo& j) { return j.state == "RUNNING"; });
  produce("readings", {R"({"device":"a","v":"1"})"});
  wait_values("numbers", 1);
  produce("readings", {R"({"device":"b","v":"x"})"});
  JobInfo failed = wait_for(bad, [](const JobInfo& j) { return j.state == "FAILED"; });
  EXPECT_EQ(failed.restarts, 2);
  EXPECT_NE(failed.error.find("cannot cast 'x' to INT"), std::string::npos) << failed.error;
  EXPECT_EQ(failed.error_location, "topic 'readings' partition 0 offset 1");
  produce("readings", {R"({"device":"c","v":"3"})"});
  JobInfo other = wait_for(good, [](const JobInfo& j) { return j.rows_out == 3; });
  EXPECT_EQ(other.state, "RUNNING");
  // Nothing of the failed attempts became visible twice.
  EXPECT_EQ(values_of("numbers"), (std::vector<std::string>{R"({"device":"a","n":1})"}));
  // Kept as FAILED: a restart does not run it again.
  close_manager();
  open_manager();
  EXPECT_EQ(manager_->resumed(), 1u);
  EXPECT_EQ(manager_->describe(bad)->state, "FAILED");
}

TEST_F(JobManagerTest, StopAndItsErrors) {
  ASSERT_TRUE(sql(kTables).is_ok());
  const std::string id = job_id(sql("INSERT INTO copied SELECT device, v FROM readings"));
  wait_for(id, [](const JobInfo& j) { return j.state == "RUNNING"; });
  ASSERT_TRUE(sql("STOP JOB '" + id + "'").is_ok());
  EXPECT_EQ(manager_->describe(id)->state, "STOPPED");
  auto again = sql("STOP JOB '" + id + "'");
  ASSERT_FALSE(again.is_ok());
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  auto unknown = sql("DESCRIBE JOB 'job-99'");
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  // A stopped job stays stopped after a restart.
  close_manager();
  open_manager();
  EXPECT_EQ(manager_->resumed(), 0u);
}

TEST_F(JobManagerTest, SqlErrorsNameTheirPlace) {
  ASSERT_TRUE(sql(kTables).is_ok());
  auto r = sql("SHOW JOBS;\nINSERT INTO copied SELECT device, nope FROM readings");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().message().rfind("line 2:", 0), 0u) << r.status().message();
}

TEST_F(JobManagerTest, AStatementSetIsOneJobAndCreateTableAsKeepsItsTable) {
  produce("readings", {R"({"device":"a","v":"1"})"});
  ASSERT_TRUE(sql(kTables).is_ok());
  auto set = sql("EXECUTE STATEMENT SET BEGIN\nINSERT INTO copied SELECT device, v FROM readings;\n"
                 "INSERT INTO numbers SELECT device, CAST(v AS INT) FROM readings;\nEND");
  ASSERT_TRUE(set.is_ok()) << set.status().to_string();
  const std::string both = job_id(set);
  JobInfo info = wait_for(both, [](const JobInfo& j) { return j.rows_out == 2; });
  EXPECT_EQ(info.name, "insert-into_copied,numbers");
  EXPECT_EQ(wait_values("numbers", 1), (std::vector<std::string>{R"({"device":"a","n":1})"}));
  // Each INSERT of the set checkpoints under a name of its own.
  EXPECT_TRUE(fs::exists(dir_ / "jobs" / both / "checkpoints" / both));
  EXPECT_TRUE(fs::exists(dir_ / "jobs" / both / "checkpoints" / (both + ".1")));

  auto ctas = sql("CREATE TABLE shouted WITH ('connector' = 'kafka', 'topic' = 'shouted', 'value.format' = 'json') AS "
                  "SELECT device, UPPER(v) AS v FROM readings");
  ASSERT_TRUE(ctas.is_ok()) << ctas.status().to_string();
  const std::string made = job_id(ctas);
  ASSERT_FALSE(made.empty());
  wait_for(made, [](const JobInfo& j) { return j.rows_out == 1; });
  close_manager();
  open_manager();
  EXPECT_EQ(manager_->resumed(), 2u);
  // The table made by CREATE TABLE AS is in the kept catalog; its job resumes without making it twice.
  auto described = sql("DESCRIBE shouted");
  ASSERT_TRUE(described.is_ok()) << described.status().to_string();
  produce("readings", {R"({"device":"b","v":"2"})"});
  wait_for(made, [](const JobInfo& j) { return j.state == "RUNNING" && j.rows_out == 1; });
  EXPECT_EQ(wait_values("shouted", 2).size(), 2u);
}

}  // namespace
}  // namespace careflow::jobs
