#pragma once
// One segment of a partition: <base>.log holds record batches; <base>.index maps offsets to byte
// positions and <base>.timeindex maps timestamps to byte positions, one entry per
// index.interval.bytes of data (both: pairs of little-endian i64). Private to log/.
//
// Threads: the partition's writer appends under its write lock; readers call the const methods
// at any time (the indexes have their own lock; reads stop at the partition's published size).

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "log/record_batch.h"

namespace careflow::log {

class Segment {
 public:
  // A new, empty segment.
  static Result<std::shared_ptr<Segment>> create(const std::string& dir, int64_t base_offset, int64_t index_interval);
  // An existing segment. The last segment of a partition (`is_last`) is scanned in full and a torn
  // tail is truncated, unless it starts below `flushed_end` (offsets below it were fsynced and
  // committed: losing them is Corruption, not a torn write); an older one trusts its index files
  // and checks only the batches after the last index entry (a full scan rebuilds missing or
  // inconsistent indexes).
  static Result<std::shared_ptr<Segment>> open(const std::string& dir, int64_t base_offset, int64_t index_interval,
                                               bool is_last, int64_t flushed_end = -1);
  ~Segment();
  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;

  int64_t base_offset() const { return base_offset_; }
  const std::string& path() const { return log_path_; }
  int fd() const { return fd_; }
  int64_t size() const { return size_.load(); }
  int64_t next_offset() const { return next_offset_.load(); }  // last offset + 1; base when empty
  int64_t max_timestamp() const { return max_timestamp_.load(); }  // INT64_MIN when empty
  // The header of the last batch (for rolling back an uncommitted atomic append); false if empty.
  bool last_batch(BatchHeader& header, int64_t& position) const;

  // ---- writer ----
  Status append(const std::string& batch, const BatchHeader& header);
  Status sync();
  // Drops everything from `position` on (an uncommitted atomic append), rebuilding the indexes,
  // and fdatasyncs, so the dropped batch cannot come back after a power cut.
  Status truncate(int64_t position);

  // ---- readers ----
  // Bytes from the file's start whose batches this process has checked against their CRC (it wrote
  // them from memory, or a scan or read checked them): readers skip the body CRC below it. The
  // page cache serves these bytes as they were checked; what a Kafka client receives still carries
  // the stored CRC end to end, so a later disk fault shows up at a client that checks CRCs.
  int64_t checked_bytes() const { return checked_bytes_.load(std::memory_order_acquire); }
  // Records that the batch at [start, end) passed its CRC check; extends checked_bytes() when the
  // batch continues the checked prefix.
  void note_checked(int64_t start, int64_t end) const;

  // Byte position of the last indexed batch starting at or before `offset` (0 if none).
  int64_t position_for_offset(int64_t offset) const;
  // Byte position from which every record with timestamp >= ts lies (0 if none is known).
  int64_t position_for_timestamp(int64_t ts) const;

  // Removes the files when the last reference goes (retention, topic deletion).
  void remove_files_when_unused() { remove_on_close_ = true; }
  // Replaces this segment's files by a compacted copy written to `<log>.cleaned` (see compaction).
  std::string cleaned_path() const { return log_path_ + ".cleaned"; }

 private:
  Segment(const std::string& dir, int64_t base_offset, int64_t index_interval);
  Status open_files(bool create);
  Status load_indexes();
  // Scans batches from `position`, validating them and indexing them; truncates a torn tail when
  // `truncate_torn` and it starts at or after `flushed_end`, else reports it as corruption.
  Status scan_from(int64_t position, bool truncate_torn, int64_t flushed_end = -1);
  void index_batch(const BatchHeader& header, int64_t position, bool persist);
  Status rewrite_index_files();

  struct IndexEntry {
    int64_t key;       // offset, or the max timestamp of every record before `position`
    int64_t position;
  };

  const int64_t base_offset_;
  const int64_t index_interval_;
  std::string log_path_, index_path_, time_index_path_;
  int fd_ = -1, index_fd_ = -1, time_index_fd_ = -1;
  std::atomic<int64_t> size_{0};
  std::atomic<int64_t> next_offset_;
  std::atomic<int64_t> max_timestamp_;
  mutable std::atomic<int64_t> checked_bytes_{0};
  bool remove_on_close_ = false;

  mutable std::mutex index_mutex_;
  std::vector<IndexEntry> offset_index_;
  std::vector<IndexEntry> time_index_;
  int64_t bytes_since_index_ = 0;
  BatchHeader last_header_;
  int64_t last_position_ = -1;
};

std::string segment_file_name(int64_t base_offset, const char* extension);

}  // namespace careflow::log
