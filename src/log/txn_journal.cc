#include "log/txn_journal.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "common/crc32c.h"

namespace careflow::log {
namespace {

constexpr size_t kRecordSize = 12;

std::string encode(int64_t id) {
  std::string r(kRecordSize, '\0');
  std::memcpy(r.data(), &id, 8);
  const uint32_t crc = crc32c(r.data(), 8);
  std::memcpy(r.data() + 8, &crc, 4);
  return r;
}

}  // namespace

Result<std::unique_ptr<TxnJournal>> TxnJournal::open(const std::string& path) {
  std::unique_ptr<TxnJournal> j(new TxnJournal(path));
  std::ifstream in(path, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (size_t at = 0; at + kRecordSize <= data.size(); at += kRecordSize) {
    int64_t id;
    uint32_t crc;
    std::memcpy(&id, data.data() + at, 8);
    std::memcpy(&crc, data.data() + at + 8, 4);
    if (crc != crc32c(data.data() + at, 8)) break;  // a torn last record
    j->ids_.insert(id);
  }
  j->fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (j->fd_ < 0) return Status::from_errno("opening " + path, errno);
  return j;
}

TxnJournal::~TxnJournal() {
  if (fd_ >= 0) ::close(fd_);
}

Status TxnJournal::commit(int64_t txn_id, bool durable) {
  const std::string record = encode(txn_id);
  std::lock_guard lock(mutex_);
  if (::write(fd_, record.data(), record.size()) != static_cast<ssize_t>(record.size())) {
    return Status::from_errno("writing " + path_, errno);
  }
  if (durable && ::fdatasync(fd_) != 0) return Status::from_errno("fdatasync " + path_, errno);
  ids_.insert(txn_id);
  return Status::ok();
}

Status TxnJournal::rewrite(const std::set<int64_t>& keep, int64_t max_id_hint) {
  std::lock_guard lock(mutex_);
  // The highest id ever used stays recorded, so new ids never repeat an old batch's id.
  std::set<int64_t> ids = keep;
  const int64_t highest = std::max(max_id_hint, ids_.empty() ? 0 : *ids_.rbegin());
  if (highest > 0) ids.insert(highest);
  const std::string tmp = path_ + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::from_errno("creating " + tmp, errno);
  std::string data;
  for (int64_t id : ids) data += encode(id);
  const bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()) && ::fdatasync(fd) == 0;
  ::close(fd);
  if (!ok) return Status::from_errno("writing " + tmp, errno);
  if (::rename(tmp.c_str(), path_.c_str()) != 0) return Status::from_errno("renaming " + tmp, errno);
  ::close(fd_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) return Status::from_errno("opening " + path_, errno);
  ids_ = std::move(ids);
  return Status::ok();
}

}  // namespace careflow::log
