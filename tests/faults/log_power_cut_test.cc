// Power cuts, emulated: this binary is linked with --wrap for fdatasync, fsync and rename, so it
// knows what each file held when it was last made durable. A "power cut" puts every segment file
// and txn.journal back to that content (a file never synced becomes empty), as a machine that
// loses its page cache would leave them. Then the log must open, and hold every append it
// acknowledged as durable: every append to an every-batch topic, and every append made before
// the last flush(); durable atomic appends whole.

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <climits>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "log/embedded_log.h"
#include "log/tests/log_test_util.h"
#include "log_files.h"

extern "C" {
int __real_fdatasync(int fd);
int __real_fsync(int fd);
int __real_rename(const char* from, const char* to);
}

namespace {

std::mutex durable_mutex;
std::map<std::string, std::string> durable;  // path -> content at its last fsync

void remember(int fd) {
  char link[64], target[PATH_MAX];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = ::readlink(link, target, sizeof target - 1);
  if (n <= 0) return;
  const std::string path(target, static_cast<size_t>(n));
  if (!std::filesystem::is_regular_file(path)) return;
  std::string content = careflow::log::faults::read_file(path);
  std::lock_guard lock(durable_mutex);
  durable[path] = std::move(content);
}

}  // namespace

extern "C" {
int __wrap_fdatasync(int fd) {
  const int r = __real_fdatasync(fd);
  if (r == 0) remember(fd);
  return r;
}
int __wrap_fsync(int fd) {
  const int r = __real_fsync(fd);
  if (r == 0) remember(fd);
  return r;
}
// The log fsyncs a file before renaming it into place and then the directory: the durable copy
// moves with the name.
int __wrap_rename(const char* from, const char* to) {
  const int r = __real_rename(from, to);
  if (r == 0) {
    std::lock_guard lock(durable_mutex);
    auto it = durable.find(from);
    if (it != durable.end()) {
      durable[to] = std::move(it->second);
      durable.erase(it);
    } else {
      durable.erase(to);
    }
  }
  return r;
}
}

namespace careflow::log {
namespace {

namespace fs = std::filesystem;
using testing::open_log;
using testing::rec;
using testing::TempDir;
using testing::values;

std::map<std::string, std::string> durable_now() {
  std::lock_guard lock(durable_mutex);
  return durable;
}

// Puts the segment files and the journal of `dir` back to `snapshot` (never-synced ones: empty).
void power_cut(const TempDir& dir, const std::map<std::string, std::string>& snapshot, bool segments_too) {
  for (const auto& e : fs::recursive_directory_iterator(dir.path())) {
    const std::string name = e.path().filename().string();
    const bool journal = name == "txn.journal";
    if (!e.is_regular_file() || !(journal || (segments_too && name.ends_with(".log")))) continue;
    auto it = snapshot.find(e.path().string());
    faults::write_file(e.path(), it == snapshot.end() ? std::string() : it->second);
  }
}

TopicConfig lazy_topic(int partitions) {
  TopicConfig c;
  c.partitions = partitions;
  c.fsync = FsyncPolicy::kInterval;
  c.fsync_interval_ms = 3'600'000;  // only flush() makes it durable: the test knows exactly what is
  c.segment_bytes = 4096;
  return c;
}

// Issue 15: a journal back at its last flushed copy rolled back 200 acknowledged, flushed events.
// Flushed either by flush() or by the interval policy's background fsync.
TEST(LogPowerCut, AJournalBackAtItsLastFlushedCopyKeepsEveryFlushedAppend) {
  for (const bool background : {false, true}) {
    SCOPED_TRACE(background ? "flushed by the interval policy" : "flushed by flush()");
    TempDir dir;
    std::map<std::string, std::string> snapshot;
    {
      auto log = open_log(dir.str());
      TopicConfig config = lazy_topic(2);
      if (background) config.fsync_interval_ms = 10;
      ASSERT_TRUE(log->create_topic("events", config).is_ok());
      config.partitions = 1;
      ASSERT_TRUE(log->create_topic("positions", config).is_ok());
      auto append = [&](int i) {
        const std::string n = std::to_string(i);
        std::vector<PartitionBatch> batches = {{{"events", i % 2}, {rec(n, i)}}, {{"positions", 0}, {rec(n, i, std::string("slot"))}}};
        ASSERT_TRUE(log->append_atomic(batches, std::vector<OffsetCommit>{{"g", {"events", i % 2}, i}}).is_ok());
      };
      for (int i = 0; i < 200; ++i) append(i);
      if (background) {
        // Until the background thread has fsynced all three partitions to their ends.
        for (int wait = 0; wait < 500; ++wait) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
          auto now = durable_now();
          bool all = true;
          for (const auto& f : faults::data_files(dir.path())) {
            if (f.first.ends_with(".log") && f.first.find("__consumer_offsets") == std::string::npos &&
                now[f.first] != f.second) {
              all = false;
            }
          }
          if (all) break;
        }
      } else {
        ASSERT_TRUE(log->flush().is_ok());
      }
      if (!background) {
        for (int i = 200; i < 230; ++i) append(i);  // acknowledged, never flushed
      }
      snapshot = durable_now();
    }  // closing flushes everything: the segments keep them all
    power_cut(dir, snapshot, /*segments_too=*/false);
    auto log = open_log(dir.str());
    ASSERT_TRUE(log);
    const auto events = values(*log, {"events", 0}).size() + values(*log, {"events", 1}).size();
    const auto positions = values(*log, {"positions", 0});
    EXPECT_GE(events, 200u) << "flushed, acknowledged events were rolled back";
    EXPECT_EQ(events, positions.size()) << "an atomic append survived in part";
    auto committed = log->committed_offset("g", {"events", 1});
    ASSERT_TRUE(committed.is_ok());
    ASSERT_TRUE(committed->has_value());
    EXPECT_GE(**committed, 199);
  }
}

// Random appends to an every-batch and an interval topic, plain and atomic, with flush() now and
// then; three power cuts in a row on the same directory.
TEST(LogPowerCut, EveryDurableAcknowledgedAppendSurvivesRepeatedPowerCuts) {
  TempDir dir;
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  std::set<std::string> must_survive;
  std::map<std::string, std::vector<TopicPartition>> atomic;  // value -> every partition it went to
  int step = 0;
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::map<std::string, std::string> snapshot;
    {
      auto log = open_log(dir.str());
      ASSERT_TRUE(log);
      if (round == 0) {
        TopicConfig durable_topic = lazy_topic(2);
        durable_topic.fsync = FsyncPolicy::kEveryBatch;
        ASSERT_TRUE(log->create_topic("durable", durable_topic).is_ok());
        ASSERT_TRUE(log->create_topic("lazy", lazy_topic(2)).is_ok());
      }
      std::set<std::string> since_flush;
      const int steps = std::uniform_int_distribution<int>(50, 250)(rng);
      for (int i = 0; i < steps; ++i, ++step) {
        const std::string v = std::to_string(step);
        const int p = step % 2;
        const std::vector<Record> records(std::uniform_int_distribution<size_t>(1, 5)(rng), rec(v, step));
        switch (std::uniform_int_distribution<int>(0, 4)(rng)) {
          case 0:
            ASSERT_TRUE(log->append({"durable", p}, records).is_ok());
            must_survive.insert(v);
            break;
          case 1:
            ASSERT_TRUE(log->append({"lazy", p}, records).is_ok());
            since_flush.insert(v);
            break;
          case 2: {  // one every-batch participant makes the whole atomic append durable
            std::vector<PartitionBatch> batches = {{{"durable", p}, records}, {{"lazy", 1 - p}, records}};
            ASSERT_TRUE(log->append_atomic(batches).is_ok());
            atomic[v] = {{"durable", p}, {"lazy", 1 - p}};
            must_survive.insert(v);
            break;
          }
          case 3: {
            std::vector<PartitionBatch> batches = {{{"lazy", 0}, records}, {{"lazy", 1}, records}};
            ASSERT_TRUE(log->append_atomic(batches, std::vector<OffsetCommit>{{"g", {"lazy", 0}, step}}).is_ok());
            atomic[v] = {{"lazy", 0}, {"lazy", 1}};
            since_flush.insert(v);
            break;
          }
          case 4:
            ASSERT_TRUE(log->flush().is_ok());
            must_survive.insert(since_flush.begin(), since_flush.end());
            since_flush.clear();
            break;
        }
      }
      snapshot = durable_now();
    }
    power_cut(dir, snapshot, /*segments_too=*/true);
    auto log = open_log(dir.str());
    ASSERT_TRUE(log) << "the log does not open after a power cut";
    std::map<std::string, std::set<std::string>> found;  // value -> partitions holding it
    for (const TopicPartition& tp : std::vector<TopicPartition>{{"durable", 0}, {"durable", 1}, {"lazy", 0}, {"lazy", 1}}) {
      for (const std::string& v : values(*log, tp)) found[v].insert(tp.to_string());
    }
    for (const std::string& v : must_survive) EXPECT_TRUE(found.count(v)) << "durable append " << v << " lost";
    // A durable atomic append survives whole. (One of interval topics only that no flush()
    // covered may survive in part: a later sync of one partition can make its batch durable
    // while the other's is lost, as docs/log-format.md says.)
    for (const auto& [v, partitions] : atomic) {
      if (!must_survive.count(v)) continue;
      for (const TopicPartition& tp : partitions) {
        EXPECT_TRUE(found[v].count(tp.to_string())) << "atomic append " << v << " survived without " << tp.to_string();
      }
    }
    if (HasFailure()) break;
  }
}

}  // namespace
}  // namespace careflow::log
