#pragma once
// txn.journal: which atomic appends committed, and how far each partition was flushed
// (docs/log-format.md, "Transaction journal"). Private to log/.
//
// Format 2: the magic "CFTXNJ02", then 32-byte records, each with its CRC32C:
//   commit T     every batch carrying id T is committed
//   settled S    every id <= S found in a batch is committed (what recovery proved; keeps the file small)
//   abort T      id T's batches were taken back after a failed commit (overrides `settled`)
//   flushed P E  partition P's offsets below E were fsynced before this record was written
//   forget       the topic was deleted: its flushed records no longer apply
// Format 1 (before): 12-byte records holding only committed ids; read, then rewritten as format 2.
//
// Ordering, which is what makes recovery safe:
// - a commit record is written after the append's batches and before the append is acknowledged;
// - a partition's data is fsynced only after the journal's pending commit records are (sync_commits),
//   so any batch that was flushed has its commit record on disk too;
// - a flushed record is written only after the data it names was fsynced, so it never claims more
//   than the disk holds, whether or not it reaches the disk itself.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "common/status.h"
#include "log/topics.h"

namespace careflow::log {

class TxnJournal {
 public:
  // Reads the journal. `require_format2`: the directory was written by this format, so a missing
  // journal or one without the header is damage, not an older version. A torn last record (a
  // partial one, or zeros) is ignored; any other record whose CRC fails is Corruption naming the
  // file and byte. The journal is rewritten by settle(), which recovery always calls.
  static Result<std::unique_ptr<TxnJournal>> open(const std::string& path, bool require_format2,
                                                  int64_t rotate_bytes = 4 << 20);
  ~TxnJournal();
  TxnJournal(const TxnJournal&) = delete;
  TxnJournal& operator=(const TxnJournal&) = delete;

  const std::string& path() const { return path_; }

  // ---- recovery (before any writer runs) ----
  bool committed(int64_t txn_id) const;
  // The offset below which `tp` was flushed, or -1 when the journal does not know.
  int64_t flushed_end(const TopicPartition& tp) const;
  // An id found in a batch: new ids are allocated above it.
  void note_id(int64_t txn_id);
  // Every id up to the highest known is settled; rewrites the journal compactly (format 2).
  Status settle();

  // ---- writers ----
  // A new id for an atomic append, in flight until commit() or abort().
  int64_t begin();
  // Appends a commit record; fdatasync when `durable`, else sync_commits() does it later.
  Status commit(int64_t txn_id, bool durable);
  // The append's batches were taken back: a batch of it found later is removed. fdatasync.
  Status abort(int64_t txn_id);
  // fdatasync if commit records were written since the last one. Called before fsyncing data.
  Status sync_commits();
  // Appends a flushed record (fdatasync when `durable`).
  Status record_flushed(const TopicPartition& tp, int64_t end_offset, bool durable);
  // Forgets a deleted topic's flushed records (fdatasync).
  Status forget_topic(std::string_view topic);
  // fdatasync whatever was written.
  Status sync();
  // How many committed ids memory holds one by one (those above the oldest append in flight).
  size_t commits_held() const;

 private:
  struct Entry;
  TxnJournal(std::string path, int64_t rotate_bytes) : path_(std::move(path)), rotate_bytes_(rotate_bytes) {}
  Status load(const std::string& data, bool require_format2);
  Status load_format1(const std::string& data);
  Status apply(const Entry& e, int64_t at);
  Status append_locked(const Entry& e, bool durable);
  Status fdatasync_locked();
  void settle_in_memory_locked();
  // Rewrites the file from the state in memory (temporary file, fdatasync, rename, directory fsync).
  Status rewrite_locked();

  const std::string path_;
  const int64_t rotate_bytes_;
  int fd_ = -1;
  int64_t size_ = 0;
  mutable std::mutex mutex_;
  int64_t settled_ = 0;
  std::set<int64_t> committed_;  // above settled_
  std::set<int64_t> aborted_;
  std::set<int64_t> in_flight_;
  int64_t highest_ = 0;
  std::map<std::pair<uint64_t, int32_t>, int64_t> flushed_;  // (topic hash, partition) -> end offset
  bool commits_unsynced_ = false;
  bool unsynced_ = false;
};

}  // namespace careflow::log
