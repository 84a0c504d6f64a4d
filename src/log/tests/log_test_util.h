#pragma once
// A fresh directory per test and small helpers for the log's tests.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "log/embedded_log.h"

namespace careflow::log::testing {

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("careflow-log-" + std::to_string(getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string str() const { return path_.string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::filesystem::path path_;
};

inline Record rec(std::string value, int64_t ts = 0, std::optional<std::string> key = std::nullopt) {
  Record r;
  r.key = std::move(key);
  r.value = std::move(value);
  r.timestamp_ms = ts;
  return r;
}

inline std::unique_ptr<EmbeddedLog> open_log(const std::string& dir) {
  EmbeddedLogOptions options;
  options.maintenance_interval_ms = 0;
  auto log = EmbeddedLog::open(dir, options);
  EXPECT_TRUE(log.is_ok()) << log.status().to_string();
  return log.is_ok() ? std::move(log).value() : nullptr;
}

// Every value of a partition, in offset order.
inline std::vector<std::string> values(Topics& log, const TopicPartition& tp, int64_t from = 0) {
  std::vector<std::string> out;
  for (int64_t offset = from;;) {
    auto fetched = log.fetch(tp, offset);
    EXPECT_TRUE(fetched.is_ok()) << fetched.status().to_string();
    if (!fetched || fetched->records.empty()) break;
    for (const Record& r : fetched->records) out.push_back(r.value.value_or("<null>"));
    offset = fetched->next_offset;
  }
  return out;
}

}  // namespace careflow::log::testing
