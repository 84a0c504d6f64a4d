// A child process for log_crash_test: appends to an EmbeddedLog in a loop and reports every
// acknowledged append on stdout, until it is killed with SIGKILL.
//
//   log_crash_writer DIR FIRST_SEQ
//
// Each step appends a batch of 1..40 records whose values are consecutive sequence numbers
// (padded to a random length) to one of three topics with different fsync policies, and every
// fifth step also makes an atomic append of the same sequence number to both partitions of
// topic "pairs" together with a consumer-group commit. After an append returns it prints
//   ACK <topic> <first_seq> <last_seq>
// and flushes, so everything printed is acknowledged.

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "log/embedded_log.h"

namespace {

using careflow::log::EmbeddedLog;
using careflow::log::FsyncPolicy;
using careflow::log::OffsetCommit;
using careflow::log::PartitionBatch;
using careflow::log::Record;
using careflow::log::TopicConfig;
using careflow::log::TopicPartition;

int fail(const careflow::Status& status) {
  std::fprintf(stderr, "log_crash_writer: %s\n", status.to_string().c_str());
  return 1;
}

std::string padded_value(long seq, std::mt19937& rng) {
  std::string value = std::to_string(seq);
  value.push_back(':');
  value.append(std::uniform_int_distribution<size_t>(0, 1500)(rng), 'x');
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: log_crash_writer DIR FIRST_SEQ\n");
    return 2;
  }
  long seq = std::atol(argv[2]);
  auto opened = EmbeddedLog::open(argv[1]);
  if (!opened) return fail(opened.status());
  EmbeddedLog& log = **opened;

  struct Target {
    const char* topic;
    FsyncPolicy policy;
  };
  const Target targets[] = {{"crash-every-batch", FsyncPolicy::kEveryBatch},
                            {"crash-interval", FsyncPolicy::kInterval},
                            {"crash-never", FsyncPolicy::kNever}};
  for (const Target& t : targets) {
    TopicConfig config;
    config.partitions = 1;
    config.fsync = t.policy;
    config.fsync_interval_ms = 5;
    config.segment_bytes = 64 * 1024;  // small, so kills also land around segment rolls
    if (auto s = log.create_topic(t.topic, config); !s && s.code() != careflow::StatusCode::kAlreadyExists) return fail(s);
  }
  TopicConfig pairs;
  pairs.partitions = 2;
  pairs.segment_bytes = 16 * 1024;
  if (auto s = log.create_topic("pairs", pairs); !s && s.code() != careflow::StatusCode::kAlreadyExists) return fail(s);

  std::mt19937 rng(static_cast<unsigned>(seq));
  for (long step = 0;; ++step) {
    const Target& target = targets[step % 3];
    int count = std::uniform_int_distribution<int>(1, 40)(rng);
    std::vector<Record> records(count);
    const long first = seq;
    for (Record& r : records) {
      r.key = "k" + std::to_string(seq % 7);
      r.value = padded_value(seq++, rng);
      r.timestamp_ms = seq;
    }
    auto appended = log.append({target.topic, 0}, records);
    if (!appended) return fail(appended.status());
    std::printf("ACK %s %ld %ld\n", target.topic, first, seq - 1);
    std::fflush(stdout);

    if (step % 5 == 4) {
      const long pair_seq = seq++;
      Record r;
      r.value = std::to_string(pair_seq);
      r.timestamp_ms = pair_seq;
      std::vector<PartitionBatch> batches = {{{"pairs", 0}, {r}}, {{"pairs", 1}, {r}}};
      std::vector<OffsetCommit> commits = {{"crash-group", {"pairs", 0}, pair_seq}};
      auto atomic = log.append_atomic(batches, commits);
      if (!atomic) return fail(atomic.status());
      std::printf("ACK pairs %ld %ld\n", pair_seq, pair_seq);
      std::fflush(stdout);
    }
  }
}
