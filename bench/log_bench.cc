// The embedded log against the plain system calls it is built on, measured side by side in one run:
//   append: EmbeddedLog::append of 1,000-record batches vs write() of the same payload bytes,
//           each with and without fsync (fdatasync) per batch;
//   read:   fetching a whole partition (decoded records, and as stored batches the way the Kafka
//           listener serves them) vs read() of its segment files (page cache warm for all);
//   wake:   append -> wait_for_data wake-up latency vs a bare mutex + condition-variable handoff;
//   codec:  appending and fetching zstd-compressed topics vs uncompressed ones, on random letters
//           and on change events that repeat their schema (what the CDC topics hold).
// The append and read comparisons with system calls use uncompressed topics, so both sides move
// the same bytes.
// Run by scripts/bench, which writes bench/results/log.md. Ratios > 1 mean careflow is faster.
//
//   log_bench [--markdown FILE] [google-benchmark flags]

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "bench_util.h"
#include "common/crc32c.h"
#include "log/embedded_log.h"

namespace careflow::bench {
namespace {

using log::EmbeddedLog;
using log::EmbeddedLogOptions;
using log::FsyncPolicy;
using log::Record;
using log::StoredBatch;
using log::TopicConfig;
using log::TopicPartition;

constexpr int kBatchRecords = 1000;
constexpr int64_t kReadBytes = 64ll << 20;  // per prepared read partition

ScratchDir* scratch = nullptr;
int next_dir = 0;

std::string random_bytes(size_t n, std::mt19937& rng) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>('a' + rng() % 26);
  return s;
}

std::vector<Record> make_batch(size_t record_size) {
  std::mt19937 rng(42);
  std::vector<Record> batch(kBatchRecords);
  for (int i = 0; i < kBatchRecords; ++i) {
    batch[i].value = random_bytes(record_size, rng);
    batch[i].timestamp_ms = 1'700'000'000'000 + i;
  }
  return batch;
}

std::unique_ptr<EmbeddedLog> open_log(const std::filesystem::path& dir) {
  EmbeddedLogOptions options;
  options.maintenance_interval_ms = 0;
  auto opened = EmbeddedLog::open(dir.string(), options);
  if (!opened) {
    fmt::print(stderr, "log_bench: {}\n", opened.status().to_string());
    std::exit(1);
  }
  return std::move(opened).value();
}

TopicConfig bench_topic(FsyncPolicy policy, log::Compression compression = log::Compression::kUncompressed) {
  TopicConfig config;
  config.fsync = policy;
  config.compression = compression;
  config.retention_ms = -1;
  config.segment_bytes = 256ll << 20;
  return config;
}

void append_log(benchmark::State& state, size_t record_size, bool fsync) {
  const auto dir = scratch->path() / fmt::format("append-{}", next_dir++);
  auto log = open_log(dir);
  (void)log->create_topic("bench", bench_topic(fsync ? FsyncPolicy::kEveryBatch : FsyncPolicy::kNever));
  const std::vector<Record> batch = make_batch(record_size);
  for (auto _ : state) {
    auto appended = log->append({"bench", 0}, batch);
    if (!appended) state.SkipWithError(appended.status().to_string().c_str());
  }
  state.SetBytesProcessed(state.iterations() * kBatchRecords * static_cast<int64_t>(record_size));
  log.reset();
  std::filesystem::remove_all(dir);
}

void append_write(benchmark::State& state, size_t record_size, bool fsync) {
  const auto path = scratch->path() / fmt::format("write-{}", next_dir++);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  std::string payload;
  for (const Record& r : make_batch(record_size)) payload += *r.value;
  for (auto _ : state) {
    if (::write(fd, payload.data(), payload.size()) != static_cast<ssize_t>(payload.size())) state.SkipWithError("write failed");
    if (fsync) ::fdatasync(fd);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(payload.size()));
  ::close(fd);
  std::filesystem::remove(path);
}

// A Debezium change event as JsonConverter writes it with schemas: the schema part is the same in
// every record, the payload varies.
std::vector<Record> make_change_events() {
  std::string schema = R"({"schema":{"type":"struct","fields":[)";
  for (const char* part : {"before", "after"}) {
    schema += fmt::format(R"({{"type":"struct","fields":[{{"type":"string","optional":false,"field":"patient_id"}},)"
                          R"({{"type":"string","optional":true,"field":"name"}},{{"type":"int32","optional":true,)"
                          R"("name":"io.debezium.time.Date","version":1,"field":"birth_date"}}],"optional":true,)"
                          R"("name":"healthcare.public.patients.Value","field":"{}"}},)",
                          part);
  }
  schema += R"({"type":"string","optional":false,"field":"op"},{"type":"int64","optional":true,"field":"ts_ms"}],)"
            R"("optional":false,"name":"healthcare.public.patients.Envelope","version":2},"payload":)";
  std::mt19937 rng(7);
  std::vector<Record> batch(kBatchRecords);
  for (int i = 0; i < kBatchRecords; ++i) {
    batch[i].key = fmt::format(R"({{"patient_id":"P{}"}})", rng() % 1000000);
    batch[i].value = schema + fmt::format(R"({{"before":null,"after":{{"patient_id":"P{}","name":"{}","birth_date":{}}},)"
                                          R"("op":"c","ts_ms":{}}}}})",
                                          rng() % 1000000, random_bytes(12, rng), rng() % 30000, 1'700'000'000'000 + i);
    batch[i].timestamp_ms = 1'700'000'000'000 + i;
  }
  return batch;
}

int64_t payload_bytes(const std::vector<Record>& batch) {
  int64_t n = 0;
  for (const Record& r : batch) n += r.payload_bytes();
  return n;
}

// Appends the same batch over and over to a topic stored with `compression`, then fetches it
// all back; reports append bytes/s, and the fetch's and the on-disk size as counters.
// `make` builds the batch when the benchmark runs: built up front, its memory shifts the heap
// layout the read benchmarks see, and their results with it (by up to 4x).
void append_codec(benchmark::State& state, std::vector<Record> (*make)(), log::Compression compression) {
  const std::vector<Record> batch = make();
  const auto dir = scratch->path() / fmt::format("codec-{}", next_dir++);
  auto log = open_log(dir);
  (void)log->create_topic("bench", bench_topic(FsyncPolicy::kNever, compression));
  for (auto _ : state) {
    auto appended = log->append({"bench", 0}, batch);
    if (!appended) state.SkipWithError(appended.status().to_string().c_str());
  }
  const int64_t bytes = state.iterations() * payload_bytes(batch);
  state.SetBytesProcessed(bytes);
  const auto start = std::chrono::steady_clock::now();
  int64_t fetched = 0;
  for (int64_t offset = 0;;) {
    auto got = log->fetch({"bench", 0}, offset, {.max_records = 100000, .max_bytes = 16 << 20});
    if (!got || got->records.empty()) break;
    fetched += static_cast<int64_t>(got->records.size());
    offset = got->next_offset;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  state.counters["read_bytes_per_second"] = fetched == state.iterations() * kBatchRecords ? bytes / seconds : 0;
  state.counters["stored_per_payload_byte"] =
      static_cast<double>(log->partition_offsets("bench")->at(0).size_bytes) / static_cast<double>(bytes);
  log.reset();
  std::filesystem::remove_all(dir);
}

// One log with a prepared topic per record size, shared by the read benchmarks.
struct ReadFixture {
  std::unique_ptr<EmbeddedLog> log;
  std::filesystem::path dir;
  std::map<size_t, int64_t> payload_bytes;  // record size -> value bytes appended
};
ReadFixture* read_fixture = nullptr;

std::string read_topic(size_t record_size) { return fmt::format("read-{}", record_size); }

void prepare_read_topic(size_t record_size) {
  const std::string topic = read_topic(record_size);
  (void)read_fixture->log->create_topic(topic, bench_topic(FsyncPolicy::kNever));
  const std::vector<Record> batch = make_batch(record_size);
  int64_t& written = read_fixture->payload_bytes[record_size];
  for (written = 0; written < kReadBytes; written += kBatchRecords * static_cast<int64_t>(record_size)) {
    (void)read_fixture->log->append({topic, 0}, batch);
  }
}

void read_log(benchmark::State& state, size_t record_size) {
  const TopicPartition tp{read_topic(record_size), 0};
  int64_t bytes = 0;
  for (auto _ : state) {
    int64_t offset = 0;
    for (;;) {
      auto fetched = read_fixture->log->fetch(tp, offset);
      if (!fetched) {
        state.SkipWithError(fetched.status().to_string().c_str());
        break;
      }
      if (fetched->records.empty()) break;
      for (const Record& r : fetched->records) bytes += static_cast<int64_t>(r.value->size());
      benchmark::DoNotOptimize(fetched->records.data());
      offset = fetched->next_offset;
    }
  }
  state.SetBytesProcessed(bytes);
}

// What the Kafka listener's fetch does: the stored batches, CRC-checked, records left encoded.
void read_stored(benchmark::State& state, size_t record_size) {
  const TopicPartition tp{read_topic(record_size), 0};
  constexpr int64_t kFetchBytes = 1 << 20;  // a Kafka consumer's default max.partition.fetch.bytes
  int64_t bytes = 0;
  for (auto _ : state) {
    int64_t offset = 0;
    int64_t batches = 0;
    for (;;) {
      auto read = read_fixture->log->read_stored_batches(tp, offset, kFetchBytes, [&](const StoredBatch& batch) {
        benchmark::DoNotOptimize(batch.records.data());
        ++batches;
        return true;
      });
      if (!read) {
        state.SkipWithError(read.status().to_string().c_str());
        break;
      }
      if (read->next_offset == offset) break;
      offset = read->next_offset;
    }
    benchmark::DoNotOptimize(batches);
    // Count the same payload bytes the other two count, so the ratios compare equal work.
    bytes += read_fixture->payload_bytes.at(record_size);
  }
  state.SetBytesProcessed(bytes);
}

void read_plain(benchmark::State& state, size_t record_size) {
  std::vector<std::filesystem::path> segments;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(read_fixture->dir / "topics" / read_topic(record_size))) {
    if (entry.path().extension() == ".log") segments.push_back(entry.path());
  }
  std::sort(segments.begin(), segments.end());
  std::vector<char> buffer(1 << 20);
  int64_t bytes = 0;
  for (auto _ : state) {
    for (const auto& segment : segments) {
      int fd = ::open(segment.c_str(), O_RDONLY | O_CLOEXEC);
      ssize_t n;
      while ((n = ::read(fd, buffer.data(), buffer.size())) > 0) benchmark::DoNotOptimize(buffer.data());
      ::close(fd);
    }
    // Count the same payload bytes the log side counts, so the ratio compares equal work.
    bytes += read_fixture->payload_bytes.at(record_size);
  }
  state.SetBytesProcessed(bytes);
}

struct Latency {
  double p50_us = 0;
  double p99_us = 0;
  double max_us = 0;
};

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

Latency summarize(std::vector<int64_t> samples_ns) {
  std::sort(samples_ns.begin(), samples_ns.end());
  auto at = [&](double q) { return samples_ns[static_cast<size_t>(q * (samples_ns.size() - 1))] / 1000.0; };
  return {at(0.50), at(0.99), samples_ns.back() / 1000.0};
}

constexpr int kWakeSamples = 5000;
constexpr auto kWakeGap = std::chrono::microseconds(200);  // the consumer is asleep when data comes

Latency log_wakeup_latency() {
  const auto dir = scratch->path() / "wake";
  auto log = open_log(dir);
  (void)log->create_topic("wake", bench_topic(FsyncPolicy::kNever));
  const TopicPartition tp{"wake", 0};
  std::vector<int64_t> samples;
  samples.reserve(kWakeSamples);
  std::thread consumer([&] {
    int64_t next = 0;
    while (static_cast<int>(samples.size()) < kWakeSamples) {
      auto ready = log->wait_for_data(tp, next, std::chrono::seconds(5));
      if (!ready || !*ready) break;
      auto fetched = log->fetch(tp, next);
      if (!fetched) break;
      const int64_t woke = now_ns();
      for (const Record& r : fetched->records) samples.push_back(woke - std::stoll(*r.value));
      next = fetched->next_offset;
    }
  });
  for (int i = 0; i < kWakeSamples; ++i) {
    std::this_thread::sleep_for(kWakeGap);
    Record r;
    r.value = std::to_string(now_ns());
    (void)log->append(tp, std::span(&r, 1));
  }
  consumer.join();
  log.reset();
  return summarize(std::move(samples));
}

Latency condvar_wakeup_latency() {
  std::mutex mutex;
  std::condition_variable cv;
  int64_t sent = 0;
  int64_t sequence = 0;
  std::vector<int64_t> samples;
  samples.reserve(kWakeSamples);
  std::thread consumer([&] {
    int64_t seen = 0;
    while (seen < kWakeSamples) {
      std::unique_lock lock(mutex);
      cv.wait(lock, [&] { return sequence > seen; });
      samples.push_back(now_ns() - sent);
      seen = sequence;
    }
  });
  for (int i = 0; i < kWakeSamples; ++i) {
    std::this_thread::sleep_for(kWakeGap);
    {
      std::lock_guard lock(mutex);
      sent = now_ns();
      ++sequence;
    }
    cv.notify_one();
  }
  consumer.join();
  return summarize(std::move(samples));
}

std::string markdown(const CollectingReporter& reporter, const Latency& log_wake, const Latency& cv_wake) {
  std::string out;
  out += "### Append (batches of 1,000 records; payload bytes/s)\n\n";
  out += "| record | fsync | careflow log | write() | ratio |\n|---|---|---|---|---|\n";
  for (int size : {200, 1024}) {
    for (const char* sync : {"nofsync", "fsync"}) {
      double ours = reporter.bytes_per_second(fmt::format("append/log/{}/{}", size, sync));
      double peer = reporter.bytes_per_second(fmt::format("append/write/{}/{}", size, sync));
      out += fmt::format("| {} B | {} | {:.1f} MB/s | {:.1f} MB/s | {} |\n", size, sync == std::string("fsync") ? "every batch" : "none",
                         ours / 1e6, peer / 1e6, ratio(ours, peer));
    }
  }
  out += "\n### Sequential read (whole partition, page cache warm; payload bytes/s)\n\n";
  out += "| record | careflow fetch (decoded records) | ratio | stored batches (Kafka fetch) | ratio | "
         "read() of the segment files |\n|---|---|---|---|---|---|\n";
  for (int size : {200, 1024}) {
    double ours = reporter.bytes_per_second(fmt::format("read/log/{}", size));
    double stored = reporter.bytes_per_second(fmt::format("read/stored/{}", size));
    double peer = reporter.bytes_per_second(fmt::format("read/plain/{}", size));
    out += fmt::format("| {} B | {:.1f} MB/s | {} | {:.1f} MB/s | {} | {:.1f} MB/s |\n", size, ours / 1e6, ratio(ours, peer),
                       stored / 1e6, ratio(stored, peer), peer / 1e6);
  }
  out += "\n### zstd vs uncompressed topics (batches of 1,000 records, no fsync; payload bytes/s)\n\n";
  out += "| records | append zstd | append uncompressed | ratio | fetch zstd | fetch uncompressed | ratio | "
         "stored bytes per payload byte, zstd |\n|---|---|---|---|---|---|---|---|\n";
  for (const char* kind : {"letters", "events"}) {
    const std::string zstd = fmt::format("codec/{}/zstd", kind), plain = fmt::format("codec/{}/uncompressed", kind);
    const double append_z = reporter.bytes_per_second(zstd), append_p = reporter.bytes_per_second(plain);
    const double read_z = reporter.counter(zstd, "read_bytes_per_second"), read_p = reporter.counter(plain, "read_bytes_per_second");
    out += fmt::format("| {} | {:.1f} MB/s | {:.1f} MB/s | {} | {:.1f} MB/s | {:.1f} MB/s | {} | {:.3f} |\n",
                       kind == std::string("letters") ? "1024 B of random letters" : "change events, JSON with schema",
                       append_z / 1e6, append_p / 1e6, ratio(append_z, append_p), read_z / 1e6, read_p / 1e6,
                       ratio(read_z, read_p), reporter.counter(zstd, "stored_per_payload_byte"));
  }
  out += fmt::format("\n### Append → consumer wake-up ({} samples, one every {} µs)\n\n", kWakeSamples, kWakeGap.count());
  out += "| path | p50 | p99 | max |\n|---|---|---|---|\n";
  out += fmt::format("| careflow append → wait_for_data → fetch | {:.1f} µs | {:.1f} µs | {:.1f} µs |\n", log_wake.p50_us, log_wake.p99_us, log_wake.max_us);
  out += fmt::format("| bare mutex + condition variable handoff | {:.1f} µs | {:.1f} µs | {:.1f} µs |\n", cv_wake.p50_us, cv_wake.p99_us, cv_wake.max_us);
  out += fmt::format("\np99 ratio (careflow / bare handoff): {:.2f}; CRC32C hardware path: {}\n",
                     cv_wake.p99_us > 0 ? log_wake.p99_us / cv_wake.p99_us : 0.0, crc32c_is_hardware_accelerated() ? "yes" : "no");
  return out;
}

}  // namespace
}  // namespace careflow::bench

int main(int argc, char** argv) {
  using namespace careflow::bench;
  const std::string markdown_path = initialize_with_markdown_flag(argc, argv);

  ScratchDir dir("log-bench");
  scratch = &dir;
  ReadFixture fixture{open_log(dir.path() / "read"), dir.path() / "read", {}};
  read_fixture = &fixture;

  for (int size : {200, 1024}) {
    for (bool fsync : {false, true}) {
      const char* sync = fsync ? "fsync" : "nofsync";
      benchmark::RegisterBenchmark(fmt::format("append/log/{}/{}", size, sync).c_str(), append_log, size, fsync)->MinTime(1.0);
      benchmark::RegisterBenchmark(fmt::format("append/write/{}/{}", size, sync).c_str(), append_write, size, fsync)->MinTime(1.0);
    }
    prepare_read_topic(size);
    benchmark::RegisterBenchmark(fmt::format("read/log/{}", size).c_str(), read_log, size)->MinTime(1.0);
    benchmark::RegisterBenchmark(fmt::format("read/stored/{}", size).c_str(), read_stored, size)->MinTime(1.0);
    benchmark::RegisterBenchmark(fmt::format("read/plain/{}", size).c_str(), read_plain, size)->MinTime(1.0);
  }
  using Make = std::vector<Record> (*)();
  const Make letters = [] { return make_batch(1024); };
  for (const auto& [kind, make] : {std::pair{"letters", letters}, std::pair{"events", Make{make_change_events}}}) {
    for (careflow::log::Compression c : {careflow::log::Compression::kZstd, careflow::log::Compression::kUncompressed}) {
      const char* codec = c == careflow::log::Compression::kZstd ? "zstd" : "uncompressed";
      benchmark::RegisterBenchmark(fmt::format("codec/{}/{}", kind, codec).c_str(), append_codec, make, c)->MinTime(1.0);
    }
  }
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  fixture.log.reset();

  const Latency log_wake = log_wakeup_latency();
  const Latency cv_wake = condvar_wakeup_latency();
  const std::string table = markdown(reporter, log_wake, cv_wake);
  fmt::print("\n{}", table);
  if (!markdown_path.empty()) std::ofstream(markdown_path) << table;
  benchmark::Shutdown();
  return 0;
}
