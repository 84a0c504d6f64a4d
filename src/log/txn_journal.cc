#include "log/txn_journal.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/crc32c.h"

namespace careflow::log {
namespace {

constexpr char kMagic[8] = {'C', 'F', 'T', 'X', 'N', 'J', '0', '2'};
constexpr size_t kRecordSize = 32;
constexpr size_t kFormat1RecordSize = 12;

enum Kind : uint8_t { kCommit = 1, kSettled = 2, kAbort = 3, kFlushed = 4, kForget = 5 };

// FNV-1a: topics are named in records by a 64-bit hash of their name.
uint64_t topic_hash(std::string_view name) {
  uint64_t h = 14695981039346656037ull;
  for (char c : name) {
    h ^= static_cast<uint8_t>(c);
    h *= 1099511628211ull;
  }
  return h;
}

bool all_zero(const char* p, size_t n) {
  return std::all_of(p, p + n, [](char c) { return c == 0; });
}

Status write_all(int fd, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::from_errno("writing " + path, errno);
    done += static_cast<size_t>(n);
  }
  return Status::ok();
}

}  // namespace

struct TxnJournal::Entry {
  uint8_t kind = 0;
  int32_t partition = 0;
  uint64_t topic = 0;
  int64_t value = 0;

  std::string encode() const {
    std::string r(kRecordSize, '\0');
    r[0] = static_cast<char>(kind);
    std::memcpy(r.data() + 4, &partition, 4);
    std::memcpy(r.data() + 8, &topic, 8);
    std::memcpy(r.data() + 16, &value, 8);
    const uint32_t crc = crc32c(r.data(), kRecordSize - 4);
    std::memcpy(r.data() + kRecordSize - 4, &crc, 4);
    return r;
  }
  static bool decode(const char* p, Entry& e) {
    uint32_t crc;
    std::memcpy(&crc, p + kRecordSize - 4, 4);
    if (crc != crc32c(p, kRecordSize - 4)) return false;
    e.kind = static_cast<uint8_t>(p[0]);
    std::memcpy(&e.partition, p + 4, 4);
    std::memcpy(&e.topic, p + 8, 8);
    std::memcpy(&e.value, p + 16, 8);
    return true;
  }
};

Result<std::unique_ptr<TxnJournal>> TxnJournal::open(const std::string& path, bool require_format2, int64_t rotate_bytes) {
  std::unique_ptr<TxnJournal> j(new TxnJournal(path, rotate_bytes));
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  std::string data;
  if (fd < 0) {
    if (errno != ENOENT) return Status::from_errno("opening " + path, errno);
    if (require_format2) {
      return Status::corruption(fmt::format(
          "{} is missing: without it the commit state of atomic appends is unknown (restore it from a backup)", path));
    }
  } else {
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return Status::from_errno("stat " + path, errno);
    }
    data.resize(static_cast<size_t>(st.st_size));
    const ssize_t n = data.empty() ? 0 : ::pread(fd, data.data(), data.size(), 0);
    ::close(fd);
    if (n != static_cast<ssize_t>(data.size())) return Status::io_error(fmt::format("{}: short read", path));
  }
  CF_RETURN_IF_ERROR(j->load(data, require_format2));
  return j;
}

Status TxnJournal::load(const std::string& data, bool require_format2) {
  if (data.size() < sizeof kMagic || std::memcmp(data.data(), kMagic, sizeof kMagic) != 0) {
    if (require_format2) {
      return Status::corruption(fmt::format("{}: no format-2 header at byte 0 (the journal was overwritten or damaged)", path_));
    }
    return load_format1(data);
  }
  for (size_t at = sizeof kMagic; at < data.size(); at += kRecordSize) {
    const char* p = data.data() + at;
    if (at + kRecordSize > data.size()) break;  // a torn last record: its write never completed
    Entry e;
    if (!Entry::decode(p, e)) {
      if (all_zero(p, data.size() - at)) break;  // zeros after a machine crash: nothing was written
      return Status::corruption(fmt::format("{}: checksum mismatch in the record at byte {}", path_, at));
    }
    CF_RETURN_IF_ERROR(apply(e, static_cast<int64_t>(at)));
  }
  return Status::ok();
}

// Format 1: 12-byte records (id, CRC32C of the id).
Status TxnJournal::load_format1(const std::string& data) {
  for (size_t at = 0; at + kFormat1RecordSize <= data.size(); at += kFormat1RecordSize) {
    const char* p = data.data() + at;
    int64_t id;
    uint32_t crc;
    std::memcpy(&id, p, 8);
    std::memcpy(&crc, p + 8, 4);
    if (crc != crc32c(p, 8)) {
      if (all_zero(p, data.size() - at)) break;
      return Status::corruption(fmt::format("{}: checksum mismatch in the record at byte {}", path_, at));
    }
    committed_.insert(id);
    highest_ = std::max(highest_, id);
  }
  return Status::ok();
}

Status TxnJournal::apply(const Entry& e, int64_t at) {
  switch (e.kind) {
    case kCommit:
      committed_.insert(e.value);
      break;
    case kSettled:
      settled_ = std::max(settled_, e.value);
      break;
    case kAbort:
      aborted_.insert(e.value);
      break;
    case kFlushed:
      flushed_[{e.topic, e.partition}] = e.value;
      return Status::ok();
    case kForget:
      std::erase_if(flushed_, [&](const auto& kv) { return kv.first.first == e.topic; });
      return Status::ok();
    default:
      return Status::corruption(fmt::format("{}: unknown record kind {} at byte {}", path_, e.kind, at));
  }
  highest_ = std::max(highest_, e.value);
  return Status::ok();
}

TxnJournal::~TxnJournal() {
  if (fd_ >= 0) ::close(fd_);
}

bool TxnJournal::committed(int64_t txn_id) const {
  std::lock_guard lock(mutex_);
  if (aborted_.count(txn_id)) return false;
  return txn_id <= settled_ || committed_.count(txn_id) > 0;
}

int64_t TxnJournal::flushed_end(const TopicPartition& tp) const {
  std::lock_guard lock(mutex_);
  auto it = flushed_.find({topic_hash(tp.topic), tp.partition});
  return it == flushed_.end() ? -1 : it->second;
}

void TxnJournal::note_id(int64_t txn_id) {
  std::lock_guard lock(mutex_);
  highest_ = std::max(highest_, txn_id);
}

Status TxnJournal::settle() {
  std::lock_guard lock(mutex_);
  return rewrite_locked();
}

// Everything below the oldest append still in flight has committed or been aborted (aborts are
// kept apart and override it), so the ids below it need no entry of their own: memory holds only
// the commits above the oldest append in flight, however long careflow runs.
void TxnJournal::settle_in_memory_locked() {
  const int64_t floor = in_flight_.empty() ? highest_ : *in_flight_.begin() - 1;
  if (floor <= settled_) return;
  settled_ = floor;
  committed_.erase(committed_.begin(), committed_.upper_bound(settled_));
}

Status TxnJournal::rewrite_locked() {
  settle_in_memory_locked();
  std::string data(kMagic, sizeof kMagic);
  data += Entry{kSettled, 0, 0, settled_}.encode();
  for (int64_t id : committed_) data += Entry{kCommit, 0, 0, id}.encode();
  for (int64_t id : aborted_) data += Entry{kAbort, 0, 0, id}.encode();
  for (const auto& [key, end] : flushed_) data += Entry{kFlushed, key.second, key.first, end}.encode();

  const std::string tmp = path_ + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::from_errno("creating " + tmp, errno);
  Status written = write_all(fd, data, tmp);
  if (written && ::fdatasync(fd) != 0) written = Status::from_errno("fdatasync " + tmp, errno);
  ::close(fd);
  CF_RETURN_IF_ERROR(written);
  if (::rename(tmp.c_str(), path_.c_str()) != 0) return Status::from_errno("renaming " + tmp, errno);
  const std::string dir = std::filesystem::path(path_).parent_path().string();
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    const bool synced = ::fsync(dir_fd) == 0;
    ::close(dir_fd);
    if (!synced) return Status::from_errno("fsync " + dir, errno);
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) return Status::from_errno("opening " + path_, errno);
  size_ = static_cast<int64_t>(data.size());
  commits_unsynced_ = unsynced_ = false;
  return Status::ok();
}

Status TxnJournal::append_locked(const Entry& e, bool durable) {
  if (fd_ < 0) {
    // During recovery, before settle(): flushed marks wait in memory for the rewrite.
    if (e.kind == kFlushed) return Status::ok();
    return Status::failed_precondition(path_ + " is not open for writing (recovery did not settle it)");
  }
  if (size_ >= rotate_bytes_) CF_RETURN_IF_ERROR(rewrite_locked());
  const std::string record = e.encode();
  if (::write(fd_, record.data(), record.size()) != static_cast<ssize_t>(record.size())) {
    // A short write leaves a partial record; the next open reads it as a torn tail.
    return Status::from_errno("writing " + path_, errno);
  }
  size_ += static_cast<int64_t>(record.size());
  unsynced_ = true;
  if (e.kind == kCommit) commits_unsynced_ = true;
  return durable ? fdatasync_locked() : Status::ok();
}

int64_t TxnJournal::begin() {
  std::lock_guard lock(mutex_);
  const int64_t id = ++highest_;
  in_flight_.insert(id);
  return id;
}

Status TxnJournal::commit(int64_t txn_id, bool durable) {
  std::lock_guard lock(mutex_);
  in_flight_.erase(txn_id);
  Status s = append_locked(Entry{kCommit, 0, 0, txn_id}, durable);
  if (s) {
    committed_.insert(txn_id);
    settle_in_memory_locked();
  } else {
    aborted_.insert(txn_id);  // the caller takes the batches back
  }
  return s;
}

Status TxnJournal::abort(int64_t txn_id) {
  std::lock_guard lock(mutex_);
  in_flight_.erase(txn_id);
  committed_.erase(txn_id);
  aborted_.insert(txn_id);
  return append_locked(Entry{kAbort, 0, 0, txn_id}, /*durable=*/true);
}

Status TxnJournal::fdatasync_locked() {
  if (::fdatasync(fd_) != 0) return Status::from_errno("fdatasync " + path_, errno);
  commits_unsynced_ = unsynced_ = false;
  return Status::ok();
}

Status TxnJournal::sync_commits() {
  std::lock_guard lock(mutex_);
  return commits_unsynced_ ? fdatasync_locked() : Status::ok();
}

Status TxnJournal::record_flushed(const TopicPartition& tp, int64_t end_offset, bool durable) {
  std::lock_guard lock(mutex_);
  const uint64_t topic = topic_hash(tp.topic);
  auto& known = flushed_[{topic, tp.partition}];
  if (known == end_offset && !durable) return Status::ok();
  known = end_offset;
  return append_locked(Entry{kFlushed, tp.partition, topic, end_offset}, durable);
}

Status TxnJournal::forget_topic(std::string_view topic) {
  std::lock_guard lock(mutex_);
  const uint64_t hash = topic_hash(topic);
  std::erase_if(flushed_, [&](const auto& kv) { return kv.first.first == hash; });
  return append_locked(Entry{kForget, 0, hash, 0}, /*durable=*/true);
}

Status TxnJournal::sync() {
  std::lock_guard lock(mutex_);
  return unsynced_ ? fdatasync_locked() : Status::ok();
}

size_t TxnJournal::commits_held() const {
  std::lock_guard lock(mutex_);
  return committed_.size();
}

}  // namespace careflow::log
