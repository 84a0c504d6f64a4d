// Crash recovery of the embedded log with real processes: a child appends in a loop and is
// killed with SIGKILL at a random moment, 25 times over the same directory. After each kill the
// log is reopened here and must hold every acknowledged record exactly once, atomic appends must
// be all-or-nothing, and the next child must be able to go on appending.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "log/embedded_log.h"

namespace {

using careflow::log::EmbeddedLog;
using careflow::log::TopicPartition;

constexpr const char* kTopics[] = {"crash-every-batch", "crash-interval", "crash-never"};

struct Writer {
  pid_t pid = -1;
  FILE* out = nullptr;
};

Writer spawn_writer(const std::string& dir, long first_seq) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::string seq = std::to_string(first_seq);
    execl(CAREFLOW_LOG_CRASH_WRITER, CAREFLOW_LOG_CRASH_WRITER, dir.c_str(), seq.c_str(), nullptr);
    _exit(127);
  }
  close(fds[1]);
  return {pid, fdopen(fds[0], "r")};
}

// Waits up to `timeout` for the child's first line; false when none came.
bool wait_for_output(FILE* out, std::chrono::milliseconds timeout) {
  pollfd p{fileno(out), POLLIN, 0};
  return poll(&p, 1, static_cast<int>(timeout.count())) == 1 && (p.revents & POLLIN);
}

// Every record value starts with "<seq>:" (or is "<seq>" for topic pairs).
long seq_of(const std::string& value) { return std::stol(value.substr(0, value.find(':'))); }

std::vector<long> read_all_seqs(EmbeddedLog& log, const TopicPartition& tp) {
  std::vector<long> seqs;
  int64_t offset = 0;
  for (;;) {
    auto fetched = log.fetch(tp, offset);
    EXPECT_TRUE(fetched.is_ok()) << fetched.status().to_string();
    if (!fetched || fetched->records.empty()) break;
    for (const auto& r : fetched->records) seqs.push_back(seq_of(r.value.value_or("-1")));
    offset = fetched->next_offset;
  }
  return seqs;
}

TEST(LogCrash, EveryAcknowledgedRecordSurvivesSigkillExactlyOnce) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("careflow-crash-" + std::to_string(getpid()) + "-" + std::to_string(time(nullptr)));
  std::filesystem::create_directories(dir);
  const unsigned seed = std::random_device{}();
  std::mt19937 rng(seed);
  SCOPED_TRACE("seed " + std::to_string(seed) + ", dir " + dir.string());

  std::map<std::string, std::set<long>> acknowledged;  // topic -> every acknowledged seq
  long next_seq = 0;
  constexpr int kRounds = 25;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    Writer writer = spawn_writer(dir.string(), next_seq);
    ASSERT_GT(writer.pid, 0);
    ASSERT_TRUE(wait_for_output(writer.out, std::chrono::seconds(30))) << "writer acknowledged nothing";
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(1, 150)(rng)));
    ASSERT_EQ(kill(writer.pid, SIGKILL), 0);
    int wstatus = 0;
    waitpid(writer.pid, &wstatus, 0);
    ASSERT_TRUE(WIFSIGNALED(wstatus)) << "writer exited by itself with status " << WEXITSTATUS(wstatus);

    int acks_this_round = 0;
    char* line = nullptr;
    size_t cap = 0;
    while (getline(&line, &cap, writer.out) > 0) {
      std::istringstream in(line);
      std::string word, topic;
      long first = 0, last = 0;
      in >> word >> topic >> first >> last;
      if (word != "ACK") continue;
      for (long s = first; s <= last; ++s) acknowledged[topic].insert(s);
      ++acks_this_round;
    }
    free(line);
    fclose(writer.out);
    EXPECT_GT(acks_this_round, 0) << "appends did not continue after the restart";

    auto opened = EmbeddedLog::open(dir.string());
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    EmbeddedLog& log = **opened;
    long max_seq = next_seq - 1;
    std::set<long> seen;
    for (const char* topic : kTopics) {
      for (long s : read_all_seqs(log, {topic, 0})) {
        EXPECT_TRUE(seen.insert(s).second) << "seq " << s << " stored twice";
        max_seq = std::max(max_seq, s);
      }
      for (long s : acknowledged[topic]) {
        if (!seen.count(s)) ADD_FAILURE() << "acknowledged seq " << s << " of " << topic << " lost";
      }
    }
    const std::vector<long> left = read_all_seqs(log, {"pairs", 0});
    const std::vector<long> right = read_all_seqs(log, {"pairs", 1});
    EXPECT_EQ(left, right) << "an atomic append is visible in one partition only";
    for (long s : left) {
      EXPECT_TRUE(seen.insert(s).second) << "seq " << s << " stored twice";
      max_seq = std::max(max_seq, s);
    }
    for (long s : acknowledged["pairs"]) {
      if (!std::count(left.begin(), left.end(), s)) ADD_FAILURE() << "acknowledged atomic append " << s << " lost";
    }
    auto committed = log.committed_offset("crash-group", {"pairs", 0});
    ASSERT_TRUE(committed.is_ok()) << committed.status().to_string();
    if (!left.empty()) {
      ASSERT_TRUE(committed->has_value()) << "offset commit of an atomic append lost";
      EXPECT_EQ(**committed, left.back()) << "offset commit not atomic with its records";
    }
    next_seq = max_seq + 1;
    if (HasFailure()) break;  // keep the directory as it failed, for a post-mortem
  }
  if (!HasFailure()) std::filesystem::remove_all(dir);
}

}  // namespace
