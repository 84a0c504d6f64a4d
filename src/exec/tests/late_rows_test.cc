// careflow's late-row side output ('table.exec.late-rows.topic'): through the job runner over a real
// embedded log, every operator kind that drops late rows writes each one to the topic with its
// operator, reason, time and the watermark, and counts it per operator; without the option nothing
// is written and no topic is made.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "exec/connectors/job_runner.h"
#include "exec/session.h"
#include "log/embedded_log.h"

namespace careflow::exec {
namespace {

namespace fs = std::filesystem;

const char* kDdl =
    "CREATE TABLE events (k STRING, x BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('format' = 'json');";

class LateRowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    root_ = fs::temp_directory_path() / ("careflow-late-rows-" + std::to_string(getpid()) + "-" + name);
    fs::remove_all(root_);
    fs::create_directories(root_);
    auto log = log::EmbeddedLog::open((root_ / "log").string());
    ASSERT_TRUE(log.is_ok()) << log.status().message();
    log_ = std::move(*log);
    ASSERT_TRUE(log_->create_topic("events", {}).is_ok());
    // One second, then twelve (the watermark passes the first 10 s window and its sessions), then
    // a row at three seconds: late for every operator that fires on event time.
    produce({{"a", 1, "2024-01-01 10:00:01.000"},
             {"b", 2, "2024-01-01 10:00:12.000"},
             {"a", 3, "2024-01-01 10:00:03.000"}});
  }
  void TearDown() override {
    log_.reset();
    fs::remove_all(root_);
  }

  struct Event {
    std::string k;
    int64_t x;
    std::string ts;
  };
  void produce(const std::vector<Event>& events) {
    std::vector<log::Record> records;
    for (const Event& e : events) {
      log::Record r;
      r.value = nlohmann::json{{"k", e.k}, {"x", e.x}, {"ts", e.ts}}.dump();
      records.push_back(std::move(r));
    }
    ASSERT_TRUE(log_->append({"events", 0}, records).is_ok());
  }

  // Runs `script` (SETs, then one query) bounded, a row per batch so that each row sees the
  // watermark the rows before it moved; the query's job's late counts in `late`.
  Status run(const std::string& script, std::vector<Job::LateCount>* late = nullptr) {
    Session session;
    CF_RETURN_IF_ERROR(session.execute_script(kDdl).status());
    CF_ASSIGN_OR_RETURN(std::vector<StatementResult> r, session.execute_script(script));
    Job* job = r.back().job.get();
    if (!job) return Status::invalid_argument("the script makes no job");
    RunOptions options;
    options.bounded = true;
    options.batch_rows = 1;
    CF_RETURN_IF_ERROR(run_jobs({job}, log_.get(), options).status());
    if (late) *late = job->late_rows_by_operator();
    return Status::ok();
  }

  bool has_topic(const std::string& topic) const {
    for (const std::string& t : log_->list_topics()) {
      if (t == topic) return true;
    }
    return false;
  }

  // The side topic's records: key (the job's name) and the parsed value.
  std::vector<std::pair<std::string, nlohmann::json>> late_records(const std::string& topic) {
    std::vector<std::pair<std::string, nlohmann::json>> out;
    auto fetched = log_->fetch({topic, 0}, 0, {1'000'000, 64 << 20});
    EXPECT_TRUE(fetched.is_ok()) << fetched.status().message();
    if (!fetched.is_ok()) return out;
    for (const log::Record& rec : fetched->records) {
      out.emplace_back(rec.key.value_or(""), nlohmann::json::parse(rec.value.value_or("null")));
    }
    return out;
  }

  fs::path root_;
  std::unique_ptr<log::EmbeddedLog> log_;
};

const int64_t kAt3 = 1704103203000, kAt12 = 1704103212000;  // 2024-01-01 10:00:03 and :12 UTC

struct Case {
  const char* query;
  const char* op;           // the operator's name, as EXPLAIN prints it
  int64_t rowtime;          // the time it compares with the watermark
  size_t records;           // late rows written (a self-join drops the row on both sides)
  const char* x = "x";      // the name of x in the operator's input (a projection before an aggregate renames it)
};

class EveryLateDropper : public LateRowsTest, public ::testing::WithParamInterface<Case> {};

TEST_P(EveryLateDropper, WritesTheRowWithItsOperatorReasonTimeAndWatermark) {
  const Case& c = GetParam();
  std::vector<Job::LateCount> late;
  Status s = run(std::string("SET 'table.exec.late-rows.topic' = 'late_rows';") + c.query, &late);
  ASSERT_TRUE(s.is_ok()) << s.message();
  auto records = late_records("late_rows");
  ASSERT_EQ(records.size(), c.records);
  for (auto [key, v] : records) {  // a copy: a missing member reads as null instead of asserting
    SCOPED_TRACE(v.dump());
    EXPECT_EQ(key, "job-0-select");
    EXPECT_EQ(v["operator"], c.op);
    EXPECT_EQ(v["plan"].get<std::string>().rfind(std::string(c.op) + "(", 0), 0u);
    EXPECT_FALSE(v["reason"].get<std::string>().empty());
    EXPECT_EQ(v["rowtime"], c.rowtime);
    EXPECT_EQ(v["watermark"], kAt12);
    EXPECT_EQ(v["kind"], "+I");
    EXPECT_EQ(v["row"]["k"], "a");
    EXPECT_EQ(v["row"][c.x], 3);
    EXPECT_EQ(v["row"]["ts"], "2024-01-01 10:00:03.000");
  }
  // Counted per operator too, under the same EXPLAIN line.
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].rows, static_cast<int64_t>(c.records));
  EXPECT_EQ(late[0].op, records[0].second["plan"]);
}

INSTANTIATE_TEST_SUITE_P(
    LateRows, EveryLateDropper,
    ::testing::Values(
        Case{"SELECT k, window_start, SUM(x) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND)) "
             "GROUP BY k, window_start, window_end",
             "WindowAggregate", kAt3, 1, "$f1"},
        Case{"SELECT k, TUMBLE_START(ts, INTERVAL '10' SECOND), SUM(x) FROM events GROUP BY k, TUMBLE(ts, INTERVAL "
             "'10' SECOND)",
             "GroupWindowAggregate", kAt3, 1, "$f1"},
        Case{"SELECT k, window_start, SUM(x) FROM TABLE(SESSION(TABLE events PARTITION BY k, DESCRIPTOR(ts), "
             "INTERVAL '2' SECOND)) GROUP BY k, window_start, window_end",
             "WindowAggregate", kAt3, 1, "$f1"},
        Case{"SELECT k, x, SUM(x) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) "
             "FROM events",
             "OverAggregate", kAt3, 1},
        Case{"SELECT * FROM events MATCH_RECOGNIZE (PARTITION BY k ORDER BY ts MEASURES A.x AS ax ONE ROW PER MATCH "
             "PATTERN (A) DEFINE A AS A.x > 0)",
             "Match", kAt3, 1},
        Case{"SELECT k, x, window_start, rn FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end "
             "ORDER BY x DESC) AS rn FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))) "
             "WHERE rn <= 1",
             "WindowRank", kAt3 + 7000, 1},
        Case{"SELECT k, x, window_start FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k "
             "ORDER BY ts) AS rn FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))) WHERE rn = 1",
             "WindowDeduplicate", kAt3 + 7000, 1},
        Case{"SELECT l.k, r.k FROM (SELECT * FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))) l "
             "JOIN (SELECT * FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))) r ON l.k = r.k "
             "AND l.window_start = r.window_start AND l.window_end = r.window_end",
             "WindowJoin", kAt3 + 7000, 2}));

TEST_F(LateRowsTest, WithoutTheOptionNothingIsWrittenAndNoTopicMade) {
  std::vector<Job::LateCount> late;
  Status s = run(
      "SELECT k, window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND)) "
      "GROUP BY k, window_start, window_end",
      &late);
  ASSERT_TRUE(s.is_ok()) << s.message();
  EXPECT_FALSE(has_topic("late_rows"));
  ASSERT_EQ(late.size(), 1u);  // still dropped and counted, as Flink does
  EXPECT_EQ(late[0].rows, 1);
}

TEST_F(LateRowsTest, RowsInTimeAreNotWritten) {
  produce({{"c", 4, "2024-01-01 10:00:30.000"}});
  Status s = run(
      "SET 'table.exec.late-rows.topic' = 'late_rows';"
      "SELECT k, x, SUM(x) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) "
      "FROM events");
  ASSERT_TRUE(s.is_ok()) << s.message();
  auto records = late_records("late_rows");
  ASSERT_EQ(records.size(), 1u);  // only the row at 10:00:03
  EXPECT_EQ(records[0].second["row"]["x"], 3);
}

TEST_F(LateRowsTest, ATopicNameKafkaRefusesIsAnErrorOfTheSet) {
  Session session;
  auto r = session.execute_script("SET 'table.exec.late-rows.topic' = 'late rows'");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("table.exec.late-rows.topic"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace careflow::exec
