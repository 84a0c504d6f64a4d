// The consumer-group membership APIs: FindCoordinator (key 10: this node), JoinGroup (11),
// SyncGroup (14), Heartbeat (12), LeaveGroup (13), on the GroupCoordinator.

#include "broker/handlers.h"

namespace careflow::broker {

Result<Reply> handle_find_coordinator(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const int16_t v = header.api_version;
  const bool flexible = header.flexible;
  std::vector<std::string> keys;
  if (v <= 3) keys.push_back(in.string(flexible));
  if (v >= 1) (void)in.i8();  // key_type: group or transaction; this node is both
  if (v >= 4) {
    const int32_t count = in.array_length(flexible);
    for (int32_t i = 0; i < count && in.ok(); ++i) keys.push_back(in.string(flexible));
  }
  CF_RETURN_IF_ERROR(finish_reading(header, in));
  if (v >= 1) out.i32(0);  // throttle_time_ms
  if (v <= 3) {
    out.i16(err::kNone);
    if (v >= 1) out.nullable_string(std::nullopt);  // error_message
    out.i32(context.options.node_id);
    out.string(context.advertised_host);
    out.i32(context.port);
  } else {
    out.array_length(keys.size());
    for (const std::string& key : keys) {
      out.string(key);
      out.i32(context.options.node_id);
      out.string(context.advertised_host);
      out.i32(context.port);
      out.i16(err::kNone);
      out.nullable_string(std::nullopt);
      out.tagged_fields();
    }
  }
  out.tagged_fields();
  return Reply::kSend;
}

Result<Reply> handle_join_group(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const int16_t v = header.api_version;
  const bool flexible = header.flexible;
  JoinRequest request;
  request.group_id = in.string(flexible);
  request.session_timeout_ms = in.i32();
  request.rebalance_timeout_ms = v >= 1 ? in.i32() : request.session_timeout_ms;
  request.member_id = in.string(flexible);
  if (v >= 5) request.group_instance_id = in.nullable_string(flexible);
  request.protocol_type = in.string(flexible);
  const int32_t count = in.array_length(flexible);
  for (int32_t i = 0; i < count && in.ok(); ++i) {
    std::string name = in.string(flexible);
    auto metadata = in.nullable_bytes(flexible);
    in.tagged_fields(flexible);
    request.protocols.emplace_back(std::move(name), std::string(metadata.value_or("")));
  }
  CF_RETURN_IF_ERROR(finish_reading(header, in));
  request.client_id = header.client_id.value_or("");
  request.client_host = context.client_host;
  const JoinResult result = context.groups.join(request);

  if (v >= 2) out.i32(0);  // throttle_time_ms
  out.i16(result.error);
  out.i32(result.generation);
  if (v >= 7) out.nullable_string(result.protocol_type);
  if (v >= 7 && result.error != err::kNone) {
    out.nullable_string(std::nullopt);
  } else {
    out.string(result.protocol_name);
  }
  out.string(result.leader);
  out.string(result.member_id);
  out.array_length(result.members.size());
  for (const JoinedMember& m : result.members) {
    out.string(m.member_id);
    if (v >= 5) out.nullable_string(m.group_instance_id);
    out.bytes(m.metadata);
    out.tagged_fields();
  }
  out.tagged_fields();
  return Reply::kSend;
}

Result<Reply> handle_sync_group(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const int16_t v = header.api_version;
  const bool flexible = header.flexible;
  const std::string group = in.string(flexible);
  const int32_t generation = in.i32();
  const std::string member = in.string(flexible);
  if (v >= 3) (void)in.nullable_string(flexible);  // group_instance_id
  if (v >= 5) {
    (void)in.nullable_string(flexible);  // protocol_type
    (void)in.nullable_string(flexible);  // protocol_name
  }
  std::vector<std::pair<std::string, std::string>> assignments;
  const int32_t count = in.array_length(flexible);
  for (int32_t i = 0; i < count && in.ok(); ++i) {
    std::string id = in.string(flexible);
    auto assignment = in.nullable_bytes(flexible);
    in.tagged_fields(flexible);
    assignments.emplace_back(std::move(id), std::string(assignment.value_or("")));
  }
  CF_RETURN_IF_ERROR(finish_reading(header, in));
  const SyncResult result = context.groups.sync(group, generation, member, assignments);

  if (v >= 1) out.i32(0);  // throttle_time_ms
  out.i16(result.error);
  if (v >= 5) {
    out.nullable_string(result.error == err::kNone ? std::optional(result.protocol_type) : std::nullopt);
    out.nullable_string(result.error == err::kNone ? std::optional(result.protocol_name) : std::nullopt);
  }
  out.bytes(result.assignment);
  out.tagged_fields();
  return Reply::kSend;
}

Result<Reply> handle_heartbeat(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const bool flexible = header.flexible;
  const std::string group = in.string(flexible);
  const int32_t generation = in.i32();
  const std::string member = in.string(flexible);
  if (header.api_version >= 3) (void)in.nullable_string(flexible);  // group_instance_id
  CF_RETURN_IF_ERROR(finish_reading(header, in));
  const int16_t error = context.groups.heartbeat(group, generation, member);
  if (header.api_version >= 1) out.i32(0);  // throttle_time_ms
  out.i16(error);
  out.tagged_fields();
  return Reply::kSend;
}

Result<Reply> handle_leave_group(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const int16_t v = header.api_version;
  const bool flexible = header.flexible;
  const std::string group = in.string(flexible);
  std::vector<std::pair<std::string, std::optional<std::string>>> members;
  if (v <= 2) {
    members.emplace_back(in.string(flexible), std::nullopt);
  } else {
    const int32_t count = in.array_length(flexible);
    for (int32_t i = 0; i < count && in.ok(); ++i) {
      std::string id = in.string(flexible);
      auto instance = in.nullable_string(flexible);
      in.tagged_fields(flexible);
      members.emplace_back(std::move(id), std::move(instance));
    }
  }
  CF_RETURN_IF_ERROR(finish_reading(header, in));
  std::vector<int16_t> errors;
  for (const auto& [id, _] : members) errors.push_back(context.groups.leave(group, id));

  if (v >= 1) out.i32(0);  // throttle_time_ms
  if (v <= 2) {
    out.i16(errors.front());
  } else {
    out.i16(err::kNone);
    out.array_length(members.size());
    for (size_t i = 0; i < members.size(); ++i) {
      out.string(members[i].first);
      out.nullable_string(members[i].second);
      out.i16(errors[i]);
      out.tagged_fields();
    }
  }
  out.tagged_fields();
  return Reply::kSend;
}

}  // namespace careflow::broker
