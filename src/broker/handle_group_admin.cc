// The consumer-group admin APIs: ListGroups (key 16) and DescribeGroups (15), what
// `kafka-consumer-groups --list / --describe` and AdminClients ask. Groups come from the
// coordinator (membership, in memory) and from the log's durable offset store (groups that
// committed offsets, with no members since the last start: Empty, as Kafka shows a group whose
// members left).

#include <algorithm>
#include <climits>
#include <map>

#include "broker/handlers.h"

namespace careflow::broker {
namespace {

// Kafka's AclOperation codes for a group resource: READ (3), DELETE (6), DESCRIBE (8). Without
// ACLs every client that got in may do all three.
constexpr int32_t kGroupOperations = (1 << 3) | (1 << 6) | (1 << 8);

std::map<std::string, GroupDescription> known_groups(BrokerContext& context) {
  std::map<std::string, GroupDescription> groups;
  for (const auto& [group_id, _] : context.topics.list_group_offsets()) {
    GroupDescription& d = groups[group_id];
    d.group_id = group_id;
    d.state = "Empty";
  }
  for (GroupDescription& d : context.groups.describe_all()) groups[d.group_id] = std::move(d);
  return groups;
}

}  // namespace

Result<Reply> handle_list_groups(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const bool flexible = header.flexible;
  std::vector<std::string> states;  // v4: only groups in these states; empty = all
  if (header.api_version >= 4) {
    const int32_t count = in.array_length(flexible);
    for (int32_t i = 0; i < count && in.ok(); ++i) states.push_back(in.string(flexible));
  }
  CF_RETURN_IF_ERROR(finish_reading(header, in));
  std::vector<const GroupDescription*> listed;
  const auto groups = known_groups(context);
  for (const auto& [_, d] : groups) {
    if (states.empty() || std::find(states.begin(), states.end(), d.state) != states.end()) listed.push_back(&d);
  }
  if (header.api_version >= 1) out.i32(0);  // throttle_time_ms
  out.i16(err::kNone);
  out.array_length(listed.size());
  for (const GroupDescription* d : listed) {
    out.string(d->group_id);
    out.string(d->protocol_type);
    if (header.api_version >= 4) out.string(d->state);
    out.tagged_fields();
  }
  out.tagged_fields();
  return Reply::kSend;
}

Result<Reply> handle_describe_groups(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const int16_t v = header.api_version;
  const bool flexible = header.flexible;
  std::vector<std::string> asked;
  const int32_t count = in.array_length(flexible);
  for (int32_t i = 0; i < count && in.ok(); ++i) asked.push_back(in.string(flexible));
  const bool include_operations = v >= 3 && in.boolean();
  CF_RETURN_IF_ERROR(finish_reading(header, in));
  const auto groups = known_groups(context);
  if (v >= 1) out.i32(0);  // throttle_time_ms
  out.array_length(asked.size());
  for (const std::string& group_id : asked) {
    auto found = groups.find(group_id);
    // A group careflow never saw is Dead with no error, as Kafka answers it.
    GroupDescription dead{group_id, "Dead", "", "", {}};
    const GroupDescription& d = found == groups.end() ? dead : found->second;
    out.i16(group_id.empty() ? err::kInvalidGroupId : err::kNone);
    out.string(d.group_id);
    out.string(d.state);
    out.string(d.protocol_type);
    out.string(d.protocol_name);
    out.array_length(d.members.size());
    for (const GroupDescription::Member& m : d.members) {
      out.string(m.member_id);
      if (v >= 4) out.nullable_string(m.group_instance_id);
      out.string(m.client_id);
      out.string(m.client_host);
      out.bytes(m.metadata);
      out.bytes(m.assignment);
      out.tagged_fields();
    }
    if (v >= 3) out.i32(include_operations ? kGroupOperations : INT32_MIN);
    out.tagged_fields();
  }
  out.tagged_fields();
  return Reply::kSend;
}

}  // namespace careflow::broker
