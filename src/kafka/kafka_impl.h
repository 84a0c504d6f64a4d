#pragma once
// Private to src/kafka: the Topics implementation on Kafka, split by concern into
//   kafka_topics.cc  opening, the poller thread, the topic metadata cache
//   admin.cc         topics and consumer groups through the Admin API
//   produce.cc       append (idempotent producer) and append_atomic (transactions)
//   read.cc          fetch, wait_for_data and offset lookups through one reader consumer

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kafka/client.h"
#include "kafka/kafka_topics.h"

namespace careflow::kafka {

// What the reader consumer has fetched for one assigned partition and not yet handed out.
struct ReaderPartition {
  int64_t next = 0;               // the offset the next fetch() continues from
  std::deque<log::Record> buffered;  // offsets >= next, ascending
  int64_t eof_at = -1;            // the end offset librdkafka last reported reaching; -1 = none yet
  std::string error;              // the last fetch error for this partition, cleared on seek
};

class KafkaTopicsImpl final : public log::Topics {
 public:
  explicit KafkaTopicsImpl(KafkaOptions options) : options_(std::move(options)) {}
  ~KafkaTopicsImpl() override;

  Status connect();

  Status create_topic(std::string_view name, const log::TopicConfig& config) override;
  Status delete_topic(std::string_view name) override;
  std::vector<std::string> list_topics() const override;
  Result<log::TopicDescription> describe_topic(std::string_view name) const override;
  Result<int64_t> append(const log::TopicPartition& target, std::span<const log::Record> records) override;
  Result<std::vector<int64_t>> append_atomic(std::span<const log::PartitionBatch> batches,
                                             std::span<const log::OffsetCommit> commits) override;
  Result<log::FetchResult> fetch(const log::TopicPartition& source, int64_t offset, log::FetchLimits limits) const override;
  Result<bool> wait_for_data(const log::TopicPartition& source, int64_t offset,
                             std::chrono::microseconds timeout) const override;
  Result<std::vector<log::PartitionInfo>> partition_offsets(std::string_view topic) const override;
  Result<std::optional<int64_t>> offset_for_timestamp(const log::TopicPartition& source, int64_t ts_ms) const override;
  Status commit_offsets(std::span<const log::OffsetCommit> commits) override;
  Result<std::optional<int64_t>> committed_offset(std::string_view group,
                                                  const log::TopicPartition& partition) const override;
  std::map<std::string, std::map<log::TopicPartition, int64_t>> list_group_offsets() const override;

 private:
  // ---- metadata (kafka_topics.cc) ----
  // Partition counts of every topic, from a Metadata request. Unavailable when no broker answers.
  Result<std::map<std::string, int32_t>> fetch_metadata() const;
  // The topic's partition count: from the cache, refreshed once on a miss. NotFound if absent.
  Result<int32_t> partition_count(std::string_view topic) const;
  // NotFound / OutOfRange naming the topic and the partition, as the embedded log words them.
  Status locate(const log::TopicPartition& tp) const;
  void forget_topic(std::string_view topic) const;
  // Waits until the cluster's metadata shows the topic (present = true) or no longer shows it.
  Status await_metadata(std::string_view topic, bool present) const;

  // ---- admin (admin.cc) ----
  // Runs one Admin request on the producer handle and returns its result event, or the error.
  template <typename Call>
  Result<Event> admin(rd_kafka_event_type_t expected, std::string_view what, Call&& call) const;
  Result<log::TopicConfig> topic_config(std::string_view name, int32_t partitions) const;
  Result<std::map<log::TopicPartition, int64_t>> group_offsets(const std::string& group,
                                                               const rd_kafka_topic_partition_list_t* only) const;

  // ---- produce (produce.cc) ----
  struct Delivery;
  // The producers' delivery report callback: counts the record off its Delivery.
  static void deliver_report(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  // Enqueues one record on `rk`; the delivery report lands in `delivery`.
  Status enqueue(rd_kafka_t* rk, const log::TopicPartition& target, const log::Record& record, Delivery* delivery);
  Status ensure_transactional();
  // The broker applies a transaction's offsets when its commit markers are written, a moment
  // after the commit returns; this waits (up to timeout_ms) until they read back, so that
  // append_atomic's commits are visible when it returns, as on the embedded log.
  void await_group_offsets(const std::map<std::string, PartitionList>& offsets_by_group) const;
  // Likewise the commit markers on the data partitions: until the broker has written them the last
  // stable offset stays below the transaction's records, and read_committed readers do not see them.
  void await_stable(std::span<const log::PartitionBatch> batches, const std::vector<int64_t>& bases) const;
  std::mutex& partition_write_mutex(const log::TopicPartition& tp);

  // ---- read (read.cc) ----
  // Positions the reader on `tp` at `offset` (assigning or seeking); caller holds reader_mutex_.
  Status position_reader(const log::TopicPartition& tp, int64_t offset) const;
  // Takes what the reader has fetched (at most `timeout_ms` of waiting) into the partitions'
  // buffers. Caller holds `lock` on reader_mutex_; it is released while librdkafka waits.
  void pump(std::unique_lock<std::mutex>& lock, int timeout_ms) const;
  Result<std::pair<int64_t, int64_t>> watermarks(const log::TopicPartition& tp) const;

  const KafkaOptions options_;
  LastError last_error_;
  Handle producer_;  // idempotent; also runs the Admin requests
  Handle reader_;    // read_committed consumer, manually assigned
  rd_kafka_queue_t* reader_queue_ = nullptr;

  std::mutex txn_mutex_;  // one transaction at a time; guards transactional_
  Handle transactional_;

  std::atomic<bool> stopping_{false};
  std::thread poller_;  // serves the producers' delivery reports

  mutable std::mutex metadata_mutex_;
  mutable std::map<std::string, int32_t, std::less<>> partitions_;
  // A broker that answered the last Metadata request: DescribeConfigs for a topic goes there
  // (any broker can answer it; librdkafka would otherwise wait for the controller).
  mutable int32_t any_broker_ = -1;

  std::mutex write_mutexes_mutex_;
  std::map<log::TopicPartition, std::unique_ptr<std::mutex>> write_mutexes_;

  mutable std::mutex reader_mutex_;
  mutable std::map<log::TopicPartition, ReaderPartition> reading_;
  // One thread takes from the reader's queue at a time, so each partition's records reach its
  // buffer in order; the others wait for it on `pumped_`.
  mutable bool pumping_ = false;
  mutable std::condition_variable pumped_;
};

}  // namespace careflow::kafka
