#pragma once
// One topic partition: its segments, the writer state, and the reads against a published view.
// Private to log/.
//
// Writers (append, atomic append, maintenance) hold write_mutex(). What readers may see is a
// PartitionView published by the EmbeddedLog: batches written but not yet published (an atomic
// append in progress) stay invisible.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "log/segment.h"
#include "log/stored_batches.h"
#include "log/topics.h"
#include "log/txn_journal.h"

namespace careflow::log {

struct PartitionView {
  std::vector<std::shared_ptr<Segment>> segments;
  int64_t start_offset = 0;
  int64_t end_offset = 0;
  int64_t active_size = 0;  // readable bytes of segments.back()
};

class Partition {
 public:
  // Opens the partition in `dir` (creating it when `create`), recovering its segments. A torn tail
  // is truncated only above what `journal` says was flushed; a partition that ends below that is
  // Corruption naming the file and byte. The journal also hears of every sync (record_flushed).
  static Result<std::unique_ptr<Partition>> open(const std::string& dir, TopicPartition id, const TopicConfig& config,
                                                 bool create, TxnJournal& journal);

  const TopicPartition& id() const { return id_; }
  const TopicConfig& config() const { return config_; }
  std::mutex& write_mutex() { return write_mutex_; }

  // ---- writer, with write_mutex() held ----
  // Writes one batch after the current end; returns its first offset. Not visible until published.
  // A batch with a `txn_id` is pending until committed() or drop_trailing_batch().
  Result<int64_t> write(std::span<const Record> records, int64_t txn_id);
  // The pending atomic append's commit record is written: its batch may be named as flushed.
  Status committed(bool synced);
  // fsyncs what was written since the last sync: first the journal's pending commit records (when
  // this partition holds a batch they commit), then the data, then records in the journal how far this partition is flushed (below any pending
  // batch: it is not committed yet).
  Status sync();
  bool dirty() const { return dirty_.load(); }
  // What readers should see now.
  std::shared_ptr<const PartitionView> current_view() const;
  // The header, file and byte position of the partition's last batch; false when it has none.
  bool trailing_batch(BatchHeader& header, std::string& file, int64_t& position) const;
  // Rolls back the last batch (its append failed or never committed); lowers the journal's flushed
  // mark when it named the batch.
  Status drop_trailing_batch();
  Status apply_retention(int64_t now_ms);
  Status compact(int64_t now_ms);
  // When the last sync happened (steady clock, ms), for the interval flusher.
  int64_t last_sync_ms() const { return last_sync_ms_; }

  // ---- readers, against a published view; thread-safe ----
  Result<FetchResult> fetch(const PartitionView& view, int64_t offset, const FetchLimits& limits) const;
  Result<StoredBatchesRead> read_stored_batches(const PartitionView& view, int64_t offset, int64_t max_bytes,
                                                const std::function<bool(const StoredBatch&)>& visit) const;
  Result<std::optional<int64_t>> offset_for_timestamp(const PartitionView& view, int64_t ts) const;

 private:
  Partition(std::string dir, TopicPartition id, TopicConfig config, TxnJournal& journal)
      : dir_(std::move(dir)), id_(std::move(id)), config_(config), journal_(journal) {}
  // InvalidArgument / OutOfRange for an offset a reader cannot start at.
  Status check_read_offset(const PartitionView& view, int64_t offset) const;
  // Calls `visit` with each complete, CRC-checked batch of `view` holding an offset >= `offset`
  // (and the segment file it is in), in order, until it answers false. `read_hint`: about how many
  // bytes the caller wants, to size the reads.
  using BatchVisitor = std::function<Result<bool>(const BatchHeader&, const char* batch, const std::string& path)>;
  Status for_each_batch(const PartitionView& view, int64_t offset, int64_t read_hint, const BatchVisitor& visit) const;
  // The offset below which everything written is committed.
  int64_t committed_end() const;
  Status roll();
  // Every record of one segment, in offset order.
  Status read_segment(const Segment& segment, int64_t limit, std::vector<Record>& out) const;

  const std::string dir_;
  const TopicPartition id_;
  const TopicConfig config_;
  TxnJournal& journal_;
  std::mutex write_mutex_;
  int64_t pending_txn_base_ = -1;  // first offset of a written, not yet committed atomic batch
  bool unsynced_commit_ = false;   // holds a committed atomic batch whose commit record may not be fsynced
  std::vector<std::shared_ptr<Segment>> segments_;
  int64_t start_offset_ = 0;
  std::atomic<bool> dirty_{false};
  int64_t last_sync_ms_ = 0;
  std::vector<std::shared_ptr<Segment>> older_unsynced_;  // found at open, fsynced by the first sync()
  std::string scratch_;  // the batch being encoded, reused
};

}  // namespace careflow::log
