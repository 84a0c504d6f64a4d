// careflow up's jobs on a real embedded log: a job runs and moves rows, keeps its definition and
// its place, resumes after the manager is reopened without losing a row, fails on a bad row naming
// its topic, partition and offset while another job goes on, and is restarted per its strategy.
// (Delivery, checkpoints and savepoints: job_delivery_test.cc.)
#include "jobs/job_manager.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "jobs/tests/job_manager_fixture.h"

namespace careflow::jobs {
namespace {

using testing::job_id;
using testing::JobManagerTest;
namespace fs = std::filesystem;

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
