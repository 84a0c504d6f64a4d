// Checkpoints of the streaming engine (docs/checkpoints.md) against Apache Flink 1.20's RocksDB
// incremental checkpoints on the same job and the same input, three measurements:
//
//  1. throughput of a GROUP BY (100k keys, COUNT + SUM) with a checkpoint every second against
//     checkpoints off, interleaved runs, median of five each; the cost is the relative drop;
//  2. checkpoint duration and bytes with 1 M keys: a first (full) checkpoint, then 5 rounds of
//     rows touching 1 % of the keys, each followed by an incremental checkpoint (median of 5);
//  3. recovery of that state (1 M keys: a base and the deltas after it) into a fresh job, timed
//     until a probe row for key 0 comes out carrying the restored count (checked).
//
// The careflow side is what a checkpointed job runs: Job::push of batches of 1,000 rows, output
// drained after each, JobCheckpointer writing real files (fsynced) into a scratch directory on
// the disk measured ($CAREFLOW_BENCH_DIR). The same rows and SQL text go into a data directory
// that the Flink side (tests/interop/flink, careflow.interop.bench.CheckpointBench) reads.
// scripts/bench checkpoint drives the three steps:
//
//   checkpoint_bench --data DIR [--rows N]     write DIR/setup.sql, query.sql, throughput.tsv,
//                                              million.tsv, delta-<n>.tsv; measure careflow into
//                                              DIR/careflow.tsv (--inputs-only: just the files,
//                                              for running the Flink side on its own)
//   (Flink: CheckpointBench DIR writes DIR/flink.tsv)
//   checkpoint_bench --report DIR --markdown FILE   the table, careflow ÷ Flink

#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "bench_util.h"
#include "checkpoint_report.h"
#include "exec/checkpoint/job_checkpointer.h"
#include "exec/session.h"

namespace careflow::bench {
namespace {

namespace fs = std::filesystem;
using exec::Row;
using exec::RowBatch;
using exec::RowKind;
using values::Value;
using Clock = std::chrono::steady_clock;

constexpr const char* kSetup = "CREATE TABLE t (k BIGINT, x BIGINT)";
constexpr const char* kQuery = "SELECT k, COUNT(*), SUM(x) FROM t GROUP BY k";
constexpr int64_t kKeys = 1'000'000;
constexpr int kDeltaRounds = 5;

std::unique_ptr<exec::Job> build() {
  exec::Session session;
  auto r = session.execute_script(std::string(kSetup) + ";" + kQuery);
  if (!r.is_ok()) {
    fmt::print(stderr, "{}\n", r.status().message());
    std::exit(1);
  }
  return std::move(r->back().job);
}

Row row(int64_t k, int64_t x) { return Row{RowKind::kInsert, {Value::integer(k), Value::integer(x)}}; }

// `rows` rows (in batches of 1,000) of random keys below `keys` and values below `max_x` (or
// `fixed_x` when max_x is 0), from a seeded generator.
std::vector<RowBatch> random_rows(size_t rows, int64_t keys, uint32_t seed, int64_t max_x, int64_t fixed_x = 0) {
  std::mt19937_64 rng(seed);
  std::vector<RowBatch> out;
  for (size_t i = 0; i < rows; i += 1000) {
    RowBatch b;
    for (size_t j = 0; j < 1000 && i + j < rows; ++j) {
      const auto k = static_cast<int64_t>(rng() % static_cast<uint64_t>(keys));
      const int64_t x = max_x > 0 ? static_cast<int64_t>(rng() % static_cast<uint64_t>(max_x)) : fixed_x;
      b.push_back(row(k, x));
    }
    out.push_back(std::move(b));
  }
  return out;
}

// Every key of 0..kKeys-1 once, with x = k % 100.
std::vector<RowBatch> every_key() {
  std::vector<RowBatch> out;
  for (int64_t k = 0; k < kKeys; k += 1000) {
    RowBatch b;
    for (int64_t j = k; j < k + 1000; ++j) b.push_back(row(j, j % 100));
    out.push_back(std::move(b));
  }
  return out;
}

// The rows as the Flink side reads them: "t TAB +I TAB k TAB x" a line.
void write_rows(const fs::path& file, const std::vector<RowBatch>& batches) {
  std::string text;
  std::ofstream out(file, std::ios::binary);
  for (const RowBatch& b : batches) {
    for (const Row& r : b) fmt::format_to(std::back_inserter(text), "t\t+I\t{}\t{}\n", r.fields[0].as_int(), r.fields[1].as_int());
    if (text.size() > (1 << 20)) {
      out << text;
      text.clear();
    }
  }
  out << text;
  if (!out) {
    fmt::print(stderr, "checkpoint_bench: cannot write {}\n", file.string());
    std::exit(1);
  }
}

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void check(const Status& s) {
  if (!s.is_ok()) {
    fmt::print(stderr, "{}\n", s.message());
    std::exit(1);
  }
}

exec::CheckpointSettings settings(const fs::path& dir, std::chrono::milliseconds interval) {
  exec::CheckpointSettings s;
  s.directory = dir.string();
  s.interval = interval;
  return s;
}

std::unique_ptr<exec::JobCheckpointer> checkpointer(exec::Job& job, const std::string& name, const fs::path& dir,
                                                    std::chrono::milliseconds interval) {
  return std::make_unique<exec::JobCheckpointer>(job, name, settings(dir, interval), nullptr,
                                                 std::vector<exec::Source*>{}, nullptr);
}

struct Throughput {
  double rows_per_second = 0;
  double cpu_busy = 0;  // cores: process CPU time over the run ÷ its wall time
  int64_t checkpoints = 0;
  double checkpoint_seconds = 0;  // wall time inside JobCheckpointer::checkpoint over the run
};

// One run over `input`, with a checkpoint every `interval` (none when zero), as the runner does it.
Throughput run(const std::vector<RowBatch>& input, size_t rows, std::chrono::milliseconds interval, const fs::path& dir) {
  std::unique_ptr<exec::Job> job = build();
  std::unique_ptr<exec::JobCheckpointer> ck;
  if (interval.count() > 0) {
    fs::remove_all(dir);
    ck = checkpointer(*job, "throughput", dir, interval);
    check(ck->start());
  }
  size_t out = 0;
  Clock::duration in_checkpoints{};
  const double cpu0 = process_cpu_seconds();
  const auto start = Clock::now();
  for (const RowBatch& b : input) {
    check(job->push("t", b));
    out += job->take_output().size();
    if (ck && ck->due(Clock::now())) {
      const auto t0 = Clock::now();
      check(ck->checkpoint());
      in_checkpoints += Clock::now() - t0;
    }
  }
  const double s = seconds(Clock::now() - start);
  const double cpu = process_cpu_seconds() - cpu0;
  if (out == 0) std::exit(2);
  return {static_cast<double>(rows) / s, cpu / s, ck ? ck->stats().checkpoints : 0, seconds(in_checkpoints)};
}

void push_all(exec::Job& job, const std::vector<RowBatch>& batches) {
  for (const RowBatch& b : batches) {
    check(job.push("t", b));
    (void)job.take_output();
  }
}

int measure(const fs::path& data, size_t rows, bool inputs_only) {
  ScratchDir scratch("checkpoint");
  CheckpointResults results;
  fs::create_directories(data);
  std::ofstream(data / "setup.sql") << kSetup << "\n";
  std::ofstream(data / "query.sql") << kQuery << "\n";

  // The inputs of all three, written for the Flink side before anything is measured.
  const std::vector<RowBatch> input = random_rows(rows, 100'000, 1, 100);
  write_rows(data / "throughput.tsv", input);
  const std::vector<RowBatch> million = every_key();
  write_rows(data / "million.tsv", million);
  std::vector<std::vector<RowBatch>> deltas;
  for (int round = 0; round < kDeltaRounds; ++round) {
    deltas.push_back(random_rows(kKeys / 100, kKeys, 5 + round, 0, 1));
    write_rows(data / fmt::format("delta-{}.tsv", round + 1), deltas.back());
  }
  if (inputs_only) return 0;

  // 1. Throughput with and without checkpoints, interleaved so that machine noise hits both.
  std::vector<double> off, on, on_busy, in_checkpoints;
  int64_t taken = 0;
  (void)run(input, rows, std::chrono::milliseconds(0), scratch.path() / "warm");
  for (int i = 0; i < 5; ++i) {
    off.push_back(run(input, rows, std::chrono::milliseconds(0), scratch.path() / "off").rows_per_second);
    Throughput t = run(input, rows, std::chrono::milliseconds(1000), scratch.path() / "on");
    const double run_seconds = static_cast<double>(rows) / t.rows_per_second;
    fmt::print("  run {}: {:.0f} rows/s off, {:.0f} rows/s on, {} checkpoints taking {:.3f} s of {:.3f} s\n", i, off.back(),
               t.rows_per_second, t.checkpoints, t.checkpoint_seconds, run_seconds);
    on.push_back(t.rows_per_second);
    in_checkpoints.push_back(100.0 * t.checkpoint_seconds / run_seconds);
    on_busy.push_back(t.cpu_busy);
    taken = t.checkpoints;
  }
  const double off_rate = median(off), on_rate = median(on);
  fmt::print("careflow group aggregate, 100k keys: {:.0f} rows/s without checkpoints, {:.0f} rows/s with one every second "
             "({} checkpoints per run): {:.1f} % cost\n", off_rate, on_rate, taken, 100.0 * (1.0 - on_rate / off_rate));
  results["throughput_rows"] = std::to_string(rows);
  results["throughput_off_rows_per_second"] = fmt::format("{:.0f}", off_rate);
  results["throughput_on_rows_per_second"] = fmt::format("{:.0f}", on_rate);
  results["throughput_on_checkpoints"] = std::to_string(taken);
  results["throughput_on_cpu_busy"] = fmt::format("{:.2f}", median(on_busy));
  results["throughput_in_checkpoints_percent"] = fmt::format("{:.1f}", median(in_checkpoints));

  // 2. 1 M keys, then rounds touching 1 % of them, a checkpoint after each.
  std::unique_ptr<exec::Job> job = build();
  const auto dir = scratch.path() / "million";
  auto ck = checkpointer(*job, "million", dir, std::chrono::hours(1));
  check(ck->start());
  push_all(*job, million);
  auto t0 = Clock::now();
  const double base_cpu0 = process_cpu_seconds();
  check(ck->checkpoint());
  const double base_seconds = seconds(Clock::now() - t0);
  const double base_cpu = process_cpu_seconds() - base_cpu0;
  const int64_t base_bytes = ck->stats().last_bytes;
  std::vector<double> delta_seconds, delta_bytes;
  for (const auto& delta : deltas) {
    push_all(*job, delta);
    t0 = Clock::now();
    check(ck->checkpoint());
    delta_seconds.push_back(seconds(Clock::now() - t0));
    delta_bytes.push_back(static_cast<double>(ck->stats().last_bytes));
    if (ck->stats().last_was_base) fmt::print(stderr, "a delta round wrote a base\n");
  }
  fmt::print("careflow 1 M keys: full checkpoint {:.3f} s ({:.3f} s CPU), {} bytes; incremental with 1 % changed: {:.3f} s, "
             "{:.0f} bytes (median of {})\n", base_seconds, base_cpu, base_bytes, median(delta_seconds), median(delta_bytes),
             kDeltaRounds);
  results["keys"] = std::to_string(kKeys);
  results["full_seconds"] = fmt::format("{:.6f}", base_seconds);
  results["full_cpu_seconds"] = fmt::format("{:.6f}", base_cpu);
  results["full_bytes"] = std::to_string(base_bytes);
  results["delta_seconds"] = fmt::format("{:.6f}", median(delta_seconds));
  results["delta_bytes"] = fmt::format("{:.0f}", median(delta_bytes));
  results["delta_bytes_max"] = fmt::format("{:.0f}", *std::max_element(delta_bytes.begin(), delta_bytes.end()));
  double total = 0;
  for (double b : delta_bytes) total += b;
  results["delta_bytes_total"] = fmt::format("{:.0f}", total);
  results["delta_full_state_bytes"] = std::to_string(ck->stats().state_bytes);
  results["delta_rounds"] = std::to_string(kDeltaRounds);

  // 3. Recovery into a fresh job (built before the clock starts, as Flink's job graph is), until a
  // probe row for key 0 comes out with the restored count: 1 (million) + key 0's delta rows + 1.
  int64_t expected = 2;
  for (const auto& delta : deltas)
    for (const RowBatch& b : delta)
      for (const Row& r : b) expected += r.fields[0].as_int() == 0 ? 1 : 0;
  double recovery_cpu = 0;
  auto probe = [&](bool restore) {
    std::unique_ptr<exec::Job> fresh = build();
    const auto probe_dir = restore ? dir : scratch.path() / "empty";
    auto recover = checkpointer(*fresh, "million", probe_dir, std::chrono::hours(1));
    const auto start = Clock::now();
    const double cpu0 = process_cpu_seconds();
    check(recover->start());
    check(fresh->push("t", RowBatch{row(0, 0)}));
    const RowBatch out = fresh->take_output();
    const double s = seconds(Clock::now() - start);
    if (restore) recovery_cpu = process_cpu_seconds() - cpu0;
    const int64_t want = restore ? expected : 1;
    if (out.empty() || out.back().kind != (restore ? RowKind::kUpdateAfter : RowKind::kInsert) ||
        out.back().fields[1].as_int() != want) {
      fmt::print(stderr, "checkpoint_bench: the probe of key 0 did not give count {}: the state was not restored\n", want);
      std::exit(1);
    }
    return s;
  };
  const double recovery_seconds = probe(true);
  const double empty_seconds = probe(false);
  fmt::print("careflow recovery of 1 M keys (base + {} deltas): {:.3f} s ({:.3f} s CPU) to the first restored result ({:.3f} s "
             "without state)\n", kDeltaRounds, recovery_seconds, recovery_cpu, empty_seconds);
  results["restore_seconds"] = fmt::format("{:.6f}", recovery_seconds);
  results["restore_cpu_seconds"] = fmt::format("{:.6f}", recovery_cpu);
  results["start_without_state_seconds"] = fmt::format("{:.6f}", empty_seconds);
  write_checkpoint_results(data / "careflow.tsv", results);
  return 0;
}

}  // namespace
}  // namespace careflow::bench

int main(int argc, char** argv) {
  using namespace careflow::bench;
  size_t rows = 6'000'000;
  std::string data, report, markdown;
  bool inputs_only = false;
  for (int i = 1; i < argc; ++i) {
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        fmt::print(stderr, "checkpoint_bench: {} needs a value\n", argv[i]);
        std::exit(2);
      }
      return argv[++i];
    };
    if (!std::strcmp(argv[i], "--rows")) rows = std::stoul(value());
    else if (!std::strcmp(argv[i], "--data")) data = value();
    else if (!std::strcmp(argv[i], "--inputs-only")) inputs_only = true;
    else if (!std::strcmp(argv[i], "--report")) report = value();
    else if (!std::strcmp(argv[i], "--markdown")) markdown = value();
    else {
      fmt::print(stderr, "usage: checkpoint_bench --data DIR [--rows N] [--inputs-only]\n"
                         "       checkpoint_bench --report DIR [--markdown FILE]\n");
      return 2;
    }
  }
  if (!report.empty()) {
    const std::string table = checkpoint_report(report);
    if (markdown.empty()) fmt::print("{}", table);
    else std::ofstream(markdown) << table;
    return 0;
  }
  if (data.empty()) {
    fmt::print(stderr, "checkpoint_bench: give --data DIR (inputs and careflow.tsv) or --report DIR\n");
    return 2;
  }
  return measure(data, rows, inputs_only);
}
