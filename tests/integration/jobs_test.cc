// careflow up's jobs with real processes (docs/jobs.md): statements sent by `careflow sql` beside a
// running up and over REST become jobs in up; two jobs run with moving row counts, survive a clean
// restart with their tables still in the catalog and no row lost; a job failing on a bad row is
// FAILED naming its topic, partition and offset, after the restarts its strategy allows, while the
// other keeps running; the REST routes answer 4xx for bad input; SHOW JOBS, DESCRIBE JOB, STOP JOB
// (with a savepoint) and a SELECT work from the CLI.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "http/tests/http_client.h"
#include "store/tests/test_postgres.h"
#include "tests/integration/run_process.h"
#include "tests/integration/up_process_test.h"

namespace careflow {
namespace {

namespace fs = std::filesystem;
using careflow::testing::Background;
using careflow::testing::ProcessResult;
using careflow::testing::read_file;
using careflow::testing::wait_exit;

constexpr const char* kToken = "jobs-test-token";

class JobsTest : public careflow::testing::UpProcessTest {
 protected:
  JobsTest() : UpProcessTest("jobs-", kToken) {}
  nlohmann::json job(const std::string& id) { return call("GET", "/jobs/" + id).json(); }
  // Waits up to 20 s until `done` holds for the job.
  nlohmann::json wait_for(const std::string& id, const std::function<bool(const nlohmann::json&)>& done) {
    nlohmann::json last;
    for (int i = 0; i < 200; ++i) {
      last = job(id);
      if (last.is_object() && done(last)) return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "job " << id << " never got there: " << last.dump();
    return last;
  }
  void produce(const std::vector<std::string>& values) {
    std::string lines;
    for (const std::string& v : values) lines += v + "\n";
    ProcessResult r = careflow({"topic", "produce", "readings", "--format", "value"}, lines);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::vector<std::string> consume(const std::string& topic) {
    ProcessResult r = careflow({"topic", "consume", topic, "--format", "value"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> lines;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::sort(lines.begin(), lines.end());
    return lines;
  }
  // The topic's values once it holds `count` of them (sorted): jobs are exactly once, so rows show
  // when a checkpoint commits them. Up to 20 s.
  std::vector<std::string> consume_when(const std::string& topic, size_t count) {
    std::vector<std::string> lines;
    for (int i = 0; i < 100; ++i) {
      lines = consume(topic);
      if (lines.size() >= count) return lines;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ADD_FAILURE() << topic << " holds " << lines.size() << " values, not " << count;
    return lines;
  }

};

std::string reading(int i, const std::string& v) { return fmt::format(R"({{"device":"d{}","v":"{}"}})", i, v); }

std::string job_id_of(const ProcessResult& r) {
  const size_t at = r.out.find("Job ID: ");
  if (at == std::string::npos) return "";
  return r.out.substr(at + 8, r.out.find('\n', at) - at - 8);
}

TEST_F(JobsTest, JobsRunInUpSurviveARestartAndReportFailures) {
  start_up();
  ASSERT_EQ(careflow({"topic", "create", "readings", "--partitions", "1"}).exit_code, 0);
  produce({reading(1, "1"), reading(2, "2"), reading(3, "3")});

  // DDL from the CLI goes into up's catalog.
  ProcessResult ddl = careflow(
      {"sql", "-e",
       "CREATE TABLE readings (device STRING, v STRING) WITH ('connector' = 'kafka', 'topic' = 'readings', 'value.format' = 'json')",
       "-e", "CREATE TABLE copy_a (device STRING, v STRING) WITH ('connector' = 'kafka', 'topic' = 'copy_a', 'value.format' = 'json')",
       "-e", "CREATE TABLE copy_b (device STRING, v STRING) WITH ('connector' = 'kafka', 'topic' = 'copy_b', 'value.format' = 'json')",
       "-e", "CREATE TABLE numbers (device STRING, n INT) WITH ('connector' = 'kafka', 'topic' = 'numbers', 'value.format' = 'json')"});
  ASSERT_EQ(ddl.exit_code, 0) << ddl.err;
  EXPECT_NE(ddl.err.find("careflow up is running: statements go to it"), std::string::npos) << ddl.err;

  // One job from the CLI (it prints the id and returns), one over REST.
  ProcessResult submitted = careflow({"sql", "-e", "INSERT INTO copy_a SELECT device, v FROM readings"});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const std::string a = job_id_of(submitted);
  ASSERT_EQ(a, "job-1") << submitted.out;
  auto posted = call("POST", "/jobs", R"({"statement": "INSERT INTO copy_b SELECT device, UPPER(v) FROM readings"})");
  ASSERT_EQ(posted.status, 201) << posted.body;
  const std::string b = posted.json()["jobs"][0]["id"];
  ASSERT_EQ(b, "job-2");

  wait_for(a, [](const nlohmann::json& j) { return j["state"] == "RUNNING" && j["rowsOut"] == 3; });
  wait_for(b, [](const nlohmann::json& j) { return j["state"] == "RUNNING" && j["rowsOut"] == 3; });
  produce({reading(4, "4"), reading(5, "5")});
  auto moved = wait_for(a, [](const nlohmann::json& j) { return j["rowsOut"] == 5; });
  EXPECT_EQ(moved["lag"][0]["topic"], "readings");
  EXPECT_EQ(moved["lag"][0]["offset"], 5);
  wait_for(b, [](const nlohmann::json& j) { return j["rowsOut"] == 5; });

  ProcessResult shown = careflow({"sql", "-e", "SHOW JOBS"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("| job-1 | insert-into_copy_a | RUNNING | exactly-once"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("| job-2 | insert-into_copy_b | RUNNING | exactly-once"), std::string::npos) << shown.out;
  EXPECT_EQ(job(a)["deliveryGuarantee"], "exactly-once");

  // A clean restart: both resume where they were; rows written meanwhile are read once.
  stop_up();
  produce({reading(6, "6"), reading(7, "7")});  // offline: straight into the log
  start_up();
  EXPECT_NE(read_file((dir_ / "up.out").string()).find("jobs:      2 kept, 2 resumed"), std::string::npos)
      << read_file((dir_ / "up.out").string());
  wait_for(a, [](const nlohmann::json& j) { return j["state"] == "RUNNING" && j["rowsOut"] == 2; });
  wait_for(b, [](const nlohmann::json& j) { return j["state"] == "RUNNING" && j["rowsOut"] == 2; });
  std::vector<std::string> expected_a, expected_b;
  for (int i = 1; i <= 7; ++i) {
    expected_a.push_back(reading(i, std::to_string(i)));
    expected_b.push_back(reading(i, std::to_string(i)));
  }
  std::sort(expected_a.begin(), expected_a.end());
  EXPECT_EQ(consume_when("copy_a", 7), expected_a);
  EXPECT_EQ(consume_when("copy_b", 7), expected_a);
  ProcessResult tables = careflow({"sql", "-e", "SHOW TABLES"});
  ASSERT_EQ(tables.exit_code, 0) << tables.err;
  for (const char* t : {"readings", "copy_a", "copy_b", "numbers"}) EXPECT_NE(tables.out.find(t), std::string::npos) << tables.out;

  // A job that throws on a bad row: retried twice, then FAILED with the record's place; job-1 goes on.
  // It checkpoints often, and the bad row comes once its 7 rows are committed: each restart resumes
  // after them and reads the bad row alone.
  ProcessResult cast = careflow({"sql", "-e", "SET 'restart-strategy.type' = 'fixed-delay'", "-e",
                                 "SET 'restart-strategy.fixed-delay.attempts' = '2'", "-e",
                                 "SET 'restart-strategy.fixed-delay.delay' = '200 ms'", "-e",
                                 "SET 'execution.checkpointing.interval' = '100 ms'", "-e",
                                 "INSERT INTO numbers SELECT device, CAST(v AS INT) FROM readings"});
  ASSERT_EQ(cast.exit_code, 0) << cast.err;
  const std::string c = job_id_of(cast);
  wait_for(c, [](const nlohmann::json& j) { return j["rowsOut"] == 7; });
  consume_when("numbers", 7);
  produce({reading(8, "eight")});
  auto failed = wait_for(c, [](const nlohmann::json& j) { return j["state"] == "FAILED"; });
  EXPECT_EQ(failed["restarts"], 2);
  EXPECT_NE(failed["error"].get<std::string>().find("cannot cast 'eight' to INT"), std::string::npos) << failed.dump();
  EXPECT_EQ(failed["errorLocation"], "topic 'readings' partition 0 offset 7");
  produce({reading(9, "9")});
  auto still = wait_for(a, [](const nlohmann::json& j) { return j["rowsOut"] == 4; });
  EXPECT_EQ(still["state"], "RUNNING");
  ProcessResult described = careflow({"sql", "-e", "DESCRIBE JOB '" + c + "'"});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  EXPECT_NE(described.out.find("FAILED"), std::string::npos) << described.out;
  EXPECT_NE(described.out.find("error at:         topic 'readings' partition 0 offset 7"), std::string::npos) << described.out;

  // A SELECT streams its changelog back (bounded: it ends at the topic's end).
  ProcessResult selected = careflow({"sql", "--bounded", "-e", "SELECT device FROM readings WHERE v = '9'"});
  ASSERT_EQ(selected.exit_code, 0) << selected.err;
  EXPECT_EQ(selected.out, "+I[d9]\n");
  ProcessResult wrong = careflow({"sql", "-e", "SELECT nope FROM readings"});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("careflow: error: -e:1:8: column 'nope' not found"), std::string::npos) << wrong.err;

  // STOP JOB from the CLI, with a savepoint: its place is reported and kept with the job.
  ProcessResult stopped = careflow({"sql", "-e", "STOP JOB '" + b + "' WITH SAVEPOINT"});
  ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
  const nlohmann::json b_stopped = job(b);
  EXPECT_EQ(b_stopped["state"], "STOPPED");
  ASSERT_EQ(b_stopped["savepoints"].size(), 1u) << b_stopped.dump();
  const std::string savepoint = b_stopped["savepoints"][0];
  EXPECT_NE((stopped.out + stopped.err).find("savepoint " + savepoint), std::string::npos) << stopped.out << stopped.err;
  EXPECT_TRUE(fs::exists(savepoint)) << savepoint;

  // Kept states: after another restart job-1 runs again, job-2 stays STOPPED, job-3 FAILED.
  stop_up();
  start_up();
  wait_for(a, [](const nlohmann::json& j) { return j["state"] == "RUNNING"; });
  EXPECT_EQ(job(b)["state"], "STOPPED");
  EXPECT_EQ(job(c)["state"], "FAILED");
}

TEST_F(JobsTest, RestAnswers4xxForBadInput) {
  start_up();
  EXPECT_EQ(call("GET", "/jobs", "", false).status, 401);
  auto listed = call("GET", "/jobs");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json()["jobs"].size(), 0u);
  EXPECT_EQ(call("POST", "/jobs", "{not json").status, 400);
  auto missing = call("POST", "/jobs", "{}");
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(missing.json()["error"]["field"], "statement");
  auto unknown_field = call("POST", "/jobs", R"({"statement": "SHOW TABLES", "colour": 1})");
  EXPECT_EQ(unknown_field.status, 422);
  auto not_a_job = call("POST", "/jobs", R"({"statement": "SHOW TABLES"})");
  EXPECT_EQ(not_a_job.status, 422);
  EXPECT_NE(not_a_job.json()["error"]["message"].get<std::string>().find("POST /jobs takes INSERT INTO"), std::string::npos);
  auto bad_sql = call("POST", "/jobs", R"({"statement": "INSERT INTO nowhere SELECT 1"})");
  EXPECT_EQ(bad_sql.status, 422);
  EXPECT_EQ(bad_sql.json()["error"]["message"].get<std::string>().rfind("line 1:", 0), 0u) << bad_sql.body;
  auto strategy = call("POST", "/jobs",
                       R"json({"statement": "CREATE TABLE t (a INT) WITH ('connector' = 'kafka', 'topic' = 't', 'value.format' = 'json'); INSERT INTO t VALUES (1)", "settings": {"restart-strategy.type": "sometimes"}})json");
  EXPECT_EQ(strategy.status, 422);
  EXPECT_NE(strategy.body.find("restart-strategy.type"), std::string::npos) << strategy.body;
  EXPECT_EQ(call("GET", "/jobs/job-99").status, 404);
  EXPECT_EQ(call("POST", "/jobs/job-99/stop").status, 404);

  // A bounded job (VALUES) completes; stopping it then is a conflict.
  auto done = call("POST", "/jobs", R"json({"statement": "INSERT INTO t VALUES (1), (2)"})json");
  ASSERT_EQ(done.status, 201) << done.body;
  const std::string id = done.json()["jobs"][0]["id"];
  wait_for(id, [](const nlohmann::json& j) { return j["state"] == "COMPLETED" && j["rowsOut"] == 2; });
  EXPECT_EQ(call("POST", "/jobs/" + id + "/stop").status, 409);
  auto savepoint = call("POST", "/jobs/" + id + "/stop", R"({"savepoint": "yes"})");
  EXPECT_EQ(savepoint.status, 422);
  EXPECT_EQ(call("POST", "/jobs", R"json({"statement": "INSERT INTO t VALUES (1)"})json", false).status, 401);
}

TEST_F(JobsTest, CtrlCCancelsASelectStreamedFromUpNotUp) {
  start_up();
  ASSERT_EQ(careflow({"topic", "create", "readings", "--partitions", "1"}).exit_code, 0);
  produce({reading(1, "1")});
  ASSERT_EQ(careflow({"sql", "-e",
                      "CREATE TABLE readings (device STRING, v STRING) WITH ('connector' = 'kafka', 'topic' = 'readings', "
                      "'value.format' = 'json')"})
                .exit_code,
            0);
  // An unbounded SELECT: it streams until Ctrl-C.
  std::vector<std::string> args = common();
  for (const char* a : {"sql", "-e", "SELECT device, v FROM readings"}) args.push_back(a);
  Background select = careflow::testing::start_process(CAREFLOW_BINARY, args, (dir_ / "select.out").string(),
                                                       (dir_ / "select.err").string());
  bool first = false;
  for (int i = 0; i < 200 && !first; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    first = read_file((dir_ / "select.out").string()).find("+I[d1, 1]") != std::string::npos;
  }
  ASSERT_TRUE(first) << read_file((dir_ / "select.err").string());
  produce({reading(2, "2")});  // rows that arrive later stream too
  bool second = false;
  for (int i = 0; i < 200 && !second; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    second = read_file((dir_ / "select.out").string()).find("+I[d2, 2]") != std::string::npos;
  }
  EXPECT_TRUE(second) << read_file((dir_ / "select.out").string());
  ASSERT_EQ(kill(select.pid, SIGINT), 0);
  EXPECT_EQ(wait_exit(select.pid, std::chrono::seconds(10)), 0) << read_file((dir_ / "select.err").string());
  // up goes on, and answers the next query.
  EXPECT_EQ(call("GET", "/health").status, 200);
  ProcessResult again = careflow({"sql", "--bounded", "-e", "SELECT device FROM readings"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "+I[d1]\n+I[d2]\n");
  EXPECT_EQ(wait_exit(up_.pid, std::chrono::milliseconds(0)), -1) << "careflow up exited";
}

}  // namespace
}  // namespace careflow
