#pragma once
// Tells the process which domain table changed, whoever changed it (this API, psql, another
// process): a dedicated connection LISTENs on the channel the tables' triggers NOTIFY (migration
// 3). After a lost connection it reconnects and reports every table as changed, since
// notifications sent meanwhile are gone.

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "common/status.h"

namespace careflow::store {

inline constexpr const char* kTableChangesChannel = "careflow_table_changes";

class ChangeListener {
 public:
  using Callback = std::function<void(const std::string& table)>;

  // Connects and LISTENs before returning, so no change committed after start() is missed.
  static Result<std::unique_ptr<ChangeListener>> start(const std::string& conninfo, Callback on_change);
  ~ChangeListener();

 private:
  ChangeListener(std::string conninfo, Callback on_change) : conninfo_(std::move(conninfo)), on_change_(std::move(on_change)) {}
  void run(void* conn);
  void notify(const std::string& table);

  std::string conninfo_;
  Callback on_change_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace careflow::store
