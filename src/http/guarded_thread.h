#pragma once
// A background thread of a server whose exception is caught, logged and kept instead of ending the
// process (an exception leaving a std::thread calls std::terminate). Its owner reports health() in
// GET /health, so a thread that died shows as its component failing, not as a missing process.

#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"

namespace careflow::http {

// "what()" of the exception being handled, or a fixed text for one that is not a std::exception.
// Call only inside a catch block.
std::string current_exception_text();

class GuardedThread {
 public:
  // Starts `body` on a new thread; `component` names it in the log and in health().
  GuardedThread(std::string component, std::function<void()> body);
  ~GuardedThread();  // joins
  GuardedThread(const GuardedThread&) = delete;
  GuardedThread& operator=(const GuardedThread&) = delete;

  void join();
  // OK while the body runs or after it returned; Unavailable naming the component and the
  // exception once the body threw.
  Status health() const;

 private:
  const std::string component_;
  mutable std::mutex mutex_;
  std::string failure_;
  std::thread thread_;
};

}  // namespace careflow::http
