#include "log/batch_reader.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace careflow::log {

namespace {
// The first read's size. A fetch for a batch of rows wants ~100 KiB; reading the 4 MiB a fetch
// may return every time cost the pipelines a sixth of their CPU in copies and page faults.
constexpr int64_t kFirstChunk = 64 * 1024;
}  // namespace

BatchReader::BatchReader(int fd, std::string path, int64_t position, int64_t limit, size_t buffer_bytes,
                         int64_t checked_until, int64_t read_ahead)
    : fd_(fd), path_(std::move(path)), position_(position), limit_(limit), buffer_bytes_(buffer_bytes),
      next_chunk_(std::min<int64_t>(kFirstChunk, static_cast<int64_t>(buffer_bytes))),
      checked_until_(checked_until), read_ahead_left_(read_ahead) {
  buffer_start_ = buffer_end_ = position;
}

bool BatchReader::fill(int64_t n) {
  if (position_ + n > limit_) return false;
  if (position_ >= buffer_start_ && position_ + n <= buffer_end_) return true;
  // Keep nothing before position_; read at least the next chunk (or the whole batch).
  const int64_t chunk = std::min<int64_t>(next_chunk_, read_ahead_left_);
  next_chunk_ = std::min<int64_t>(next_chunk_ * 2, static_cast<int64_t>(buffer_bytes_));
  const int64_t want = std::min<int64_t>(std::max<int64_t>(n, chunk), limit_ - position_);
  if (buffer_capacity_ < static_cast<size_t>(want)) {
    // Not a std::string: resizing one zero-fills it, a pass over every byte before pread's own.
    buffer_ = std::make_unique_for_overwrite<char[]>(static_cast<size_t>(want));
    buffer_capacity_ = static_cast<size_t>(want);
  }
  int64_t got = 0;
  while (got < want) {
    const ssize_t r = ::pread(fd_, buffer_.get() + got, static_cast<size_t>(want - got), position_ + got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      error_ = Status::from_errno(fmt::format("reading {} at byte {}", path_, position_ + got), errno);
      return false;
    }
    if (r == 0) break;
    got += r;
  }
  buffer_start_ = position_;
  buffer_end_ = position_ + got;
  read_ahead_left_ = std::max<int64_t>(read_ahead_left_ - got, 0);
  return got >= n;
}

bool BatchReader::rest_is_zero() {
  for (int64_t at = position_; at < limit_;) {
    const int64_t chunk = std::min<int64_t>(static_cast<int64_t>(buffer_bytes_), limit_ - at);
    const int64_t saved = position_;
    position_ = at;
    if (!fill(chunk)) {
      position_ = saved;
      return false;
    }
    const char* p = buffer_.get() + (at - buffer_start_);
    for (int64_t i = 0; i < chunk; ++i) {
      if (p[i] != 0) {
        position_ = saved;
        return false;
      }
    }
    position_ = saved;
    at += chunk;
  }
  return true;
}

BatchReader::Step BatchReader::corrupt(const std::string& what) {
  error_ = Status::corruption(fmt::format("segment {}: {} in the batch at byte {}", path_, what, position_));
  return Step::kCorrupt;
}

BatchReader::Step BatchReader::next() {
  if (position_ == limit_) return Step::kEnd;
  if (!fill(static_cast<int64_t>(kBatchHeaderSize))) {
    if (!error_.is_ok()) return Step::kCorrupt;
    return Step::kTorn;  // fewer bytes than a header
  }
  const char* b = buffer_.get() + (position_ - buffer_start_);
  if (!header_crc_ok(b)) {
    if (rest_is_zero()) return Step::kTorn;  // zeros after a crash: nothing was written here
    return corrupt("header CRC mismatch");
  }
  header_ = parse_batch_header(b);
  if (header_.batch_length < static_cast<int32_t>(kBatchHeaderSize - kBatchLengthPrefix)) {
    return corrupt(fmt::format("impossible batch length {}", header_.batch_length));
  }
  if (position_ + header_.total_size() > limit_) return Step::kTorn;
  if (!fill(header_.total_size())) return error_.is_ok() ? Step::kTorn : Step::kCorrupt;
  b = buffer_.get() + (position_ - buffer_start_);
  // A complete batch whose CRC fails is damage, even the last one: a torn write leaves a batch
  // shorter than its declared length, never a complete one with wrong bytes.
  const bool checked_before = position_ + header_.total_size() <= checked_until_;
  if (!checked_before && !body_crc_ok(header_, b)) return corrupt("CRC mismatch");
  if (header_.magic != kBatchMagic) return corrupt(fmt::format("unknown magic {}", header_.magic));
  return Step::kBatch;
}

}  // namespace careflow::log
