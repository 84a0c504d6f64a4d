#include "app/fd_lines.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace careflow::app {

Result<bool> FdLines::next(std::string* line) {
  constexpr size_t kBlock = 64 * 1024;
  size_t scanned = start_;
  for (;;) {
    size_t newline = buffer_.find('\n', scanned);
    if (newline != std::string::npos) {
      line->assign(buffer_, start_, newline - start_);
      start_ = newline + 1;
      return true;
    }
    if (eof_) {
      if (start_ == buffer_.size()) return false;
      line->assign(buffer_, start_, std::string::npos);
      start_ = buffer_.size();
      return true;
    }
    // Keep the unread tail, then append a block after it.
    buffer_.erase(0, start_);
    start_ = 0;
    scanned = buffer_.size();
    buffer_.resize(scanned + kBlock);
    ssize_t got;
    do {
      got = ::read(fd_, buffer_.data() + scanned, kBlock);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
      buffer_.resize(scanned);
      return Status::io_error(fmt::format("reading file descriptor {}: {}", fd_, std::strerror(errno)));
    }
    buffer_.resize(scanned + static_cast<size_t>(got));
    if (got == 0) eof_ = true;
  }
}

}  // namespace careflow::app
