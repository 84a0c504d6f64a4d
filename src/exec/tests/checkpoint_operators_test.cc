// Checkpoints of every operator kind that keeps state, as a property: random input through a
// real job planned from SQL, snapshotted at random points (a full base, then incremental deltas,
// now and then a new base), and at some of them "crashed": a freshly built job restores the
// base and the deltas and takes over. The output of the whole run, row for row and in order, must
// equal that of one uninterrupted job over the same input.
#include <gtest/gtest.h>

#include <random>

#include "exec/session.h"

namespace careflow::exec {
namespace {

using values::Value;

const char* kDdl =
    "CREATE TABLE t (k STRING, x BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND);"
    "CREATE TABLE u (k STRING, y BIGINT);"
    "CREATE TABLE v (k STRING, z BIGINT, PRIMARY KEY (k) NOT ENFORCED);"
    "CREATE TABLE rates (k STRING, rate BIGINT, rts TIMESTAMP(3), WATERMARK FOR rts AS rts, PRIMARY KEY (k) NOT ENFORCED);";

std::unique_ptr<Job> build(const std::string& query) {
  Session session;
  auto ddl = session.execute_script(kDdl);
  EXPECT_TRUE(ddl.is_ok()) << ddl.status().message();
  auto r = session.execute_script(query);
  EXPECT_TRUE(r.is_ok()) << query << "\n" << r.status().message();
  if (!r.is_ok()) return nullptr;
  return std::move(r->front().job);
}

struct Event {
  std::string table;
  Row row;
};

// Rows for t (keys a..e, event time moving forward with some disorder), u, the upsert table
// v (+I/+U of a key's new row, -D) and the versioned table rates.
std::vector<Event> random_input(uint32_t seed, int n) {
  std::mt19937 rng(seed);
  std::vector<Event> out;
  int64_t clock = 1'700'000'000'000;
  for (int i = 0; i < n; ++i) {
    const std::string k(1, static_cast<char>('a' + rng() % 5));
    const int which = static_cast<int>(rng() % 7);
    if (which <= 2) {
      clock += static_cast<int64_t>(rng() % 700);
      // Mostly within the watermark's 2 s, one in five far behind it (late for windows and OVER).
      int64_t ts = clock - static_cast<int64_t>(rng() % 5 == 0 ? rng() % 15000 : rng() % 2500);
      out.push_back({"t", Row{RowKind::kInsert, {Value::string(k), Value::integer(static_cast<int64_t>(rng() % 100)), Value::integer(ts * 1000)}}});
    } else if (which <= 4) {
      out.push_back({"u", Row{RowKind::kInsert, {Value::string(k), Value::integer(static_cast<int64_t>(rng() % 100))}}});
    } else if (which == 6) {
      int64_t ts = clock - static_cast<int64_t>(rng() % 3000);
      out.push_back({"rates", Row{rng() % 2 ? RowKind::kInsert : RowKind::kUpdateAfter,
                                  {Value::string(k), Value::integer(static_cast<int64_t>(rng() % 50)), Value::integer(ts * 1000)}}});
    } else {
      RowKind kind = rng() % 4 == 0 ? RowKind::kDelete : (rng() % 2 ? RowKind::kUpdateAfter : RowKind::kInsert);
      out.push_back({"v", Row{kind, {Value::string(k), Value::integer(static_cast<int64_t>(rng() % 10))}}});
    }
  }
  return out;
}

std::string show_value(const Value& v) {
  std::string s;
  if (v.is_list()) {
    s += '(';
    for (const Value& item : v.as_list()) s += show_value(item) + ',';
    return s + ')';
  }
  if (v.is_bool()) return v.as_bool() ? "TRUE" : "FALSE";
  {
    if (v.is_null()) s += "NULL";
    else if (v.is_int()) s += std::to_string(v.as_int());
    else if (v.is_string()) s += v.as_string();
    else if (v.is_double()) s += std::to_string(v.as_double());
    else if (v.is_decimal()) s += std::to_string(static_cast<int64_t>(v.as_decimal()));
    else s += "?";
  }
  return s;
}

std::string show(const Row& row) {
  std::string s(kind_symbol(row.kind));
  for (const Value& v : row.fields) s += ' ' + show_value(v);
  return s;
}

void push(Job& job, const Event& e, std::vector<std::string>* out) {
  ASSERT_TRUE(job.push(e.table, {e.row}).is_ok()) << job.failure().message();
  ASSERT_TRUE(job.emit_watermarks().is_ok());
  for (const Row& r : job.take_output()) out->push_back(show(r));
}

struct Saved {
  uint32_t op;
  StateRecord record;
  std::string key, value;  // the record's bytes (its views point here)
};
using StateFile = std::vector<Saved>;

void snapshot(Job& job, bool incremental, StateFile* file) {
  Status s = job.snapshot(incremental, [&](uint32_t op, const StateRecord& r) {
    file->push_back({op, r, std::string(r.key), std::string(r.value)});
  });
  ASSERT_TRUE(s.is_ok()) << s.message();
}

std::unique_ptr<Job> restore(const std::string& query, const std::vector<StateFile>& chain, bool incremental) {
  std::unique_ptr<Job> job = build(query);
  for (const StateFile& file : chain) {
    for (const Saved& s : file) {
      StateRecord r = s.record;
      r.key = s.key;
      r.value = s.value;
      Status st = job->restore(s.op, r);
      EXPECT_TRUE(st.is_ok()) << st.message();
    }
  }
  EXPECT_TRUE(job->finish_restore().is_ok());
  if (incremental) job->track_changes();
  return job;
}

void check(const std::string& query, uint32_t seed, bool incremental) {
  SCOPED_TRACE(query + " seed " + std::to_string(seed) + (incremental ? " incremental" : " full"));
  const std::vector<Event> input = random_input(seed, 600);

  std::vector<std::string> expected;
  {
    std::unique_ptr<Job> job = build(query);
    ASSERT_TRUE(job);
    ASSERT_TRUE(job->check_checkpointable().is_ok()) << job->check_checkpointable().message();
    for (const Event& e : input) push(*job, e, &expected);
    ASSERT_TRUE(job->end_input().is_ok());
    for (const Row& r : job->take_output()) expected.push_back(show(r));
  }
  ASSERT_GE(expected.size(), 5u);  // the input exercises the operator

  std::mt19937 rng(seed * 7919u + 1);
  std::unique_ptr<Job> job = build(query);
  if (incremental) job->track_changes();
  std::vector<StateFile> chain;
  std::vector<std::string> actual;
  int restores = 0;
  for (size_t i = 0; i < input.size(); ++i) {
    push(*job, input[i], &actual);
    if (rng() % 12 != 0) continue;
    // A checkpoint: a new base when there is none (or now and then), else a delta.
    const bool base = chain.empty() || !incremental || rng() % 5 == 0;
    if (base) chain.clear();
    chain.emplace_back();
    snapshot(*job, !base, &chain.back());
    if (rng() % 3 == 0) {
      job = restore(query, chain, incremental);
      ++restores;
    }
  }
  ASSERT_TRUE(job->end_input().is_ok());
  for (const Row& r : job->take_output()) actual.push_back(show(r));
  EXPECT_GT(restores, 3);
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) ASSERT_EQ(actual[i], expected[i]) << "row " << i;
}

const std::vector<std::string>& queries() {
  static const std::vector<std::string> q = {
      // GroupAggregate, every accumulator kind, DISTINCT.
      "SELECT k, COUNT(*), SUM(x), MIN(x), MAX(x), AVG(x), COUNT(DISTINCT x % 7), LISTAGG(CAST(x AS STRING)), "
      "FIRST_VALUE(x), LAST_VALUE(x) FROM t GROUP BY k",
      // An aggregate over an updating one: retractions into MIN / MAX / SUM.
      "SELECT b, COUNT(*), MIN(c), MAX(c), SUM(c) FROM (SELECT k, COUNT(*) AS c, MAX(x) % 4 AS b FROM t GROUP BY k) "
      "GROUP BY b",
      // StreamingJoin: inner, left with a condition, full over updating inputs.
      "SELECT t.k, x, y FROM t JOIN u ON t.k = u.k WHERE x < 20",
      "SELECT t.k, x, y FROM t LEFT JOIN u ON t.k = u.k AND x < y",
      "SELECT a.k, a.c, b.s FROM (SELECT k, COUNT(*) AS c FROM t GROUP BY k) a FULL JOIN "
      "(SELECT k, SUM(y) AS s FROM u GROUP BY k) b ON a.k = b.k",
      // Semi / anti joins.
      "SELECT k, x FROM t WHERE k IN (SELECT k FROM u WHERE y > 50)",
      "SELECT k, x FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.k = t.k AND u.y > x)",
      // Deduplication, row time, keep last and keep first.
      "SELECT k, x FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts DESC) AS rn FROM t) WHERE rn = 1",
      "SELECT k, x FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts ASC) AS rn FROM t) WHERE rn = 1",
      // ChangelogNormalize over an upsert table, then an aggregate of it.
      "SELECT z, COUNT(*) FROM v GROUP BY z",
      // Window aggregates (watermarks, timers, CUMULATE's running windows).
      "SELECT k, window_start, window_end, COUNT(*), SUM(x) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '5' "
      "SECOND)) GROUP BY k, window_start, window_end",
      "SELECT k, window_start, window_end, MAX(x) FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '2' SECOND, "
      "INTERVAL '6' SECOND)) GROUP BY k, window_start, window_end",
      "SELECT window_start, window_end, COUNT(DISTINCT k), SUM(x) FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), "
      "INTERVAL '2' SECOND, INTERVAL '8' SECOND)) GROUP BY window_start, window_end",
      // A window aggregate joined with a group aggregate.
      "SELECT w.k, w.n, g.s FROM (SELECT k, window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), "
      "INTERVAL '4' SECOND)) GROUP BY k, window_start, window_end) w JOIN (SELECT k, SUM(y) AS s FROM u GROUP BY k) g "
      "ON w.k = g.k",
      // Top-N: append-only with and without the row number, Top-1 (FastTop1), over an updating input.
      "SELECT * FROM (SELECT k, x, ROW_NUMBER() OVER (PARTITION BY k ORDER BY x DESC) AS rn FROM t) WHERE rn <= 3",
      "SELECT k, x FROM (SELECT k, x, ROW_NUMBER() OVER (PARTITION BY k ORDER BY x DESC) AS rn FROM t) WHERE rn <= 2",
      "SELECT k, x FROM (SELECT k, x, ROW_NUMBER() OVER (PARTITION BY k ORDER BY x ASC) AS rn FROM t) WHERE rn = 1",
      "SELECT * FROM (SELECT k, c, ROW_NUMBER() OVER (ORDER BY c DESC) AS rn FROM (SELECT k, COUNT(*) AS c FROM t "
      "GROUP BY k)) WHERE rn <= 3",
      // Window Top-N.
      "SELECT * FROM (SELECT k, window_start, window_end, s, ROW_NUMBER() OVER (PARTITION BY window_start, window_end "
      "ORDER BY s DESC) AS rn FROM (SELECT k, window_start, window_end, SUM(x) AS s FROM TABLE(TUMBLE(TABLE t, "
      "DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY k, window_start, window_end)) WHERE rn <= 2",
      // OVER aggregation: ROWS and RANGE frames, bounded and unbounded.
      "SELECT k, x, SUM(x) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM t",
      "SELECT k, x, MAX(x) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '3' SECOND PRECEDING AND CURRENT "
      "ROW) FROM t",
      "SELECT k, x, COUNT(*) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM t",
      // Event-time temporal join with the versioned table.
      "SELECT t.k, x, rates.rate FROM t JOIN rates FOR SYSTEM_TIME AS OF t.ts ON t.k = rates.k",
      // MATCH_RECOGNIZE: partial matches sharing paths, complete ones waiting for earlier partials.
      "SELECT * FROM t MATCH_RECOGNIZE (PARTITION BY k ORDER BY ts MEASURES FIRST(A.x) AS ax, LAST(B.x) AS bx, "
      "COUNT(B.x) AS nb ONE ROW PER MATCH AFTER MATCH SKIP TO NEXT ROW PATTERN (A B+ C) DEFINE A AS A.x > 60, "
      "B AS B.x <= 60, C AS C.x > 80)",
      // Window join (FULL: padded rows of both sides) of two window TVFs over t: rows wait for their
      // window to fire (over window aggregates the join would hold nothing between two rows).
      "SELECT l.k, l.x, r.k, r.x, l.window_start FROM (SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL "
      "'4' SECOND)) WHERE x < 60) l FULL JOIN (SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '4' SECOND)) "
      "WHERE x > 30) r ON l.k = r.k AND l.window_start = r.window_start AND l.window_end = r.window_end AND l.x < r.x",
      // SESSION windows: the aggregate (merging sessions with several groups) and the table function.
      "SELECT k, window_start, window_end, COUNT(*), SUM(x), LISTAGG(CAST(x AS STRING)) FROM TABLE(SESSION(TABLE t "
      "PARTITION BY k, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end",
      "SELECT k, x, window_start, window_end FROM TABLE(SESSION(TABLE t PARTITION BY k, DESCRIPTOR(ts), INTERVAL "
      "'1' SECOND))",
      // The ML OVER functions: each partition's ARIMA model (window, fit, errors) is state.
      "SELECT k, ML_DETECT_ANOMALIES(CAST(x AS DOUBLE), ts, JSON_OBJECT('minTrainingSize' VALUE 8, "
      "'maxTrainingSize' VALUE 24, 'updateInterval' VALUE 4)) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN "
      "UNBOUNDED PRECEDING AND CURRENT ROW) FROM t",
      "SELECT k, ML_FORECAST(CAST(x AS DOUBLE), ts, JSON_OBJECT('minTrainingSize' VALUE 8, 'horizon' VALUE 2)) "
      "OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM t",
      // Legacy group windows: Flink's timer heap (equal ends of several keys) restored in its order.
      "SELECT k, TUMBLE_START(ts, INTERVAL '3' SECOND), COUNT(*), SUM(x) FROM t GROUP BY k, TUMBLE(ts, INTERVAL "
      "'3' SECOND)",
      "SELECT k, HOP_END(ts, INTERVAL '2' SECOND, INTERVAL '5' SECOND), MAX(x) FROM t GROUP BY HOP(ts, INTERVAL "
      "'2' SECOND, INTERVAL '5' SECOND), k",
      // LAG: each partition's last values.
      "SELECT k, x, LAG(x) OVER w, LAG(x, 3, -1) OVER w FROM t WINDOW w AS (PARTITION BY k ORDER BY ts)",
      // Interval joins: cached rows of both sides, cleanup timers, the held-back watermark (a window
      // aggregate after one fires on it); outer sides padded when their timers clean them up.
      "SELECT a.k, a.x, b.x FROM t a JOIN t b ON a.k = b.k AND a.ts BETWEEN b.ts - INTERVAL '1' SECOND AND b.ts + "
      "INTERVAL '3' SECOND AND a.x < b.x",
      "SELECT a.k, a.x, b.k, b.x FROM (SELECT * FROM t WHERE x < 50) a FULL JOIN (SELECT * FROM t WHERE x >= 40) b ON "
      "a.k = b.k AND a.ts BETWEEN b.ts - INTERVAL '2' SECOND AND b.ts + INTERVAL '1' SECOND",
      "WITH j AS (SELECT a.ts, a.x AS ax FROM t a LEFT JOIN t b ON a.x = b.x + 1 AND a.ts BETWEEN b.ts AND b.ts + "
      "INTERVAL '2' SECOND) SELECT window_start, COUNT(*), SUM(ax) FROM TABLE(TUMBLE(TABLE j, DESCRIPTOR(ts), "
      "INTERVAL '3' SECOND)) GROUP BY window_start, window_end",
      // A window aggregate with grouping sets: a group per key and set.
      "SELECT window_start, k, COUNT(*), SUM(x) FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL "
      "'4' SECOND)) GROUP BY window_start, window_end, ROLLUP (k)",
      // A window aggregate over window aggregate results (their windows under other names).
      "SELECT s, e, MAX(n), COUNT(*) FROM (SELECT k, COUNT(*) AS n, window_start AS s, window_end AS e FROM TABLE(HOP("
      "TABLE t, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '4' SECOND)) GROUP BY k, window_start, window_end) "
      "GROUP BY s, e",
      // Aggregates with FILTER (WHERE ...), DISTINCT among them.
      "SELECT k, COUNT(*) FILTER (WHERE x > 50), SUM(x) FILTER (WHERE x % 2 = 0), COUNT(DISTINCT x % 7) FILTER (WHERE "
      "x < 30) FROM t GROUP BY k",
      // DISTINCT calls on one argument sharing a map of values, with and without filters.
      "SELECT k, COUNT(DISTINCT x % 7), COUNT(DISTINCT x % 7) FILTER (WHERE x < 30), SUM(DISTINCT x % 7) FILTER "
      "(WHERE x > 20), COUNT(DISTINCT x % 3) FROM (SELECT k, MAX(x) AS x FROM t GROUP BY k, x % 11) GROUP BY k",
  };
  return q;
}

class OperatorCheckpoints : public ::testing::TestWithParam<size_t> {};

TEST_P(OperatorCheckpoints, RestoredJobsContinueAsIfUninterrupted) {
  for (uint32_t seed = 1; seed <= 2; ++seed) {
    check(queries()[GetParam()], seed, true);
    check(queries()[GetParam()], seed + 100, false);
  }
}

INSTANTIATE_TEST_SUITE_P(EveryStatefulOperator, OperatorCheckpoints, ::testing::Range<size_t>(0, 38));

// Incremental checkpoints write what changed: with one key touched after a full snapshot of many,
// the delta holds that key's entry, not the others.
TEST(IncrementalCheckpoint, DeltaHoldsOnlyChangedKeys) {
  RowBatch rows;
  for (int i = 0; i < 1000; ++i) rows.push_back(Row{RowKind::kInsert, {Value::string("k"), Value::integer(i)}});
  std::unique_ptr<Job> agg = build("SELECT y, COUNT(*) FROM u GROUP BY y");
  ASSERT_TRUE(agg);
  agg->track_changes();
  ASSERT_TRUE(agg->push("u", rows).is_ok());
  StateFile base, delta;
  snapshot(*agg, false, &base);
  ASSERT_TRUE(agg->push("u", {Row{RowKind::kInsert, {Value::string("k"), Value::integer(7)}}}).is_ok());
  snapshot(*agg, true, &delta);
  auto puts = [](const StateFile& f) {
    size_t n = 0;
    for (const Saved& s : f) n += s.record.kind == StateRecordKind::kPut;
    return n;
  };
  EXPECT_EQ(puts(base), 1000u);
  EXPECT_EQ(puts(delta), 1u);
}

// When most keys changed since the last checkpoint, the delta rewrites the state whole (a clear,
// then every entry) instead of key by key; a restore through such a delta, and a key-by-key one
// after it, continues exactly as the job that was never stopped.
TEST(IncrementalCheckpoint, ADeltaWhereMostKeysChangedRewritesTheStateWhole) {
  const std::string query = "SELECT k, SUM(z) FROM v GROUP BY k";
  auto row = [](RowKind kind, int64_t k, int64_t z) {
    return Row{kind, {Value::string(std::to_string(k)), Value::integer(z)}};
  };
  RowBatch first, most, few;
  for (int64_t k = 0; k < 3000; ++k) first.push_back(row(RowKind::kInsert, k, 1));
  for (int64_t k = 0; k < 100; ++k) most.push_back(row(RowKind::kDelete, k, 1));  // groups that go away
  for (int64_t k = 100; k < 2500; ++k) most.push_back(row(RowKind::kUpdateAfter, k, 2));
  few.push_back(row(RowKind::kDelete, 2999, 1));
  few.push_back(row(RowKind::kInsert, 5000, 1));
  std::unique_ptr<Job> agg = build(query);
  ASSERT_TRUE(agg);
  agg->track_changes();
  StateFile base, whole, by_key;
  ASSERT_TRUE(agg->push("v", first).is_ok());
  snapshot(*agg, false, &base);
  ASSERT_TRUE(agg->push("v", most).is_ok());
  snapshot(*agg, true, &whole);
  ASSERT_TRUE(agg->push("v", few).is_ok());
  snapshot(*agg, true, &by_key);
  (void)agg->take_output();
  auto count = [](const StateFile& f, StateRecordKind kind) {
    size_t n = 0;
    for (const Saved& s : f) n += s.record.kind == kind;
    return n;
  };
  // Two keyed operators, each keyed by k: the upsert table's normalization and the aggregate.
  EXPECT_EQ(count(whole, StateRecordKind::kClear), 2u);
  EXPECT_EQ(count(whole, StateRecordKind::kPut), 2 * 2900u);
  EXPECT_EQ(count(by_key, StateRecordKind::kClear), 0u);
  EXPECT_EQ(count(by_key, StateRecordKind::kPut), 2 * 1u);
  EXPECT_EQ(count(by_key, StateRecordKind::kErase), 2 * 1u);

  std::unique_ptr<Job> restored = restore(query, {base, whole, by_key}, true);
  ASSERT_TRUE(restored);
  RowBatch probe;
  for (int64_t k : {0, 99, 100, 2499, 2500, 2999, 5000, 7000}) probe.push_back(row(RowKind::kUpdateAfter, k, 7));
  std::vector<std::string> want, got;
  ASSERT_TRUE(agg->push("v", probe).is_ok());
  for (const Row& r : agg->take_output()) want.push_back(show(r));
  ASSERT_TRUE(restored->push("v", probe).is_ok());
  for (const Row& r : restored->take_output()) got.push_back(show(r));
  EXPECT_EQ(got, want);
  EXPECT_EQ(want.size(), 12u);  // 0, 99, 2999 (erased) and 7000 start anew: +I; 100, 2499, 2500, 5000: -U, +U
}

}  // namespace
}  // namespace careflow::exec
