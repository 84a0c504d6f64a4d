// Exactly once through SIGKILL, with `careflow up` hosting the job (docs/jobs.md#delivery): a job
// submitted over REST — a topic source → a group aggregate → a join with a second topic → an
// upsert sink into the log, checkpointing every 50 ms — runs over a fixed input while `careflow up`
// is killed with SIGKILL at random moments (while it starts, while the job reads, and one time in
// three while a checkpoint file is being written) and started again, 24 times over the same data
// directory; a last start runs the job to the end of its input and stops cleanly. The sink topic's
// committed records must equal those of one uninterrupted run of the same job row for row: nothing
// lost, nothing repeated, in the same order. Both runs share one PostgreSQL (up's database), started
// here once, and run without change data capture.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "http/tests/http_client.h"
#include "store/local_postgres.h"
#include "store/tests/test_postgres.h"
#include "tests/faults/ward_totals_job.h"
#include "tests/integration/run_process.h"

namespace careflow {
namespace {

namespace fs = std::filesystem;
using careflow::testing::Background;
using careflow::testing::read_file;
using careflow::testing::wait_exit;

constexpr int kReadings = 20000;
constexpr int kDevices = 1000;  // one batch: every device is joined in the job's first round
constexpr const char* kToken = "up-crash-token";

const std::string kJob = std::string("SET 'execution.checkpointing.interval' = '50 ms';\n") + faults::kWardTotalsJob;

class UpCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = careflow::testing::fresh_test_dir("up-crash");
    store::LocalPostgresOptions options;
    options.dir = (dir_ / "pg").string();
    options.port = store::testing::free_port();
    auto pg = store::LocalPostgres::start(options);
    ASSERT_TRUE(pg.is_ok()) << pg.status().to_string();
    pg_ = std::move(*pg);
  }
  void TearDown() override {
    if (up_.pid > 0 && wait_exit(up_.pid, std::chrono::milliseconds(0)) == -1) {
      kill(up_.pid, SIGKILL);
      wait_exit(up_.pid, std::chrono::seconds(10));
    }
    pg_.reset();
    fs::remove_all(dir_);
  }

  // Starts up on `data_dir` without waiting for it.
  void spawn(const fs::path& data_dir) {
    port_ = store::testing::free_port();
    const std::vector<std::string> args = {"--data-dir", data_dir.string(), "--set", fmt::format("api.token={}", kToken),
                                           "--set", fmt::format("http.port={}", port_), "--set",
                                           "database.url=" + pg_->conninfo(), "--set", "cdc.enabled=false", "--set",
                                           "kafka_listener.enabled=false", "up"};
    up_ = careflow::testing::start_process(CAREFLOW_BINARY, args, (data_dir.string() + ".out"), (data_dir.string() + ".err"));
  }
  // Whether up printed its banner within 60 s (its jobs are resumed by then).
  bool wait_banner(const fs::path& data_dir) {
    for (int i = 0; i < 6000; ++i) {
      if (read_file(data_dir.string() + ".out").find("Press Ctrl-C") != std::string::npos) return true;
      if (wait_exit(up_.pid, std::chrono::milliseconds(0)) != -1) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  // Status 0 when up does not answer (it exited: the caller's assertion shows its stderr).
  http::testing::Reply call(const std::string& method, const std::string& path, const std::string& body = "") {
    try {
      return http::testing::call(port_, method, path, body, {{"Authorization", fmt::format("Bearer {}", kToken)}});
    } catch (const std::exception& e) {
      return {0, e.what(), {}};
    }
  }
  void submit() {
    auto posted = call("POST", "/jobs", nlohmann::json{{"statement", kJob}}.dump());
    ASSERT_EQ(posted.status, 201) << posted.body;
    ASSERT_EQ(posted.json()["jobs"][0]["id"], "job-1");
    ASSERT_EQ(posted.json()["jobs"][0]["deliveryGuarantee"], "exactly-once") << posted.body;
  }
  // Waits (60 s) until job-1 has read both topics to their end, then stops up cleanly: its last
  // checkpoint commits everything.
  void finish(const fs::path& data_dir) {
    nlohmann::json job;
    bool done = false;
    for (int i = 0; i < 600 && !done; ++i) {
      job = call("GET", "/jobs/job-1").json();
      done = job.is_object() && job["state"] == "RUNNING" && job["lag"].size() == 2;
      for (const auto& l : job.is_object() ? job["lag"] : nlohmann::json::array()) {
        done = done && l["offset"] == (l["topic"] == "readings" ? kReadings : kDevices);
      }
      if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(done) << job.dump() << read_file(data_dir.string() + ".err");
    ASSERT_EQ(kill(up_.pid, SIGTERM), 0);
    ASSERT_EQ(wait_exit(up_.pid, std::chrono::seconds(30)), 0) << read_file(data_dir.string() + ".err");
    up_.pid = -1;
  }

  fs::path dir_;
  std::unique_ptr<store::LocalPostgres> pg_;
  Background up_;
  int port_ = 0;
};

TEST_F(UpCrashTest, KilledAndRestartedUpCommitsEachResultOnce) {
  // One uninterrupted run.
  const fs::path ref = dir_ / "reference";
  faults::write_ward_input(ref, kReadings, kDevices, 2025);
  spawn(ref);
  ASSERT_TRUE(wait_banner(ref)) << read_file(ref.string() + ".err");
  const auto submitted = std::chrono::steady_clock::now();
  submit();
  finish(ref);
  const auto run_time = std::chrono::steady_clock::now() - submitted;
  const std::vector<std::string> expected = faults::committed_ward_totals(ref);
  ASSERT_GT(expected.size(), static_cast<size_t>(kReadings / 2));

  // The same job, killed again and again.
  const fs::path crashed = dir_ / "crashed";
  const fs::path checkpoints = crashed / "jobs" / "job-1" / "checkpoints";
  faults::write_ward_input(crashed, kReadings, kDevices, 2025);
  std::mt19937 rng(11);
  const auto window_us = std::max<int64_t>(1000, std::chrono::duration_cast<std::chrono::microseconds>(run_time).count());
  int killed = 0, during_checkpoint = 0, before_banner = 0, unfinished = 0;
  for (int round = 0; round < 24; ++round) {
    spawn(crashed);
    if (round % 8 == 5) {
      // While it starts: opening the log, the database, resuming the job.
      std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 400));
      ++before_banner;
    } else {
      ASSERT_TRUE(wait_banner(crashed)) << "round " << round << ": " << read_file(crashed.string() + ".err");
      if (round == 0) submit();
      if (round % 3 == 1) {
        // Inside a checkpoint: as soon as one of its files is being written.
        const auto give_up = std::chrono::steady_clock::now() + run_time;
        while (!faults::checkpoint_in_progress(checkpoints) && std::chrono::steady_clock::now() < give_up) {
          std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
      } else {
        // Mostly early (each start resumes, so the work left shrinks with every kill after a
        // commit), now and then later.
        std::this_thread::sleep_for(
            std::chrono::microseconds(rng() % static_cast<uint64_t>(round % 8 == 7 ? window_us / 3 : window_us / 10)));
      }
    }
    ASSERT_EQ(kill(up_.pid, SIGKILL), 0);
    const int code = wait_exit(up_.pid, std::chrono::seconds(10));
    up_.pid = -1;
    ASSERT_EQ(code, 128 + SIGKILL) << "round " << round << "\n" << read_file(crashed.string() + ".err");
    ++killed;
    if (faults::checkpoint_in_progress(checkpoints)) ++during_checkpoint;
    // Whether the kill found the job with work left (its committed output not complete yet).
    if (faults::committed_ward_totals(crashed).size() < expected.size()) ++unfinished;
  }
  // The last start runs the job to the end of its input.
  spawn(crashed);
  ASSERT_TRUE(wait_banner(crashed)) << read_file(crashed.string() + ".err");
  finish(crashed);
  std::printf("reference run %.2f s; %d starts killed (%d while starting, %d inside a checkpoint, %d with work left)\n",
              std::chrono::duration<double>(run_time).count(), killed, before_banner, during_checkpoint, unfinished);
  EXPECT_GE(killed, 20);
  EXPECT_GE(during_checkpoint, 3);
  EXPECT_GE(unfinished, 10);

  const std::vector<std::string> actual = faults::committed_ward_totals(crashed);
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) ASSERT_EQ(actual[i], expected[i]) << "record " << i;
  // Every kill left the directory recoverable: nothing but committed checkpoints remains.
  int tmp = 0;
  for (const auto& e : fs::recursive_directory_iterator(checkpoints)) tmp += e.path().extension() == ".tmp";
  EXPECT_EQ(tmp, 0);
}

}  // namespace
}  // namespace careflow
