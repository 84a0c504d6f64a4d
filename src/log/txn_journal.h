#pragma once
// The ids of committed atomic appends (txn.journal): each record is the id (u64) and its CRC32C
// (u32), little-endian. An atomic append's batches are written first and its id appended here
// last: a batch whose id is not in the journal after a crash never committed. Private to log/.

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "common/status.h"

namespace careflow::log {

class TxnJournal {
 public:
  // Reads the journal (a torn last record is ignored: that append did not commit).
  static Result<std::unique_ptr<TxnJournal>> open(const std::string& path);
  ~TxnJournal();

  bool committed(int64_t txn_id) const { return ids_.count(txn_id) > 0; }
  int64_t max_id() const { return ids_.empty() ? 0 : *ids_.rbegin(); }
  // Appends a commit record; fdatasync when `durable`.
  Status commit(int64_t txn_id, bool durable);
  // Atomically replaces the journal by one holding only `keep` (after recovery).
  Status rewrite(const std::set<int64_t>& keep, int64_t max_id_hint);

 private:
  explicit TxnJournal(std::string path) : path_(std::move(path)) {}
  std::string path_;
  int fd_ = -1;
  std::mutex mutex_;
  std::set<int64_t> ids_;
};

}  // namespace careflow::log
