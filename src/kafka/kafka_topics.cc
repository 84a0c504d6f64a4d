#include "kafka/kafka_topics.h"

#include <fmt/format.h>

#include "common/clock.h"
#include "common/logging.h"
#include "kafka/kafka_impl.h"

namespace careflow::kafka {

Status KafkaTopicsImpl::connect() {
  CF_ASSIGN_OR_RETURN(Conf producer_conf, make_conf(options_, ClientRole::kProducer, &last_error_));
  rd_kafka_conf_set_dr_msg_cb(producer_conf.get(), deliver_report);
  CF_ASSIGN_OR_RETURN(producer_, make_handle(RD_KAFKA_PRODUCER, std::move(producer_conf), "producer"));
  CF_ASSIGN_OR_RETURN(Conf reader_conf, make_conf(options_, ClientRole::kReader, &last_error_));
  CF_ASSIGN_OR_RETURN(reader_, make_handle(RD_KAFKA_CONSUMER, std::move(reader_conf), "reader"));
  reader_queue_ = rd_kafka_queue_get_consumer(reader_.get());
  poller_ = std::thread([this] {
    while (!stopping_) rd_kafka_poll(producer_.get(), 50);
  });
  // One round trip now, so a wrong address or credentials fail here, with the reason, and not
  // at the first write.
  auto topics = fetch_metadata();
  if (!topics) {
    const std::string seen = last_error_.get();
    return Status::unavailable(fmt::format("cannot reach Kafka at '{}' (kafka.bootstrap_servers) within {} ms (kafka.timeout_ms): {}{}",
                                           options_.bootstrap_servers, options_.timeout_ms, topics.status().message(),
                                           seen.empty() ? "" : "; last client error: " + seen));
  }
  return Status::ok();
}

KafkaTopicsImpl::~KafkaTopicsImpl() {
  stopping_ = true;
  if (poller_.joinable()) poller_.join();
  if (producer_) rd_kafka_flush(producer_.get(), static_cast<int>(options_.timeout_ms));
  if (reader_queue_) rd_kafka_queue_destroy(reader_queue_);
  if (reader_) rd_kafka_consumer_close(reader_.get());
}

Result<std::map<std::string, int32_t>> KafkaTopicsImpl::fetch_metadata() const {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(producer_.get(), 1, nullptr, &md, static_cast<int>(options_.timeout_ms));
  if (err) return status_from(err, "reading the cluster's metadata");
  std::map<std::string, int32_t> counts;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (t.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) continue;
    counts[t.topic] = t.partition_cnt;
  }
  {
    std::lock_guard lock(metadata_mutex_);
    partitions_.clear();
    partitions_.insert(counts.begin(), counts.end());
    any_broker_ = md->orig_broker_id;
  }
  rd_kafka_metadata_destroy(md);
  return counts;
}

Result<int32_t> KafkaTopicsImpl::partition_count(std::string_view topic) const {
  {
    std::lock_guard lock(metadata_mutex_);
    if (auto it = partitions_.find(topic); it != partitions_.end()) return it->second;
  }
  CF_ASSIGN_OR_RETURN(auto counts, fetch_metadata());
  auto it = counts.find(std::string(topic));
  if (it == counts.end()) return Status::not_found(fmt::format("topic '{}' does not exist", topic));
  return it->second;
}

Status KafkaTopicsImpl::locate(const log::TopicPartition& tp) const {
  CF_ASSIGN_OR_RETURN(int32_t n, partition_count(tp.topic));
  if (tp.partition < 0 || tp.partition >= n) {
    return Status::out_of_range(fmt::format("partition {} out of range for topic '{}' ({} partition{}: 0..{})", tp.partition,
                                            tp.topic, n, n == 1 ? "" : "s", n - 1));
  }
  return Status::ok();
}

void KafkaTopicsImpl::forget_topic(std::string_view topic) const {
  std::lock_guard lock(metadata_mutex_);
  if (auto it = partitions_.find(topic); it != partitions_.end()) partitions_.erase(it);
}

Status KafkaTopicsImpl::await_metadata(std::string_view topic, bool present) const {
  const int64_t deadline = steady_clock_ms() + options_.timeout_ms;
  for (;;) {
    CF_ASSIGN_OR_RETURN(auto counts, fetch_metadata());
    if (counts.count(std::string(topic)) == (present ? 1u : 0u)) return Status::ok();
    if (steady_clock_ms() >= deadline) {
      return Status::timeout(fmt::format("topic '{}' was {} but the cluster's metadata did not show it within {} ms", topic,
                                         present ? "created" : "deleted", options_.timeout_ms));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

Result<std::unique_ptr<log::Topics>> open_kafka_topics(const KafkaOptions& options) {
  auto topics = std::make_unique<KafkaTopicsImpl>(options);
  CF_RETURN_IF_ERROR(topics->connect());
  log_info("kafka", "connected", {{"bootstrap_servers", options.bootstrap_servers}});
  return std::unique_ptr<log::Topics>(std::move(topics));
}

}  // namespace careflow::kafka
