// OffsetCommit (key 8) and OffsetFetch (key 9): a group's committed offsets, kept in the log's
// durable group-offset store (log::Topics::commit_offsets, "__consumer_offsets"). Commit metadata
// strings are not stored: OffsetFetch answers "" for them.

#include "broker/handlers.h"

namespace careflow::broker {

Result<Reply> handle_offset_commit(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const int16_t v = header.api_version;
  const bool flexible = header.flexible;
  const std::string group = in.string(flexible);
  const int32_t generation = in.i32();
  const std::string member = in.string(flexible);
  if (v >= 7) (void)in.nullable_string(flexible);  // group_instance_id
  if (v <= 4) (void)in.i64();                       // retention_time_ms
  struct Partition {
    int32_t index;
    int64_t offset;
    int16_t error = err::kNone;
  };
  std::vector<std::pair<std::string, std::vector<Partition>>> topics;
  const int32_t topic_count = in.array_length(flexible);
  for (int32_t t = 0; t < topic_count && in.ok(); ++t) {
    auto& [name, partitions] = topics.emplace_back();
    name = in.string(flexible);
    const int32_t count = in.array_length(flexible);
    for (int32_t p = 0; p < count && in.ok(); ++p) {
      Partition& partition = partitions.emplace_back();
      partition.index = in.i32();
      partition.offset = in.i64();
      if (v >= 6) (void)in.i32();             // committed_leader_epoch
      (void)in.nullable_string(flexible);     // committed_metadata
      in.tagged_fields(flexible);
    }
    in.tagged_fields(flexible);
  }
  CF_RETURN_IF_ERROR(finish_reading(header, in));

  const int16_t group_error = group.empty() ? err::kInvalidGroupId : context.groups.check_commit(group, generation, member);
  std::vector<log::OffsetCommit> commits;
  for (auto& [name, partitions] : topics) {
    auto offsets = context.topics.partition_offsets(name);
    for (Partition& p : partitions) {
      if (group_error != err::kNone) {
        p.error = group_error;
      } else if (!offsets || p.index < 0 || p.index >= static_cast<int32_t>(offsets->size())) {
        p.error = err::kUnknownTopicOrPartition;
      } else {
        commits.push_back({group, {name, p.index}, p.offset});
      }
    }
  }
  if (!commits.empty()) {
    const Status committed = context.topics.commit_offsets(commits);
    if (!committed) {
      for (auto& [_, partitions] : topics) {
        for (Partition& p : partitions) {
          if (p.error == err::kNone) p.error = error_for(committed);
        }
      }
    }
  }

  if (v >= 3) out.i32(0);  // throttle_time_ms
  out.array_length(topics.size());
  for (const auto& [name, partitions] : topics) {
    out.string(name);
    out.array_length(partitions.size());
    for (const Partition& p : partitions) {
      out.i32(p.index);
      out.i16(p.error);
      out.tagged_fields();
    }
    out.tagged_fields();
  }
  out.tagged_fields();
  return Reply::kSend;
}

Result<Reply> handle_offset_fetch(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const int16_t v = header.api_version;
  const bool flexible = header.flexible;
  const std::string group = in.string(flexible);
  const int32_t topic_count = in.array_length(flexible);
  std::map<std::string, std::vector<int32_t>> wanted;  // by topic
  std::vector<std::string> order;
  for (int32_t t = 0; t < topic_count && in.ok(); ++t) {
    std::string name = in.string(flexible);
    const int32_t count = in.array_length(flexible);
    std::vector<int32_t>& partitions = wanted[name];
    for (int32_t p = 0; p < count && in.ok(); ++p) partitions.push_back(in.i32());
    in.tagged_fields(flexible);
    order.push_back(std::move(name));
  }
  if (v >= 7) (void)in.boolean();  // require_stable: nothing is pending (a transaction's offsets apply at its commit)
  CF_RETURN_IF_ERROR(finish_reading(header, in));
  if (topic_count < 0) {
    // Null topics (v2+): every partition the group committed.
    // Kept in a local: a range-for over a member of the returned temporary would read freed memory.
    auto all_groups = context.topics.list_group_offsets();
    for (const auto& [tp, _] : all_groups[group]) {
      if (!wanted.contains(tp.topic)) order.push_back(tp.topic);
      wanted[tp.topic].push_back(tp.partition);
    }
  }

  if (v >= 3) out.i32(0);  // throttle_time_ms
  out.array_length(order.size());
  for (const std::string& name : order) {
    out.string(name);
    out.array_length(wanted[name].size());
    for (int32_t partition : wanted[name]) {
      auto committed = context.topics.committed_offset(group, {name, partition});
      out.i32(partition);
      out.i64(committed && *committed ? **committed : -1);
      if (v >= 5) out.i32(-1);  // committed_leader_epoch
      out.string("");           // metadata
      out.i16(committed ? err::kNone : error_for(committed.status()));
      out.tagged_fields();
    }
    out.tagged_fields();
  }
  if (v >= 2) out.i16(err::kNone);
  out.tagged_fields();
  return Reply::kSend;
}

}  // namespace careflow::broker
