// How careflow up's jobs deliver (docs/jobs.md#delivery), on a real embedded log: a job checkpoints
// by default and is exactly once — its output is visible only once a checkpoint commits it, and its
// operator state (a group aggregate's counts) resumes after a restart; a job whose plan or settings
// cannot checkpoint runs at least once and says why; STOP JOB ... WITH SAVEPOINT writes a savepoint
// that a new statement starts from, and a statement of another plan is refused with the reason.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "jobs/delivery.h"
#include "jobs/job_manager.h"
#include "jobs/tests/job_manager_fixture.h"

namespace careflow::jobs {
namespace {

using testing::job_id;
using testing::JobManagerTest;
namespace fs = std::filesystem;

constexpr const char* kCounts =
    "CREATE TABLE counts (device STRING, n BIGINT, PRIMARY KEY (device) NOT ENFORCED) WITH ('format' = 'json');\n";
constexpr const char* kCount = "INSERT INTO counts SELECT device, COUNT(*) FROM readings GROUP BY device";

// The newest value per device of the upsert topic `counts`, as a reader that applies it sees it.
std::map<std::string, std::string> latest(const std::vector<std::string>& values) {
  std::map<std::string, std::string> out;
  for (const std::string& v : values) {
    const size_t at = v.find("\"device\":\"");
    if (at == std::string::npos) continue;
    const size_t from = at + 10;
    out[v.substr(from, v.find('"', from) - from)] = v;
  }
  return out;
}

class JobDeliveryTest : public JobManagerTest {
 protected:
  // Waits until the newest `counts` value of `device` is `expected` (10 s).
  void wait_count(const std::string& device, const std::string& expected) {
    std::string last;
    for (int i = 0; i < 500; ++i) {
      last = latest(values_of("counts"))[device];
      if (last == expected) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "the count of " << device << " is " << last << ", not " << expected;
  }
};

TEST_F(JobDeliveryTest, AGroupAggregateKeepsItsStateAcrossARestart) {
  ASSERT_TRUE(sql(std::string(kTables) + kCounts).is_ok());
  produce("readings", {R"({"device":"a","v":"1"})", R"({"device":"a","v":"2"})", R"({"device":"b","v":"3"})"});
  const std::string id = job_id(sql("SET 'execution.checkpointing.interval' = '100 ms';\n" + std::string(kCount)));
  ASSERT_FALSE(id.empty());
  wait_count("a", R"({"device":"a","n":2})");
  JobInfo before = wait_for(id, [](const JobInfo& j) { return j.last_checkpoint.has_value(); });
  EXPECT_EQ(before.delivery, "exactly-once");
  EXPECT_GE(before.last_checkpoint->id, 1);
  EXPECT_GT(before.last_checkpoint->state_bytes, 0);
  EXPECT_GT(before.last_checkpoint->time_ms, 0);
  EXPECT_FALSE(before.last_checkpoint->restored_from.has_value());
  EXPECT_TRUE(fs::exists(dir_ / "jobs" / id / "checkpoints" / id));

  close_manager();  // a clean stop: a last checkpoint commits what the job held
  produce("readings", {R"({"device":"a","v":"4"})"});
  open_manager();
  // 3, not 1: the count of 'a' went on from the checkpoint's state, and the row is counted once.
  wait_count("a", R"({"device":"a","n":3})");
  JobInfo after = wait_for(id, [](const JobInfo& j) { return j.last_checkpoint && j.last_checkpoint->count > 0; });
  ASSERT_TRUE(after.last_checkpoint->restored_from.has_value());
  EXPECT_GE(*after.last_checkpoint->restored_from, before.last_checkpoint->id);
  EXPECT_GT(after.last_checkpoint->id, *after.last_checkpoint->restored_from);
  EXPECT_EQ(latest(values_of("counts"))["b"], R"({"device":"b","n":1})");

  const nlohmann::ordered_json json = to_json(after);
  EXPECT_EQ(json["deliveryGuarantee"], "exactly-once");
  EXPECT_EQ(json["lastCheckpoint"]["id"], after.last_checkpoint->id);
  EXPECT_EQ(json["stateSize"], after.last_checkpoint->state_bytes);
  const std::string text = job_description(after);
  EXPECT_NE(text.find("delivery:         exactly-once"), std::string::npos) << text;
  EXPECT_NE(text.find("last checkpoint:  " + std::to_string(after.last_checkpoint->id) + " at "), std::string::npos) << text;
}

TEST_F(JobDeliveryTest, OutputIsHeldUntilACheckpointCommitsIt) {
  ASSERT_TRUE(sql(kTables).is_ok());
  produce("readings", {R"({"device":"a","v":"1"})", R"({"device":"b","v":"2"})"});
  const std::string id =
      job_id(sql("SET 'execution.checkpointing.interval' = '1 h';\nINSERT INTO copied SELECT device, v FROM readings"));
  wait_for(id, [](const JobInfo& j) { return j.state == "RUNNING" && j.rows_out == 2; });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(values_of("copied").empty()) << "records written before a checkpoint committed them";
  EXPECT_FALSE(manager_->describe(id)->last_checkpoint.has_value());
  close_manager();  // stopping commits them with a last checkpoint
  EXPECT_EQ(values_of("copied").size(), 2u);
}

TEST_F(JobDeliveryTest, AtLeastOnceSaysWhy) {
  ASSERT_TRUE(sql(kTables).is_ok());
  produce("readings", {R"({"device":"a","v":"1"})"});
  const std::string off =
      job_id(sql("SET 'execution.checkpointing.interval' = '0';\nINSERT INTO copied SELECT device, v FROM readings"));
  ASSERT_FALSE(off.empty());
  JobInfo info = wait_for(off, [](const JobInfo& j) { return j.rows_out == 1; });
  EXPECT_EQ(info.delivery, "at-least-once: checkpointing is off ('execution.checkpointing.interval' = '0')");
  EXPECT_EQ(values_of("copied").size(), 1u);  // written at once
  EXPECT_NE(info.positions.find("consumer group 'careflow-job-" + off + "'"), std::string::npos) << info.positions;
  auto no_state = manager_->stop(off, true);
  ASSERT_FALSE(no_state.is_ok());
  EXPECT_EQ(no_state.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(no_state.status().message().find("no checkpointed state to save"), std::string::npos) << no_state.status().message();
  EXPECT_EQ(manager_->describe(off)->state, "RUNNING");  // a refused savepoint leaves the job running

  // A source that cannot resume from a position (datagen).
  const std::string generated =
      job_id(sql("CREATE TABLE g (n INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');\n"
                 "INSERT INTO numbers SELECT 'g', n FROM g"));
  ASSERT_FALSE(generated.empty());
  const JobInfo g = manager_->describe(generated).value();
  EXPECT_EQ(g.delivery.rfind("at-least-once: the source of table 'g' cannot resume from a checkpoint", 0), 0u) << g.delivery;
  EXPECT_NE(jobs_table(manager_->list()).find("at-least-once"), std::string::npos);

  auto bad = sql("SET 'execution.checkpointing.interval' = 'soon';\nINSERT INTO copied SELECT device, v FROM readings");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("execution.checkpointing.interval"), std::string::npos) << bad.status().message();
}

TEST_F(JobDeliveryTest, StopWithSavepointAndStartFromIt) {
  ASSERT_TRUE(sql(std::string(kTables) + kCounts).is_ok());
  produce("readings", {R"({"device":"a","v":"1"})", R"({"device":"a","v":"2"})"});
  const std::string id = job_id(sql(kCount));
  wait_for(id, [](const JobInfo& j) { return j.state == "RUNNING" && j.rows_in == 2; });
  auto stopped = sql("STOP JOB '" + id + "' WITH SAVEPOINT");
  ASSERT_TRUE(stopped.is_ok()) << stopped.status().to_string();
  const JobInfo info = manager_->describe(id).value();
  EXPECT_EQ(info.state, "STOPPED");
  ASSERT_EQ(info.savepoints.size(), 1u);
  const std::string savepoint = info.savepoints[0];
  EXPECT_EQ(savepoint.rfind((dir_ / "savepoints").string() + "/savepoint-" + id + "-", 0), 0u) << savepoint;
  EXPECT_NE(stopped->front().text.find("savepoint " + savepoint), std::string::npos) << stopped->front().text;
  wait_count("a", R"({"device":"a","n":2})");  // committed by the savepoint

  produce("readings", {R"({"device":"a","v":"3"})"});
  const std::string from = "SET 'execution.savepoint.path' = '" + savepoint + "';\n";
  const std::string resumed = job_id(sql(from + kCount));
  ASSERT_FALSE(resumed.empty());
  wait_count("a", R"({"device":"a","n":3})");  // the savepoint's count, and its offsets: the new row once
  JobInfo r = wait_for(resumed, [](const JobInfo& j) { return j.last_checkpoint.has_value(); });
  EXPECT_TRUE(r.last_checkpoint->restored_from.has_value());

  auto other_plan = sql(from + "INSERT INTO counts SELECT device, SUM(CAST(v AS BIGINT)) FROM readings GROUP BY device");
  ASSERT_FALSE(other_plan.is_ok());
  EXPECT_NE(other_plan.status().message().find("does not fit this statement's plan"), std::string::npos)
      << other_plan.status().message();
  auto missing = sql("SET 'execution.savepoint.path' = '" + (dir_ / "nowhere").string() + "';\n" + kCount);
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("nowhere"), std::string::npos) << missing.status().message();
  EXPECT_EQ(manager_->list().size(), 2u);  // the refused statements made no job
}

TEST(JobCheckpointSettings, DefaultsAndTheJobsOwnFolder) {
  auto defaults = job_checkpoint_settings({}, "/data", "/data/jobs/job-4");
  ASSERT_TRUE(defaults.is_ok()) << defaults.status().to_string();
  EXPECT_TRUE(defaults->enabled());
  EXPECT_EQ(defaults->interval, kDefaultInterval);
  EXPECT_EQ(defaults->directory, "/data/jobs/job-4/checkpoints");
  EXPECT_EQ(defaults->savepoint_dir, "/data/savepoints");
  auto set = job_checkpoint_settings({{"execution.checkpointing.interval", "250 ms"},
                                      {"execution.checkpointing.dir", "/elsewhere"},
                                      {"state.savepoints.dir", "/sp"}},
                                     "/data", "/data/jobs/job-4");
  ASSERT_TRUE(set.is_ok()) << set.status().to_string();
  EXPECT_EQ(set->interval, std::chrono::milliseconds(250));
  EXPECT_EQ(set->directory, "/data/jobs/job-4/checkpoints");
  EXPECT_EQ(set->savepoint_dir, "/sp");
  EXPECT_FALSE(job_checkpoint_settings({{"execution.checkpointing.interval", "0 s"}}, "/d", "/d/j")->enabled());
  EXPECT_FALSE(job_checkpoint_settings({{"execution.checkpointing.num-retained", "0"}}, "/d", "/d/j").is_ok());
  EXPECT_EQ(checkpoint_names("job-3", 3), (std::vector<std::string>{"job-3", "job-3.1", "job-3.2"}));
}

}  // namespace
}  // namespace careflow::jobs
