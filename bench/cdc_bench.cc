// Change data capture, careflow vs the real Debezium PostgreSQL connector, in the same run on the
// same PostgreSQL (careflow's own instance):
//   1. commit → event latency at 200 transactions/s for 10 s (one insert per transaction),
//      measured from COMMIT returning to the event being readable (careflow: appended to the
//      embedded log; Debezium: handed to the embedded engine's consumer);
//   2. a 100,000-row INSERT in one transaction: events/s from COMMIT to the last event.
// Both capture only public.patients, JSON with schemas. They run one after the other.
//
//   cdc_bench --java-classpath CP [--markdown FILE] [--rate N] [--seconds N] [--bulk N]
// (bench/cdc_bench.sh builds the Debezium harness and passes its classpath.)

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <string_view>
#include <thread>

#include "bench_util.h"
#include "cdc/cdc_connector.h"
#include "log/embedded_log.h"
#include "store/database.h"
#include "store/local_postgres.h"
#include "store/migrations.h"
#include "store/tests/test_postgres.h"

namespace {

using namespace careflow;

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Options {
  std::string java_classpath;
  std::string markdown;
  int rate = 200;
  int seconds = 10;
  int bulk = 100'000;
};

struct Outcome {
  std::vector<int64_t> latencies_us;  // per latency transaction
  int expected = 0;
  double bulk_events_per_s = 0;
  int64_t bulk_events = 0;
};

double percentile(std::vector<int64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))] / 1000.0;
}

// Commits `rate` single-insert transactions per second for `seconds`; returns commit times by id.
std::map<std::string, int64_t> write_paced(store::PgConnection& conn, const std::string& prefix, const Options& o) {
  std::map<std::string, int64_t> committed;
  const auto start = std::chrono::steady_clock::now();
  const int total = o.rate * o.seconds;
  for (int i = 0; i < total; ++i) {
    std::this_thread::sleep_until(start + std::chrono::microseconds(1'000'000LL * i / o.rate));
    const std::string id = fmt::format("{}{}", prefix, i);
    if (conn.exec("INSERT INTO patients (patient_id, name) VALUES ($1, 'bench')", {id}).is_ok()) committed[id] = now_us();
  }
  return committed;
}

int64_t bulk_insert(store::PgConnection& conn, const std::string& prefix, int rows) {
  (void)conn.exec(fmt::format("INSERT INTO patients (patient_id, name) SELECT '{}' || g, 'bulk' FROM generate_series(1, {}) g",
                              prefix, rows));
  return now_us();
}

// The patient_id of a key record ({"schema":...,"payload":{"patient_id":"..."}} or the bare
// payload). Found by text, not parsed: the careflow observer runs inside the timed window on the
// same two cores as the capture, and a JSON parse per event would take CPU from what is measured.
std::string patient_of(std::string_view key_json) {
  constexpr std::string_view kField = "\"patient_id\":\"";
  const size_t payload = key_json.rfind("\"payload\":");
  const size_t at = key_json.find(kField, payload == std::string_view::npos ? 0 : payload);
  if (at == std::string_view::npos) return "";
  const size_t start = at + kField.size();
  const size_t end = key_json.find('"', start);
  if (end == std::string_view::npos) return "";
  return std::string(key_json.substr(start, end - start));
}

Outcome run_careflow(const std::string& conninfo, const std::string& log_dir, const Options& o) {
  Outcome out;
  log::EmbeddedLogOptions lo;
  lo.maintenance_interval_ms = 0;
  auto log = log::EmbeddedLog::open(log_dir, lo);
  if (!log) throw std::runtime_error(log.status().to_string());
  cdc::CdcOptions co;
  co.conninfo = conninfo;
  co.slot = "careflow_bench";
  co.publication = "careflow_bench";
  co.tables = {"public.patients"};
  co.envelope.database = "careflow";
  co.make_durable = [&] { return (*log)->flush(); };
  auto connector = cdc::CdcConnector::start(co, **log);
  if (!connector) throw std::runtime_error(connector.status().to_string());
  while ((*connector)->status().state != "streaming") std::this_thread::sleep_for(std::chrono::milliseconds(10));

  // Observer of the paced phase: timestamps each event as it becomes readable.
  const std::string last_bulk = fmt::format("CFB{}", o.bulk);
  std::map<std::string, int64_t> seen;  // written by the observer only, read after it ended
  std::atomic<bool> stop{false};
  const log::TopicPartition tp{"healthcare.public.patients", 0};
  std::thread observer([&] {
    int64_t offset = (*log)->partition_offsets(tp.topic)->at(0).end_offset;
    while (!stop) {
      auto ready = (*log)->wait_for_data(tp, offset, std::chrono::milliseconds(50));
      if (!ready || !*ready) continue;
      auto fetched = (*log)->fetch(tp, offset, {.max_records = 200'000, .max_bytes = 1ll << 30});
      if (!fetched) continue;
      const int64_t t = now_us();
      for (const auto& r : fetched->records) {
        if (r.key) seen.emplace(patient_of(*r.key), t);
      }
      offset = fetched->next_offset;
    }
  });
  auto conn = store::PgConnection::connect(conninfo);
  auto committed = write_paced(**conn, "CF", o);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  stop = true;
  observer.join();
  // The bulk: its last event is readable once the partition's end passes it. Waiting for that
  // (wait_for_data wakes within a millisecond of the append) rather than reading the 100,000
  // events back keeps a reader of some 440 MB off the two cores the capture is measured on —
  // Debezium's harness is handed its events in process and reads nothing back either.
  const int64_t bulk_start = (*log)->partition_offsets(tp.topic)->at(0).end_offset;
  const int64_t bulk_last = bulk_start + o.bulk - 1;
  const int64_t bulk_commit = bulk_insert(**conn, "CFB", o.bulk);
  for (int i = 0; i < 1200; ++i) {
    auto ready = (*log)->wait_for_data(tp, bulk_last, std::chrono::milliseconds(50));
    if (!ready || !*ready) continue;
    const int64_t t = now_us();
    // The record at that offset must be the bulk's last row, or the count is wrong.
    auto last = (*log)->fetch(tp, bulk_last, {.max_records = 1, .max_bytes = 1});
    if (last && !last->records.empty() && last->records[0].key && patient_of(*last->records[0].key) == last_bulk) {
      seen.emplace(last_bulk, t);
    }
    break;
  }
  out.expected = static_cast<int>(committed.size());
  for (const auto& [id, t] : committed) {
    if (auto it = seen.find(id); it != seen.end()) out.latencies_us.push_back(it->second - t);
  }
  if (auto it = seen.find(last_bulk); it != seen.end()) {
    out.bulk_events = o.bulk;
    out.bulk_events_per_s = o.bulk / ((it->second - bulk_commit) / 1e6);
  }
  (*connector)->stop();
  return out;
}

Outcome run_debezium(const std::string& conninfo, int port, const std::string& scratch, const Options& o) {
  Outcome out;
  const std::string file = scratch + "/debezium.tsv";
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string cp = "-cp", port_arg = fmt::format("database.port={}", port);
    freopen((scratch + "/debezium.log").c_str(), "w", stdout);
    freopen((scratch + "/debezium.log").c_str(), "a", stderr);
    execlp("java", "java", cp.c_str(), o.java_classpath.c_str(), "careflow.interop.DebeziumCapture", file.c_str(),
           "--timestamps", "--min-events", std::to_string(o.bulk).c_str(), "--idle-ms", "4000",
           "database.hostname=127.0.0.1", port_arg.c_str(), "database.user=careflow", "database.password=unused",
           "database.dbname=careflow", "table.include.list=public.patients", "slot.name=debezium_bench",
           "publication.name=debezium_bench", "publication.autocreate.mode=filtered", "snapshot.mode=initial",
           static_cast<char*>(nullptr));
    _exit(127);
  }
  auto conn = store::PgConnection::connect(conninfo);
  // Debezium streams once a row inserted now shows up in its output (it flushes every 100 ms).
  for (int i = 0; i < 600; ++i) {
    (void)(*conn)->exec("INSERT INTO patients (patient_id, name) VALUES ($1, 'warm-up')", {fmt::format("DZW{}", i)});
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::ifstream probe(file);
    const std::string text((std::istreambuf_iterator<char>(probe)), std::istreambuf_iterator<char>());
    if (text.find("\"DZW") != std::string::npos) break;
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto committed = write_paced(**conn, "DZ", o);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const int64_t bulk_commit = bulk_insert(**conn, "DZB", o.bulk);
  int status = 0;
  waitpid(pid, &status, 0);  // the harness exits after 4 s without events
  std::map<std::string, int64_t> seen;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    const size_t a = line.find('\t'), b = line.find('\t', a + 1), c = line.rfind('\t');
    if (a == std::string::npos || c == b) continue;
    seen.emplace(patient_of(line.substr(a + 1, b - a - 1)), std::stoll(line.substr(c + 1)));
  }
  out.expected = static_cast<int>(committed.size());
  for (const auto& [id, t] : committed) {
    if (auto it = seen.find(id); it != seen.end()) out.latencies_us.push_back(it->second - t);
  }
  const std::string last_bulk = fmt::format("DZB{}", o.bulk);
  if (auto it = seen.find(last_bulk); it != seen.end()) {
    out.bulk_events = o.bulk;
    out.bulk_events_per_s = o.bulk / ((it->second - bulk_commit) / 1e6);
  }
  (void)(*conn)->exec("SELECT pg_drop_replication_slot('debezium_bench')");
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--java-classpath") o.java_classpath = value;
    else if (flag == "--markdown") o.markdown = value;
    else if (flag == "--rate") o.rate = std::stoi(value);
    else if (flag == "--seconds") o.seconds = std::stoi(value);
    else if (flag == "--bulk") o.bulk = std::stoi(value);
    else {
      fmt::print(stderr, "cdc_bench: unknown flag {}\n", flag);
      return 2;
    }
  }
  if (o.java_classpath.empty()) {
    fmt::print(stderr, "cdc_bench: --java-classpath is required (bench/cdc_bench.sh passes it)\n");
    return 2;
  }
  bench::ScratchDir scratch("cdc");
  std::filesystem::permissions(scratch.path(), std::filesystem::perms::all);
  store::LocalPostgresOptions pg_options;
  pg_options.dir = (scratch.path() / "pg").string();
  pg_options.port = store::testing::free_port();  // a fixed port would collide with another PostgreSQL
  auto pg = store::LocalPostgres::start(pg_options);
  if (!pg) {
    fmt::print(stderr, "cdc_bench: {}\n", pg.status().to_string());
    return 1;
  }
  auto db = store::Database::open((*pg)->conninfo(), 1);
  if (!db || !store::migrate(**db)) {
    fmt::print(stderr, "cdc_bench: migrating failed\n");
    return 1;
  }
  const Outcome ours = run_careflow((*pg)->conninfo(), (scratch.path() / "log").string(), o);
  const Outcome peer = run_debezium((*pg)->conninfo(), pg_options.port, scratch.path().string(), o);

  std::string md;
  md += fmt::format("{} single-insert transactions/s for {} s, then one {}-row INSERT; public.patients, JSON with "
                    "schemas, fsync of the log before confirming.\n\n",
                    o.rate, o.seconds, o.bulk);
  md += "| capture | events seen | p50 latency | p99 latency | bulk events/s |\n|---|---|---|---|---|\n";
  for (const auto& [name, r] : {std::pair<std::string, const Outcome&>{"careflow cdc (embedded log)", ours},
                                std::pair<std::string, const Outcome&>{"peer: Debezium 3.4.1 embedded engine", peer}}) {
    md += fmt::format("| {} | {}/{} | {:.2f} ms | {:.2f} ms | {:.0f} |\n", name, r.latencies_us.size(), r.expected,
                      percentile(r.latencies_us, 0.5), percentile(r.latencies_us, 0.99), r.bulk_events_per_s);
  }
  const double p99_ratio = percentile(ours.latencies_us, 0.99) > 0
                               ? percentile(peer.latencies_us, 0.99) / percentile(ours.latencies_us, 0.99) : 0;
  md += fmt::format("\nRatios (> 1 = careflow better): p99 latency {:.2f}x, bulk events/s {}. Targets (issue 6): "
                    "p99 < 50 ms, bulk >= 5x Debezium.\n",
                    p99_ratio, bench::ratio(ours.bulk_events_per_s, peer.bulk_events_per_s));
  fmt::print("{}", md);
  if (!o.markdown.empty()) std::ofstream(o.markdown, std::ios::app) << md;
  return 0;
}
