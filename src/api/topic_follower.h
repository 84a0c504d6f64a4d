#pragma once
// Follows one topic from its first stored record, for the dashboards: a background thread (guarded:
// an exception is kept for GET /health, never ends the process) that long-polls every partition,
// decodes each value (api/record_json.h) and hands it to `on_record` in offset order per partition.
// A topic that does not exist yet (its pipeline not deployed or not started) is looked for again
// every second. A value that cannot be decoded is counted, its reason kept, and skipped.
//
// `live` tells history from news: records below the end offsets seen when the follower first found
// the topic are history (replayed into the aggregates at start), the rest live (pushed to SSE too).
// Memory is the caller's: the follower keeps only positions.

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "api/record_json.h"
#include "http/guarded_thread.h"
#include "log/topics.h"
#include "serde/registry_client.h"

namespace careflow::api {

struct FollowedRecord {
  const std::string& topic;
  int32_t partition;
  int64_t offset;
  int64_t timestamp_ms;
  const ChangeRow& change;
  bool live;
};

struct FollowerStatus {
  bool topic_found = false;
  int64_t records = 0;       // decoded and handed on
  int64_t undecodable = 0;   // skipped
  std::string last_error;    // why the last skipped value was skipped
};

using RegistryFactory = std::function<Result<std::unique_ptr<serde::RegistryClient>>()>;

class TopicFollower {
 public:
  // `registry` makes the thread's own registry client (null factory: JSON values only).
  TopicFollower(log::Topics& topics, std::string topic, RegistryFactory registry,
                std::function<void(const FollowedRecord&)> on_record);
  ~TopicFollower();  // stops and joins
  TopicFollower(const TopicFollower&) = delete;
  TopicFollower& operator=(const TopicFollower&) = delete;

  const std::string& topic() const { return topic_; }
  FollowerStatus status() const;
  Status health() const { return thread_->health(); }

 private:
  void run();
  // Reads what is there from `positions` on; false when the topic went away.
  bool drain(std::vector<log::ReadPosition>& positions, const std::vector<int64_t>& live_from, RecordDecoder& decoder);

  log::Topics& topics_;
  const std::string topic_;
  RegistryFactory registry_;
  std::function<void(const FollowedRecord&)> on_record_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  FollowerStatus status_;
  std::unique_ptr<http::GuardedThread> thread_;  // last: starts once everything it reads exists
};

}  // namespace careflow::api
