// Fuzz target: the embedded log opening and reading damaged files. Each input becomes a segment
// file and/or txn.journal of a one-topic data directory, which is then opened, read in full,
// searched by time, maintained and appended to. Errors are expected; a crash, hang or leak is a bug.
//
// The first byte picks what the rest is (mod 4):
//   0  the topic's only segment (the journal only settles every id, with no flushed marks, so a
//      cut segment is a torn tail rather than refused: the damage goes deeper)
//   1  txn.journal (the segment is the writer's own)
//   2  both: bytes 1-2 (little-endian) give the segment's length, the journal follows it
//   3  an older segment, with the writer's index files, followed by an empty active segment
//      (the journal as in 0)
// and with bit 2 set, the CRCs of every batch and journal record are made right first, so the
// damage reaches the record decoder, zstd and recovery's decisions instead of the CRC checks.
// Seeds are made at start by the real log writer: plain, keyed, headed, tombstone, zstd-compressed
// and atomic batches with a consumer-group commit.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/crc32c.h"
#include "common/logging.h"
#include "fuzz_driver.h"
#include "log/embedded_log.h"

namespace {

namespace fs = std::filesystem;
using namespace careflow;
using namespace careflow::log;

constexpr const char* kSegment = "00000000000000000000";
constexpr const char* kActive = "00000000000000100000";

struct Template {
  fs::path root;  // scratch space, on tmpfs when there is one: opening a log fsyncs
  std::string segment, journal, index, time_index, topic_json, format;
  std::string settling_journal;  // magic + "settled 1000000" (docs/log-format.md)
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const fs::path& p, std::string_view bytes) {
  std::ofstream(p, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

Record record(std::string value, int64_t ts, std::optional<std::string> key = std::nullopt) {
  Record r;
  r.key = std::move(key);
  r.value = std::move(value);
  r.timestamp_ms = ts;
  return r;
}

EmbeddedLogOptions quiet_options() {
  EmbeddedLogOptions options;
  options.maintenance_interval_ms = 0;
  return options;
}

// Writes a small log with the real writer and keeps its files.
fs::path scratch;  // removed at exit
long long inputs = 0, opened_inputs = 0;  // how deep the inputs got, printed at exit

Template make_template() {
  Template t;
  const fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
  t.root = scratch = base / ("careflow-log-fuzz-" + std::to_string(::getpid()));
  fs::remove_all(t.root);
  std::atexit([] {
    std::error_code ec;
    fs::remove_all(scratch, ec);
    std::printf("log_segment_fuzz: %lld of %lld inputs opened as a log\n", opened_inputs, inputs);
  });
  const fs::path dir = t.root / "template";
  {
    auto opened = EmbeddedLog::open(dir.string(), quiet_options());
    if (!opened) std::abort();
    EmbeddedLog& log = **opened;
    TopicConfig config;
    config.index_interval_bytes = 128;
    config.compression = Compression::kZstd;
    if (!log.create_topic("t", config)) std::abort();
    const TopicPartition tp{"t", 0};
    (void)log.append(tp, std::vector<Record>{record("plain", 1000)});
    Record headed = record("with headers", 1001, std::string("key-1"));
    headed.headers = {{"h1", std::string("v1")}, {"h2", std::nullopt}};
    (void)log.append(tp, std::vector<Record>{headed, record("", 1002, std::string("key-1"))});
    Record tombstone = record("", 1003, std::string("key-1"));
    tombstone.value.reset();
    (void)log.append(tp, std::vector<Record>{tombstone});
    std::vector<Record> big;
    for (int i = 0; i < 40; ++i) big.push_back(record(std::string(60, 'a' + i % 26), 1100 + i, "k" + std::to_string(i % 5)));
    (void)log.append(tp, big);  // compressed: over 512 bytes of records
    for (int i = 0; i < 3; ++i) {
      std::vector<PartitionBatch> batches = {{tp, {record("atomic " + std::to_string(i), 1200 + i)}}};
      (void)log.append_atomic(batches, std::vector<OffsetCommit>{{"group", tp, i}});
    }
  }
  const fs::path partition = dir / "topics" / "t" / "0";
  t.segment = slurp(partition / (std::string(kSegment) + ".log"));
  t.index = slurp(partition / (std::string(kSegment) + ".index"));
  t.time_index = slurp(partition / (std::string(kSegment) + ".timeindex"));
  t.journal = slurp(dir / "txn.journal");
  t.topic_json = slurp(dir / "topics" / "t" / "topic.json");
  t.format = slurp(dir / "FORMAT");
  std::string settled(32, '\0');
  settled[0] = 2;
  const int64_t every_id = 1'000'000;
  std::memcpy(settled.data() + 16, &every_id, 8);
  const uint32_t crc = crc32c(settled.data(), 28);
  std::memcpy(settled.data() + 28, &crc, 4);
  t.settling_journal = t.journal.substr(0, 8) + settled;
  return t;
}

Template& templ() {
  static Template t = make_template();
  return t;
}

// Recomputes the header and body CRC of each batch whose length fits (docs/log-format.md).
void fix_segment_crcs(std::string& s) {
  for (size_t at = 0; at + 55 <= s.size();) {
    int32_t length;
    std::memcpy(&length, s.data() + at + 8, 4);
    if (length < 43 || at + 12 + static_cast<size_t>(length) > s.size()) return;
    const uint32_t header_crc = crc32c(s.data() + at, 12);
    std::memcpy(s.data() + at + 12, &header_crc, 4);
    const uint32_t body_crc = crc32c(s.data() + at + 20, static_cast<size_t>(length) - 8);
    std::memcpy(s.data() + at + 16, &body_crc, 4);
    at += 12 + static_cast<size_t>(length);
  }
}

// The same for the journal's 32-byte records after its 8-byte magic.
void fix_journal_crcs(std::string& s) {
  for (size_t at = 8; at + 32 <= s.size(); at += 32) {
    const uint32_t crc = crc32c(s.data() + at, 28);
    std::memcpy(s.data() + at + 28, &crc, 4);
  }
}

// Reads everything the log holds, as a consumer would, with bounded loops.
void read_all(EmbeddedLog& log) {
  for (const std::string& topic : log.list_topics()) {
    auto offsets = log.partition_offsets(topic);
    if (!offsets) continue;
    for (const PartitionInfo& info : *offsets) {
      const TopicPartition tp{topic, info.partition};
      int64_t offset = info.start_offset;
      for (int i = 0; i < 10000; ++i) {
        auto fetched = log.fetch(tp, offset, FetchLimits{.max_records = 7});
        if (!fetched || fetched->records.empty() || fetched->next_offset <= offset) break;
        offset = fetched->next_offset;
      }
      for (int64_t ts : {INT64_MIN, int64_t{0}, int64_t{1001}, int64_t{1150}, INT64_MAX}) (void)log.offset_for_timestamp(tp, ts);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)init_logging("error");  // every damaged input would log a warning
  templ();
  return 0;
}

namespace careflow::fuzz {

std::vector<std::string> careflow_fuzz_seeds() {
  const Template& t = templ();
  const auto length = static_cast<uint16_t>(std::min<size_t>(t.segment.size(), 0xffff));
  std::string both = "\x02";
  both.append(reinterpret_cast<const char*>(&length), 2);
  both += t.segment.substr(0, length) + t.journal;
  return {std::string("\x00", 1) + t.segment, "\x01" + t.journal, both, "\x03" + t.segment,
          "\x04" + t.segment, "\x05" + t.journal, "\x07" + t.segment};
}

}  // namespace careflow::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Template& t = templ();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const int mode = in.empty() ? 0 : static_cast<uint8_t>(in[0]) % 4;
  const bool fix_crcs = !in.empty() && (static_cast<uint8_t>(in[0]) & 4);
  if (!in.empty()) in.remove_prefix(1);
  std::string_view segment = t.segment, journal = t.journal;
  if (mode == 0 || mode == 3) {
    segment = in;
    journal = t.settling_journal;
  }
  if (mode == 1) journal = in;
  if (mode == 2) {
    uint16_t length = 0;
    if (in.size() >= 2) {
      std::memcpy(&length, in.data(), 2);
      in.remove_prefix(2);
    }
    segment = in.substr(0, std::min<size_t>(length, in.size()));
    journal = in.substr(segment.size());
  }

  std::string segment_bytes(segment), journal_bytes(journal);
  if (fix_crcs) {
    fix_segment_crcs(segment_bytes);
    fix_journal_crcs(journal_bytes);
  }

  const fs::path dir = t.root / "input";
  fs::remove_all(dir);
  const fs::path partition = dir / "topics" / "t" / "0";
  fs::create_directories(partition);
  spit(dir / "FORMAT", t.format);
  spit(dir / "txn.journal", journal_bytes);
  spit(dir / "topics" / "t" / "topic.json", t.topic_json);
  spit(partition / (std::string(kSegment) + ".log"), segment_bytes);
  if (mode == 3) {
    spit(partition / (std::string(kSegment) + ".index"), t.index);
    spit(partition / (std::string(kSegment) + ".timeindex"), t.time_index);
    spit(partition / (std::string(kActive) + ".log"), "");
  }

  ++inputs;
  auto opened = EmbeddedLog::open(dir.string(), quiet_options());
  if (!opened) return 0;
  ++opened_inputs;
  EmbeddedLog& log = **opened;
  read_all(log);
  (void)log.run_maintenance(2000);
  (void)log.append({"t", 0}, std::vector<Record>{record("after recovery", 3000)});
  read_all(log);
  return 0;
}
