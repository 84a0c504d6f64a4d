#pragma once
// The lines of a file descriptor (stdin for `careflow topic produce`), read in 64 KiB blocks.
// std::getline on std::cin takes a locked getc per byte — 70% of produce's instructions under
// callgrind — and read() returns whatever is there, so a line typed by hand is seen at once.

#include <string>

#include "common/status.h"

namespace careflow::app {

class FdLines {
 public:
  explicit FdLines(int fd) : fd_(fd) {}
  // The next line without its '\n' (a last line without one counts too); false at the end.
  // An error reading the descriptor is an IoError naming it.
  Result<bool> next(std::string* line);

 private:
  int fd_;
  std::string buffer_;
  size_t start_ = 0;  // of the unread part of buffer_
  bool eof_ = false;
};

}  // namespace careflow::app
