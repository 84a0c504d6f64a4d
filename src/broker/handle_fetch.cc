// Fetch (key 1): records from the embedded log as v2 record batches, with Kafka's long poll: when
// fewer than min_bytes are there, the response waits up to max_wait_ms for more. The log's batches
// go out as they are stored — a Kafka header before the stored records section, zstd-compressed or
// not — so a fetch copies bytes instead of decoding and encoding records. Clients of Fetch below
// v10 cannot take zstd (KIP-110): a compressed batch is decoded and sent plain to them.
// Sessions (KIP-227) are not kept: session_id 0 in the response tells clients to send full
// fetches. read_committed and read_uncommitted read the same: the log shows an atomic append
// whole or not at all, and no transactions are open through this listener.

#include <algorithm>
#include <chrono>

#include "broker/kafka_batch.h"
#include "broker/handlers.h"

namespace careflow::broker {
namespace {

struct PartitionRequest {
  int32_t partition = 0;
  int64_t offset = 0;
  int32_t max_bytes = 0;
};

struct TopicRequest {
  std::string name;
  std::vector<PartitionRequest> partitions;
};

struct PartitionResponse {
  int16_t error = err::kNone;
  int64_t high_watermark = -1;
  int64_t log_start_offset = -1;
  std::string records;
};

int16_t fetch_error(const Status& s) {
  return s.code() == StatusCode::kOutOfRange ? err::kOffsetOutOfRange : error_for(s);
}

// Batches as stored from `offset`, up to about `budget` bytes, into r.records. False (and nothing
// added) when one is compressed and the client cannot read zstd; errors as Topics::fetch's.
Result<bool> read_stored(const log::StoredBatchSource& stored, const log::TopicPartition& source, int64_t offset,
                         int64_t budget, bool zstd_allowed, PartitionResponse& r) {
  bool readable = true;
  CF_ASSIGN_OR_RETURN(log::StoredBatchesRead read,
                      stored.read_stored_batches(source, offset, budget, [&](const log::StoredBatch& batch) {
                        if (batch.codec != 0 && !zstd_allowed) return readable = false;
                        append_stored_batch(batch, r.records);
                        return true;
                      }));
  if (!readable) {
    r.records.clear();
    return false;
  }
  r.high_watermark = std::max(r.high_watermark, read.end_offset);
  return true;
}

// One pass over every partition; returns the record bytes gathered.
int64_t read_all(BrokerContext& context, int16_t version, const std::vector<TopicRequest>& topics, int32_t max_bytes,
                 std::vector<std::vector<PartitionResponse>>& out) {
  int64_t total = 0;
  out.assign(topics.size(), {});
  for (size_t t = 0; t < topics.size(); ++t) {
    for (const PartitionRequest& p : topics[t].partitions) {
      PartitionResponse& r = out[t].emplace_back();
      const log::TopicPartition source{topics[t].name, p.partition};
      auto offsets = context.topics.partition_offsets(source.topic);
      if (!offsets || p.partition < 0 || p.partition >= static_cast<int32_t>(offsets->size())) {
        r.error = err::kUnknownTopicOrPartition;
        continue;
      }
      const log::PartitionInfo& info = (*offsets)[static_cast<size_t>(p.partition)];
      r.high_watermark = info.end_offset;
      r.log_start_offset = info.start_offset;
      if (p.offset < info.start_offset || p.offset > info.end_offset) {
        r.error = err::kOffsetOutOfRange;
        continue;
      }
      // The first partition with data always gets at least one record (KIP-74), whatever the limits.
      const int64_t budget = std::min<int64_t>(p.max_bytes, std::max<int64_t>(max_bytes - total, 1));
      if (p.offset == info.end_offset || (total > 0 && total >= max_bytes)) continue;
      if (context.stored_batches) {
        auto copied = read_stored(*context.stored_batches, source, p.offset, budget, version >= 10, r);
        if (!copied) {
          r.error = fetch_error(copied.status());
          continue;
        }
        if (*copied) {
          total += static_cast<int64_t>(r.records.size());
          continue;
        }
      }
      auto fetched = context.topics.fetch(source, p.offset, log::FetchLimits{10'000, std::max<int64_t>(budget, 1)});
      if (!fetched) {
        r.error = fetch_error(fetched.status());
        continue;
      }
      encode_kafka_batch(fetched->records, r.records);
      r.high_watermark = std::max(r.high_watermark, fetched->end_offset);
      total += static_cast<int64_t>(r.records.size());
    }
  }
  return total;
}

}  // namespace

Result<Reply> handle_fetch(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const int16_t v = header.api_version;
  const bool flexible = header.flexible;
  (void)in.i32();  // replica_id
  const int32_t max_wait_ms = in.i32();
  const int32_t min_bytes = in.i32();
  const int32_t max_bytes = in.i32();
  (void)in.i8();  // isolation_level
  if (v >= 7) {
    (void)in.i32();  // session_id
    (void)in.i32();  // session_epoch
  }
  std::vector<TopicRequest> topics;
  const int32_t topic_count = in.array_length(flexible);
  for (int32_t t = 0; t < topic_count && in.ok(); ++t) {
    TopicRequest& topic = topics.emplace_back();
    topic.name = in.string(flexible);
    const int32_t partitions = in.array_length(flexible);
    for (int32_t p = 0; p < partitions && in.ok(); ++p) {
      PartitionRequest& r = topic.partitions.emplace_back();
      r.partition = in.i32();
      if (v >= 9) (void)in.i32();  // current_leader_epoch
      r.offset = in.i64();
      if (v >= 12) (void)in.i32();  // last_fetched_epoch
      if (v >= 5) (void)in.i64();   // log_start_offset (a follower's)
      r.max_bytes = in.i32();
      in.tagged_fields(flexible);
    }
    in.tagged_fields(flexible);
  }
  if (v >= 7) {
    const int32_t forgotten = in.array_length(flexible);
    for (int32_t t = 0; t < forgotten && in.ok(); ++t) {
      (void)in.string(flexible);
      const int32_t partitions = in.array_length(flexible);
      for (int32_t p = 0; p < partitions && in.ok(); ++p) (void)in.i32();
      in.tagged_fields(flexible);
    }
  }
  if (v >= 11) (void)in.string(flexible);  // rack_id
  CF_RETURN_IF_ERROR(finish_reading(header, in));

  std::vector<std::vector<PartitionResponse>> responses;
  int64_t total = read_all(context, v, topics, max_bytes, responses);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(max_wait_ms, 0));
  while (total < std::max(min_bytes, 1) && !context.stopping) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) break;
    std::vector<log::ReadPosition> positions;
    for (size_t t = 0; t < topics.size(); ++t) {
      for (size_t p = 0; p < topics[t].partitions.size(); ++p) {
        // Woken by anything appended after what this pass saw.
        if (responses[t][p].error != err::kNone) continue;
        positions.push_back({{topics[t].name, topics[t].partitions[p].partition}, responses[t][p].high_watermark});
      }
    }
    if (positions.empty()) break;
    // Slices, so a stopping listener is not held up by a long poll.
    const auto slice = std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(200));
    auto ready = context.topics.wait_for_any(positions, std::chrono::duration_cast<std::chrono::microseconds>(slice));
    if (ready && *ready) total = read_all(context, v, topics, max_bytes, responses);
    if (!ready) break;  // a topic went away: answer with what is there
  }

  out.i32(0);  // throttle_time_ms
  if (v >= 7) {
    out.i16(err::kNone);
    out.i32(0);  // session_id: no session
  }
  out.array_length(topics.size());
  for (size_t t = 0; t < topics.size(); ++t) {
    out.string(topics[t].name);
    out.array_length(topics[t].partitions.size());
    for (size_t p = 0; p < topics[t].partitions.size(); ++p) {
      const PartitionResponse& r = responses[t][p];
      out.i32(topics[t].partitions[p].partition);
      out.i16(r.error);
      out.i64(r.high_watermark);
      out.i64(r.high_watermark);  // last_stable_offset
      if (v >= 5) out.i64(r.log_start_offset);
      out.array_length(0);         // aborted_transactions
      if (v >= 11) out.i32(-1);    // preferred_read_replica
      out.bytes(r.records);
      out.tagged_fields();
    }
    out.tagged_fields();
  }
  out.tagged_fields();
  return Reply::kSend;
}

}  // namespace careflow::broker
