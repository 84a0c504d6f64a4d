#include "sim/topic_follower.h"

#include <algorithm>
#include <thread>

namespace careflow::sim {

TopicFollower::TopicFollower(log::Topics& topics, std::string topic, std::string group)
    : topics_(topics), topic_(std::move(topic)), group_(std::move(group)) {}

Status TopicFollower::ensure_positions() {
  if (!positions_.empty()) return Status::ok();
  auto partitions = topics_.partition_offsets(topic_);
  if (!partitions) return partitions.status();
  std::vector<log::OffsetCommit> first_start;
  for (const log::PartitionInfo& p : *partitions) {
    const log::TopicPartition tp{topic_, p.partition};
    CF_ASSIGN_OR_RETURN(std::optional<int64_t> committed, topics_.committed_offset(group_, tp));
    // A committed offset below the partition's start (records removed by retention) goes on at the start.
    int64_t next = committed ? std::max(*committed, p.start_offset) : p.end_offset;
    if (!committed) first_start.push_back({group_, tp, next});
    positions_[p.partition] = next;
  }
  if (!first_start.empty()) CF_RETURN_IF_ERROR(topics_.commit_offsets(first_start));
  return Status::ok();
}

Result<size_t> TopicFollower::poll(std::chrono::milliseconds wait, const Handler& handle) {
  Status ready = ensure_positions();
  if (ready.code() == StatusCode::kNotFound) {  // no pipeline has created the topic yet
    positions_.clear();
    std::this_thread::sleep_for(wait);
    return size_t{0};
  }
  CF_RETURN_IF_ERROR(ready);
  std::vector<log::ReadPosition> at;
  for (const auto& [partition, offset] : positions_) at.push_back({{topic_, partition}, offset});
  CF_ASSIGN_OR_RETURN(bool data, topics_.wait_for_any(at, std::chrono::duration_cast<std::chrono::microseconds>(wait)));
  if (!data) return size_t{0};
  size_t read = 0;
  std::vector<log::OffsetCommit> commits;
  Status handled = Status::ok();
  for (auto& [partition, offset] : positions_) {
    const log::TopicPartition tp{topic_, partition};
    CF_ASSIGN_OR_RETURN(log::FetchResult fetched, topics_.fetch(tp, offset));
    int64_t next = fetched.next_offset;
    for (const log::Record& record : fetched.records) {
      handled = handle(record, partition);
      if (!handled.is_ok()) {
        next = record.offset;  // carried out next round
        break;
      }
      ++read;
    }
    if (next != offset) {
      offset = next;
      commits.push_back({group_, tp, offset});
    }
    if (!handled.is_ok()) break;
  }
  if (!commits.empty()) CF_RETURN_IF_ERROR(topics_.commit_offsets(commits));
  CF_RETURN_IF_ERROR(handled);
  return read;
}

}  // namespace careflow::sim
