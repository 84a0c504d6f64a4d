// ListOffsets (key 2): a partition's earliest offset (timestamp -2), latest (-1: the high
// watermark), the offset with the largest timestamp (-3, v7), or the first offset whose record's
// timestamp is at or after a time (Kafka's offsetsForTimes), with that record's timestamp.

#include "broker/handlers.h"

namespace careflow::broker {
namespace {

constexpr int64_t kLatest = -1;
constexpr int64_t kEarliest = -2;
constexpr int64_t kMaxTimestamp = -3;

struct Answer {
  int16_t error = err::kNone;
  int64_t timestamp = -1;
  int64_t offset = -1;
};

// The record at `offset` (its timestamp), or nullopt.
std::optional<log::Record> record_at(log::Topics& topics, const log::TopicPartition& source, int64_t offset) {
  auto fetched = topics.fetch(source, offset, log::FetchLimits{1, 1});
  if (!fetched || fetched->records.empty()) return std::nullopt;
  return fetched->records.front();
}

Answer list_offset(BrokerContext& context, const log::TopicPartition& source, int64_t timestamp) {
  Answer a;
  auto offsets = context.topics.partition_offsets(source.topic);
  if (!offsets || source.partition < 0 || source.partition >= static_cast<int32_t>(offsets->size())) {
    a.error = err::kUnknownTopicOrPartition;
    return a;
  }
  const log::PartitionInfo& info = (*offsets)[static_cast<size_t>(source.partition)];
  if (timestamp == kLatest) {
    a.offset = info.end_offset;
  } else if (timestamp == kEarliest) {
    a.offset = info.start_offset;
  } else if (timestamp == kMaxTimestamp) {
    // No index by largest timestamp: a scan, which this rarely used query can afford.
    for (int64_t at = info.start_offset; at < info.end_offset;) {
      auto fetched = context.topics.fetch(source, at, {});
      if (!fetched || fetched->records.empty()) break;
      for (const log::Record& r : fetched->records) {
        if (r.timestamp_ms >= a.timestamp) {
          a.timestamp = r.timestamp_ms;
          a.offset = r.offset;
        }
      }
      if (fetched->next_offset <= at) break;
      at = fetched->next_offset;
    }
  } else {
    auto found = context.topics.offset_for_timestamp(source, timestamp);
    if (!found) {
      a.error = error_for(found.status());
    } else if (*found) {
      a.offset = **found;
      if (auto record = record_at(context.topics, source, a.offset)) {
        a.offset = record->offset;
        a.timestamp = record->timestamp_ms;
      }
    }
  }
  return a;
}

}  // namespace

Result<Reply> handle_list_offsets(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const int16_t v = header.api_version;
  const bool flexible = header.flexible;
  (void)in.i32();  // replica_id
  if (v >= 2) (void)in.i8();  // isolation_level
  struct Partition {
    int32_t index;
    Answer answer;
  };
  std::vector<std::pair<std::string, std::vector<Partition>>> topics;
  const int32_t topic_count = in.array_length(flexible);
  for (int32_t t = 0; t < topic_count && in.ok(); ++t) {
    auto& [name, partitions] = topics.emplace_back();
    name = in.string(flexible);
    const int32_t count = in.array_length(flexible);
    for (int32_t p = 0; p < count && in.ok(); ++p) {
      const int32_t index = in.i32();
      if (v >= 4) (void)in.i32();  // current_leader_epoch
      const int64_t timestamp = in.i64();
      in.tagged_fields(flexible);
      if (in.ok()) partitions.push_back({index, list_offset(context, {name, index}, timestamp)});
    }
    in.tagged_fields(flexible);
  }
  CF_RETURN_IF_ERROR(finish_reading(header, in));

  if (v >= 2) out.i32(0);  // throttle_time_ms
  out.array_length(topics.size());
  for (const auto& [name, partitions] : topics) {
    out.string(name);
    out.array_length(partitions.size());
    for (const Partition& p : partitions) {
      out.i32(p.index);
      out.i16(p.answer.error);
      out.i64(p.answer.timestamp);
      out.i64(p.answer.offset);
      if (v >= 4) out.i32(p.answer.offset >= 0 ? 0 : -1);  // leader_epoch
      out.tagged_fields();
    }
    out.tagged_fields();
  }
  out.tagged_fields();
  return Reply::kSend;
}

}  // namespace careflow::broker
