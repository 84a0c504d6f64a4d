#include "app/group_writer.h"

#include <fmt/format.h>

#include "common/exception_guard.h"

namespace careflow::app {

GroupWriter::GroupWriter(log::Topics& log, std::string topic) : log_(log), topic_(std::move(topic)) {
  thread_ = std::thread([this] { run(); });
}

GroupWriter::~GroupWriter() {
  if (thread_.joinable()) (void)finish();
}

Status GroupWriter::add(int32_t partition, log::Record record) {
  const size_t bytes = (record.key ? record.key->size() : 0) + (record.value ? record.value->size() : 0);
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] {
    return !error_.is_ok() || (waiting_records_ < kMaxRecords && waiting_bytes_ < kMaxBytes);
  });
  if (!error_.is_ok()) return error_;
  waiting_[partition].push_back(std::move(record));
  ++waiting_records_;
  waiting_bytes_ += bytes;
  changed_.notify_all();
  return Status::ok();
}

Status GroupWriter::finish() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  return error_;
}

void GroupWriter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return closed_ || waiting_records_ > 0; });
    if (waiting_records_ == 0) return;  // closed, nothing left
    std::map<int32_t, std::vector<log::Record>> batch;
    batch.swap(waiting_);
    waiting_records_ = 0;
    waiting_bytes_ = 0;
    changed_.notify_all();  // the reader may fill the next batch meanwhile
    lock.unlock();
    int64_t written = 0;
    // Guarded: an exception here would end the process; it fails the writer, as a failed append does.
    Status failed = catch_exceptions("appending the group's records", [&]() -> Status {
      for (auto& [partition, records] : batch) {
        auto offset = log_.append({topic_, partition}, records);
        if (!offset.is_ok()) {
          return offset.status().with_context(fmt::format("after {} records were appended", appended_ + written));
        }
        written += static_cast<int64_t>(records.size());
      }
      return Status::ok();
    });
    lock.lock();
    appended_ += written;
    if (!failed.is_ok()) {
      error_ = std::move(failed);
      changed_.notify_all();
      return;
    }
  }
}

}  // namespace careflow::app
