// Checkpoints of the streaming engine (docs/checkpoints.md), three measurements:
//
//  1. throughput of a GROUP BY (100k keys, COUNT + SUM) with a checkpoint every second against
//     checkpoints off, interleaved runs, median of three each; the cost is the relative drop;
//  2. checkpoint duration and bytes with 1 M keys when 1 % of them changed since the previous
//     checkpoint: the incremental delta, next to a full checkpoint of the same state;
//  3. recovery time of that state (1 M keys: a base and the deltas after it) into a fresh job.
//
// The engine side is what a checkpointed job runs: Job::push of batches of 1,000 rows, output
// drained after each, JobCheckpointer writing real files (fsynced) into a scratch directory on
// the disk measured ($CAREFLOW_BENCH_DIR). No peer is measured (Flink's RocksDB incremental
// checkpoints are the reference named by the issue but were not run here).
//
//   checkpoint_bench [--rows N] [--markdown FILE]

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "bench_util.h"
#include "exec/checkpoint/job_checkpointer.h"
#include "exec/session.h"

namespace careflow::bench {
namespace {

using exec::Row;
using exec::RowBatch;
using exec::RowKind;
using values::Value;
using Clock = std::chrono::steady_clock;

constexpr const char* kQuery = "SELECT k, COUNT(*), SUM(x) FROM t GROUP BY k";

std::unique_ptr<exec::Job> build() {
  exec::Session session;
  auto r = session.execute_script("CREATE TABLE t (k BIGINT, x BIGINT);" + std::string(kQuery));
  if (!r.is_ok()) {
    fmt::print(stderr, "{}\n", r.status().message());
    std::exit(1);
  }
  return std::move(r->back().job);
}

std::vector<RowBatch> batches(size_t rows, int64_t keys, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<RowBatch> out;
  for (size_t i = 0; i < rows; i += 1000) {
    RowBatch b;
    for (size_t j = 0; j < 1000; ++j) {
      b.push_back(Row{RowKind::kInsert, {Value::integer(static_cast<int64_t>(rng() % static_cast<uint64_t>(keys))),
                                         Value::integer(static_cast<int64_t>(rng() % 100))}});
    }
    out.push_back(std::move(b));
  }
  return out;
}

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

void check(const Status& s) {
  if (!s.is_ok()) {
    fmt::print(stderr, "{}\n", s.message());
    std::exit(1);
  }
}

exec::CheckpointSettings settings(const std::filesystem::path& dir, std::chrono::milliseconds interval) {
  exec::CheckpointSettings s;
  s.directory = dir.string();
  s.interval = interval;
  return s;
}

struct Throughput {
  double rows_per_second = 0;
  int64_t checkpoints = 0;
};

// One run over `input`, with a checkpoint every `interval` (none when zero), as the runner does it.
Throughput run(const std::vector<RowBatch>& input, std::chrono::milliseconds interval, const std::filesystem::path& dir) {
  std::unique_ptr<exec::Job> job = build();
  std::unique_ptr<exec::JobCheckpointer> ck;
  if (interval.count() > 0) {
    std::filesystem::remove_all(dir);
    ck = std::make_unique<exec::JobCheckpointer>(*job, "throughput", settings(dir, interval), nullptr,
                                                 std::vector<exec::Source*>{}, nullptr);
    check(ck->start());
  }
  size_t out = 0;
  const auto start = Clock::now();
  for (const RowBatch& b : input) {
    check(job->push("t", b));
    out += job->take_output().size();
    if (ck && ck->due(Clock::now())) check(ck->checkpoint());
  }
  const double s = seconds(Clock::now() - start);
  if (out == 0) std::exit(2);
  return {static_cast<double>(input.size() * 1000) / s, ck ? ck->stats().checkpoints : 0};
}

}  // namespace
}  // namespace careflow::bench

int main(int argc, char** argv) {
  using namespace careflow::bench;
  size_t rows = 6'000'000;
  std::string markdown;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--rows") && i + 1 < argc) rows = std::stoul(argv[++i]);
    else if (!std::strcmp(argv[i], "--markdown") && i + 1 < argc) markdown = argv[++i];
  }
  ScratchDir scratch("checkpoint");

  // 1. Throughput with and without checkpoints, interleaved so that machine noise hits both.
  const std::vector<careflow::exec::RowBatch> input = batches(rows, 100'000, 1);
  std::vector<double> off, on;
  int64_t taken = 0;
  (void)run(input, std::chrono::milliseconds(0), scratch.path() / "warm");
  for (int i = 0; i < 3; ++i) {
    off.push_back(run(input, std::chrono::milliseconds(0), scratch.path() / "off").rows_per_second);
    Throughput t = run(input, std::chrono::milliseconds(1000), scratch.path() / "on");
    on.push_back(t.rows_per_second);
    taken = t.checkpoints;
  }
  const double off_rate = median(off), on_rate = median(on);
  const double cost = 100.0 * (1.0 - on_rate / off_rate);
  fmt::print("group aggregate, 100k keys: {:.0f} rows/s without checkpoints, {:.0f} rows/s with one every second "
             "({} checkpoints per run): {:.1f} % cost\n", off_rate, on_rate, taken, cost);

  // 2. 1 M keys, 1 % changed between checkpoints.
  constexpr int64_t kKeys = 1'000'000;
  std::unique_ptr<careflow::exec::Job> job = build();
  const auto dir = scratch.path() / "million";
  auto ck = std::make_unique<careflow::exec::JobCheckpointer>(*job, "million", settings(dir, std::chrono::hours(1)), nullptr,
                                                              std::vector<careflow::exec::Source*>{}, nullptr);
  check(ck->start());
  for (int64_t k = 0; k < kKeys; k += 1000) {
    RowBatch b;
    for (int64_t j = k; j < k + 1000; ++j) b.push_back(Row{RowKind::kInsert, {Value::integer(j), Value::integer(j % 100)}});
    check(job->push("t", b));
    (void)job->take_output();
  }
  auto t0 = Clock::now();
  check(ck->checkpoint());
  const double base_seconds = seconds(Clock::now() - t0);
  const int64_t base_bytes = ck->stats().last_bytes;
  std::mt19937_64 rng(5);
  std::vector<double> delta_seconds;
  std::vector<int64_t> delta_bytes;
  for (int round = 0; round < 5; ++round) {
    RowBatch b;
    for (int64_t j = 0; j < kKeys / 100; ++j) {
      b.push_back(Row{RowKind::kInsert, {Value::integer(static_cast<int64_t>(rng() % kKeys)), Value::integer(1)}});
      if (b.size() == 1000) {
        check(job->push("t", b));
        (void)job->take_output();
        b.clear();
      }
    }
    t0 = Clock::now();
    check(ck->checkpoint());
    delta_seconds.push_back(seconds(Clock::now() - t0));
    delta_bytes.push_back(ck->stats().last_bytes);
    if (ck->stats().last_was_base) fmt::print(stderr, "round {} wrote a base\n", round);
  }
  fmt::print("1 M keys: full checkpoint {:.3f} s, {} bytes; incremental with 1 % changed: {:.3f} s, {} bytes (median of 5)\n",
             base_seconds, base_bytes, median(delta_seconds),
             static_cast<int64_t>(median(std::vector<double>(delta_bytes.begin(), delta_bytes.end()))));

  // 3. Recovery of that state (the base and 5 deltas) into a fresh job.
  std::unique_ptr<careflow::exec::Job> fresh = build();
  careflow::exec::JobCheckpointer recover(*fresh, "million", settings(dir, std::chrono::hours(1)), nullptr, {}, nullptr);
  t0 = Clock::now();
  check(recover.start());
  const double recovery_seconds = seconds(Clock::now() - t0);
  fmt::print("recovery of 1 M keys (base + 5 deltas): {:.3f} s\n", recovery_seconds);

  if (!markdown.empty()) {
    std::ofstream md(markdown);
    md << "# Checkpoints\n\nGenerated by `checkpoint_bench` (bench/checkpoint_bench.cc); see that file for the method.\n"
          "No peer was measured: Flink's RocksDB incremental checkpoints are the reference the issue names, not run here.\n\n"
       << "| measurement | result |\n|---|---|\n"
       << fmt::format("| GROUP BY 100k keys, {} rows: checkpoints off | {:.0f} rows/s |\n", rows, off_rate)
       << fmt::format("| same, a checkpoint every second ({} per run) | {:.0f} rows/s ({:.1f} % cost; target ≤ 10 %) |\n", taken,
                      on_rate, cost)
       << fmt::format("| 1 M keys: full checkpoint | {:.3f} s, {:.1f} MB |\n", base_seconds, base_bytes / 1e6)
       << fmt::format("| 1 M keys, 1 % changed: incremental checkpoint (median of 5) | {:.3f} s, {:.2f} MB |\n",
                      median(delta_seconds), median(std::vector<double>(delta_bytes.begin(), delta_bytes.end())) / 1e6)
       << fmt::format("| recovery of 1 M keys (base + 5 deltas) | {:.3f} s |\n", recovery_seconds);
  }
  return 0;
}
