#pragma once
// Kafka's classic consumer-group protocol, the coordinator side: members join (JoinGroup), the
// leader's assignment is handed out (SyncGroup), members stay alive by Heartbeat and go by
// LeaveGroup or by missing their session timeout. Group membership lives in memory (members
// rejoin after a restart, as they do after a coordinator moves in Kafka); committed offsets are
// not kept here but in the log's durable store. Private to broker/.
//
// States as Kafka's: Empty -> PreparingRebalance (waiting for every member to (re)join, at most the
// longest rebalance timeout) -> CompletingRebalance (waiting for the leader's SyncGroup) -> Stable.
// Join and Sync block the calling connection's thread until their phase completes.
//
// Thread safety: every method may be called from many threads at once.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace careflow::broker {

struct JoinRequest {
  std::string group_id;
  std::string member_id;  // empty: a new member
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;  // as Kafka shows it: "/127.0.0.1"
  int32_t session_timeout_ms = 10'000;
  int32_t rebalance_timeout_ms = 10'000;
  std::string protocol_type;
  std::vector<std::pair<std::string, std::string>> protocols;  // name, metadata
};

struct JoinedMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string metadata;
};

struct JoinResult {
  int16_t error = 0;
  int32_t generation = -1;
  std::string protocol_type;
  std::string protocol_name;
  std::string leader;
  std::string member_id;
  std::vector<JoinedMember> members;  // the leader's response only
};

struct SyncResult {
  int16_t error = 0;
  std::string protocol_type;
  std::string protocol_name;
  std::string assignment;
};

// A group as ListGroups and DescribeGroups show it. `state` is Kafka's name: Empty,
// PreparingRebalance, CompletingRebalance or Stable.
struct GroupDescription {
  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    std::string metadata;    // for the group's protocol; empty unless Stable (as Kafka)
    std::string assignment;  // empty unless Stable
  };
  std::string group_id;
  std::string state;
  std::string protocol_type;
  std::string protocol_name;  // empty unless Stable
  std::vector<Member> members;
};

class GroupCoordinator {
 public:
  // `stopping` makes every blocked call return (REBALANCE_IN_PROGRESS / COORDINATOR_NOT_AVAILABLE).
  GroupCoordinator(std::chrono::milliseconds initial_rebalance_delay, const std::atomic<bool>& stopping)
      : initial_delay_(initial_rebalance_delay), stopping_(stopping) {}

  JoinResult join(const JoinRequest& request);
  SyncResult sync(const std::string& group_id, int32_t generation, const std::string& member_id,
                  const std::vector<std::pair<std::string, std::string>>& assignments);
  int16_t heartbeat(const std::string& group_id, int32_t generation, const std::string& member_id);
  int16_t leave(const std::string& group_id, const std::string& member_id);
  // Whether an offset commit by this member / generation is accepted: NONE for a standalone
  // commit (generation < 0 and no member), or a member of the group's current generation while the
  // group is Stable or PreparingRebalance (REBALANCE_IN_PROGRESS while CompletingRebalance).
  int16_t check_commit(const std::string& group_id, int32_t generation, const std::string& member_id);
  // Every group with members or known since the start (members expired first), by id.
  std::vector<GroupDescription> describe_all();
  // Wakes every blocked call (after `stopping` was set).
  void wake_all();

 private:
  enum class State { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable };
  using Clock = std::chrono::steady_clock;
  struct Member {
    std::string id;
    std::optional<std::string> instance_id;
    std::string client_id;
    std::string client_host;
    int32_t session_timeout_ms = 10'000;
    int32_t rebalance_timeout_ms = 10'000;
    std::vector<std::pair<std::string, std::string>> protocols;
    std::string assignment;
    Clock::time_point last_seen;
    bool joined = false;   // has (re)joined in the current rebalance
    int32_t joined_generation = -1;  // the generation its last join completed with
    int waiting = 0;       // calls of this member blocked in join/sync: not expired meanwhile
  };
  struct Group {
    State state = State::kEmpty;
    int32_t generation = 0;
    std::string protocol_type;
    std::string protocol_name;
    std::string leader;
    std::map<std::string, Member> members;
    Clock::time_point join_deadline;
  };

  void expire_members(Group& group, Clock::time_point now);
  // A live member of the current generation while the group is not in state `busy`
  // (REBALANCE_IN_PROGRESS then): NONE, or the error saying which it is not. Counts as a sign of life.
  int16_t check_member(Group& group, int32_t generation, const std::string& member_id, State busy);
  void remove_member(Group& group, const std::string& member_id);
  void begin_rebalance(Group& group, Clock::time_point deadline);
  // Ends the join phase once every member joined or the deadline passed: drops members that did
  // not rejoin, picks the protocol and the leader, moves to a new generation.
  void maybe_complete_join(Group& group, Clock::time_point now);
  std::string new_member_id(const std::string& client_id);

  const std::chrono::milliseconds initial_delay_;
  const std::atomic<bool>& stopping_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Group> groups_;
  uint64_t next_member_ = 1;
};

}  // namespace careflow::broker
