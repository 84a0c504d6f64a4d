#pragma once
// Sequential reading of the batches of one segment file with large buffered reads, each batch
// checked (header CRC, length, body CRC). Private to log/.

#include <cstdint>
#include <memory>
#include <string>

#include "log/record_batch.h"

namespace careflow::log {

class BatchReader {
 public:
  // Reads `fd` (the file at `path`, named in errors) from `position` up to `limit` bytes. Batches
  // ending at or before `checked_until` were CRC-checked before (Segment::checked_bytes): their
  // body CRC is not computed again (the header CRC and lengths still are).
  // Reads start at 64 KiB and double up to `buffer_bytes` while the caller keeps reading, until
  // `read_ahead` bytes have been read, then just what each batch needs: a reader that stops after
  // a few records (a fetch limited by its record count) reads little more than they take, and a
  // long scan still reads in large chunks.
  BatchReader(int fd, std::string path, int64_t position, int64_t limit, size_t buffer_bytes = 1 << 20,
              int64_t checked_until = 0, int64_t read_ahead = INT64_MAX);

  enum class Step {
    kBatch,    // header() and bytes() describe the batch at position()
    kEnd,      // exactly at the limit
    kTorn,     // an incomplete batch: its declared length runs past the limit, or fewer bytes than a
               // header, or zeros: what a crash mid-write leaves
    kCorrupt,  // damaged data, including a complete batch whose CRC fails; error() says where
  };
  Step next();

  const BatchHeader& header() const { return header_; }
  const char* bytes() const { return buffer_.get() + (position_ - buffer_start_); }
  int64_t position() const { return position_; }  // start of the current batch (or of the tail)
  // Moves past the current batch.
  void advance() { position_ += header_.total_size(); }
  const Status& error() const { return error_; }

 private:
  // Makes [position_, position_ + n) available in the buffer; false at EOF or on a read error.
  bool fill(int64_t n);
  bool rest_is_zero();
  Step corrupt(const std::string& what);

  int fd_;
  std::string path_;
  int64_t position_;
  int64_t limit_;
  std::unique_ptr<char[]> buffer_;
  size_t buffer_capacity_ = 0;
  int64_t buffer_start_ = 0;
  int64_t buffer_end_ = 0;
  size_t buffer_bytes_;
  int64_t next_chunk_;  // the next read's size: doubles up to buffer_bytes_
  int64_t checked_until_;
  int64_t read_ahead_left_;
  BatchHeader header_;
  Status error_;
};

}  // namespace careflow::log
