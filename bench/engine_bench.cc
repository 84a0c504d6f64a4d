// The streaming SQL engine against Apache Flink 1.20 on the same machine, in the same run: the
// queries below (filter + project, GROUP BY with retraction, a join of two updating streams,
// ROW_NUMBER deduplication, UNNEST + JSON_VALUE, event-time windows (SESSION included), interval and
// temporal joins, MATCH_RECOGNIZE, CUMULATE and window Top-N), the Nexmark queries over one Nexmark
// stream (nexmark_queries.cc), each over the same generated input on both engines; and the state
// bytes per key of a 1-hour TUMBLE (engine_state_memory.h).
//
// careflow side: the input rows are generated in memory up front (seeded, deterministic); only the
// processing is timed: batches of 1,000 rows go through Job::push and the output is drained with
// Job::take_output after every batch, on one thread. One warm-up run over the whole input on its
// own job, then three measured runs, each on a fresh job; the median is reported. Throughput is
// input rows / second.
//
// The same rows (kinds and values, in the same per-table order) and the same SQL text are written
// to a data directory that the Flink side (tests/interop/flink, careflow.interop.bench.EngineBench)
// reads, so both engines see exactly the same input. scripts/bench engine drives the three steps:
//
//   engine_bench --data DIR [--scale F] [--only NAME,...]   generate DIR/<query>/*, run careflow,
//                                                            write DIR/careflow.tsv, DIR/queries.txt
//                                                            (the throughput queries, one a line) and
//                                                            DIR/careflow_memory.tsv
//   (Flink: EngineBench DIR writes DIR/flink.tsv and DIR/flink_memory.tsv)
//   engine_bench --report DIR [--only NAME,...] --markdown FILE   the results table (careflow / Flink)
//
// A query that fails to plan on careflow is reported as "not available"; a query that plans but
// produces no output fails the run (a benchmark that does nothing must not pass).

#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "checkpoint_report.h"
#include "engine_bench.h"
#include "engine_state_memory.h"
#include "exec/job.h"
#include "exec/row.h"
#include "exec/session.h"
#include "values/value.h"

namespace careflow::bench {
namespace {

namespace fs = std::filesystem;
using exec::Row;
using exec::RowBatch;
using exec::RowKind;
using values::Value;
using Want = std::function<bool(const std::string&)>;

constexpr int kRuns = 3;  // measured runs per query and engine; the median is reported
constexpr size_t kStateMemoryKeys = 100'000;

// Column types of the generated tables, to write values the Java side parses by the DDL's types.
Value str(std::string s) { return Value::string(std::move(s)); }
Value num(int64_t i) { return Value::integer(i); }
Value dbl(double d) { return Value::real(d); }

// 1. filter + project over an append-only table of readings.
Query filter_project(size_t rows) {
  Query q{"filter_project", "filter + project (append)",
          "CREATE TABLE m (device STRING, metric STRING, val DOUBLE, ts BIGINT)",
          "SELECT device, val * 2 AS v2, metric FROM m WHERE val > 10", {}, 0, nullptr, {}};
  std::mt19937_64 rng(1);
  static const char* kMetrics[] = {"temperature", "pressure", "flow", "rpm"};
  for (size_t i = 0; i < rows; ++i) {
    Row r{RowKind::kInsert,
          {str(fmt::format("DEV-{:04d}", rng() % 1000)), str(kMetrics[rng() % 4]), dbl(static_cast<double>(rng() % 1000) / 10.0),
           num(1'700'000'000'000 + static_cast<int64_t>(i))}};
    add_row(q.input, "m", std::move(r));
  }
  return q;
}

// 2. GROUP BY over a retract table: 60% inserts, 40% -U/+U pairs updating an earlier row.
Query group_retract(size_t rows) {
  Query q{"group_retract", "GROUP BY k with retraction (10k keys)",
          "CREATE TABLE t (k INT, v BIGINT) WITH ('changelog.mode' = 'retract')",
          "SELECT k, COUNT(*), SUM(v), MAX(v) FROM t GROUP BY k", {}, 0, nullptr, {}};
  std::mt19937_64 rng(2);
  std::vector<std::pair<int64_t, int64_t>> live;
  size_t produced = 0;
  while (produced < rows) {
    if (live.empty() || rng() % 10 < 6) {
      const int64_t k = static_cast<int64_t>(rng() % 10000), v = static_cast<int64_t>(rng() % 1'000'000);
      live.emplace_back(k, v);
      add_row(q.input, "t", Row{RowKind::kInsert, {num(k), num(v)}});
      produced += 1;
    } else {
      auto& [k, v] = live[rng() % live.size()];
      const int64_t next = static_cast<int64_t>(rng() % 1'000'000);
      add_row(q.input, "t", Row{RowKind::kUpdateBefore, {num(k), num(v)}});
      add_row(q.input, "t", Row{RowKind::kUpdateAfter, {num(k), num(next)}});
      v = next;
      produced += 2;
    }
  }
  return q;
}

// 3. Inner join of two retract tables, batches alternating between them; about 3 live rows per key
//    and side at the end, so each key matches a few rows.
Query join_updating(size_t rows) {
  Query q{"join_updating", "inner join of two updating streams",
          "CREATE TABLE a (k INT, x BIGINT) WITH ('changelog.mode' = 'retract');\n"
          "CREATE TABLE b (k INT, y BIGINT) WITH ('changelog.mode' = 'retract')",
          "SELECT a.k, x, y FROM a JOIN b ON a.k = b.k", {}, 0, nullptr, {}};
  std::mt19937_64 rng(3);
  // Rows per side = rows / 2; inserts are 0.6 / 1.4 of the rows; 3 live rows per key and side.
  const uint64_t keys = std::max<uint64_t>(1, static_cast<uint64_t>(rows / 2 * 0.6 / 1.4 / 3));
  std::vector<std::pair<int64_t, int64_t>> live[2];
  size_t produced = 0;
  for (size_t batch = 0; produced < rows; ++batch) {
    const int side = static_cast<int>(batch % 2);
    const std::string table = side == 0 ? "a" : "b";
    RowBatch rows_of_batch;
    while (rows_of_batch.size() < kBatchRows && produced < rows) {
      auto& l = live[side];
      if (l.empty() || rng() % 10 < 6) {
        const int64_t k = static_cast<int64_t>(rng() % keys), v = static_cast<int64_t>(rng() % 1'000'000);
        l.emplace_back(k, v);
        rows_of_batch.push_back(Row{RowKind::kInsert, {num(k), num(v)}});
        produced += 1;
      } else {
        auto& [k, v] = l[rng() % l.size()];
        const int64_t next = static_cast<int64_t>(rng() % 1'000'000);
        rows_of_batch.push_back(Row{RowKind::kUpdateBefore, {num(k), num(v)}});
        rows_of_batch.push_back(Row{RowKind::kUpdateAfter, {num(k), num(next)}});
        v = next;
        produced += 2;
      }
    }
    q.input.push_back({table, std::move(rows_of_batch)});
  }
  return q;
}

// 4. ROW_NUMBER deduplication (keep the last row per id on processing time), ids in [0, 10000).
Query dedup_rownumber(size_t rows) {
  Query q{"dedup_rownumber", "ROW_NUMBER dedup, last row on PROCTIME (10k ids)",
          "CREATE TABLE p (id INT, device STRING, target DOUBLE, proc AS PROCTIME())",
          "SELECT id, device, target FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY id ORDER BY proc DESC) AS rn FROM p) "
          "WHERE rn = 1",
          {}, 0, nullptr, {}};
  std::mt19937_64 rng(4);
  for (size_t i = 0; i < rows; ++i) {
    const int64_t id = static_cast<int64_t>(rng() % 10000);
    add_row(q.input, "p",
            Row{RowKind::kInsert, {num(id), str(fmt::format("DEV-P{:04d}", id % 1000)), dbl(static_cast<double>(rng() % 2000) / 10.0)}});
  }
  return q;
}

// 5. UNNEST of a JSON array of 3-4 parameter objects (the prescriptions shape) + JSON_VALUE.
Query unnest_json(size_t rows) {
  Query q{"unnest_json", "UNNEST + JSON_VALUE (prescriptions)",
          "CREATE TABLE rx (id STRING, parameters STRING)",
          "SELECT id, JSON_VALUE(p, '$.parameter_name') AS name, CAST(JSON_VALUE(p, '$.parameter_value') AS DOUBLE) AS target "
          "FROM rx CROSS JOIN UNNEST(JSON_QUERY(parameters, '$' RETURNING ARRAY<STRING>)) AS t(p)",
          {}, 0, nullptr, {}};
  std::mt19937_64 rng(5);
  static const char* kNames[] = {"pressure", "flow", "temperature", "volume", "rate", "speed"};
  static const char* kUnits[] = {"bar", "l/min", "C", "ml", "Hz", "rpm"};
  for (size_t i = 0; i < rows; ++i) {
    const int n = 3 + static_cast<int>(rng() % 2);
    std::string json = "[";
    for (int j = 0; j < n; ++j) {
      const size_t which = rng() % 6;
      json += fmt::format("{}{{\"parameter_name\": \"{}\", \"parameter_value\": {}, \"parameter_tolerance\": {}, \"unit\": \"{}\"}}",
                          j ? ", " : "", kNames[which], static_cast<double>(rng() % 4000) / 8.0, static_cast<double>(rng() % 40) / 8.0,
                          kUnits[which]);
    }
    json += "]";
    add_row(q.input, "rx", Row{RowKind::kInsert, {str(fmt::format("RX-{}", i)), str(std::move(json))}});
  }
  return q;
}

// 6 and 7. Event-time windows over readings that arrive about in order (one a millisecond of event
//    time, up to 2 s out of order, a watermark 5 s behind): TUMBLE of 1 minute over 1k keys, and
//    HOP of 1 minute sliding by 1 second (size / slide = 60) over 100 keys.
Query event_time_query(const char* name, const char* title, const std::string& select, int keys, size_t rows) {
  Query q{name, title,
          "CREATE TABLE w (k INT, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)", select, {}, 0, nullptr, {}};
  std::mt19937_64 rng(6);
  const int64_t base = 1'700'000'000'000;
  for (size_t i = 0; i < rows; ++i) {
    const int64_t ts = base + static_cast<int64_t>(i) - static_cast<int64_t>(rng() % 2000);
    add_row(q.input, "w",
            Row{RowKind::kInsert, {num(static_cast<int64_t>(rng() % static_cast<uint64_t>(keys))),
                                   num(static_cast<int64_t>(rng() % 1'000'000)), num(ts * 1000)}});
  }
  return q;
}

// 8. Event-time temporal join: orders (append) joined with the rate valid at each order's time
//    from an upsert table of 1k currencies, both with a watermark 1 s behind; orders about in
//    order (one a millisecond of event time, up to 500 ms out of order), a block of 1,000 orders
//    then 20 rate changes stamped with the current time.
Query temporal_join(size_t rows) {
  Query q{"temporal_join", "event-time temporal join, orders x versioned rates (1k keys)",
          "CREATE TABLE o (id BIGINT, cur INT, amount BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND);"
          "CREATE TABLE r (cur INT, rate BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND, "
          "PRIMARY KEY (cur) NOT ENFORCED)",
          "SELECT o.id, o.amount * r.rate AS converted, o.ts FROM o JOIN r FOR SYSTEM_TIME AS OF o.ts ON o.cur = r.cur",
          {}, 0, nullptr, {}};
  constexpr int kCurrencies = 1000;
  std::mt19937_64 rng(8);
  const int64_t base = 1'700'000'000'000;
  for (int c = 0; c < kCurrencies; ++c) {
    add_row(q.input, "r", Row{RowKind::kInsert, {num(c), num(100 + c % 50), num((base - 60'000) * 1000)}});
  }
  for (size_t i = 0; i < rows; ++i) {
    const int64_t ts = base + static_cast<int64_t>(i) - static_cast<int64_t>(rng() % 500);
    add_row(q.input, "o",
            Row{RowKind::kInsert, {num(static_cast<int64_t>(i)), num(static_cast<int64_t>(rng() % kCurrencies)),
                                   num(static_cast<int64_t>(rng() % 10'000)), num(ts * 1000)}});
    if (i % 1000 == 999) {
      for (int u = 0; u < 20; ++u) {
        add_row(q.input, "r",
                Row{RowKind::kUpdateAfter, {num(static_cast<int64_t>(rng() % kCurrencies)),
                                            num(static_cast<int64_t>(50 + rng() % 100)),
                                            num((base + static_cast<int64_t>(i)) * 1000)}});
      }
    }
  }
  return q;
}

// 11 and 12. MATCH_RECOGNIZE over readings about in order (one a millisecond, up to 2 s out of
//    order, a watermark 5 s behind): the docs' AFTER MATCH example (A+ C with a running SUM) over
//    100 symbols, and the clogged-filter pattern (a base row, then three rows each > 10 % above the
//    one before while the flow stays within 5 %) over 1k devices.
Query match_query(const char* name, const char* title, const std::string& measures_pattern, int keys, size_t rows) {
  Query q{name, title,
          "CREATE TABLE m (k INT, price BIGINT, pressure DOUBLE, flow DOUBLE, ts TIMESTAMP(3), "
          "WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)",
          "SELECT * FROM m MATCH_RECOGNIZE (PARTITION BY k ORDER BY ts " + measures_pattern + ")", {}, 0, nullptr, {}};
  std::mt19937_64 rng(8);
  const int64_t base = 1'700'000'000'000;
  std::vector<double> pressure(static_cast<size_t>(keys), 100.0);
  for (size_t i = 0; i < rows; ++i) {
    const int64_t ts = base + static_cast<int64_t>(i) - static_cast<int64_t>(rng() % 2000);
    const auto k = static_cast<size_t>(rng() % static_cast<uint64_t>(keys));
    pressure[k] = std::clamp(pressure[k] * (0.9 + static_cast<double>(rng() % 350) / 1000.0), 10.0, 1e6);
    add_row(q.input, "m",
            Row{RowKind::kInsert, {num(static_cast<int64_t>(k)), num(static_cast<int64_t>(1 + rng() % 20)),
                                   dbl(pressure[k]), dbl(50.0 + static_cast<double>(rng() % 30) / 10.0),
                                   num(ts * 1000)}});
  }
  return q;
}

// 13. Interval join: orders and shipments about in order (one a millisecond of event time each,
//    up to 500 ms out of order, watermarks 1 s behind), 1k keys, in alternating blocks of 1,000
//    rows; a shipment joins the orders of its key in the 2 seconds before it (about two each).
Query interval_join(size_t rows) {
  Query q{"interval_join", "interval join, o.ts BETWEEN s.ts - 2 s AND s.ts (1k keys)",
          "CREATE TABLE o (id BIGINT, k INT, amount BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND);"
          "CREATE TABLE s (k INT, place BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)",
          "SELECT o.id, o.amount, s.place FROM o JOIN s ON o.k = s.k AND o.ts BETWEEN s.ts - INTERVAL '2' SECOND AND s.ts",
          {}, 0, nullptr, {}};
  constexpr int kKeys = 1000;
  std::mt19937_64 rng(13);
  const int64_t base = 1'700'000'000'000;
  for (size_t block = 0; block * 1000 < rows; ++block) {
    for (const char* table : {"o", "s"}) {
      for (size_t j = 0; j < 1000 && block * 1000 + j < rows; ++j) {
        const size_t i = block * 1000 + j;
        const int64_t ts = base + static_cast<int64_t>(i) - static_cast<int64_t>(rng() % 500);
        const auto k = static_cast<int64_t>(rng() % kKeys);
        if (table[0] == 'o') {
          add_row(q.input, "o", Row{RowKind::kInsert, {num(static_cast<int64_t>(i)), num(k),
                                                       num(static_cast<int64_t>(rng() % 10'000)), num(ts * 1000)}});
        } else {
          add_row(q.input, "s", Row{RowKind::kInsert, {num(k), num(static_cast<int64_t>(rng() % 100)), num(ts * 1000)}});
        }
      }
    }
  }
  return q;
}

Query event_time_window(const char* name, const char* title, const std::string& window, int keys, size_t rows) {
  return event_time_query(name, title,
                          "SELECT k, window_start, window_end, COUNT(*), SUM(v), MAX(v) FROM TABLE(" + window +
                              ") GROUP BY k, window_start, window_end",
                          keys, rows);
}

// 9 and 10. OVER aggregation over the window readings: every row comes out once the watermark passes
//    it, with SUM and MAX over its frame: the 10 rows before it (1k keys), or the 10 seconds
//    before it (100 keys, about 100 rows a frame).
Query event_time_over(const char* name, const char* title, const std::string& frame, int keys, size_t rows) {
  return event_time_query(name, title,
                          "SELECT k, v, ts, SUM(v) OVER win, MAX(v) OVER win FROM w WINDOW win AS (PARTITION BY k ORDER BY ts " +
                              frame + ")",
                          keys, rows);
}

// Whether `name` is among `only` (everything when `only` is empty).
Want wanted(const std::vector<std::string>& only) {
  return [only](const std::string& name) { return only.empty() || std::find(only.begin(), only.end(), name) != only.end(); };
}

// 14. Window Top-N: the 3 keys with the largest SUM(v) of each 1-minute TUMBLE window.
Query window_topn(size_t rows) {
  return event_time_query("window_topn", "window Top-3 by SUM over TUMBLE 1 min (1k keys)",
                          "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY total DESC) "
                          "AS rn FROM (SELECT k, window_start, window_end, SUM(v) AS total, COUNT(*) AS cnt FROM "
                          "TABLE(TUMBLE(TABLE w, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY k, window_start, window_end)) "
                          "WHERE rn <= 3",
                          1000, rows);
}

std::vector<Query> make_queries(double scale, const std::vector<std::string>& only) {
  auto n = [&](double base) { return static_cast<size_t>(base * scale); };
  std::vector<Query> all;
  const Want want = wanted(only);
  // Base sizes: each careflow run lasts a few seconds on the 2-core release machine.
  if (want("filter_project")) all.push_back(filter_project(n(6'000'000)));
  if (want("group_retract")) all.push_back(group_retract(n(2'500'000)));
  if (want("join_updating")) all.push_back(join_updating(n(3'000'000)));
  if (want("dedup_rownumber")) all.push_back(dedup_rownumber(n(4'000'000)));
  if (want("unnest_json")) all.push_back(unnest_json(n(500'000)));
  if (want("tumble_window")) {
    all.push_back(event_time_window("tumble_window", "TUMBLE 1 min, COUNT/SUM/MAX (1k keys)",
                                    "TUMBLE(TABLE w, DESCRIPTOR(ts), INTERVAL '1' MINUTE)", 1000, n(4'000'000)));
  }
  if (want("hop_window")) {
    all.push_back(event_time_window("hop_window", "HOP 1 min / 1 s (size/slide = 60), COUNT/SUM/MAX (100 keys)",
                                    "HOP(TABLE w, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '1' MINUTE)", 100,
                                    n(2'000'000)));
  }
  if (want("session_window")) {
    all.push_back(event_time_window("session_window", "SESSION gap 2 s PARTITION BY k, COUNT/SUM/MAX (1k keys)",
                                    "SESSION(TABLE w PARTITION BY k, DESCRIPTOR(ts), INTERVAL '2' SECOND)", 1000,
                                    n(2'000'000)));
  }
  if (want("temporal_join")) all.push_back(temporal_join(n(2'000'000)));
  if (want("interval_join")) all.push_back(interval_join(n(1'000'000)));
  if (want("over_rows")) {
    all.push_back(event_time_over("over_rows", "OVER ROWS 10 PRECEDING, SUM/MAX (1k keys)",
                                  "ROWS BETWEEN 10 PRECEDING AND CURRENT ROW", 1000, n(2'000'000)));
  }
  if (want("over_range")) {
    all.push_back(event_time_over("over_range", "OVER RANGE 10 s PRECEDING, SUM/MAX (100 keys)",
                                  "RANGE BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW", 100, n(2'000'000)));
  }
  if (want("match_docs")) {
    all.push_back(match_query("match_docs", "MATCH_RECOGNIZE docs pattern A+ C, SUM in DEFINE (100 keys)",
                              "MEASURES SUM(A.price) AS sumPrice, FIRST(ts) AS startTime, LAST(ts) AS endTime "
                              "AFTER MATCH SKIP PAST LAST ROW PATTERN (A+ C) DEFINE A AS SUM(A.price) < 30",
                              100, n(2'000'000)));
  }
  if (want("match_clogged")) {
    all.push_back(match_query("match_clogged", "MATCH_RECOGNIZE clogged filter BASE UP{3} (1k keys)",
                              "MEASURES BASE.pressure AS p0, LAST(UP.pressure) AS p3, MATCH_ROWTIME() AS t "
                              "AFTER MATCH SKIP PAST LAST ROW PATTERN (BASE UP{3}) DEFINE UP AS "
                              "UP.pressure > 1.1 * LAST(pressure, 1) AND ABS(UP.flow - BASE.flow) <= 0.05 * BASE.flow",
                              1000, n(2'000'000)));
  }
  if (want("cumulate_window")) {
    // 4 M rows are 67 minutes of event time: a 1-hour window completes and the next one starts.
    all.push_back(event_time_window("cumulate_window", "CUMULATE 1 min steps up to 1 h, COUNT/SUM/MAX (1k keys)",
                                    "CUMULATE(TABLE w, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '1' HOUR)", 1000,
                                    n(4'000'000)));
  }
  if (want("window_topn")) all.push_back(window_topn(n(4'000'000)));
  // One Nexmark stream for all of them: 2 M events are 200 s of event time at Nexmark's default rate.
  for (Query& q : nexmark_queries(n(2'000'000), want)) all.push_back(std::move(q));
  for (Query& q : all) q.input_rows = count_rows(q.batches());
  return all;
}

// ---- the shared data directory ---------------------------------------------------------------

// A ROW's fields (the Nexmark columns) are joined by the ASCII unit separator, which no generated
// string holds; the Java side splits them by the ROW type's fields.
std::string field_text(const Value& v) {
  if (v.is_null()) return "\\N";
  if (v.is_int()) return std::to_string(v.as_int());
  if (v.is_double()) return fmt::format("{}", v.as_double());
  if (v.is_list()) {
    const std::vector<Value>& fields = v.as_list();
    std::string out;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out += '\x1f';
      out += field_text(fields[i]);
    }
    return out;
  }
  return v.as_string();  // generated strings never hold tabs or newlines
}

void write_input(const fs::path& file, const std::vector<Batch>& batches) {
  std::ofstream out(file);
  std::string line;
  for (const Batch& b : batches) {
    for (const Row& r : b.rows) {
      line.clear();
      line += b.table;
      line += '\t';
      line += exec::kind_symbol(r.kind);
      for (const Value& v : r.fields) {
        line += '\t';
        line += field_text(v);
      }
      line += '\n';
      out << line;
    }
  }
}

// DIR/<name>/setup.sql, query.sql, and input.tsv: one row a line, "table<TAB>kind<TAB>fields...",
// in push order. Queries sharing their input share one input.tsv (hard links): it is written once.
void write_query_files(const fs::path& dir, const Query& q, std::map<const void*, fs::path>& written) {
  const fs::path qdir = dir / q.name;
  fs::create_directories(qdir);
  std::ofstream(qdir / "setup.sql") << q.setup << "\n";
  std::ofstream(qdir / "query.sql") << q.sql << "\n";
  const fs::path input = qdir / "input.tsv";
  fs::remove(input);
  if (q.shared_input) {
    auto it = written.find(q.shared_input.get());
    if (it != written.end()) {
      fs::create_hard_link(it->second, input);
      return;
    }
    written[q.shared_input.get()] = input;
  }
  write_input(input, q.batches());
}

// ---- careflow --------------------------------------------------------------------------------

struct Outcome {
  std::string status = "ok";  // ok | unavailable | failed
  std::string note;
  size_t output_rows = 0;
  double seconds = 0;
  double cpu_seconds = 0;
};

double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

Outcome run_careflow(const Query& q) {
  Outcome o;
  if (!q.careflow_skip.empty()) {
    o.status = "unavailable";
    o.note = q.careflow_skip;
    return o;
  }
  StartedJob started = start_query(q);
  if (started.status != "ok") {
    o.status = started.status;
    o.note = started.note;
    return o;
  }
  exec::Job& job = *started.job;
  o.output_rows += job.take_output().size();
  const double cpu0 = cpu_now();
  const auto t0 = std::chrono::steady_clock::now();
  for (const Batch& b : q.batches()) {
    // Watermarks move after each batch, as the job runner moves them.
    Status s = job.push(b.table, b.rows);
    if (s) s = job.emit_watermarks();
    if (!s) {
      o.status = "failed";
      o.note = first_line(s.message());
      return o;
    }
    o.output_rows += job.take_output().size();
  }
  // The end of input fires the windows still open, as Flink's bounded sources do.
  if (Status s = job.end_input(); !s) {
    o.status = "failed";
    o.note = first_line(s.message());
    return o;
  }
  o.output_rows += job.take_output().size();
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  o.cpu_seconds = cpu_now() - cpu0;
  if (o.output_rows == 0 && !q.wall_clock_output) {
    o.status = "failed";
    o.note = "no output rows";
  }
  return o;
}

// ---- results files and the report ------------------------------------------------------------

// One line per query: name, status, input rows, output rows, seconds, cpu seconds, note.
void write_results(const fs::path& file, const std::vector<Query>& queries, const std::vector<Outcome>& outcomes) {
  std::ofstream out(file);
  for (size_t i = 0; i < queries.size(); ++i) {
    const Outcome& o = outcomes[i];
    out << fmt::format("{}\t{}\t{}\t{}\t{:.6f}\t{:.6f}\t{}\n", queries[i].name, o.status, queries[i].input_rows, o.output_rows, o.seconds,
                       o.cpu_seconds, o.note);
  }
}

struct ResultLine {
  std::string status = "missing";
  size_t input_rows = 0;
  size_t output_rows = 0;
  double seconds = 0;
  double cpu_seconds = 0;
  std::string note;
  double rate() const { return status == "ok" && seconds > 0 ? static_cast<double>(input_rows) / seconds : 0; }
};

std::map<std::string, ResultLine> read_results(const fs::path& file) {
  std::map<std::string, ResultLine> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string part;
    while (std::getline(ss, part, '\t')) f.push_back(part);
    if (f.size() < 6) continue;
    ResultLine r;
    r.status = f[1];
    r.input_rows = std::stoull(f[2]);
    r.output_rows = std::stoull(f[3]);
    r.seconds = std::stod(f[4]);
    r.cpu_seconds = std::stod(f[5]);
    r.note = f.size() > 6 ? f[6] : "";
    out[f[0]] = r;
  }
  return out;
}

std::string rate_text(const ResultLine& r) {
  if (r.status == "unavailable") return "not available";
  if (r.status != "ok") return r.status;
  return fmt::format("{:.0f}", r.rate());
}

// ---- memory: state bytes per key --------------------------------------------------------------

// Writes DIR/state_tumble_1h/ (setup.sql, query.sql, input.tsv, keys), measures careflow and
// writes DIR/careflow_memory.tsv ("name TAB value" lines); false when the measurement failed.
bool run_state_memory(const fs::path& dir) {
  const Query q = state_memory_query(kStateMemoryKeys);
  std::map<const void*, fs::path> written;
  write_query_files(dir, q, written);
  std::ofstream(dir / q.name / "keys") << kStateMemoryKeys << "\n";
  const StateMemory m = measure_state_memory(q, kStateMemoryKeys);
  write_checkpoint_results(dir / "careflow_memory.tsv", {{"status", m.status},
                                                         {"keys", std::to_string(m.keys)},
                                                         {"bytes", std::to_string(m.bytes)},
                                                         {"output_rows", std::to_string(m.output_rows)},
                                                         {"note", first_line(m.note)}});
  if (m.status == "ok") {
    fmt::print("careflow {:16} {} keys: {} bytes of state, {:.1f} bytes a key\n", q.name, m.keys, m.bytes,
               static_cast<double>(m.bytes) / static_cast<double>(m.keys));
  } else {
    fmt::print("careflow {:16} {}: {}\n", q.name, m.status, m.note);
  }
  return m.status != "failed";
}

std::string memory_report(const fs::path& dir) {
  // "name TAB value" lines, as checkpoint_bench's results.
  auto ours = read_checkpoint_results(dir / "careflow_memory.tsv");
  auto flink = read_checkpoint_results(dir / "flink_memory.tsv");
  auto per_key = [](std::map<std::string, std::string>& m, const char* bytes) -> double {
    if (m["status"] != "ok" || m[bytes].empty() || m["keys"].empty()) return 0;
    return std::stod(m[bytes]) / std::stod(m["keys"]);
  };
  auto cell = [](std::map<std::string, std::string>& m, double v) {
    return v > 0 ? fmt::format("{:.0f}", v) : (m["status"].empty() ? std::string("missing") : m["status"] + ": " + m["note"]);
  };
  const double c = per_key(ours, "bytes"), f = per_key(flink, "bytes"), fc = per_key(flink, "checkpoint_bytes");
  std::string out = "\nMemory: state bytes per key of `" + state_memory_query(0).sql + "` with " +
                    fmt::format("{}", kStateMemoryKeys) + " keys (10 rows each, all in one window, still open)\n\n";
  out += "| careflow bytes/key | Flink heap backend bytes/key | Flink ÷ careflow | Flink's checkpoint of it, bytes/key |\n";
  out += "|---|---|---|---|\n";
  out += fmt::format("| {} | {} | {} | {} |\n", cell(ours, c), cell(flink, f), c > 0 && f > 0 ? fmt::format("{:.2f}x", f / c) : "n/a",
                     fc > 0 ? fmt::format("{:.0f}", fc) : "-");
  out += "\ncareflow: every allocation of the job (session, plan, operators, state) goes to a mimalloc heap of its own; the "
         "live bytes of that heap (allocated blocks x their size class) once the rows are in and the watermark has moved, "
         "minus the same after start(), divided by the keys (engine_state_memory.cc). Flink: the same SQL on a MiniCluster "
         "with the default heap state backend (HashMapStateBackend), rows replayed by a source that then waits; a "
         "checkpoint triggered after the source's last row (its barrier follows every row through the window operator), "
         "then the JVM heap used after System.gc() (a full GC) minus the same before the source emitted, divided by the "
         "keys (StateMemoryBench.java). Both include the keys, accumulators, the window's timers and the hash tables. "
         "The last column is the size Flink's checkpoint gave the same state (serialized, for comparison).\n";
  return out;
}

std::string report(const fs::path& dir, const std::vector<std::string>& only) {
  const auto ours = read_results(dir / "careflow.tsv");
  const auto flink = read_results(dir / "flink.tsv");
  std::string out;
  // Per core: each engine's rows/s divided by the cores it kept busy (CPU time / wall time), the
  // issue's "rows/s on one core" — Flink runs source, operator and sink in separate threads.
  out += "| query | careflow rows/s | Flink rows/s | ratio | ratio per core | input rows | output rows (careflow / Flink) "
         "| careflow CPU busy | Flink CPU busy |\n";
  out += "|---|---|---|---|---|---|---|---|---|\n";
  std::string notes, caveats;
  for (const Query& q : make_queries(0, only)) {  // names and titles only
    const ResultLine c = ours.count(q.name) ? ours.at(q.name) : ResultLine{};
    const ResultLine f = flink.count(q.name) ? flink.at(q.name) : ResultLine{};
    const double cr = c.rate(), fr = f.rate();
    const double c_cores = c.status == "ok" && c.seconds > 0 ? c.cpu_seconds / c.seconds : 0;
    const double f_cores = f.status == "ok" && f.seconds > 0 ? f.cpu_seconds / f.seconds : 0;
    const bool both = cr > 0 && fr > 0;
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} / {} | {} | {} |\n", q.title, rate_text(c), rate_text(f),
                       both ? fmt::format("{:.2f}x", cr / fr) : "n/a",
                       both && c_cores > 0 && f_cores > 0 ? fmt::format("{:.2f}x", (cr / c_cores) / (fr / f_cores)) : "n/a",
                       c.input_rows ? c.input_rows : f.input_rows,
                       c.status == "ok" ? std::to_string(c.output_rows) : "-", f.status == "ok" ? std::to_string(f.output_rows) : "-",
                       c_cores > 0 ? fmt::format("{:.2f} cores", c_cores) : "-",
                       f_cores > 0 ? fmt::format("{:.2f} cores", f_cores) : "-");
    if (q.wall_clock_output) {
      caveats += fmt::format("- {}: its windows are on processing time, so each engine gives the rows of the windows "
                             "that ended while it ran (none fire at the end of input): output rows are not comparable, "
                             "rows/s is\n",
                             q.name);
    }
    if (c.status != "ok" && !c.note.empty()) notes += fmt::format("- {} on careflow: {} ({})\n", q.name, c.status, c.note);
    if (f.status != "ok" && !f.note.empty()) notes += fmt::format("- {} on Flink: {} ({})\n", q.name, f.status, f.note);
  }
  out += "\nSQL per query (identical text on both engines):\n\n";
  bool nexmark = false;
  for (const Query& q : make_queries(0, only)) {
    out += fmt::format("- {}: `{}`\n", q.name, q.sql);
    nexmark |= q.name.starts_with("nexmark_");
  }
  if (nexmark) {
    out += "\nThe Nexmark queries are github.com/nexmark/nexmark's (queries/qN.sql: the SELECT of each INSERT) over its "
           "`datagen` table and the views person, auction and bid (ddl_gen.sql without the connector options, "
           "ddl_views.sql), all reading one stream of Nexmark events generated once, seeded, as Nexmark's generator "
           "defines them at its default rate of 10,000 events a second of event time (bench/nexmark_generator.h, "
           "bench/nexmark_queries.cc). Not included: q13 (a processing-time lookup join against a file, which the "
           "benchmark's scan tables cannot serve) and q14 (a Java UDF).\n";
  }
  if (!caveats.empty()) out += "\nOutput rows:\n\n" + caveats;
  if (!notes.empty()) out += "\nNot measured:\n\n" + notes;
  if (wanted(only)(kStateMemoryName)) out += memory_report(dir);
  return out;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, ',')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

}  // namespace

StartedJob start_query(const Query& q) {
  StartedJob out;
  out.session = std::make_unique<exec::Session>();
  auto setup = out.session->execute_script(q.setup);
  if (!setup) {
    out.status = "failed";
    out.note = "setup: " + first_line(setup.status().message());
    return out;
  }
  auto planned = out.session->execute_script(q.sql);
  if (!planned) {
    out.status = "unavailable";
    out.note = first_line(planned.status().message());
    return out;
  }
  if (planned->size() != 1 || planned->front().kind != exec::StatementResult::Kind::kJob) {
    out.status = "failed";
    out.note = "the query gave no job";
    return out;
  }
  out.results = std::move(*planned);
  out.job = out.results.front().job.get();
  if (Status s = out.job->start(); !s) {
    out.status = "failed";
    out.note = first_line(s.message());
  }
  return out;
}

}  // namespace careflow::bench

int main(int argc, char** argv) {
  using namespace careflow::bench;
  std::string data_dir, report_dir, markdown_path;
  double scale = 1.0;
  std::vector<std::string> only;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        fmt::print(stderr, "engine_bench: {} needs a value\n", arg);
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--data") data_dir = next();
    else if (arg == "--report") report_dir = next();
    else if (arg == "--markdown") markdown_path = next();
    else if (arg == "--scale") scale = std::stod(next());
    else if (arg == "--only") only = split_commas(next());
    else {
      fmt::print(stderr,
                 "usage: engine_bench --data DIR [--scale F] [--only name,...]\n"
                 "       engine_bench --report DIR [--only name,...] [--markdown FILE]\n");
      return 2;
    }
  }
  if (!report_dir.empty()) {
    const std::string table = report(report_dir, only);
    fmt::print("{}", table);
    if (!markdown_path.empty()) std::ofstream(markdown_path) << table;
    return 0;
  }
  if (data_dir.empty()) {
    fmt::print(stderr, "engine_bench: give --data DIR or --report DIR\n");
    return 2;
  }
  std::filesystem::create_directories(data_dir);
  std::vector<Query> queries = make_queries(scale, only);
  std::vector<Outcome> outcomes;
  bool failed = false;
  std::map<const void*, std::filesystem::path> written;
  {
    std::ofstream names(std::filesystem::path(data_dir) / "queries.txt");  // what the Flink side runs
    for (const Query& q : queries) names << q.name << "\n";
  }
  for (const Query& q : queries) {
    write_query_files(data_dir, q, written);
    // One warm-up (allocator and caches, as the Flink side warms its JIT), then the median of
    // kRuns measured runs: the machine is shared and single runs are noisy.
    run_careflow(q);
    std::vector<Outcome> runs;
    for (int r = 0; r < kRuns; ++r) {
      runs.push_back(run_careflow(q));
      if (runs.back().status != "ok") break;
    }
    std::sort(runs.begin(), runs.end(), [](const Outcome& a, const Outcome& b) { return a.seconds < b.seconds; });
    Outcome o = runs.back().status != "ok" ? runs.back() : runs[runs.size() / 2];
    if (o.status == "failed") failed = true;
    if (o.status == "ok") {
      fmt::print("careflow {:16} {:>9} rows in {:.2f} s: {:>10.0f} rows/s, {} output rows\n", q.name, q.input_rows, o.seconds,
                 static_cast<double>(q.input_rows) / o.seconds, o.output_rows);
    } else {
      fmt::print("careflow {:16} {}: {}\n", q.name, o.status == "unavailable" ? "not available" : o.status, o.note);
    }
    std::fflush(stdout);
    outcomes.push_back(std::move(o));
  }
  write_results(std::filesystem::path(data_dir) / "careflow.tsv", queries, outcomes);
  if (wanted(only)(kStateMemoryName)) failed |= !run_state_memory(data_dir);
  return failed ? 1 : 0;
}
