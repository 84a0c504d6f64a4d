#include "api/topic_follower.h"

#include <fmt/format.h>

#include <thread>


namespace careflow::api {

namespace {
constexpr auto kPoll = std::chrono::milliseconds(200);
constexpr auto kLookAgain = std::chrono::seconds(1);
}  // namespace

TopicFollower::TopicFollower(log::Topics& topics, std::string topic, RegistryFactory registry,
                             std::function<void(const FollowedRecord&)> on_record)
    : topics_(topics), topic_(std::move(topic)), registry_(std::move(registry)), on_record_(std::move(on_record)) {
  thread_ = std::make_unique<http::GuardedThread>("dashboards " + topic_, [this] { run(); });
}

TopicFollower::~TopicFollower() {
  stopping_ = true;
  thread_->join();
}

FollowerStatus TopicFollower::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void TopicFollower::run() {
  std::unique_ptr<serde::RegistryClient> client;
  if (registry_) {
    auto made = registry_();
    if (!made) {
      std::lock_guard lock(mutex_);
      status_.last_error = "no registry client: " + made.status().to_string();
    } else {
      client = std::move(made).value();
    }
  }
  RecordDecoder decoder(client.get());
  while (!stopping_) {
    auto offsets = topics_.partition_offsets(topic_);
    if (!offsets || offsets->empty()) {
      for (auto waited = std::chrono::milliseconds(0); waited < kLookAgain && !stopping_; waited += kPoll) {
        std::this_thread::sleep_for(kPoll);
      }
      continue;
    }
    {
      std::lock_guard lock(mutex_);
      status_.topic_found = true;
    }
    std::vector<log::ReadPosition> positions;
    std::vector<int64_t> live_from;
    for (const log::PartitionInfo& p : *offsets) {
      positions.push_back({{topic_, p.partition}, p.start_offset});
      live_from.push_back(p.end_offset);
    }
    while (!stopping_) {
      const bool drained = drain(positions, live_from, decoder);
      auto waited = drained ? topics_.wait_for_any(positions, kPoll) : Result<bool>(false);
      if (drained && waited) continue;
      // Deleted: look for it again from its start. Any other failure: the same positions again
      // after a pause (starting over would count the rows twice).
      if (!topics_.partition_offsets(topic_)) break;
      std::this_thread::sleep_for(kPoll);
    }
  }
}

bool TopicFollower::drain(std::vector<log::ReadPosition>& positions, const std::vector<int64_t>& live_from,
                          RecordDecoder& decoder) {
  for (size_t i = 0; i < positions.size(); ++i) {
    log::ReadPosition& at = positions[i];
    while (!stopping_) {
      auto fetched = topics_.fetch(at.partition, at.offset, {.max_records = 500, .max_bytes = 1 << 20});
      if (!fetched) {
        if (fetched.status().code() != StatusCode::kOutOfRange) return false;
        // Retention removed what we wanted: go on from the first stored record.
        auto offsets = topics_.partition_offsets(topic_);
        if (!offsets || static_cast<size_t>(at.partition.partition) >= offsets->size()) return false;
        at.offset = (*offsets)[static_cast<size_t>(at.partition.partition)].start_offset;
        continue;
      }
      for (const log::Record& record : fetched->records) {
        auto decoded = decoder.decode(record.value);
        if (!decoded) {
          std::lock_guard lock(mutex_);
          ++status_.undecodable;
          status_.last_error = fmt::format("{}/{} offset {}: {}", topic_, at.partition.partition, record.offset,
                                           decoded.status().to_string());
          continue;
        }
        if (!decoded->has_value()) continue;  // a tombstone: the row it deletes came with its envelope
        const ChangeRow change = unwrap_change(std::move(**decoded));
        on_record_(FollowedRecord{topic_, at.partition.partition, record.offset, record.timestamp_ms, change,
                                  record.offset >= live_from[i]});
        std::lock_guard lock(mutex_);
        ++status_.records;
      }
      at.offset = fetched->next_offset;
      if (fetched->records.empty() || at.offset >= fetched->end_offset) break;
    }
  }
  return true;
}

}  // namespace careflow::api
