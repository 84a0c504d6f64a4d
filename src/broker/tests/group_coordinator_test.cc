// The group coordinator alone, members as threads: a generation with every member, the leader's
// assignment handed to each, rebalances when one joins, leaves or stops heartbeating.

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "broker/group_coordinator.h"
#include "broker/protocol.h"

namespace careflow::broker {
namespace {

using namespace std::chrono_literals;

JoinRequest request(std::string member_id = "", int32_t session_ms = 1500) {
  JoinRequest r;
  r.group_id = "g";
  r.member_id = std::move(member_id);
  r.client_id = "test";
  r.session_timeout_ms = session_ms;
  r.rebalance_timeout_ms = 3000;
  r.protocol_type = "consumer";
  r.protocols = {{"range", "meta"}};
  return r;
}

class GroupCoordinatorTest : public ::testing::Test {
 protected:
  std::atomic<bool> stopping_{false};
  GroupCoordinator groups_{0ms, stopping_};
};

TEST_F(GroupCoordinatorTest, OneMemberGetsAGenerationAndItsOwnAssignment) {
  JoinResult joined = groups_.join(request());
  ASSERT_EQ(joined.error, err::kNone);
  EXPECT_EQ(joined.generation, 1);
  EXPECT_EQ(joined.leader, joined.member_id);
  EXPECT_EQ(joined.protocol_name, "range");
  ASSERT_EQ(joined.members.size(), 1u);
  SyncResult synced = groups_.sync("g", 1, joined.member_id, {{joined.member_id, "all of it"}});
  EXPECT_EQ(synced.error, err::kNone);
  EXPECT_EQ(synced.assignment, "all of it");
  EXPECT_EQ(groups_.heartbeat("g", 1, joined.member_id), err::kNone);
  EXPECT_EQ(groups_.heartbeat("g", 0, joined.member_id), err::kIllegalGeneration);
  EXPECT_EQ(groups_.heartbeat("g", 1, "stranger"), err::kUnknownMemberId);
  EXPECT_EQ(groups_.check_commit("g", 1, joined.member_id), err::kNone);
  EXPECT_EQ(groups_.check_commit("g", -1, ""), err::kNone);  // a standalone consumer
}

TEST_F(GroupCoordinatorTest, ASecondMemberRebalancesTheGroupAndTheLeaderAssignsBoth) {
  JoinResult first = groups_.join(request());
  ASSERT_EQ(groups_.sync("g", 1, first.member_id, {{first.member_id, "a"}}).error, err::kNone);
  auto second = std::async(std::launch::async, [&] { return groups_.join(request()); });
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(groups_.heartbeat("g", 1, first.member_id), err::kRebalanceInProgress);
  // While the group prepares the rebalance, the old generation may still commit what it read (as
  // Kafka allows), so the partition's next owner starts after it.
  EXPECT_EQ(groups_.check_commit("g", 1, first.member_id), err::kNone);
  JoinResult rejoined = groups_.join(request(first.member_id));
  JoinResult newcomer = second.get();
  ASSERT_EQ(rejoined.error, err::kNone);
  ASSERT_EQ(newcomer.error, err::kNone);
  EXPECT_EQ(rejoined.generation, 2);
  EXPECT_EQ(newcomer.generation, 2);
  EXPECT_EQ(rejoined.leader, first.member_id);
  EXPECT_EQ(rejoined.members.size(), 2u);
  EXPECT_TRUE(newcomer.members.empty());
  EXPECT_EQ(groups_.check_commit("g", 1, newcomer.member_id), err::kIllegalGeneration);
  EXPECT_EQ(groups_.check_commit("g", 2, newcomer.member_id), err::kRebalanceInProgress);  // no assignment yet
  auto follower = std::async(std::launch::async, [&] { return groups_.sync("g", 2, newcomer.member_id, {}); });
  std::this_thread::sleep_for(100ms);
  ASSERT_EQ(groups_.sync("g", 2, first.member_id, {{first.member_id, "p0"}, {newcomer.member_id, "p1"}}).error, err::kNone);
  EXPECT_EQ(follower.get().assignment, "p1");
}

TEST_F(GroupCoordinatorTest, AMemberThatStopsHeartbeatingIsDroppedAndTheOtherRebalances) {
  JoinResult a = groups_.join(request("", 1000));
  ASSERT_EQ(groups_.sync("g", 1, a.member_id, {{a.member_id, "x"}}).error, err::kNone);
  auto b_join = std::async(std::launch::async, [&] { return groups_.join(request("", 1000)); });
  std::this_thread::sleep_for(200ms);  // b's join has begun the rebalance
  JoinResult a2 = groups_.join(request(a.member_id, 1000));
  JoinResult b = b_join.get();
  ASSERT_EQ(a2.generation, 2);
  auto b_sync = std::async(std::launch::async, [&] { return groups_.sync("g", 2, b.member_id, {}); });
  ASSERT_EQ(groups_.sync("g", 2, a.member_id, {}).error, err::kNone);
  ASSERT_EQ(b_sync.get().error, err::kNone);
  // a goes silent; b heartbeats on and is told to rejoin once a's session ran out.
  int16_t error = err::kNone;
  for (int i = 0; i < 40 && error == err::kNone; ++i) {
    std::this_thread::sleep_for(100ms);
    error = groups_.heartbeat("g", 2, b.member_id);
  }
  EXPECT_EQ(error, err::kRebalanceInProgress);
  JoinResult alone = groups_.join(request(b.member_id, 1000));
  EXPECT_EQ(alone.error, err::kNone);
  EXPECT_EQ(alone.generation, 3);
  EXPECT_EQ(alone.members.size(), 1u);
  EXPECT_EQ(groups_.heartbeat("g", 3, a.member_id), err::kUnknownMemberId);
}

TEST_F(GroupCoordinatorTest, LeavingAndBadRequests) {
  JoinResult a = groups_.join(request());
  EXPECT_EQ(groups_.leave("g", a.member_id), err::kNone);
  EXPECT_EQ(groups_.leave("g", a.member_id), err::kUnknownMemberId);
  EXPECT_EQ(groups_.join(request("never-joined")).error, err::kUnknownMemberId);
  JoinRequest other = request();
  other.protocols = {{"roundrobin", ""}};
  JoinResult b = groups_.join(request());
  EXPECT_EQ(groups_.join(other).error, err::kInconsistentGroupProtocol);
  JoinRequest no_group = request();
  no_group.group_id = "";
  EXPECT_EQ(groups_.join(no_group).error, err::kInvalidGroupId);
  EXPECT_EQ(b.error, err::kNone);
}

TEST_F(GroupCoordinatorTest, DescribeShowsStateMembersAndTheAssignmentOnceStable) {
  JoinRequest r = request();
  r.client_host = "/127.0.0.1";
  JoinResult joined = groups_.join(r);
  ASSERT_EQ(joined.error, err::kNone);
  std::vector<GroupDescription> before = groups_.describe_all();
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].state, "CompletingRebalance");
  EXPECT_EQ(before[0].protocol_name, "");  // not Stable: no protocol, metadata or assignment yet
  ASSERT_EQ(before[0].members.size(), 1u);
  EXPECT_EQ(before[0].members[0].metadata, "");
  SyncResult synced = groups_.sync("g", joined.generation, joined.member_id, {{joined.member_id, "assigned"}});
  ASSERT_EQ(synced.error, err::kNone);
  std::vector<GroupDescription> stable = groups_.describe_all();
  ASSERT_EQ(stable.size(), 1u);
  EXPECT_EQ(stable[0].group_id, "g");
  EXPECT_EQ(stable[0].state, "Stable");
  EXPECT_EQ(stable[0].protocol_type, "consumer");
  EXPECT_EQ(stable[0].protocol_name, "range");
  ASSERT_EQ(stable[0].members.size(), 1u);
  const GroupDescription::Member& m = stable[0].members[0];
  EXPECT_EQ(m.member_id, joined.member_id);
  EXPECT_EQ(m.client_id, "test");
  EXPECT_EQ(m.client_host, "/127.0.0.1");
  EXPECT_EQ(m.metadata, "meta");
  EXPECT_EQ(m.assignment, "assigned");
  ASSERT_EQ(groups_.leave("g", joined.member_id), err::kNone);
  std::vector<GroupDescription> left = groups_.describe_all();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].state, "Empty");
  EXPECT_TRUE(left[0].members.empty());
}

}  // namespace
}  // namespace careflow::broker
