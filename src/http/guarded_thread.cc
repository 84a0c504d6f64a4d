#include "http/guarded_thread.h"

#include <fmt/format.h>

#include <exception>

#include "common/logging.h"

namespace careflow::http {

std::string current_exception_text() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

GuardedThread::GuardedThread(std::string component, std::function<void()> body) : component_(std::move(component)) {
  thread_ = std::thread([this, body = std::move(body)] {
    try {
      body();
    } catch (...) {
      const std::string what = current_exception_text();
      log_error(component_, "background thread failed", {{"error", what}});
      std::lock_guard lock(mutex_);
      failure_ = what;
    }
  });
}

GuardedThread::~GuardedThread() { join(); }

void GuardedThread::join() {
  if (thread_.joinable()) thread_.join();
}

Status GuardedThread::health() const {
  std::lock_guard lock(mutex_);
  if (failure_.empty()) return Status::ok();
  return Status::unavailable(fmt::format("{}'s background thread failed: {}", component_, failure_));
}

}  // namespace careflow::http
