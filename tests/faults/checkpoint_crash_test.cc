// Exactly once through crashes, with real processes: `careflow sql -f` runs a checkpointed chain
// (a topic source → a group aggregate → a join with a second topic → an upsert sink into the log)
// over a fixed input and is killed with SIGKILL — at random moments (before it starts reading, in
// the middle of batches, after it finished) and, one time in three, while a checkpoint file is
// being written — and started again each time, 24 times over the same data directory. The sink topic,
// read back, must equal the output of one uninterrupted run row for row: nothing lost, nothing
// repeated, in the same order.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/faults/sql_process.h"
#include "tests/faults/ward_totals_job.h"

namespace {

namespace fs = std::filesystem;

constexpr int kReadings = 60000;
constexpr int kDevices = 3000;

std::string script(const fs::path& checkpoints) {
  return "SET 'execution.checkpointing.dir' = '" + checkpoints.string() + "';\n"
         "SET 'execution.checkpointing.interval' = '20 ms';\n" +
         std::string(careflow::faults::kWardTotalsJob) + ";\n";
}

using careflow::faults::wait_exit;

pid_t spawn(const fs::path& data_dir, const fs::path& sql, const fs::path& output) {
  return careflow::faults::spawn_sql(data_dir, sql, output);
}

std::string read_file(const fs::path& p) { return careflow::faults::read_text(p); }

TEST(CheckpointCrash, KilledAndRestartedRunsCommitEachResultOnce) {
  const fs::path dir = fs::temp_directory_path() / ("careflow-ckpt-crash-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);

  // One uninterrupted run.
  const fs::path ref = dir / "reference";
  careflow::faults::write_ward_input(ref, kReadings, kDevices, 2024);
  std::ofstream(dir / "reference.sql") << script(dir / "reference-checkpoints");
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(wait_exit(spawn(ref, dir / "reference.sql", dir / "reference.out")), 0) << read_file(dir / "reference.out");
  const auto run_time = std::chrono::steady_clock::now() - started;
  const std::vector<std::string> expected = careflow::faults::committed_records(ref);
  ASSERT_GT(expected.size(), static_cast<size_t>(kReadings / 2));

  // The same input, killed again and again.
  const fs::path crashed = dir / "crashed";
  careflow::faults::write_ward_input(crashed, kReadings, kDevices, 2024);
  std::ofstream(dir / "crashed.sql") << script(dir / "crashed-checkpoints");
  std::mt19937 rng(7);
  const auto window_us = std::chrono::duration_cast<std::chrono::microseconds>(run_time).count();
  int killed = 0, finished_before_kill = 0, during_checkpoint = 0;
  for (int round = 0; round < 24; ++round) {
    pid_t pid = spawn(crashed, dir / "crashed.sql", dir / "crashed.out");
    if (round % 3 == 1) {
      // Inside a checkpoint: as soon as one of its files is being written.
      const auto give_up = std::chrono::steady_clock::now() + run_time;
      while (!careflow::faults::checkpoint_in_progress(dir / "crashed-checkpoints") && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
    } else {
      // At a random moment: mostly early (each restarted run resumes, so the work left shrinks
      // with every kill that lands after a commit), now and then later in the run.
      std::this_thread::sleep_for(
          std::chrono::microseconds(rng() % static_cast<uint64_t>(round % 8 == 7 ? window_us / 4 + 1 : window_us / 12 + 1)));
    }
    kill(pid, SIGKILL);
    const int code = wait_exit(pid);
    if (code == 0) ++finished_before_kill;
    if (code == -SIGKILL) ++killed;
    ASSERT_TRUE(code == 0 || code == -SIGKILL) << "exit " << code << "\n" << read_file(dir / "crashed.out");
    // A file still being written (a state file or a checkpoint's metadata) means the kill landed
    // inside a checkpoint.
    if (code == -SIGKILL && careflow::faults::checkpoint_in_progress(dir / "crashed-checkpoints")) ++during_checkpoint;
  }
  // The last run goes to its end.
  ASSERT_EQ(wait_exit(spawn(crashed, dir / "crashed.sql", dir / "crashed.out")), 0) << read_file(dir / "crashed.out");
  EXPECT_GE(killed, 20);
  EXPECT_GE(during_checkpoint, 4);
  std::printf("reference run %.2f s; %d runs killed, %d inside a checkpoint, %d finished before their kill\n",
              std::chrono::duration<double>(run_time).count(), killed, during_checkpoint, finished_before_kill);
  const std::vector<std::string> actual = careflow::faults::committed_records(crashed);
  ASSERT_EQ(actual.size(), expected.size()) << "killed " << killed << " times; " << finished_before_kill << " runs finished first";
  for (size_t i = 0; i < actual.size(); ++i) ASSERT_EQ(actual[i], expected[i]) << "record " << i;
  // Every kill left the directory recoverable: nothing but committed checkpoints remains.
  int tmp = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir / "crashed-checkpoints")) tmp += e.path().extension() == ".tmp";
  EXPECT_EQ(tmp, 0);
  fs::remove_all(dir);
}

}  // namespace
