#pragma once
// One topic followed as a consumer group of careflow's own log, for the simulator's followers of
// the pipelines' command topics (device_commands.h, ota_updates.h). Positions are the group's
// committed offsets; the very first time (nothing committed) it starts at the topic's end and
// commits that at once: what was written before careflow followed the topic is history, not orders,
// and an order written from then on is carried out even when careflow stops before reading it.
// After each round the positions past what was handed out are committed, so a restart goes on
// where it stopped and never hands a record out twice.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "common/status.h"
#include "log/topics.h"

namespace careflow::sim {

class TopicFollower {
 public:
  // `topics` must outlive the follower.
  TopicFollower(log::Topics& topics, std::string topic, std::string group);

  // An error from the handler means the record could not be carried out now (a database that does
  // not answer): the round stops there, the positions before it are committed, and the next round
  // starts with that record again. A record that can never be carried out is the handler's to
  // count and skip (returning OK).
  using Handler = std::function<Status(const log::Record& record, int32_t partition)>;
  // One round: waits up to `wait` for records past the positions, hands each to `handle` in
  // offset order per partition, then commits. Returns how many records it handed out (0, after
  // waiting, while the topic does not exist yet: no pipeline has created it). Errors for the log
  // and from the handler.
  Result<size_t> poll(std::chrono::milliseconds wait, const Handler& handle);

  const std::string& topic() const { return topic_; }
  const std::string& group() const { return group_; }

 private:
  Status ensure_positions();

  log::Topics& topics_;
  const std::string topic_;
  const std::string group_;
  std::map<int32_t, int64_t> positions_;  // partition -> next offset; empty until the topic exists
};

}  // namespace careflow::sim
