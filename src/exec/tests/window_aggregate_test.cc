// Window aggregation on slices against a naive evaluation: random rows (out of order, in random
// blocks, each block ending with the source's watermark) through a real job planned from SQL, and
// the same rows assigned window by window (window_math.h's windows_of, as the window table
// function assigns them). A row counts in every window of it that had not fired when it arrived
// (Flink's slicing operator: a late row still reaches the windows not yet fired; it is dropped
// only when the last of them has fired), so both sides must give exactly the same windows and
// results. Plus the late-row counter.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "exec/operators/window/window_math.h"
#include "exec/session.h"

namespace careflow::exec {
namespace {

using values::Value;

constexpr int64_t kBoundMs = 3000;  // WATERMARK FOR ts AS ts - INTERVAL '3' SECOND

std::unique_ptr<Job> plan(Session& session, const std::string& sql) {
  auto r = session.execute_script(sql);
  EXPECT_TRUE(r.is_ok()) << sql << "\n" << r.status().message();
  if (!r.is_ok()) return nullptr;
  return std::move(r->front().job);
}

struct Input {
  std::string key;
  int64_t x;
  int64_t ts;  // ms
};

struct Totals {
  int64_t count = 0, sum = 0, max = INT64_MIN;
};

// One random run: `windows` is TUMBLE / HOP / CUMULATE with its intervals in SQL. `stacked`: the
// per-key window results aggregated again per window, grouped by their renamed bounds (a window
// aggregation over rows that carry their windows), against the naive per-key windows folded.
void check(sql::WindowSpec spec, const std::string& windows, uint32_t seed, bool stacked = false) {
  SCOPED_TRACE(windows + " seed " + std::to_string(seed) + (stacked ? " stacked" : ""));
  Session session;
  auto created = session.execute_script(
      "CREATE TABLE t (k STRING, x BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '3' SECOND)");
  ASSERT_TRUE(created.is_ok()) << created.status().message();
  const std::string per_key = "SELECT k, window_start, window_end, COUNT(*) AS n, SUM(x) AS s, MAX(x) AS m FROM TABLE(" +
                              windows + ") GROUP BY k, window_start, window_end";
  std::unique_ptr<Job> job = plan(
      session, stacked ? "SELECT COUNT(*) AS keys, ws, we, SUM(n), SUM(s), MAX(m) FROM (SELECT k, window_start AS ws, "
                         "window_end AS we, n, s, m FROM (" + per_key + ")) GROUP BY ws, we"
                       : per_key);
  ASSERT_TRUE(job);

  std::mt19937 rng(seed);
  const int64_t base = 1'700'000'000'000;  // an epoch millisecond, aligned to nothing in particular
  std::map<std::tuple<std::string, int64_t, int64_t>, Totals> expected;
  std::vector<std::string> actual;
  int64_t max_ts = exec::kNoWatermark, late = 0, clock = base;
  auto drain = [&] {
    for (const Row& r : job->take_output()) {
      ASSERT_EQ(r.kind, RowKind::kInsert);
      actual.push_back((stacked ? std::to_string(r.fields[0].as_int()) : r.fields[0].as_string()) + " " +
                       std::to_string(r.fields[1].as_int() / 1000) + " " +
                       std::to_string(r.fields[2].as_int() / 1000) + " " + std::to_string(r.fields[3].as_int()) + " " +
                       std::to_string(r.fields[4].as_int()) + " " + std::to_string(r.fields[5].as_int()));
    }
  };
  for (int block = 0; block < 40; ++block) {
    const int64_t watermark = max_ts == exec::kNoWatermark ? exec::kNoWatermark : max_ts - kBoundMs;
    RowBatch rows;
    const int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) {
      clock += static_cast<int64_t>(rng() % 900);
      // Mostly near the clock, sometimes far behind it (late).
      int64_t ts = clock - static_cast<int64_t>(rng() % 4 == 0 ? rng() % 20000 : rng() % 2000);
      Input in{std::string(1, static_cast<char>('a' + rng() % 3)), static_cast<int64_t>(rng() % 100), ts};
      rows.push_back(Row{RowKind::kInsert, {Value::string(in.key), Value::integer(in.x), Value::integer(ts * 1000)}});
      bool counted = false;
      for (const window::Window& w : window::windows_of(spec, ts)) {
        if (watermark != exec::kNoWatermark && w.end - 1 <= watermark) continue;  // fired before it came
        Totals& t = expected[{in.key, w.start, w.end}];
        ++t.count;
        t.sum += in.x;
        t.max = std::max(t.max, in.x);
        counted = true;
      }
      if (!counted) ++late;
    }
    for (const Row& r : rows) max_ts = std::max(max_ts, r.fields[2].as_int() / 1000);
    ASSERT_TRUE(job->push("t", rows).is_ok());
    ASSERT_TRUE(job->emit_watermarks().is_ok());
    drain();
  }
  ASSERT_TRUE(job->end_input().is_ok());
  drain();
  if (stacked) {
    // Per window: the number of keys (in the key's place), then the totals over them.
    std::map<std::pair<int64_t, int64_t>, std::pair<int64_t, Totals>> by_window;
    for (const auto& [key, t] : expected) {
      auto& [keys, f] = by_window[{std::get<1>(key), std::get<2>(key)}];
      ++keys;
      f.count += t.count;
      f.sum += t.sum;
      f.max = std::max(f.max, t.max);
    }
    expected.clear();
    for (const auto& [w, kf] : by_window) expected[{std::to_string(kf.first), w.first, w.second}] = kf.second;
  }
  std::vector<std::string> want;
  for (const auto& [key, t] : expected) {
    want.push_back(std::get<0>(key) + " " + std::to_string(std::get<1>(key)) + " " + std::to_string(std::get<2>(key)) +
                   " " + std::to_string(t.count) + " " + std::to_string(t.sum) + " " + std::to_string(t.max));
  }
  std::sort(want.begin(), want.end());
  std::vector<std::string> got = actual;
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, want);
  EXPECT_EQ(job->late_rows_dropped(), late);
  // The run exercised something: windows with rows (late ones too: 0 to 43 a run with these seeds).
  EXPECT_GT(want.size(), stacked ? 10u : 20u);
}

TEST(WindowAggregateTest, HopOnSlicesEqualsNaiveWindows) {
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    const int64_t slide = 1 + seed % 4, factor = 1 + seed % 7;
    sql::WindowSpec spec;
    spec.kind = sql::WindowSpec::Kind::kHop;
    spec.slide = slide * 1000;
    spec.size = slide * factor * 1000;
    spec.offset = seed % 3 == 0 ? 500 : 0;
    std::string sql = "HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '" + std::to_string(slide) + "' SECOND, INTERVAL '" +
                      std::to_string(slide * factor) + "' SECOND" +
                      (spec.offset ? ", INTERVAL '0.5' SECOND" : "") + ")";
    check(spec, sql, seed);
  }
}

TEST(WindowAggregateTest, CumulateOnSlicesEqualsNaiveWindows) {
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    const int64_t step = 1 + seed % 3, factor = 1 + seed % 6;
    sql::WindowSpec spec;
    spec.kind = sql::WindowSpec::Kind::kCumulate;
    spec.slide = step * 1000;
    spec.size = step * factor * 1000;
    std::string sql = "CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '" + std::to_string(step) + "' SECOND, INTERVAL '" +
                      std::to_string(step * factor) + "' SECOND)";
    check(spec, sql, seed);
  }
}

TEST(WindowAggregateTest, TumbleOnSlicesEqualsNaiveWindows) {
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    sql::WindowSpec spec;
    spec.size = spec.slide = (1 + seed % 5) * 1000;
    check(spec, "TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '" + std::to_string(spec.size / 1000) + "' SECOND)", seed);
  }
}

// A window aggregation over window aggregation results gives the naive windows folded per window:
// the second aggregation counts each first-level result in the window its renamed bounds name.
TEST(WindowAggregateTest, AggregationOverWindowResultsEqualsNaiveWindows) {
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    sql::WindowSpec spec;
    spec.kind = sql::WindowSpec::Kind::kHop;
    spec.slide = 1000 * (1 + seed % 2);
    spec.size = spec.slide * (1 + seed % 3);
    check(spec,
          "HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '" + std::to_string(spec.slide / 1000) + "' SECOND, INTERVAL '" +
              std::to_string(spec.size / 1000) + "' SECOND)",
          seed, true);
  }
}

TEST(WindowAggregateTest, MinimumWatermarkOverSourcePartitions) {
  Session session;
  ASSERT_TRUE(session.execute_script("CREATE TABLE t (k STRING, x BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)").is_ok());
  std::unique_ptr<Job> job = plan(session, "SELECT window_end, COUNT(*) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), "
                                           "INTERVAL '1' SECOND)) GROUP BY window_start, window_end");
  ASSERT_TRUE(job);
  auto row = [](int64_t ms) { return Row{RowKind::kInsert, {Value::string("a"), Value::integer(1), Value::integer(ms * 1000)}}; };
  job->set_partitions(0, 2);
  // Partition 0 is far ahead; partition 1 has given nothing: the source's watermark stays back.
  ASSERT_TRUE(job->push_full(0, {row(10'000)}, 0).is_ok());
  ASSERT_TRUE(job->emit_watermarks().is_ok());
  EXPECT_TRUE(job->take_output().empty());
  // Partition 1 reaches 2.5 s: the source's watermark is now min(10 s, 2.5 s), and [0 s, 1 s) fires.
  ASSERT_TRUE(job->push_full(0, {row(500), row(2'500)}, 1).is_ok());
  ASSERT_TRUE(job->emit_watermarks().is_ok());
  RowBatch fired = job->take_output();
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].fields[0].as_int(), 1'000'000);  // window_end 1 s: the row at 0.5 s
  // A row behind the watermark in a window that fired is dropped and counted.
  ASSERT_TRUE(job->push_full(0, {row(200)}, 1).is_ok());
  EXPECT_EQ(job->late_rows_dropped(), 1);
  ASSERT_TRUE(job->end_input().is_ok());
  EXPECT_EQ(job->take_output().size(), 2u);  // [2 s, 3 s) and [10 s, 11 s)
}

}  // namespace
}  // namespace careflow::exec
