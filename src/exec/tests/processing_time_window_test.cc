// Windows on a processing-time attribute (`proc AS PROCTIME()`) through real jobs planned from
// SQL, with the job's processing-time clock injected: rows arrive at a clock time the test sets,
// the test moves the clock, and each window must come out exactly when the clock reaches its
// end - 1 ms (Flink's processing-time timer), with the rows that arrived while it was open. No
// sleeps: nothing here reads the wall clock.
#include <gtest/gtest.h>

#include "exec/session.h"

namespace careflow::exec {
namespace {

using values::Value;

constexpr int64_t kBase = 1'700'000'000'000;  // epoch ms, a multiple of 10 s (UTC session)

class ProcessingTimeWindows : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = session_.execute_script(
        "CREATE TABLE t (k STRING, x BIGINT, proc AS PROCTIME());"
        "CREATE TABLE e (k STRING, ts TIMESTAMP(3), proc AS PROCTIME(), WATERMARK FOR ts AS ts)");
    ASSERT_TRUE(r.is_ok()) << r.status().message();
  }

  std::unique_ptr<Job> plan(const std::string& sql) {
    auto r = session_.execute_script(sql);
    EXPECT_TRUE(r.is_ok()) << sql << "\n" << r.status().message();
    if (!r.is_ok()) return nullptr;
    std::unique_ptr<Job> job = std::move(r->front().job);
    job->set_processing_time_source([this] { return now_; });
    return job;
  }

  // Rows of t (k, x) arriving at clock time `at` (ms after kBase).
  void push(Job& job, int64_t at, std::vector<std::pair<std::string, int64_t>> rows) {
    now_ = kBase + at;
    RowBatch batch;
    for (auto& [k, x] : rows) batch.push_back(Row{RowKind::kInsert, {Value::string(k), Value::integer(x)}});
    ASSERT_TRUE(job.push("t", batch).is_ok()) << job.failure().message();
  }

  // Moves the clock to `at` and returns what fired, one row per string: the fields with times
  // as ms after kBase.
  std::vector<std::string> advance(Job& job, int64_t at) {
    now_ = kBase + at;
    Status s = job.advance_processing_time();
    EXPECT_TRUE(s.is_ok()) << s.message();
    return take(job);
  }

  static std::vector<std::string> take(Job& job) {
    std::vector<std::string> out;
    const std::vector<values::DataType> types = job.result_types();
    for (const Row& r : job.take_output()) {
      std::string line(kind_symbol(r.kind));
      for (size_t i = 0; i < r.fields.size(); ++i) {
        const Value& v = r.fields[i];
        const bool time = types[i].id == values::TypeId::kTimestamp || types[i].id == values::TypeId::kTimestampLtz;
        line += ' ' + (v.is_null() ? std::string("NULL")
                       : time      ? std::to_string(v.as_int() / 1000 - kBase)
                       : v.is_string() ? v.as_string()
                                       : std::to_string(v.as_int()));
      }
      out.push_back(line);
    }
    return out;
  }

  using Lines = std::vector<std::string>;
  Session session_;
  int64_t now_ = kBase;
};

TEST_F(ProcessingTimeWindows, TumbleFiresWhenTheClockPassesItsEnd) {
  auto job = plan("SELECT k, window_start, window_end, COUNT(*) AS n, SUM(x) AS s FROM "
                  "TABLE(TUMBLE(TABLE t, DESCRIPTOR(proc), INTERVAL '10' SECOND)) GROUP BY k, window_start, window_end");
  ASSERT_TRUE(job);
  push(*job, 1000, {{"a", 1}, {"b", 2}});
  push(*job, 5000, {{"a", 3}});
  EXPECT_EQ(advance(*job, 9998), Lines{});
  EXPECT_EQ(advance(*job, 9999), (Lines{"+I a 0 10000 2 4", "+I b 0 10000 1 2"}));
  EXPECT_EQ(advance(*job, 30000), Lines{});  // fired once
  // A row goes to the window of the time it arrives at, whatever its neighbours' windows.
  push(*job, 31000, {{"a", 10}});
  push(*job, 45000, {{"a", 20}});  // the clock passed 39999 without an advance: a new window
  EXPECT_EQ(advance(*job, 45000), (Lines{"+I a 30000 40000 1 10"}));
  EXPECT_EQ(advance(*job, 49999), (Lines{"+I a 40000 50000 1 20"}));
}

TEST_F(ProcessingTimeWindows, WatermarksAndTheEndOfInputFireNothing) {
  // Event time moves (e has a WATERMARK), processing time does not: nothing fires; at the end of
  // input the pending window is dropped, as Flink quiesces processing-time timers then.
  auto job = plan("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE e, DESCRIPTOR(proc), INTERVAL '10' SECOND)) "
                  "GROUP BY window_start, window_end");
  ASSERT_TRUE(job);
  now_ = kBase + 100;
  RowBatch rows{Row{RowKind::kInsert, {Value::string("a"), Value::integer((kBase + 86'400'000) * 1000)}}};
  ASSERT_TRUE(job->push("e", rows).is_ok());
  ASSERT_TRUE(job->emit_watermarks().is_ok());
  EXPECT_EQ(take(*job), Lines{});
  ASSERT_TRUE(job->end_input().is_ok());
  EXPECT_EQ(take(*job), Lines{});
  // The job's clock still fires it when it passes (a driver that goes on after the end).
  EXPECT_EQ(advance(*job, 9999), (Lines{"+I 0 1"}));
}

TEST_F(ProcessingTimeWindows, HopSharesSlicesAndFiresEachWindow) {
  auto job = plan("SELECT k, window_start, window_end, COUNT(*), SUM(x) FROM TABLE(HOP(TABLE t, DESCRIPTOR(proc), "
                  "INTERVAL '5' SECOND, INTERVAL '10' SECOND)) GROUP BY k, window_start, window_end");
  ASSERT_TRUE(job);
  push(*job, 1000, {{"a", 1}});
  EXPECT_EQ(advance(*job, 4999), (Lines{"+I a -5000 5000 1 1"}));
  push(*job, 6000, {{"a", 2}});
  EXPECT_EQ(advance(*job, 9999), (Lines{"+I a 0 10000 2 3"}));
  EXPECT_EQ(advance(*job, 14998), Lines{});
  EXPECT_EQ(advance(*job, 14999), (Lines{"+I a 5000 15000 1 2"}));
  EXPECT_EQ(advance(*job, 60000), Lines{});  // no rows, no more windows
}

TEST_F(ProcessingTimeWindows, CumulateEmitsEachStep) {
  auto job = plan("SELECT window_start, window_end, COUNT(*), SUM(x) FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(proc), "
                  "INTERVAL '2' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end");
  ASSERT_TRUE(job);
  push(*job, 500, {{"a", 1}});
  push(*job, 2500, {{"b", 2}});  // the clock passed the first step's end before it fired
  EXPECT_EQ(advance(*job, 3999), (Lines{"+I 0 2000 1 1", "+I 0 4000 2 3"}));
  push(*job, 5000, {{"a", 4}});
  EXPECT_EQ(advance(*job, 5999), (Lines{"+I 0 6000 3 7"}));
  // Steps without rows still emit the window so far.
  EXPECT_EQ(advance(*job, 9999), (Lines{"+I 0 8000 3 7", "+I 0 10000 3 7"}));
  push(*job, 10000, {{"a", 8}});
  EXPECT_EQ(advance(*job, 11999), (Lines{"+I 10000 12000 1 8"}));
}

TEST_F(ProcessingTimeWindows, LegacyGroupWindowsGiveTheirProcessingTime) {
  auto job = plan("SELECT k, TUMBLE_START(proc, INTERVAL '10' SECOND), TUMBLE_END(proc, INTERVAL '10' SECOND), "
                  "TUMBLE_PROCTIME(proc, INTERVAL '10' SECOND), COUNT(*) FROM t GROUP BY TUMBLE(proc, INTERVAL '10' "
                  "SECOND), k");
  ASSERT_TRUE(job);
  push(*job, 1000, {{"a", 1}, {"b", 1}, {"a", 1}});
  // TUMBLE_PROCTIME is the processing time the window fired at (Flink materializes it then).
  EXPECT_EQ(advance(*job, 10003), (Lines{"+I a 0 10000 10003 2", "+I b 0 10000 10003 1"}));

  auto hop = plan("SELECT HOP_START(proc, INTERVAL '5' SECOND, INTERVAL '10' SECOND), COUNT(*) FROM t "
                  "GROUP BY HOP(proc, INTERVAL '5' SECOND, INTERVAL '10' SECOND)");
  ASSERT_TRUE(hop);
  push(*hop, 7000, {{"a", 1}});
  EXPECT_EQ(advance(*hop, 9999), (Lines{"+I 0 1"}));
  EXPECT_EQ(advance(*hop, 14999), (Lines{"+I 5000 1"}));
}

TEST_F(ProcessingTimeWindows, SessionsOpenAtArrivalAndMerge) {
  auto job = plan("SELECT k, window_start, window_end, COUNT(*), SUM(x) FROM TABLE(SESSION(TABLE t PARTITION BY k, "
                  "DESCRIPTOR(proc), INTERVAL '5' SECOND)) GROUP BY k, window_start, window_end");
  ASSERT_TRUE(job);
  push(*job, 1000, {{"a", 1}});
  push(*job, 2000, {{"b", 2}});
  push(*job, 4000, {{"a", 3}});  // within a's gap: a's session now ends at 9000
  EXPECT_EQ(advance(*job, 6998), Lines{});
  EXPECT_EQ(advance(*job, 6999), (Lines{"+I b 2000 7000 1 2"}));
  EXPECT_EQ(advance(*job, 8999), (Lines{"+I a 1000 9000 2 4"}));

  auto legacy = plan("SELECT k, SESSION_START(proc, INTERVAL '5' SECOND), SESSION_END(proc, INTERVAL '5' SECOND), "
                     "SESSION_PROCTIME(proc, INTERVAL '5' SECOND), COUNT(*) FROM t GROUP BY SESSION(proc, INTERVAL '5' "
                     "SECOND), k");
  ASSERT_TRUE(legacy);
  push(*legacy, 20000, {{"a", 1}});
  push(*legacy, 24000, {{"a", 1}});
  EXPECT_EQ(advance(*legacy, 28998), Lines{});
  EXPECT_EQ(advance(*legacy, 29001), (Lines{"+I a 20000 29000 29001 2"}));
}

TEST_F(ProcessingTimeWindows, TableFunctionsAloneUseTheTimeRowsArriveAt) {
  // Each row at once, in the window of its arrival; window_time is the processing time it goes out.
  auto tumble = plan("SELECT k, window_start, window_end, window_time FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(proc), "
                     "INTERVAL '10' SECOND))");
  ASSERT_TRUE(tumble);
  push(*tumble, 12345, {{"a", 1}});
  EXPECT_EQ(take(*tumble), (Lines{"+I a 10000 20000 12345"}));

  // A session's rows wait for it to close.
  auto session = plan("SELECT k, x, window_start, window_end, window_time FROM TABLE(SESSION(TABLE t PARTITION BY k, "
                      "DESCRIPTOR(proc), INTERVAL '5' SECOND))");
  ASSERT_TRUE(session);
  push(*session, 1000, {{"a", 1}});
  push(*session, 3000, {{"a", 2}});
  EXPECT_EQ(take(*session), Lines{});
  EXPECT_EQ(advance(*session, 7998), Lines{});
  EXPECT_EQ(advance(*session, 7999), (Lines{"+I a 1 1000 8000 7999", "+I a 2 1000 8000 7999"}));
}

TEST_F(ProcessingTimeWindows, WindowsStackOnTheProcessingTimeOfWindowResults) {
  // window_time of a processing-time window aggregation is a processing-time attribute: a window
  // over it takes the results by the processing time they come out at.
  ASSERT_TRUE(session_
                  .execute_script("CREATE VIEW per_key AS SELECT k, window_time AS wt, COUNT(*) AS n FROM "
                                  "TABLE(TUMBLE(TABLE t, DESCRIPTOR(proc), INTERVAL '10' SECOND)) GROUP BY k, "
                                  "window_start, window_end, window_time")
                  .is_ok());
  auto job = plan("SELECT window_start, window_end, COUNT(*), SUM(n) FROM TABLE(TUMBLE(TABLE per_key, DESCRIPTOR(wt), "
                  "INTERVAL '20' SECOND)) GROUP BY window_start, window_end");
  ASSERT_TRUE(job);
  push(*job, 1000, {{"a", 1}, {"b", 1}, {"a", 1}});
  EXPECT_EQ(advance(*job, 9999), Lines{});  // the per-key windows fire into [0, 20000)
  push(*job, 12000, {{"a", 1}});
  EXPECT_EQ(advance(*job, 19999), (Lines{"+I 0 20000 3 4"}));  // ... and so does a's second one
}

TEST_F(ProcessingTimeWindows, APendingWindowSurvivesACheckpoint) {
  const std::string query = "SELECT k, window_start, COUNT(*), SUM(x) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(proc), "
                            "INTERVAL '10' SECOND)) GROUP BY k, window_start, window_end";
  auto job = plan(query);
  ASSERT_TRUE(job);
  push(*job, 1000, {{"a", 1}, {"b", 2}});
  ASSERT_TRUE(job->check_checkpointable().is_ok());
  struct Saved {
    uint32_t op;
    StateRecord record;
    std::string key, value;
  };
  std::vector<Saved> saved;
  ASSERT_TRUE(job->snapshot(false, [&](uint32_t op, const StateRecord& r) {
                    saved.push_back({op, r, std::string(r.key), std::string(r.value)});
                  }).is_ok());
  job.reset();  // the process dies
  auto restore = [&] {
    auto out = plan(query);
    for (const Saved& s : saved) {
      StateRecord r = s.record;
      r.key = s.key;
      r.value = s.value;
      EXPECT_TRUE(out && out->restore(s.op, r).is_ok());
    }
    EXPECT_TRUE(out && out->finish_restore().is_ok());
    return out;
  };

  auto restored = restore();
  ASSERT_TRUE(restored);
  push(*restored, 4000, {{"a", 3}});
  EXPECT_EQ(advance(*restored, 9998), Lines{});
  EXPECT_EQ(advance(*restored, 9999), (Lines{"+I a 0 2 4", "+I b 0 1 2"}));

  // Restored after the window's end has passed: it fires at the first advance, as Flink fires a
  // restored processing-time timer that is already due.
  auto late = restore();
  ASSERT_TRUE(late);
  EXPECT_EQ(advance(*late, 25000), (Lines{"+I a 0 1 1", "+I b 0 1 2"}));
}

TEST_F(ProcessingTimeWindows, ClockNeverGoesBack) {
  auto job = plan("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(proc), INTERVAL '10' SECOND)) "
                  "GROUP BY window_start, window_end");
  ASSERT_TRUE(job);
  push(*job, 12000, {{"a", 1}});
  // A source stepping back (a wall clock set back) leaves the clock where it was: the row goes to
  // the window of 12000, not of 3000.
  push(*job, 3000, {{"a", 1}});
  EXPECT_EQ(advance(*job, 19999), (Lines{"+I 10000 2"}));
}

}  // namespace
}  // namespace careflow::exec
