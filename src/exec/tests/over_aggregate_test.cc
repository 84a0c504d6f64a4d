// OVER aggregation against a naive evaluation: random rows of three keys (out of order, some far
// behind, in random blocks each ending with the source's watermark) through a real job planned
// from SQL, and the same rows evaluated frame by frame. Which rows are accepted follows Flink's
// functions: an unbounded frame takes a row after the watermark it meets; a bounded one a row
// after its key's last fired time (the newest accepted time, or RANGE cleanup timer, at or behind
// a watermark). Every
// accepted row is emitted once with SUM and COUNT over its frame among the key's accepted rows,
// ordered by time then arrival. The late-row counter must match too.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "exec/session.h"

namespace careflow::exec {
namespace {

using values::Value;

constexpr int64_t kBoundMs = 3000;  // WATERMARK FOR ts AS ts - INTERVAL '3' SECOND

struct Accepted {
  int64_t ts;
  int64_t x;
  int64_t arrival;
};

enum class Frame { kRangeUnbounded, kRowsUnbounded, kRowsPreceding, kRangePreceding };

// `preceding`: rows (kRowsPreceding) or milliseconds (kRangePreceding).
void check(Frame frame, const std::string& frame_sql, int64_t preceding, uint32_t seed) {
  SCOPED_TRACE(frame_sql + " seed " + std::to_string(seed));
  Session session;
  auto created = session.execute_script(
      "CREATE TABLE t (k STRING, x BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '3' SECOND)");
  ASSERT_TRUE(created.is_ok()) << created.status().message();
  auto planned = session.execute_script("SELECT k, x, ts, SUM(x) OVER w AS s, COUNT(*) OVER w AS c FROM t "
                                        "WINDOW w AS (PARTITION BY k ORDER BY ts " + frame_sql + ")");
  ASSERT_TRUE(planned.is_ok()) << planned.status().message();
  std::unique_ptr<Job> job = std::move(planned->front().job);
  ASSERT_TRUE(job);

  const bool unbounded = frame == Frame::kRangeUnbounded || frame == Frame::kRowsUnbounded;
  std::mt19937 rng(seed);
  const int64_t base = 1'700'000'000'000;
  std::map<std::string, std::vector<Accepted>> accepted;
  std::map<std::string, int64_t> last_fired, cleanup_at;
  std::map<std::string, std::vector<int64_t>> cleanup_timers;
  std::vector<std::string> actual;
  int64_t max_ts = kNoWatermark, late = 0, clock = base, arrival = 0;
  for (int block = 0; block < 40; ++block) {
    const int64_t watermark = max_ts == kNoWatermark ? kNoWatermark : max_ts - kBoundMs;
    RowBatch rows;
    const int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) {
      clock += static_cast<int64_t>(rng() % 900);
      const int64_t ts = clock - static_cast<int64_t>(rng() % 4 == 0 ? rng() % 20000 : rng() % 2000);
      const std::string key(1, static_cast<char>('a' + rng() % 3));
      const int64_t x = static_cast<int64_t>(rng() % 100);
      rows.push_back(Row{RowKind::kInsert, {Value::string(key), Value::integer(x), Value::integer(ts * 1000)}});
      const bool is_late = unbounded ? ts <= watermark : ts <= last_fired[key];
      if (is_late) {
        ++late;
        continue;
      }
      accepted[key].push_back({ts, x, arrival++});
      // RANGE's state-cleanup timer (Flink's registerCleanupTimer): one that a newer row made
      // stale still fires and moves the key's last fired time.
      if (frame == Frame::kRangePreceding && cleanup_at[key] < ts + preceding + 1) {
        cleanup_at[key] = ts + preceding * 3 / 2 + 1;
        cleanup_timers[key].push_back(cleanup_at[key]);
      }
    }
    for (const Row& r : rows) max_ts = std::max(max_ts, r.fields[2].as_int() / 1000);
    ASSERT_TRUE(job->push("t", rows).is_ok());
    ASSERT_TRUE(job->emit_watermarks().is_ok());
    // The bounded frames' timers that this block's watermark fired.
    // No row yet means no watermark, and nothing fired (kNoWatermark is INT64_MIN: no subtraction).
    const int64_t fired_until = max_ts == kNoWatermark ? kNoWatermark : max_ts - kBoundMs;
    for (auto& [key, list] : accepted) {
      for (const Accepted& a : list) {
        if (a.ts <= fired_until) last_fired[key] = std::max(last_fired[key], a.ts);
      }
      for (int64_t at : cleanup_timers[key]) {
        if (at <= fired_until) last_fired[key] = std::max(last_fired[key], at);
      }
    }
    for (const Row& r : job->take_output()) {
      ASSERT_EQ(r.kind, RowKind::kInsert);
      actual.push_back(r.fields[0].as_string() + " " + std::to_string(r.fields[1].as_int()) + " " +
                       std::to_string(r.fields[2].as_int() / 1000) + " " + std::to_string(r.fields[3].as_int()) + " " +
                       std::to_string(r.fields[4].as_int()));
    }
  }
  ASSERT_TRUE(job->end_input().is_ok());
  for (const Row& r : job->take_output()) {
    actual.push_back(r.fields[0].as_string() + " " + std::to_string(r.fields[1].as_int()) + " " +
                     std::to_string(r.fields[2].as_int() / 1000) + " " + std::to_string(r.fields[3].as_int()) + " " +
                     std::to_string(r.fields[4].as_int()));
  }

  std::vector<std::string> want;
  for (auto& [key, list] : accepted) {
    std::sort(list.begin(), list.end(),
              [](const Accepted& a, const Accepted& b) { return a.ts != b.ts ? a.ts < b.ts : a.arrival < b.arrival; });
    for (size_t i = 0; i < list.size(); ++i) {
      int64_t sum = 0, count = 0;
      for (size_t j = 0; j < list.size(); ++j) {
        bool in = false;
        switch (frame) {
          case Frame::kRangeUnbounded: in = list[j].ts <= list[i].ts; break;
          case Frame::kRowsUnbounded: in = j <= i; break;
          case Frame::kRowsPreceding: in = j <= i && i - j <= static_cast<size_t>(preceding); break;
          case Frame::kRangePreceding: in = list[j].ts <= list[i].ts && list[i].ts - list[j].ts <= preceding; break;
        }
        if (in) {
          sum += list[j].x;
          ++count;
        }
      }
      want.push_back(key + " " + std::to_string(list[i].x) + " " + std::to_string(list[i].ts) + " " +
                     std::to_string(sum) + " " + std::to_string(count));
    }
  }
  std::sort(want.begin(), want.end());
  std::sort(actual.begin(), actual.end());
  EXPECT_EQ(actual, want);
  EXPECT_EQ(job->late_rows_dropped(), late);
  EXPECT_GT(want.size(), 100u);
}

TEST(OverAggregateTest, RangeUnboundedEqualsNaiveFrames) {
  for (uint32_t seed = 1; seed <= 8; ++seed) check(Frame::kRangeUnbounded, "", 0, seed);
}

TEST(OverAggregateTest, RowsUnboundedEqualsNaiveFrames) {
  for (uint32_t seed = 1; seed <= 8; ++seed) {
    check(Frame::kRowsUnbounded, "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW", 0, seed);
  }
}

TEST(OverAggregateTest, RowsPrecedingEqualsNaiveFrames) {
  for (uint32_t seed = 1; seed <= 8; ++seed) {
    const int64_t n = seed % 5;
    check(Frame::kRowsPreceding, "ROWS BETWEEN " + std::to_string(n) + " PRECEDING AND CURRENT ROW", n, seed);
  }
}

// Keys get rows every few seconds, so Flink's RANGE state cleanup (a key without a newer row for
// 1.5 x 10 s) never clears a key here; its stale timers still move the last fired time.
TEST(OverAggregateTest, RangePrecedingEqualsNaiveFrames) {
  for (uint32_t seed = 1; seed <= 8; ++seed) {
    check(Frame::kRangePreceding, "RANGE BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW", 10'000, seed);
  }
}

}  // namespace
}  // namespace careflow::exec
