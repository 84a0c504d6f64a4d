#include "broker/group_coordinator.h"

#include <fmt/format.h>

#include <algorithm>

#include "broker/protocol.h"

namespace careflow::broker {
namespace {

// How often a blocked call looks again at the clock (session expiry, deadlines, stop).
constexpr std::chrono::milliseconds kRecheck{100};

bool shares_protocol(const std::vector<std::pair<std::string, std::string>>& a,
                     const std::vector<std::pair<std::string, std::string>>& b) {
  for (const auto& [name, _] : a) {
    for (const auto& [other, __] : b) {
      if (name == other) return true;
    }
  }
  return false;
}

}  // namespace

std::string GroupCoordinator::new_member_id(const std::string& client_id) {
  return fmt::format("{}-{:08x}-{}", client_id.empty() ? "member" : client_id,
                     static_cast<uint32_t>(Clock::now().time_since_epoch().count()), next_member_++);
}

void GroupCoordinator::begin_rebalance(Group& group, Clock::time_point deadline) {
  group.state = State::kPreparingRebalance;
  group.join_deadline = deadline;
  for (auto& [_, m] : group.members) m.joined = false;
}

void GroupCoordinator::remove_member(Group& group, const std::string& member_id) {
  group.members.erase(member_id);
  if (group.leader == member_id) group.leader.clear();
  if (group.members.empty()) {
    group.state = State::kEmpty;
    group.protocol_name.clear();
    return;
  }
  if (group.state == State::kPreparingRebalance) return;  // the join in progress goes on without it
  int32_t longest = 0;
  for (const auto& [_, m] : group.members) longest = std::max(longest, m.rebalance_timeout_ms);
  begin_rebalance(group, Clock::now() + std::chrono::milliseconds(longest));
}

void GroupCoordinator::expire_members(Group& group, Clock::time_point now) {
  std::vector<std::string> expired;
  for (const auto& [id, m] : group.members) {
    if (m.waiting == 0 && now - m.last_seen > std::chrono::milliseconds(m.session_timeout_ms)) expired.push_back(id);
  }
  for (const std::string& id : expired) remove_member(group, id);
  if (!expired.empty()) changed_.notify_all();
}

void GroupCoordinator::maybe_complete_join(Group& group, Clock::time_point now) {
  if (group.state != State::kPreparingRebalance) return;
  const bool all_joined =
      std::all_of(group.members.begin(), group.members.end(), [](const auto& entry) { return entry.second.joined; });
  if (!all_joined && now < group.join_deadline) return;
  std::vector<std::string> late;
  for (const auto& [id, m] : group.members) {
    if (!m.joined) late.push_back(id);
  }
  for (const std::string& id : late) group.members.erase(id);
  ++group.generation;
  if (group.members.empty()) {
    group.state = State::kEmpty;
    group.leader.clear();
    group.protocol_name.clear();
    changed_.notify_all();
    return;
  }
  if (!group.members.contains(group.leader)) group.leader = group.members.begin()->first;
  // The first of the leader's protocols every member supports (Kafka votes; with careflow's
  // clients the preference orders agree, and the join check guarantees a common one exists).
  group.protocol_name = group.members.at(group.leader).protocols.front().first;
  for (const auto& [name, _] : group.members.at(group.leader).protocols) {
    const bool everyone = std::all_of(group.members.begin(), group.members.end(), [&](const auto& entry) {
      return std::any_of(entry.second.protocols.begin(), entry.second.protocols.end(),
                         [&](const auto& p) { return p.first == name; });
    });
    if (everyone) {
      group.protocol_name = name;
      break;
    }
  }
  for (auto& [_, m] : group.members) {
    m.assignment.clear();
    m.joined_generation = group.generation;
  }
  group.state = State::kCompletingRebalance;
  changed_.notify_all();
}

JoinResult GroupCoordinator::join(const JoinRequest& request) {
  JoinResult result;
  result.member_id = request.member_id;
  std::unique_lock lock(mutex_);
  if (stopping_) {
    result.error = err::kCoordinatorNotAvailable;
    return result;
  }
  if (request.group_id.empty()) {
    result.error = err::kInvalidGroupId;
    return result;
  }
  if (request.session_timeout_ms < 1000 || request.session_timeout_ms > 30 * 60 * 1000) {
    result.error = err::kInvalidSessionTimeout;  // Kafka's group.max.session.timeout.ms; its 6 s minimum is lowered to 1 s for tests
    return result;
  }
  Group& group = groups_[request.group_id];
  auto now = Clock::now();
  expire_members(group, now);
  if (request.protocol_type.empty() || request.protocols.empty()) {
    result.error = err::kInconsistentGroupProtocol;
    return result;
  }
  for (const auto& [id, m] : group.members) {
    if (id == request.member_id) continue;
    if (group.protocol_type != request.protocol_type || !shares_protocol(m.protocols, request.protocols)) {
      result.error = err::kInconsistentGroupProtocol;
      return result;
    }
  }
  std::string id = request.member_id;
  if (id.empty()) {
    if (request.group_instance_id) {
      for (const auto& [existing, m] : group.members) {
        if (m.instance_id == request.group_instance_id) id = existing;
      }
    }
    if (id.empty()) id = new_member_id(request.client_id);
  } else if (!group.members.contains(id)) {
    result.error = err::kUnknownMemberId;
    return result;
  }
  const bool first = group.members.empty();
  Member& member = group.members[id];
  member.id = id;
  member.instance_id = request.group_instance_id;
  member.client_id = request.client_id;
  member.client_host = request.client_host;
  member.session_timeout_ms = request.session_timeout_ms;
  member.rebalance_timeout_ms = std::max(request.rebalance_timeout_ms, 1);
  member.protocols = request.protocols;
  member.last_seen = now;
  if (first) group.protocol_type = request.protocol_type;
  if (group.state != State::kPreparingRebalance) {
    int32_t longest = 0;
    for (const auto& [_, m] : group.members) longest = std::max(longest, m.rebalance_timeout_ms);
    const auto wait = first && group.generation == 0 ? initial_delay_ : std::chrono::milliseconds(longest);
    begin_rebalance(group, now + wait);
  }
  member.joined = true;
  const int32_t generation_before = member.joined_generation;
  ++member.waiting;
  maybe_complete_join(group, now);
  changed_.notify_all();
  while (true) {
    auto it = group.members.find(id);
    if (it == group.members.end()) {
      result.error = err::kUnknownMemberId;
      return result;
    }
    if (it->second.joined_generation != generation_before) break;
    if (stopping_) {
      --it->second.waiting;
      result.error = err::kRebalanceInProgress;
      return result;
    }
    changed_.wait_until(lock, std::min(group.join_deadline, Clock::now() + kRecheck));
    now = Clock::now();
    expire_members(group, now);
    maybe_complete_join(group, now);
  }
  Member& joined = group.members.at(id);
  --joined.waiting;
  joined.last_seen = Clock::now();
  result.generation = group.generation;
  result.protocol_type = group.protocol_type;
  result.protocol_name = group.protocol_name;
  result.leader = group.leader;
  result.member_id = id;
  if (id == group.leader) {
    for (const auto& [member_id, m] : group.members) {
      std::string metadata;
      for (const auto& [name, bytes] : m.protocols) {
        if (name == group.protocol_name) metadata = bytes;
      }
      result.members.push_back({member_id, m.instance_id, std::move(metadata)});
    }
  }
  return result;
}

SyncResult GroupCoordinator::sync(const std::string& group_id, int32_t generation, const std::string& member_id,
                                  const std::vector<std::pair<std::string, std::string>>& assignments) {
  SyncResult result;
  std::unique_lock lock(mutex_);
  auto found = groups_.find(group_id);
  if (found == groups_.end()) {
    result.error = err::kUnknownMemberId;
    return result;
  }
  Group& group = found->second;
  expire_members(group, Clock::now());
  auto it = group.members.find(member_id);
  if (it == group.members.end()) {
    result.error = err::kUnknownMemberId;
    return result;
  }
  if (generation != group.generation) {
    result.error = err::kIllegalGeneration;
    return result;
  }
  if (group.state == State::kPreparingRebalance) {
    result.error = err::kRebalanceInProgress;
    return result;
  }
  it->second.last_seen = Clock::now();
  if (group.state == State::kCompletingRebalance && member_id == group.leader) {
    for (const auto& [target, assignment] : assignments) {
      auto m = group.members.find(target);
      if (m != group.members.end()) m->second.assignment = assignment;
    }
    group.state = State::kStable;
    changed_.notify_all();
  }
  ++it->second.waiting;
  while (group.state == State::kCompletingRebalance && group.generation == generation && !stopping_) {
    changed_.wait_for(lock, kRecheck);
    expire_members(group, Clock::now());
    if (!group.members.contains(member_id)) {
      result.error = err::kUnknownMemberId;
      return result;
    }
  }
  Member& member = group.members.at(member_id);
  --member.waiting;
  member.last_seen = Clock::now();
  if (group.state != State::kStable || group.generation != generation) {
    result.error = err::kRebalanceInProgress;
    return result;
  }
  result.protocol_type = group.protocol_type;
  result.protocol_name = group.protocol_name;
  result.assignment = member.assignment;
  return result;
}

int16_t GroupCoordinator::check_member(Group& group, int32_t generation, const std::string& member_id, State busy) {
  expire_members(group, Clock::now());
  auto it = group.members.find(member_id);
  if (it == group.members.end()) return err::kUnknownMemberId;
  it->second.last_seen = Clock::now();
  if (generation != group.generation) return err::kIllegalGeneration;
  if (group.state == busy) return err::kRebalanceInProgress;
  return err::kNone;
}

int16_t GroupCoordinator::heartbeat(const std::string& group_id, int32_t generation, const std::string& member_id) {
  std::lock_guard lock(mutex_);
  auto found = groups_.find(group_id);
  if (found == groups_.end()) return err::kUnknownMemberId;
  return check_member(found->second, generation, member_id, State::kPreparingRebalance);
}

int16_t GroupCoordinator::leave(const std::string& group_id, const std::string& member_id) {
  std::lock_guard lock(mutex_);
  auto found = groups_.find(group_id);
  if (found == groups_.end() || !found->second.members.contains(member_id)) return err::kUnknownMemberId;
  remove_member(found->second, member_id);
  maybe_complete_join(found->second, Clock::now());
  changed_.notify_all();
  return err::kNone;
}

int16_t GroupCoordinator::check_commit(const std::string& group_id, int32_t generation, const std::string& member_id) {
  if (generation < 0) return err::kNone;  // a standalone consumer's commit (no group membership)
  std::lock_guard lock(mutex_);
  auto found = groups_.find(group_id);
  if (found == groups_.end()) return err::kIllegalGeneration;
  // As Kafka's coordinator: a member of the current generation may still commit while the group
  // prepares a rebalance (a consumer commits what it read before giving its partitions up, so the
  // next owner does not read it again); only between the join and the leader's assignment is a
  // commit REBALANCE_IN_PROGRESS.
  return check_member(found->second, generation, member_id, State::kCompletingRebalance);
}

std::vector<GroupDescription> GroupCoordinator::describe_all() {
  std::lock_guard lock(mutex_);
  std::vector<GroupDescription> out;
  const auto now = Clock::now();
  for (auto& [id, group] : groups_) {
    expire_members(group, now);
    GroupDescription d;
    d.group_id = id;
    d.protocol_type = group.protocol_type;
    switch (group.state) {
      case State::kEmpty: d.state = "Empty"; break;
      case State::kPreparingRebalance: d.state = "PreparingRebalance"; break;
      case State::kCompletingRebalance: d.state = "CompletingRebalance"; break;
      case State::kStable: d.state = "Stable"; break;
    }
    const bool stable = group.state == State::kStable;
    if (stable) d.protocol_name = group.protocol_name;
    for (const auto& [member_id, m] : group.members) {
      GroupDescription::Member member{member_id, m.instance_id, m.client_id, m.client_host, {}, {}};
      if (stable) {
        for (const auto& [name, bytes] : m.protocols) {
          if (name == group.protocol_name) member.metadata = bytes;
        }
        member.assignment = m.assignment;
      }
      d.members.push_back(std::move(member));
    }
    out.push_back(std::move(d));
  }
  return out;
}

void GroupCoordinator::wake_all() {
  std::lock_guard lock(mutex_);
  changed_.notify_all();
}

}  // namespace careflow::broker
