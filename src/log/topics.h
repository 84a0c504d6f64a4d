#pragma once
// The Topic interface: the only way careflow's parts exchange events.
//
// It is Kafka-shaped on purpose, so that the embedded log (log/embedded_log.h) and a librdkafka
// implementation (src/kafka, later) are interchangeable: topics with N partitions, records of key
// bytes, value bytes (nullopt = tombstone), headers, a timestamp in ms and an offset; order per
// partition; consumer groups with committed offsets; atomic multi-partition appends (what Kafka
// calls a transaction, with the consumer offsets in the same commit).
//
// Thread safety: every method of Topics may be called from many threads at once.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace careflow::log {

struct Header {
  std::string key;
  std::optional<std::string> value;
  bool operator==(const Header&) const = default;
};

struct Record {
  std::optional<std::string> key;    // nullopt = no key (Kafka's null key)
  std::optional<std::string> value;  // nullopt = tombstone
  std::vector<Header> headers;
  int64_t timestamp_ms = 0;          // producer (event) time, ms since the Unix epoch
  int64_t offset = -1;               // assigned by the log; ignored on append
  bool operator==(const Record&) const = default;
  // Bytes of key, value and headers: what a fetch's max_bytes counts.
  int64_t payload_bytes() const;
};

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
  std::string to_string() const;  // "topic/3"
};

enum class FsyncPolicy {
  kEveryBatch,  // fsync before an append returns: survives power loss
  kInterval,    // fsync every fsync_interval_ms by a background thread
  kNever,       // leave it to the OS: survives a process crash, not power loss
};

enum class CleanupPolicy { kDelete, kCompact };

// How a batch's records are stored on disk (compression.type). Batches too small to gain are
// stored plain whatever the setting; readers handle both.
enum class Compression { kUncompressed, kZstd };

// Per-topic settings. Names follow Kafka's topic configs (see parse_topic_config).
struct TopicConfig {
  int32_t partitions = 1;
  FsyncPolicy fsync = FsyncPolicy::kInterval;
  int64_t fsync_interval_ms = 1000;          // flush.ms
  int64_t segment_bytes = 64ll << 20;        // segment.bytes: roll the active segment past this size
  int64_t retention_ms = 7ll * 24 * 3600 * 1000;  // retention.ms; -1 = keep forever
  int64_t retention_bytes = -1;              // retention.bytes per partition; -1 = no limit
  CleanupPolicy cleanup = CleanupPolicy::kDelete;  // cleanup.policy
  int64_t delete_retention_ms = 24ll * 3600 * 1000;  // delete.retention.ms: tombstone lifetime under compaction
  int64_t index_interval_bytes = 4096;       // index.interval.bytes: sparse index density
  Compression compression = Compression::kZstd;  // compression.type: zstd or uncompressed
  bool operator==(const TopicConfig&) const = default;
};

// Applies Kafka-style "name=value" settings (partitions, flush.policy=every-batch|interval|never,
// flush.ms, segment.bytes, retention.ms, retention.bytes, cleanup.policy=delete|compact,
// delete.retention.ms, index.interval.bytes, compression.type=zstd|uncompressed) over `base`. An unknown name or a bad value is
// InvalidArgument naming it.
Result<TopicConfig> parse_topic_config(const std::map<std::string, std::string>& settings,
                                       TopicConfig base = {});
// The same settings back as name=value pairs (for describe / show).
std::map<std::string, std::string> topic_config_to_map(const TopicConfig& config);

// Kafka's rule: 1..249 characters of [a-zA-Z0-9._-], not "." or "..". InvalidArgument otherwise.
Status validate_topic_name(std::string_view name);

struct PartitionInfo {
  int32_t partition = 0;
  int64_t start_offset = 0;  // first offset still stored (advances with retention)
  int64_t end_offset = 0;    // offset the next record will get (Kafka's high watermark)
  int64_t size_bytes = 0;
  int32_t segments = 0;
};

struct TopicDescription {
  std::string name;
  TopicConfig config;
  std::vector<PartitionInfo> partitions;
};

// Records appended to one partition as part of an atomic append.
struct PartitionBatch {
  TopicPartition target;
  std::vector<Record> records;
};

// A consumer-group offset commit: `offset` is the next offset the group will read.
struct OffsetCommit {
  std::string group;
  TopicPartition partition;
  int64_t offset = 0;
};

struct FetchLimits {
  int64_t max_records = 10000;
  int64_t max_bytes = 4 << 20;  // soft: at least one record is returned when one is available
};

// Where a reader is: the next offset it wants from a partition.
struct ReadPosition {
  TopicPartition partition;
  int64_t offset = 0;
};

struct FetchResult {
  std::vector<Record> records;  // offsets ascending; may skip offsets removed by compaction
  int64_t next_offset = 0;      // where the following fetch should start
  int64_t end_offset = 0;       // the partition's end offset when fetched
};

class Topics {
 public:
  virtual ~Topics() = default;

  // ---- admin ----
  // AlreadyExists if the topic exists; InvalidArgument for a bad name or config.
  virtual Status create_topic(std::string_view name, const TopicConfig& config) = 0;
  // NotFound if absent. Removes the topic's data; readers get NotFound afterwards.
  virtual Status delete_topic(std::string_view name) = 0;
  // Sorted names; internal topics (leading "__") included.
  virtual std::vector<std::string> list_topics() const = 0;
  virtual Result<TopicDescription> describe_topic(std::string_view name) const = 0;

  // ---- produce ----
  // Appends records in order to one partition; returns the offset given to the first record
  // (records get consecutive offsets). Visible to readers when this returns; durable per the
  // topic's fsync policy. NotFound / OutOfRange for a bad topic / partition, InvalidArgument for
  // an empty batch.
  virtual Result<int64_t> append(const TopicPartition& target, std::span<const Record> records) = 0;

  // Appends every batch and applies every offset commit as one unit: after a crash or to a
  // concurrent reader, either all of it is there or none of it. Returns each batch's first
  // offset, in input order. At most one batch per partition.
  virtual Result<std::vector<int64_t>> append_atomic(std::span<const PartitionBatch> batches,
                                                     std::span<const OffsetCommit> commits = {}) = 0;

  // ---- consume ----
  // Records from `offset` on. OutOfRange if offset < start_offset or offset > end_offset
  // (offset == end_offset returns no records); InvalidArgument if negative.
  virtual Result<FetchResult> fetch(const TopicPartition& source, int64_t offset,
                                    FetchLimits limits = {}) const = 0;

  // Blocks until the partition's end offset exceeds `offset` or `timeout` passes, without busy
  // polling; returns true when data is there. Wakes within about a millisecond of an append.
  virtual Result<bool> wait_for_data(const TopicPartition& source, int64_t offset,
                                     std::chrono::microseconds timeout) const = 0;

  // wait_for_data over many partitions: blocks until any partition's end offset exceeds its
  // position's offset or `timeout` passes; true when one does (a Kafka Fetch's long poll). Errors
  // as wait_for_data's. This default waits on each partition in turn, in slices of at most 10 ms;
  // the embedded log waits on all of them at once.
  virtual Result<bool> wait_for_any(std::span<const ReadPosition> positions, std::chrono::microseconds timeout) const;

  // Start/end offsets of every partition of a topic, read as one consistent snapshot (an atomic
  // append is seen in all its partitions or in none).
  virtual Result<std::vector<PartitionInfo>> partition_offsets(std::string_view topic) const = 0;

  // Kafka's ListOffsets by timestamp: the earliest offset whose record timestamp is >= ts_ms;
  // nullopt when no such record exists.
  virtual Result<std::optional<int64_t>> offset_for_timestamp(const TopicPartition& source,
                                                              int64_t ts_ms) const = 0;

  // ---- consumer groups ----
  virtual Status commit_offsets(std::span<const OffsetCommit> commits) = 0;
  // nullopt when the group never committed for that partition.
  virtual Result<std::optional<int64_t>> committed_offset(std::string_view group,
                                                          const TopicPartition& partition) const = 0;
  // Every group with its committed offsets.
  virtual std::map<std::string, std::map<TopicPartition, int64_t>> list_group_offsets() const = 0;
};

}  // namespace careflow::log
