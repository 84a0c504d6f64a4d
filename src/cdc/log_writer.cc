#include "cdc/log_writer.h"

#include "common/exception_guard.h"

namespace careflow::cdc {

LogWriter::LogWriter(log::Topics& topics, size_t max_queued)
    : topics_(topics), max_queued_(max_queued), thread_([this] { run(); }) {}

LogWriter::~LogWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

Status LogWriter::submit(std::vector<log::PartitionBatch> batches) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !failed_.is_ok() || queue_.size() < max_queued_; });
  if (!failed_.is_ok()) return failed_;
  queue_.push_back(std::move(batches));
  changed_.notify_all();
  return Status::ok();
}

Status LogWriter::drain() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !failed_.is_ok() || (queue_.empty() && !busy_); });
  return failed_;
}

void LogWriter::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything queued is written
    busy_ = true;
    std::vector<log::PartitionBatch> batches = std::move(queue_.front());
    queue_.pop_front();
    const bool write = failed_.is_ok();  // after a failure, nothing more
    lock.unlock();
    // Guarded: an exception here would end the process; it fails the writer, as a failed append does.
    Status appended = write ? catch_exceptions("appending change events to the log",
                                               [&] { return topics_.append_atomic(batches).status(); })
                                  .with_context("appending change events to the log")
                            : Status::ok();
    lock.lock();
    if (!appended.is_ok() && failed_.is_ok()) failed_ = appended;
    busy_ = false;
    changed_.notify_all();
  }
}

}  // namespace careflow::cdc
