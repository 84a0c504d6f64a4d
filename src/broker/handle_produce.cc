// Produce (key 0): record batches v2 (CRC32C checked) appended to the embedded log. acks=0 gets
// no response, as in Kafka; acks=1 and acks=-1 (all) answer once the append returned, which on one
// node is both "written by the leader" and "by every in-sync replica" (durable per the topic's
// flush policy). Internal topics ("__...") are not writable. Idempotent producers' batches go through
// ProducerStates (a retried batch is not written twice); transactional batches wait in the
// TransactionCoordinator until their transaction commits.

#include <fmt/format.h>

#include <algorithm>

#include "broker/kafka_batch.h"
#include "broker/handlers.h"
#include "common/logging.h"

namespace careflow::broker {
namespace {

struct PartitionResult {
  int32_t partition = 0;
  int16_t error = err::kNone;
  int64_t base_offset = -1;
  int64_t log_start_offset = -1;
  std::optional<std::string> message;
};

PartitionResult produce_partition(BrokerContext& context, const std::optional<std::string>& transactional_id,
                                  const std::string& topic, int32_t partition, std::optional<std::string_view> records,
                                  int16_t topic_error) {
  PartitionResult result;
  result.partition = partition;
  auto fail = [&](int16_t error, std::string message) {
    result.error = error;
    result.message = std::move(message);
    return result;
  };
  if (topic_error != err::kNone) return fail(topic_error, fmt::format("topic '{}' cannot be written", topic));
  if (topic.starts_with("__")) return fail(err::kInvalidTopic, fmt::format("'{}' is an internal topic", topic));
  if (!records || records->empty()) return fail(err::kCorruptMessage, "no record batch");
  bool codec_error = false;
  std::vector<BatchProducer> producers;
  auto decoded = decode_record_set(*records, codec_error, &producers);
  if (!decoded) {
    log_warn("broker", "produce refused", {{"topic", topic}, {"partition", partition}, {"error", decoded.status().message()}});
    return fail(codec_error ? err::kUnsupportedCompressionType : err::kCorruptMessage, decoded.status().message());
  }
  if (decoded->empty()) return fail(err::kCorruptMessage, "a record batch without records");
  const log::TopicPartition target{topic, partition};
  auto append = [&]() { return context.topics.append(target, *decoded); };
  const bool idempotent = std::any_of(producers.begin(), producers.end(), [](const BatchProducer& b) { return b.producer_id >= 0; });
  if (!idempotent) {
    if (std::any_of(producers.begin(), producers.end(), [](const BatchProducer& b) { return b.transactional; })) {
      return fail(err::kInvalidRecord, "a transactional record batch without a producer id");
    }
    auto appended = append();
    if (!appended) return fail(error_for(appended.status()), appended.status().message());
    result.base_offset = *appended;
    return result;
  }
  // As Kafka: an idempotent producer's request carries one batch per partition.
  if (producers.size() != 1) return fail(err::kInvalidRecord, "an idempotent produce holds exactly one record batch per partition");
  if (producers.front().transactional) {
    if (!transactional_id) return fail(err::kInvalidRecord, "a transactional record batch in a produce without a transactional_id");
    std::string message;
    const int16_t error = context.transactions.produce(*transactional_id, target, producers.front(), std::move(*decoded), &message);
    if (error != err::kNone) {
      log_warn("broker", "transactional produce refused", {{"topic", topic}, {"partition", partition}, {"error", message}});
      return fail(error, message);
    }
    return result;  // base offset -1: given when the transaction commits (transactions.h)
  }
  auto outcome = context.producers.append(target, producers.front(), append);
  if (!outcome) return fail(error_for(outcome.status()), outcome.status().message());
  if (outcome->error != err::kNone) {
    log_warn("broker", "idempotent produce refused", {{"topic", topic}, {"partition", partition}, {"error", outcome->message}});
    return fail(outcome->error, outcome->message);
  }
  result.base_offset = outcome->base_offset;
  return result;
}

}  // namespace

Result<Reply> handle_produce(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const int16_t v = header.api_version;
  const bool flexible = header.flexible;
  const std::optional<std::string> transactional_id = in.nullable_string(flexible);
  const int16_t acks = in.i16();
  (void)in.i32();  // timeout_ms
  struct TopicResult {
    std::string name;
    std::vector<PartitionResult> partitions;
  };
  std::vector<TopicResult> results;
  const int32_t topics = in.array_length(flexible);
  for (int32_t t = 0; t < topics && in.ok(); ++t) {
    TopicResult& topic = results.emplace_back();
    topic.name = in.string(flexible);
    const int16_t topic_error = in.ok() ? ensure_topic(context, topic.name, true) : err::kNone;
    const int32_t partitions = in.array_length(flexible);
    for (int32_t p = 0; p < partitions && in.ok(); ++p) {
      const int32_t index = in.i32();
      const auto records = in.nullable_bytes(flexible);
      in.tagged_fields(flexible);
      if (!in.ok()) break;
      if (acks != 0 && acks != 1 && acks != -1) {
        topic.partitions.push_back({index, err::kInvalidRequiredAcks, -1, -1, "acks must be 0, 1 or -1"});
        continue;
      }
      topic.partitions.push_back(produce_partition(context, transactional_id, topic.name, index, records, topic_error));
    }
    in.tagged_fields(flexible);
  }
  // Appends already made stay made (as in Kafka) even if the request turns out malformed after them.
  CF_RETURN_IF_ERROR(finish_reading(header, in));
  if (acks == 0) return Reply::kNone;

  out.array_length(results.size());
  for (TopicResult& topic : results) {
    out.string(topic.name);
    out.array_length(topic.partitions.size());
    for (PartitionResult& p : topic.partitions) {
      if (p.error == err::kNone && v >= 5) {
        auto offsets = context.topics.partition_offsets(topic.name);
        if (offsets && p.partition < static_cast<int32_t>(offsets->size())) {
          p.log_start_offset = (*offsets)[static_cast<size_t>(p.partition)].start_offset;
        }
      }
      out.i32(p.partition);
      out.i16(p.error);
      out.i64(p.base_offset);
      out.i64(-1);  // log_append_time_ms: careflow keeps the producer's create time
      if (v >= 5) out.i64(p.log_start_offset);
      if (v >= 8) {
        out.array_length(0);  // record_errors
        out.nullable_string(p.message);
      }
      out.tagged_fields();
    }
    out.tagged_fields();
  }
  out.i32(0);  // throttle_time_ms
  out.tagged_fields();
  return Reply::kSend;
}

}  // namespace careflow::broker
