#pragma once
// One topic partition: its segments, the writer state, and the reads against a published view.
// Private to log/.
//
// Writers (append, atomic append, maintenance) hold write_mutex(). What readers may see is a
// PartitionView published by the EmbeddedLog: batches written but not yet published (an atomic
// append in progress) stay invisible.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "log/segment.h"
#include "log/topics.h"

namespace careflow::log {

struct PartitionView {
  std::vector<std::shared_ptr<Segment>> segments;
  int64_t start_offset = 0;
  int64_t end_offset = 0;
  int64_t active_size = 0;  // readable bytes of segments.back()
};

class Partition {
 public:
  // Opens the partition in `dir` (creating it when `create`), recovering its segments.
  static Result<std::unique_ptr<Partition>> open(const std::string& dir, TopicPartition id, const TopicConfig& config,
                                                 bool create);

  const TopicPartition& id() const { return id_; }
  const TopicConfig& config() const { return config_; }
  std::mutex& write_mutex() { return write_mutex_; }

  // ---- writer, with write_mutex() held ----
  // Writes one batch after the current end; returns its first offset. Not visible until published.
  Result<int64_t> write(std::span<const Record> records, int64_t txn_id);
  // fsyncs what was written since the last sync.
  Status sync();
  bool dirty() const { return dirty_.load(); }
  // What readers should see now.
  std::shared_ptr<const PartitionView> current_view() const;
  // The id of an atomic append whose batch is last in the partition, or 0.
  int64_t trailing_txn_id() const;
  // Rolls back that batch (its atomic append never committed).
  Status drop_trailing_batch();
  Status apply_retention(int64_t now_ms);
  Status compact(int64_t now_ms);
  // When the last sync happened (steady clock, ms), for the interval flusher.
  int64_t last_sync_ms() const { return last_sync_ms_; }

  // ---- readers, against a published view; thread-safe ----
  Result<FetchResult> fetch(const PartitionView& view, int64_t offset, const FetchLimits& limits) const;
  Result<std::optional<int64_t>> offset_for_timestamp(const PartitionView& view, int64_t ts) const;

 private:
  Partition(std::string dir, TopicPartition id, TopicConfig config)
      : dir_(std::move(dir)), id_(std::move(id)), config_(config) {}
  Status roll();
  // Every record of one segment, in offset order.
  Status read_segment(const Segment& segment, int64_t limit, std::vector<Record>& out) const;

  const std::string dir_;
  const TopicPartition id_;
  const TopicConfig config_;
  std::mutex write_mutex_;
  std::vector<std::shared_ptr<Segment>> segments_;
  int64_t start_offset_ = 0;
  std::atomic<bool> dirty_{false};
  int64_t last_sync_ms_ = 0;
  std::vector<std::shared_ptr<Segment>> unsynced_;  // rolled but not yet fsynced
  std::string scratch_;  // the batch being encoded, reused
};

}  // namespace careflow::log
