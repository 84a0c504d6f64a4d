// The cost of exactly once for a job of `careflow up` (docs/jobs.md#delivery): a GROUP BY
// (COUNT + SUM per key) submitted to the JobManager that `up` runs, over an embedded log holding
// its input, with checkpoints every second (exactly once: the sink holds its records until each
// checkpoint commits them) against checkpointing off ('execution.checkpointing.interval' = '0':
// at least once, source offsets committed after each batch). Runs interleaved, median of three;
// rows/s is the input read through to the sink, timed from submission until the job has read every
// row. The HTTP in front of `up` is not measured (it only submits the statement).
//
//   jobs_bench [--rows N] [--keys K] [--markdown FILE]

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "jobs/job_manager.h"
#include "log/embedded_log.h"

namespace careflow::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Run {
  double seconds = 0;      // submission until every row was read
  double rows_per_second = 0;
  int64_t checkpoints = 0;
  int64_t last_bytes = 0;
};

[[noreturn]] void die(const std::string& what) {
  fmt::print(stderr, "jobs_bench: {}\n", what);
  std::exit(1);
}

Run run_once(const fs::path& dir, int64_t rows, int64_t keys, bool checkpoints) {
  fs::remove_all(dir);
  auto log = log::EmbeddedLog::open((dir / "log").string());
  if (!log.is_ok()) die(log.status().to_string());
  if (!(*log)->create_topic("readings", {}).is_ok()) die("creating the topic");
  std::mt19937_64 rng(42);
  std::vector<log::Record> batch;
  for (int64_t i = 0; i < rows; ++i) {
    log::Record r;
    r.value = fmt::format(R"({{"k":{},"v":{}}})", rng() % static_cast<uint64_t>(keys), rng() % 100);
    batch.push_back(std::move(r));
    if (batch.size() == 1000 || i + 1 == rows) {
      if (!(*log)->append({"readings", 0}, batch).is_ok()) die("writing the input");
      batch.clear();
    }
  }
  jobs::JobManagerOptions options;
  options.data_dir = dir.string();
  options.topics = log->get();
  auto manager = jobs::JobManager::open(options);
  if (!manager.is_ok()) die(manager.status().to_string());
  if (!(*manager)->append_catalog("CREATE TABLE readings (k BIGINT, v BIGINT) WITH ('format' = 'json')").is_ok() ||
      !(*manager)->append_catalog("CREATE TABLE totals (k BIGINT, n BIGINT, s BIGINT, PRIMARY KEY (k) NOT ENFORCED) "
                                  "WITH ('format' = 'json')").is_ok()) {
    die("the catalog");
  }
  jobs::JobDefinition job;
  job.catalog = *(*manager)->catalog();
  job.statement = "INSERT INTO totals SELECT k, COUNT(*), SUM(v) FROM readings GROUP BY k";
  job.settings["execution.checkpointing.interval"] = checkpoints ? "1 s" : "0";
  const auto started = Clock::now();
  auto submitted = (*manager)->submit(job);
  if (!submitted.is_ok()) die(submitted.status().to_string());
  Run run;
  for (;;) {
    auto info = (*manager)->describe(submitted->id);
    if (!info.is_ok()) die(info.status().to_string());
    if (info->state == "FAILED") die(info->error);
    if (info->rows_in >= rows) {
      run.seconds = std::chrono::duration<double>(Clock::now() - started).count();
      if (info->last_checkpoint) {
        run.checkpoints = info->last_checkpoint->count;
        run.last_bytes = info->last_checkpoint->bytes;
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  run.rows_per_second = static_cast<double>(rows) / run.seconds;
  manager->reset();
  log->reset();
  fs::remove_all(dir);
  return run;
}

}  // namespace
}  // namespace careflow::bench

int main(int argc, char** argv) {
  using namespace careflow::bench;
  int64_t rows = 1000000, keys = 100000;
  std::string markdown;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--rows") && i + 1 < argc) rows = std::stoll(argv[++i]);
    else if (!std::strcmp(argv[i], "--keys") && i + 1 < argc) keys = std::stoll(argv[++i]);
    else if (!std::strcmp(argv[i], "--markdown") && i + 1 < argc) markdown = argv[++i];
    else die(fmt::format("unknown argument '{}'; jobs_bench [--rows N] [--keys K] [--markdown FILE]", argv[i]));
  }
  const ScratchDir scratch("jobs-bench");
  const fs::path dir = scratch.path() / "run";
  std::vector<double> on, off;
  Run last_on;
  for (int round = 0; round < 3; ++round) {
    off.push_back(run_once(dir, rows, keys, false).rows_per_second);
    last_on = run_once(dir, rows, keys, true);
    on.push_back(last_on.rows_per_second);
  }
  const double cost = 1.0 - median(on) / median(off);
  const std::string report = fmt::format(
      "| job in up (GROUP BY, {} rows, {} keys) | rows/s |\n|---|---|\n"
      "| checkpointing off (at least once) | {:.0f} |\n"
      "| checkpoint every 1 s (exactly once) | {:.0f} |\n"
      "| cost | {:.1f} % |\n\n"
      "last checkpointed run: {} checkpoints, the last wrote {} bytes\n",
      rows, keys, median(off), median(on), cost * 100, last_on.checkpoints, last_on.last_bytes);
  fmt::print("{}", report);
  if (!markdown.empty()) std::ofstream(markdown) << report;
  return 0;
}
