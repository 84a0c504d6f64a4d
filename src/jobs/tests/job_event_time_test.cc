// Event-time jobs in `careflow up`: an interval join is checkpointed (exactly once), and a job with
// careflow's 'table.exec.late-rows.topic' writes the rows it drops as late to that topic while
// DESCRIBE JOB and GET /jobs count them per operator.
#include <nlohmann/json.hpp>

#include "jobs/tests/job_manager_fixture.h"

namespace careflow::jobs::testing {
namespace {

constexpr const char* kEventTables =
    "CREATE TABLE events (device STRING, n INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = "
    "'kafka', 'topic' = 'events', 'value.format' = 'json');\n"
    "CREATE TABLE sums (device STRING, s INT) WITH ('connector' = 'kafka', 'topic' = 'sums', 'value.format' = "
    "'json');\n";

std::string event(const char* device, int n, const char* ts) {
  return nlohmann::json{{"device", device}, {"n", n}, {"ts", ts}}.dump();
}

TEST_F(JobManagerTest, AnIntervalJoinJobIsExactlyOnce) {
  ASSERT_TRUE(log_->create_topic("events", {}).is_ok());
  ASSERT_TRUE(sql(kEventTables).is_ok());
  auto submitted = sql(
      "INSERT INTO sums SELECT a.device, a.n + b.n FROM events a JOIN events b ON a.device = b.device AND a.ts "
      "BETWEEN b.ts - INTERVAL '1' SECOND AND b.ts");
  ASSERT_TRUE(submitted.is_ok()) << submitted.status().to_string();
  produce("events", {event("a", 1, "2024-01-01 10:00:01.000")});
  JobInfo info = wait_for(job_id(submitted), [](const JobInfo& j) { return j.state == "RUNNING" && j.rows_out == 1; });
  EXPECT_EQ(info.delivery, "exactly-once");
}

TEST_F(JobManagerTest, LateRowsGoToTheSideTopicAndAreCountedPerOperator) {
  ASSERT_TRUE(log_->create_topic("events", {}).is_ok());
  ASSERT_TRUE(sql(kEventTables).is_ok());
  auto submitted = sql(
      "SET 'table.exec.late-rows.topic' = 'late_rows';\n"
      "INSERT INTO sums SELECT device, SUM(n) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND)) "
      "GROUP BY device, window_start, window_end");
  ASSERT_TRUE(submitted.is_ok()) << submitted.status().to_string();
  const std::string id = job_id(submitted);
  produce("events", {event("a", 1, "2024-01-01 10:00:01.000"), event("a", 2, "2024-01-01 10:00:12.000")});
  wait_for(id, [](const JobInfo& j) { return j.rows_in == 2 && j.rows_out == 1; });
  produce("events", {event("a", 5, "2024-01-01 10:00:03.000")});  // its window has fired: late
  const std::vector<std::string> late = wait_values("late_rows", 1);
  ASSERT_EQ(late.size(), 1u);
  const nlohmann::json record = nlohmann::json::parse(late[0]);
  EXPECT_EQ(record["operator"], "WindowAggregate");
  EXPECT_EQ(record["row"]["device"], "a");
  EXPECT_EQ(record["row"]["ts"], "2024-01-01 10:00:03.000");
  JobInfo info = wait_for(id, [](const JobInfo& j) { return !j.late_rows.empty(); });
  ASSERT_EQ(info.late_rows.size(), 1u);
  EXPECT_EQ(info.late_rows[0].rows, 1);
  EXPECT_EQ(info.late_rows[0].op.rfind("WindowAggregate(", 0), 0u);
  EXPECT_NE(job_description(info).find("late rows:        1 dropped by WindowAggregate("), std::string::npos)
      << job_description(info);
  const nlohmann::ordered_json j = to_json(info);
  ASSERT_EQ(j["lateRowsDropped"].size(), 1u);
  EXPECT_EQ(j["lateRowsDropped"][0]["rows"], 1);
  EXPECT_EQ(j["lateRowsDropped"][0]["operator"], info.late_rows[0].op);
}

}  // namespace
}  // namespace careflow::jobs::testing
