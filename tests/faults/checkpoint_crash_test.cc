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

#include "log/embedded_log.h"

namespace {

namespace fs = std::filesystem;
using careflow::log::EmbeddedLog;

constexpr int kReadings = 60000;
constexpr int kDevices = 3000;

std::string script(const fs::path& checkpoints) {
  return "SET 'execution.checkpointing.dir' = '" + checkpoints.string() + "';\n"
         "SET 'execution.checkpointing.interval' = '20 ms';\n"
         "CREATE TABLE readings (device STRING, v BIGINT) WITH ('format' = 'json');\n"
         "CREATE TABLE devices (device STRING, ward STRING) WITH ('format' = 'json');\n"
         "CREATE TABLE ward_totals (device STRING, ward STRING, n BIGINT, s BIGINT, PRIMARY KEY (device) NOT ENFORCED)"
         " WITH ('format' = 'json');\n"
         "INSERT INTO ward_totals SELECT a.device, d.ward, a.n, a.s FROM "
         "(SELECT device, COUNT(*) AS n, SUM(v) AS s FROM readings GROUP BY device) a "
         "JOIN devices d ON a.device = d.device;\n";
}

// The fixed input, written once into a fresh data directory.
void write_input(const fs::path& data_dir) {
  auto log = EmbeddedLog::open((data_dir / "log").string());
  ASSERT_TRUE(log.is_ok()) << log.status().message();
  ASSERT_TRUE((*log)->create_topic("readings", {}).is_ok());
  ASSERT_TRUE((*log)->create_topic("devices", {}).is_ok());
  std::mt19937 rng(2024);
  std::vector<careflow::log::Record> records;
  for (int i = 0; i < kReadings; ++i) {
    careflow::log::Record r;
    r.value = "{\"device\":\"DEV-" + std::to_string(rng() % kDevices) + "\",\"v\":" + std::to_string(rng() % 1000) + "}";
    records.push_back(std::move(r));
    if (records.size() == 1000) {
      ASSERT_TRUE((*log)->append({"readings", 0}, records).is_ok());
      records.clear();
    }
  }
  for (int d = 0; d < kDevices; ++d) {
    careflow::log::Record r;
    r.value = "{\"device\":\"DEV-" + std::to_string(d) + "\",\"ward\":\"W" + std::to_string(d % 9) + "\"}";
    records.push_back(std::move(r));
  }
  ASSERT_TRUE((*log)->append({"devices", 0}, records).is_ok());
}

// key=value of every committed record of the sink topic, in offset order.
std::vector<std::string> committed_output(const fs::path& data_dir) {
  std::vector<std::string> out;
  auto log = EmbeddedLog::open((data_dir / "log").string());
  EXPECT_TRUE(log.is_ok()) << log.status().message();
  if (!log.is_ok()) return out;
  int64_t offset = 0;
  while (true) {
    auto fetched = (*log)->fetch({"ward_totals", 0}, offset, {100000, 64 << 20});
    EXPECT_TRUE(fetched.is_ok()) << fetched.status().message();
    if (!fetched.is_ok() || fetched->records.empty()) break;
    for (const auto& r : fetched->records) out.push_back(r.key.value_or("") + "=" + r.value.value_or("<tombstone>"));
    offset = fetched->next_offset;
  }
  return out;
}

pid_t spawn(const fs::path& data_dir, const fs::path& sql, const fs::path& output) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    execl(CAREFLOW_BINARY, CAREFLOW_BINARY, "--data-dir", data_dir.c_str(), "sql", "-f", sql.c_str(), "--bounded", nullptr);
    _exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

// Whether a checkpoint file is being written: its temporary name exists.
bool checkpoint_in_progress(const fs::path& checkpoints) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(checkpoints, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".tmp") return true;
  }
  return false;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(CheckpointCrash, KilledAndRestartedRunsCommitEachResultOnce) {
  const fs::path dir = fs::temp_directory_path() / ("careflow-ckpt-crash-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);

  // One uninterrupted run.
  const fs::path ref = dir / "reference";
  write_input(ref);
  std::ofstream(dir / "reference.sql") << script(dir / "reference-checkpoints");
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(wait_exit(spawn(ref, dir / "reference.sql", dir / "reference.out")), 0) << read_file(dir / "reference.out");
  const auto run_time = std::chrono::steady_clock::now() - started;
  const std::vector<std::string> expected = committed_output(ref);
  ASSERT_GT(expected.size(), static_cast<size_t>(kReadings / 2));

  // The same input, killed again and again.
  const fs::path crashed = dir / "crashed";
  write_input(crashed);
  std::ofstream(dir / "crashed.sql") << script(dir / "crashed-checkpoints");
  std::mt19937 rng(7);
  const auto window_us = std::chrono::duration_cast<std::chrono::microseconds>(run_time).count();
  int killed = 0, finished_before_kill = 0, during_checkpoint = 0;
  for (int round = 0; round < 24; ++round) {
    pid_t pid = spawn(crashed, dir / "crashed.sql", dir / "crashed.out");
    if (round % 3 == 1) {
      // Inside a checkpoint: as soon as one of its files is being written.
      const auto give_up = std::chrono::steady_clock::now() + run_time;
      while (!checkpoint_in_progress(dir / "crashed-checkpoints") && std::chrono::steady_clock::now() < give_up) {
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
    if (code == -SIGKILL && checkpoint_in_progress(dir / "crashed-checkpoints")) ++during_checkpoint;
  }
  // The last run goes to its end.
  ASSERT_EQ(wait_exit(spawn(crashed, dir / "crashed.sql", dir / "crashed.out")), 0) << read_file(dir / "crashed.out");
  EXPECT_GE(killed, 20);
  EXPECT_GE(during_checkpoint, 4);
  std::printf("reference run %.2f s; %d runs killed, %d inside a checkpoint, %d finished before their kill\n",
              std::chrono::duration<double>(run_time).count(), killed, during_checkpoint, finished_before_kill);
  const std::vector<std::string> actual = committed_output(crashed);
  ASSERT_EQ(actual.size(), expected.size()) << "killed " << killed << " times; " << finished_before_kill << " runs finished first";
  for (size_t i = 0; i < actual.size(); ++i) ASSERT_EQ(actual[i], expected[i]) << "record " << i;
  // Every kill left the directory recoverable: nothing but committed checkpoints remains.
  int tmp = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir / "crashed-checkpoints")) tmp += e.path().extension() == ".tmp";
  EXPECT_EQ(tmp, 0);
  fs::remove_all(dir);
}

}  // namespace
