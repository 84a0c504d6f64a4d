// The transaction APIs a transactional client sends (KIP-98), served by TransactionCoordinator:
// AddPartitionsToTxn (24), AddOffsetsToTxn (25), EndTxn (26), TxnOffsetCommit (28), each in the
// versions clients use (0–3; v4+ of AddPartitionsToTxn is sent between brokers only).

#include "broker/handlers.h"
#include "common/logging.h"

namespace careflow::broker {
namespace {

// The three fields every transaction request starts with.
struct TxnHeader {
  std::string transactional_id;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
};

TxnHeader read_txn_header(Reader& in, bool flexible) {
  TxnHeader h;
  h.transactional_id = in.string(flexible);
  h.producer_id = in.i64();
  h.producer_epoch = in.i16();
  return h;
}

// A topic's partitions with an error code each, as AddPartitionsToTxn and TxnOffsetCommit answer.
struct TopicErrors {
  std::string name;
  std::vector<std::pair<int32_t, int16_t>> partitions;  // index, error
};

Result<Reply> answer_partition_errors(Writer& out, const std::vector<TopicErrors>& topics) {
  out.i32(0);  // throttle_time_ms
  out.array_length(topics.size());
  for (const TopicErrors& topic : topics) {
    out.string(topic.name);
    out.array_length(topic.partitions.size());
    for (const auto& [index, error] : topic.partitions) {
      out.i32(index);
      out.i16(error);
      out.tagged_fields();
    }
    out.tagged_fields();
  }
  out.tagged_fields();
  return Reply::kSend;
}

// A response of only throttle time and an error code (AddOffsetsToTxn, EndTxn).
Result<Reply> answer_error(Writer& out, int16_t error) {
  out.i32(0);  // throttle_time_ms
  out.i16(error);
  out.tagged_fields();
  return Reply::kSend;
}

}  // namespace

Result<Reply> handle_add_partitions_to_txn(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const bool flexible = header.flexible;
  const TxnHeader txn = read_txn_header(in, flexible);
  std::vector<TopicErrors> topics;
  const int32_t count = in.array_length(flexible);
  for (int32_t t = 0; t < count && in.ok(); ++t) {
    TopicErrors& topic = topics.emplace_back();
    topic.name = in.string(flexible);
    const int32_t partitions = in.array_length(flexible);
    for (int32_t p = 0; p < partitions && in.ok(); ++p) topic.partitions.push_back({in.i32(), err::kNone});
    in.tagged_fields(flexible);
  }
  CF_RETURN_IF_ERROR(finish_reading(header, in));
  for (TopicErrors& topic : topics) {
    const int16_t topic_error = ensure_topic(context, topic.name, true);
    for (auto& [index, error] : topic.partitions) {
      error = topic_error != err::kNone ? topic_error
                                        : context.transactions.add_partition(txn.transactional_id, txn.producer_id,
                                                                             txn.producer_epoch, {topic.name, index});
    }
  }
  return answer_partition_errors(out, topics);
}

Result<Reply> handle_add_offsets_to_txn(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const TxnHeader txn = read_txn_header(in, header.flexible);
  const std::string group = in.string(header.flexible);
  CF_RETURN_IF_ERROR(finish_reading(header, in));
  return answer_error(out, context.transactions.add_group(txn.transactional_id, txn.producer_id, txn.producer_epoch, group));
}

Result<Reply> handle_end_txn(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const TxnHeader txn = read_txn_header(in, header.flexible);
  const bool commit = in.boolean();
  CF_RETURN_IF_ERROR(finish_reading(header, in));
  std::string message;
  const int16_t error =
      context.transactions.end(txn.transactional_id, txn.producer_id, txn.producer_epoch, commit, &message);
  if (error != err::kNone) {
    log_warn("broker", "EndTxn refused", {{"transactional_id", txn.transactional_id}, {"error", message}});
  }
  return answer_error(out, error);
}

Result<Reply> handle_txn_offset_commit(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const bool flexible = header.flexible;
  const std::string transactional_id = in.string(flexible);
  const std::string group = in.string(flexible);
  const int64_t producer_id = in.i64();
  const int16_t producer_epoch = in.i16();
  if (header.api_version >= 3) {
    // The member's generation (KIP-447): careflow commits for the group as a whole, as the
    // offsets are only applied with the transaction's commit.
    (void)in.i32();                     // generation_id
    (void)in.string(flexible);          // member_id
    (void)in.nullable_string(flexible); // group_instance_id
  }
  std::vector<TopicErrors> topics;
  std::vector<int64_t> offsets;  // in the order of the topics' partitions
  const int32_t count = in.array_length(flexible);
  for (int32_t t = 0; t < count && in.ok(); ++t) {
    TopicErrors& topic = topics.emplace_back();
    topic.name = in.string(flexible);
    const int32_t partitions = in.array_length(flexible);
    for (int32_t p = 0; p < partitions && in.ok(); ++p) {
      topic.partitions.push_back({in.i32(), err::kNone});
      offsets.push_back(in.i64());
      if (header.api_version >= 2) (void)in.i32();  // committed_leader_epoch
      (void)in.nullable_string(flexible);            // committed_metadata
      in.tagged_fields(flexible);
    }
    in.tagged_fields(flexible);
  }
  CF_RETURN_IF_ERROR(finish_reading(header, in));
  size_t next = 0;
  for (TopicErrors& topic : topics) {
    for (auto& [index, error] : topic.partitions) {
      error = context.transactions.commit_offset(transactional_id, producer_id, producer_epoch, group,
                                                 {topic.name, index}, offsets[next++]);
    }
  }
  return answer_partition_errors(out, topics);
}

}  // namespace careflow::broker
