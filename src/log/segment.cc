#include "log/segment.h"

#include <fcntl.h>
#include <fmt/format.h>
#include "common/logging.h"
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include "log/batch_reader.h"

namespace careflow::log {
namespace {

Status write_all(int fd, const char* data, size_t size, const std::string& path) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::from_errno(fmt::format("writing {}", path), errno);
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::ok();
}

}  // namespace

std::string segment_file_name(int64_t base_offset, const char* extension) {
  return fmt::format("{:020}{}", base_offset, extension);
}

Segment::Segment(const std::string& dir, int64_t base_offset, int64_t index_interval)
    : base_offset_(base_offset),
      index_interval_(index_interval),
      log_path_(dir + "/" + segment_file_name(base_offset, ".log")),
      index_path_(dir + "/" + segment_file_name(base_offset, ".index")),
      time_index_path_(dir + "/" + segment_file_name(base_offset, ".timeindex")),
      next_offset_(base_offset),
      max_timestamp_(INT64_MIN) {}

Segment::~Segment() {
  for (int fd : {fd_, index_fd_, time_index_fd_}) {
    if (fd >= 0) ::close(fd);
  }
  if (remove_on_close_) {
    ::unlink(log_path_.c_str());
    ::unlink(index_path_.c_str());
    ::unlink(time_index_path_.c_str());
  }
}

Status Segment::open_files(bool create) {
  const int flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0);
  fd_ = ::open(log_path_.c_str(), flags, 0644);
  if (fd_ < 0) return Status::from_errno(fmt::format("opening {}", log_path_), errno);
  index_fd_ = ::open(index_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_APPEND, 0644);
  if (index_fd_ < 0) return Status::from_errno(fmt::format("opening {}", index_path_), errno);
  time_index_fd_ = ::open(time_index_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_APPEND, 0644);
  if (time_index_fd_ < 0) return Status::from_errno(fmt::format("opening {}", time_index_path_), errno);
  return Status::ok();
}

Result<std::shared_ptr<Segment>> Segment::create(const std::string& dir, int64_t base_offset, int64_t index_interval) {
  std::shared_ptr<Segment> s(new Segment(dir, base_offset, index_interval));
  CF_RETURN_IF_ERROR(s->open_files(true));
  return s;
}

Result<std::shared_ptr<Segment>> Segment::open(const std::string& dir, int64_t base_offset, int64_t index_interval,
                                               bool is_last, int64_t flushed_end) {
  std::shared_ptr<Segment> s(new Segment(dir, base_offset, index_interval));
  CF_RETURN_IF_ERROR(s->open_files(false));
  struct stat st;
  if (fstat(s->fd_, &st) != 0) return Status::from_errno(fmt::format("stat {}", s->log_path_), errno);
  s->size_ = st.st_size;
  if (is_last) {
    CF_RETURN_IF_ERROR(s->scan_from(0, /*truncate_torn=*/true, flushed_end));
    CF_RETURN_IF_ERROR(s->rewrite_index_files());
    return s;
  }
  // An older segment: trust its indexes, check the batches after the last entry; anything odd
  // means a full scan and fresh index files.
  if (s->load_indexes().is_ok()) {
    const int64_t from = s->offset_index_.empty() ? 0 : s->offset_index_.back().position;
    // scan_from re-indexes what it reads; drop the entry it starts at so it is not doubled.
    if (!s->offset_index_.empty()) s->offset_index_.pop_back();
    if (!s->time_index_.empty() && s->time_index_.back().position == from) s->time_index_.pop_back();
    s->bytes_since_index_ = index_interval;
    if (s->scan_from(from, /*truncate_torn=*/false).is_ok()) return s;
  }
  s->offset_index_.clear();
  s->time_index_.clear();
  s->bytes_since_index_ = 0;
  s->next_offset_ = base_offset;
  s->max_timestamp_ = INT64_MIN;
  CF_RETURN_IF_ERROR(s->scan_from(0, /*truncate_torn=*/false));
  CF_RETURN_IF_ERROR(s->rewrite_index_files());
  return s;
}

Status Segment::load_indexes() {
  auto load = [](int fd, const std::string& path, std::vector<IndexEntry>& out) -> Status {
    struct stat st;
    if (fstat(fd, &st) != 0) return Status::from_errno(fmt::format("stat {}", path), errno);
    if (st.st_size % static_cast<off_t>(sizeof(IndexEntry)) != 0) return Status::corruption(path + ": partial entry");
    out.resize(static_cast<size_t>(st.st_size) / sizeof(IndexEntry));
    if (!out.empty() && ::pread(fd, out.data(), static_cast<size_t>(st.st_size), 0) != st.st_size) {
      return Status::io_error(path + ": short read");
    }
    return Status::ok();
  };
  CF_RETURN_IF_ERROR(load(index_fd_, index_path_, offset_index_));
  CF_RETURN_IF_ERROR(load(time_index_fd_, time_index_path_, time_index_));
  for (size_t i = 0; i < offset_index_.size(); ++i) {
    const bool ordered = i == 0 || (offset_index_[i].key > offset_index_[i - 1].key &&
                                    offset_index_[i].position > offset_index_[i - 1].position);
    if (!ordered || offset_index_[i].position >= size_ || offset_index_[i].key < base_offset_) {
      return Status::corruption(index_path_ + ": inconsistent");
    }
  }
  for (size_t i = 0; i < time_index_.size(); ++i) {
    if (time_index_[i].position >= size_ || (i > 0 && time_index_[i].key < time_index_[i - 1].key)) {
      return Status::corruption(time_index_path_ + ": inconsistent");
    }
  }
  if (!offset_index_.empty()) {
    // The tail scan continues from the last indexed batch; the timestamps before it are known.
    max_timestamp_ = time_index_.empty() ? INT64_MIN : time_index_.back().key;
  }
  return Status::ok();
}

Status Segment::scan_from(int64_t position, bool truncate_torn, int64_t flushed_end) {
  BatchReader reader(fd_, log_path_, position, size_);
  for (;;) {
    switch (reader.next()) {
      case BatchReader::Step::kBatch:
        index_batch(reader.header(), reader.position(), /*persist=*/false);
        note_checked(reader.position(), reader.position() + reader.header().total_size());
        reader.advance();
        continue;
      case BatchReader::Step::kEnd:
        return Status::ok();
      case BatchReader::Step::kCorrupt:
        return reader.error();
      case BatchReader::Step::kTorn:
        if (!truncate_torn) {
          return Status::corruption(
              fmt::format("segment {}: incomplete batch at byte {} in a segment that is not the last", log_path_, reader.position()));
        }
        if (next_offset_ < flushed_end) {
          // A torn write can only hit what was never flushed; this cut off flushed, committed data.
          return Status::corruption(fmt::format(
              "segment {}: the file ends inside the batch at byte {} (offset {}), but offsets up to {} were flushed "
              "(txn.journal): committed data is missing, not torn; nothing was truncated",
              log_path_, reader.position(), next_offset_.load(), flushed_end - 1));
        }
        log_warn("log", "recovery truncated a torn batch",
                 {{"file", log_path_}, {"position", std::to_string(reader.position())},
                  {"bytes_dropped", std::to_string(size_ - reader.position())}});
        if (::ftruncate(fd_, reader.position()) != 0) return Status::from_errno("truncating " + log_path_, errno);
        size_ = reader.position();
        return Status::ok();
    }
  }
}

void Segment::index_batch(const BatchHeader& header, int64_t position, bool persist) {
  std::lock_guard lock(index_mutex_);
  if (offset_index_.empty() || bytes_since_index_ >= index_interval_) {
    IndexEntry offset_entry{header.base_offset, position};
    IndexEntry time_entry{max_timestamp_.load(), position};
    offset_index_.push_back(offset_entry);
    if (time_index_.empty() || time_entry.key > time_index_.back().key) time_index_.push_back(time_entry);
    bytes_since_index_ = 0;
    if (persist) {
      // Index files are a cache of the scan: a lost write only costs a rebuild at the next open.
      (void)!::write(index_fd_, &offset_entry, sizeof offset_entry);
      if (time_index_.back().position == position) (void)!::write(time_index_fd_, &time_entry, sizeof time_entry);
    }
  }
  bytes_since_index_ += header.total_size();
  next_offset_ = header.last_offset() + 1;
  max_timestamp_ = std::max(max_timestamp_.load(), header.max_timestamp);
  last_header_ = header;
  last_position_ = position;
}

Status Segment::rewrite_index_files() {
  std::lock_guard lock(index_mutex_);
  for (auto [fd, path, entries] : {std::tuple{index_fd_, &index_path_, &offset_index_},
                                   std::tuple{time_index_fd_, &time_index_path_, &time_index_}}) {
    if (::ftruncate(fd, 0) != 0) return Status::from_errno("truncating " + *path, errno);
    CF_RETURN_IF_ERROR(write_all(fd, reinterpret_cast<const char*>(entries->data()), entries->size() * sizeof(IndexEntry), *path));
  }
  return Status::ok();
}

bool Segment::last_batch(BatchHeader& header, int64_t& position) const {
  std::lock_guard lock(index_mutex_);
  if (last_position_ < 0) return false;
  header = last_header_;
  position = last_position_;
  return true;
}

Status Segment::append(const std::string& batch, const BatchHeader& header) {
  const int64_t position = size_;
  // pwrite at our own size, so a failed earlier write can never leave a gap or a misplaced batch.
  const char* data = batch.data();
  size_t left = batch.size();
  int64_t at = position;
  while (left > 0) {
    const ssize_t n = ::pwrite(fd_, data, left, at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::from_errno(fmt::format("writing {}", log_path_), errno);
    data += n;
    left -= static_cast<size_t>(n);
    at += n;
  }
  index_batch(header, position, /*persist=*/true);
  size_ = position + static_cast<int64_t>(batch.size());
  note_checked(position, size_);  // its CRC was computed from these very bytes
  return Status::ok();
}

void Segment::note_checked(int64_t start, int64_t end) const {
  int64_t checked = checked_bytes_.load(std::memory_order_acquire);
  while (start <= checked && checked < end &&
         !checked_bytes_.compare_exchange_weak(checked, end, std::memory_order_acq_rel)) {
  }
}

Status Segment::sync() {
  if (::fdatasync(fd_) != 0) return Status::from_errno(fmt::format("fdatasync {}", log_path_), errno);
  return Status::ok();
}

Status Segment::truncate(int64_t position) {
  if (::ftruncate(fd_, position) != 0) return Status::from_errno("truncating " + log_path_, errno);
  size_ = position;
  checked_bytes_ = std::min(checked_bytes_.load(), position);
  {
    std::lock_guard lock(index_mutex_);
    offset_index_.clear();
    time_index_.clear();
    bytes_since_index_ = 0;
    last_position_ = -1;
  }
  next_offset_ = base_offset_;
  max_timestamp_ = INT64_MIN;
  CF_RETURN_IF_ERROR(scan_from(0, /*truncate_torn=*/false));
  CF_RETURN_IF_ERROR(sync());
  return rewrite_index_files();
}

int64_t Segment::position_for_offset(int64_t offset) const {
  std::lock_guard lock(index_mutex_);
  auto it = std::upper_bound(offset_index_.begin(), offset_index_.end(), offset,
                             [](int64_t o, const IndexEntry& e) { return o < e.key; });
  return it == offset_index_.begin() ? 0 : std::prev(it)->position;
}

int64_t Segment::position_for_timestamp(int64_t ts) const {
  std::lock_guard lock(index_mutex_);
  // The last entry whose preceding records all have timestamps < ts.
  auto it = std::lower_bound(time_index_.begin(), time_index_.end(), ts,
                             [](const IndexEntry& e, int64_t t) { return e.key < t; });
  return it == time_index_.begin() ? 0 : std::prev(it)->position;
}

}  // namespace careflow::log
