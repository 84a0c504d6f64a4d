// Exactly once through SIGKILL, with `careflow up` hosting the job (docs/jobs.md#delivery): a job
// submitted over REST — a topic source → a group aggregate → a join with a second topic → an
// upsert sink into the log, checkpointing every 50 ms — runs over a fixed input while `careflow up`
// is killed with SIGKILL at random moments (while it starts, while the job reads, and one time in
// three while a checkpoint file is being written) and started again, 24 times over the same data
// directory; a last start runs the job to the end of its input and stops cleanly. The sink topic's
// committed records must equal those of one uninterrupted run of the same job row for row: nothing
// lost, nothing repeated, in the same order. Both runs share one PostgreSQL (up's database), started
// here once, and run without change data capture.
//
// The same with change data capture feeding the job (cdc_ward_totals.h): two tables of a PostgreSQL
// of each run's own — readings, and the devices they are joined with — captured by up onto topics
// in Debezium JSON; the job a group aggregate of the readings per device → a join with the devices
// → an upsert topic. The readings' inserts, updates and deletes, then the devices' changes (wards
// moved, devices added and removed: the join retracts), each made while up is down; up killed 18
// and 6 times while it starts, captures and runs the job on them, some of them inside a checkpoint.
// The captured events and the job's output must both equal the uninterrupted run's.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "http/tests/http_client.h"
#include "store/local_postgres.h"
#include "store/tests/test_postgres.h"
#include "tests/faults/cdc_ward_totals.h"
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

const std::string kCdcJob = std::string("SET 'execution.checkpointing.interval' = '50 ms';\n") + faults::kCdcWardTotalsJob;

// How a run of up is started: its database and its settings beyond the common ones.
struct UpSetup {
  std::string conninfo;
  std::vector<std::string> settings;  // "key=value"
};

struct KillCounts {
  int killed = 0, during_checkpoint = 0, before_banner = 0, unfinished = 0;
};

class UpCrashTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = careflow::testing::fresh_test_dir("up-crash"); }
  void TearDown() override {
    if (up_.pid > 0 && wait_exit(up_.pid, std::chrono::milliseconds(0)) == -1) {
      kill(up_.pid, SIGKILL);
      wait_exit(up_.pid, std::chrono::seconds(10));
    }
    pgs_.clear();
    fs::remove_all(dir_);
  }

  // A PostgreSQL of its own in dir_/<name>.
  store::LocalPostgres* start_postgres(const std::string& name) {
    store::LocalPostgresOptions options;
    options.dir = (dir_ / name).string();
    options.port = store::testing::free_port();
    auto pg = store::LocalPostgres::start(options);
    EXPECT_TRUE(pg.is_ok()) << pg.status().to_string();
    if (!pg.is_ok()) return nullptr;
    pgs_.push_back(std::move(*pg));
    return pgs_.back().get();
  }
  // Starts up on `data_dir` without waiting for it.
  void spawn(const fs::path& data_dir, const UpSetup& setup) {
    port_ = store::testing::free_port();
    std::vector<std::string> args = {"--data-dir", data_dir.string(), "--set", fmt::format("api.token={}", kToken),
                                     "--set", fmt::format("http.port={}", port_), "--set", "database.url=" + setup.conninfo,
                                     "--set", "kafka_listener.enabled=false"};
    for (const std::string& s : setup.settings) args.insert(args.end(), {"--set", s});
    args.push_back("up");
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
  void submit(const std::string& statement) {
    auto posted = call("POST", "/jobs", nlohmann::json{{"statement", statement}}.dump());
    ASSERT_EQ(posted.status, 201) << posted.body;
    ASSERT_EQ(posted.json()["jobs"][0]["id"], "job-1");
    ASSERT_EQ(posted.json()["jobs"][0]["deliveryGuarantee"], "exactly-once") << posted.body;
  }
  // Waits (60 s) until job-1 has read each topic of `ends` up to its offset there, then stops up
  // cleanly: its last checkpoint commits everything.
  void finish(const fs::path& data_dir, const std::map<std::string, int64_t>& ends) {
    nlohmann::json job;
    bool done = false;
    for (int i = 0; i < 600 && !done; ++i) {
      job = call("GET", "/jobs/job-1").json();
      done = job.is_object() && job["state"] == "RUNNING" && job["lag"].size() == ends.size();
      for (const auto& l : job.is_object() ? job["lag"] : nlohmann::json::array()) {
        auto end = ends.find(l["topic"].get<std::string>());
        done = done && end != ends.end() && l["offset"] == end->second;
      }
      if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(done) << job.dump() << read_file(data_dir.string() + ".err");
    stop(data_dir);
  }
  void stop(const fs::path& data_dir) {
    ASSERT_EQ(kill(up_.pid, SIGTERM), 0);
    ASSERT_EQ(wait_exit(up_.pid, std::chrono::seconds(30)), 0) << read_file(data_dir.string() + ".err");
    up_.pid = -1;
  }
  // Starts up on `crashed` `rounds` times and kills it with SIGKILL: now and then while it starts,
  // one time in three inside a checkpoint, else at a random moment, mostly early (each start
  // resumes, so the work left shrinks with every kill after a commit). `first` runs once up is up
  // the first time (a submission). `sink` and `complete` tell whether a kill found work left.
  KillCounts kill_repeatedly(const fs::path& crashed, const UpSetup& setup, std::chrono::nanoseconds run_time,
                             const std::function<void()>& first, const std::string& sink, size_t complete, int rounds = 24) {
    const fs::path checkpoints = crashed / "jobs" / "job-1" / "checkpoints";
    std::mt19937 rng(11);
    const auto window_us = std::max<int64_t>(1000, std::chrono::duration_cast<std::chrono::microseconds>(run_time).count());
    KillCounts counts;
    for (int round = 0; round < rounds; ++round) {
      // A checkpoint file of this start, not one a kill of the previous start left behind.
      const auto started = fs::file_time_type::clock::now();
      spawn(crashed, setup);
      if (round % 8 == 5) {
        std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 400));
        ++counts.before_banner;
      } else {
        EXPECT_TRUE(wait_banner(crashed)) << "round " << round << ": " << read_file(crashed.string() + ".err");
        if (round == 0 && first) first();
        if (round % 3 == 1) {
          const auto give_up = std::chrono::steady_clock::now() + run_time;
          while (!faults::checkpoint_in_progress(checkpoints, started) && std::chrono::steady_clock::now() < give_up) {
            std::this_thread::sleep_for(std::chrono::microseconds(100));
          }
        } else {
          std::this_thread::sleep_for(
              std::chrono::microseconds(rng() % static_cast<uint64_t>(round % 8 == 7 ? window_us / 3 : window_us / 10)));
        }
      }
      EXPECT_EQ(kill(up_.pid, SIGKILL), 0);
      const int code = wait_exit(up_.pid, std::chrono::seconds(10));
      up_.pid = -1;
      EXPECT_EQ(code, 128 + SIGKILL) << "round " << round << "\n" << read_file(crashed.string() + ".err");
      if (code != 128 + SIGKILL) return counts;
      ++counts.killed;
      if (faults::checkpoint_in_progress(checkpoints, started)) ++counts.during_checkpoint;
      if (faults::committed_records(crashed, sink).size() < complete) ++counts.unfinished;
    }
    return counts;
  }
  // Unfinished checkpoint files left in job-1's directory after the last, clean stop: every kill
  // left it recoverable when this is 0 (nothing but committed checkpoints remains).
  int temporary_files(const fs::path& data_dir) {
    int tmp = 0;
    for (const auto& e : fs::recursive_directory_iterator(data_dir / "jobs" / "job-1" / "checkpoints")) tmp += e.path().extension() == ".tmp";
    return tmp;
  }
  void expect_same(const std::vector<std::string>& actual, const std::vector<std::string>& expected, const std::string& what) {
    ASSERT_EQ(actual.size(), expected.size()) << what;
    for (size_t i = 0; i < actual.size(); ++i) ASSERT_EQ(actual[i], expected[i]) << what << " record " << i;
  }

  fs::path dir_;
  std::vector<std::unique_ptr<store::LocalPostgres>> pgs_;
  Background up_;
  int port_ = 0;
};

TEST_F(UpCrashTest, KilledAndRestartedUpCommitsEachResultOnce) {
  store::LocalPostgres* pg = start_postgres("pg");
  ASSERT_NE(pg, nullptr);
  const UpSetup setup{pg->conninfo(), {"cdc.enabled=false"}};
  const std::map<std::string, int64_t> ends = {{"readings", kReadings}, {"devices", kDevices}};
  // One uninterrupted run.
  const fs::path ref = dir_ / "reference";
  faults::write_ward_input(ref, kReadings, kDevices, 2025);
  spawn(ref, setup);
  ASSERT_TRUE(wait_banner(ref)) << read_file(ref.string() + ".err");
  const auto submitted = std::chrono::steady_clock::now();
  submit(kJob);
  finish(ref, ends);
  const auto run_time = std::chrono::steady_clock::now() - submitted;
  const std::vector<std::string> expected = faults::committed_records(ref);
  ASSERT_GT(expected.size(), static_cast<size_t>(kReadings / 2));

  // The same job, killed again and again; the last start runs it to the end of its input.
  const fs::path crashed = dir_ / "crashed";
  faults::write_ward_input(crashed, kReadings, kDevices, 2025);
  const KillCounts k = kill_repeatedly(crashed, setup, run_time, [&] { submit(kJob); }, "ward_totals", expected.size());
  ASSERT_FALSE(HasFailure());
  spawn(crashed, setup);
  ASSERT_TRUE(wait_banner(crashed)) << read_file(crashed.string() + ".err");
  finish(crashed, ends);
  std::printf("reference run %.2f s; %d starts killed (%d while starting, %d inside a checkpoint, %d with work left)\n",
              std::chrono::duration<double>(run_time).count(), k.killed, k.before_banner, k.during_checkpoint, k.unfinished);
  EXPECT_GE(k.killed, 20);
  EXPECT_GE(k.during_checkpoint, 3);
  EXPECT_GE(k.unfinished, 10);
  expect_same(faults::committed_records(crashed), expected, "ward_totals");
  EXPECT_EQ(temporary_files(crashed), 0);
}

TEST_F(UpCrashTest, WithChangeDataCaptureFeedingTheJob) {
  // Per run: a database with both tables and the devices in them; up started once to take their
  // snapshot and the job, and stopped once the job has read the snapshot.
  auto prepare = [&](const std::string& name, UpSetup* setup) {
    store::LocalPostgres* pg = start_postgres("pg-" + name);
    ASSERT_NE(pg, nullptr);
    faults::create_cdc_tables(pg->conninfo());
    ASSERT_FALSE(HasFailure());
    *setup = {pg->conninfo(), {faults::kCdcTables, "cdc.format=json", "cdc.schemas_enable=false", "cdc.snapshot_mode=initial"}};
    const fs::path data = dir_ / name;
    spawn(data, *setup);
    ASSERT_TRUE(wait_banner(data)) << read_file(data.string() + ".err");
    nlohmann::json status;
    auto state = [&] { return status.is_object() ? status.value("state", "") : std::string(); };
    for (int i = 0; i < 300 && state() != "streaming"; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      status = call("GET", "/cdc/status").json();
    }
    ASSERT_EQ(state(), "streaming") << status.dump() << read_file(data.string() + ".err");
    submit(kCdcJob);
    finish(data, {{faults::kCdcReadingsTopic, 0}, {faults::kCdcDevicesTopic, faults::device_snapshot_events()}});
  };
  // Where the job stands once it has run each step to its end.
  const int64_t devices_end = faults::device_snapshot_events() + faults::device_change_events();
  const std::map<std::string, int64_t> readings_read = {{faults::kCdcReadingsTopic, faults::kCdcReadingEvents},
                                                        {faults::kCdcDevicesTopic, faults::device_snapshot_events()}};
  const std::map<std::string, int64_t> all_read = {{faults::kCdcReadingsTopic, faults::kCdcReadingEvents},
                                                   {faults::kCdcDevicesTopic, devices_end}};

  // One uninterrupted run: each step's changes made while up is down, then run to their end.
  UpSetup ref_setup, crashed_setup;
  prepare("reference", &ref_setup);
  ASSERT_FALSE(HasFailure());
  const fs::path ref = dir_ / "reference";
  auto run_to_end = [&](const std::map<std::string, int64_t>& ends) {
    const auto started = std::chrono::steady_clock::now();
    spawn(ref, ref_setup);
    finish(ref, ends);
    return std::chrono::steady_clock::now() - started;
  };
  faults::change_readings(ref_setup.conninfo);
  const auto readings_time = run_to_end(readings_read);
  ASSERT_FALSE(HasFailure());
  const size_t after_readings = faults::committed_records(ref, faults::kCdcSink).size();
  faults::change_devices(ref_setup.conninfo);
  const auto devices_time = run_to_end(all_read);
  ASSERT_FALSE(HasFailure());
  const std::vector<std::string> expected = faults::committed_records(ref, faults::kCdcSink);
  const size_t readings_events = faults::committed_records(ref, faults::kCdcReadingsTopic).size();
  const size_t devices_events = faults::committed_records(ref, faults::kCdcDevicesTopic).size();
  ASSERT_EQ(readings_events, static_cast<size_t>(faults::kCdcReadingEvents));
  ASSERT_EQ(devices_events, static_cast<size_t>(devices_end));
  ASSERT_GT(after_readings, static_cast<size_t>(faults::kCdcReadingEvents / 2));
  // The devices' changes reached the sink through the join: moved wards, added devices, and the
  // removed devices' tombstones.
  ASSERT_GT(expected.size(), after_readings + static_cast<size_t>(faults::device_change_events() / 2));
  ASSERT_NE(std::find_if(expected.begin() + static_cast<std::ptrdiff_t>(after_readings), expected.end(),
                         [](const std::string& r) { return r.ends_with("=<tombstone>"); }),
            expected.end());

  // The same steps, up killed again and again in each; the last start of each runs it to its end.
  prepare("crashed", &crashed_setup);
  ASSERT_FALSE(HasFailure());
  const fs::path crashed = dir_ / "crashed";
  faults::change_readings(crashed_setup.conninfo);
  const KillCounts k1 = kill_repeatedly(crashed, crashed_setup, readings_time, nullptr, faults::kCdcSink, after_readings, 18);
  ASSERT_FALSE(HasFailure());
  spawn(crashed, crashed_setup);
  finish(crashed, readings_read);
  ASSERT_FALSE(HasFailure());
  expect_same(faults::committed_records(crashed, faults::kCdcSink), std::vector<std::string>(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(after_readings)),
              "ward_totals after the readings' changes");
  faults::change_devices(crashed_setup.conninfo);
  const KillCounts k2 = kill_repeatedly(crashed, crashed_setup, devices_time, nullptr, faults::kCdcSink, expected.size(), 6);
  ASSERT_FALSE(HasFailure());
  spawn(crashed, crashed_setup);
  finish(crashed, all_read);
  std::printf("CDC: reference run %.2f s + %.2f s; readings step: %d starts killed (%d while starting, %d inside a checkpoint, "
              "%d with work left); devices step: %d killed (%d while starting, %d inside a checkpoint, %d with work left)\n",
              std::chrono::duration<double>(readings_time).count(), std::chrono::duration<double>(devices_time).count(), k1.killed,
              k1.before_banner, k1.during_checkpoint, k1.unfinished, k2.killed, k2.before_banner, k2.during_checkpoint, k2.unfinished);
  EXPECT_GE(k1.killed + k2.killed, 20);
  EXPECT_GE(k1.during_checkpoint + k2.during_checkpoint, 3);
  EXPECT_GE(k1.unfinished + k2.unfinished, 5);
  // The capture wrote each change once (the envelopes' timestamps differ between runs: compared by count).
  EXPECT_EQ(faults::committed_records(crashed, faults::kCdcReadingsTopic).size(), readings_events);
  EXPECT_EQ(faults::committed_records(crashed, faults::kCdcDevicesTopic).size(), devices_events);
  expect_same(faults::committed_records(crashed, faults::kCdcSink), expected, "ward_totals");
  EXPECT_EQ(temporary_files(crashed), 0);
}

}  // namespace
}  // namespace careflow
