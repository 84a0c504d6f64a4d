// Topics and consumer groups through Kafka's Admin API (see kafka_impl.h).
#include <fmt/format.h>

#include "common/logging.h"
#include "kafka/kafka_impl.h"

namespace careflow::kafka {
namespace {

constexpr const char* kOffsetsTopic = "__consumer_offsets";

// The Kafka topic configs for a careflow TopicConfig: the settings that differ from careflow's
// defaults, so that a plain create takes the cluster's own defaults (Confluent Cloud refuses
// some settings outright). The flush.* settings are the embedded log's and are never sent.
std::map<std::string, std::string> kafka_topic_configs(const log::TopicConfig& c) {
  const log::TopicConfig defaults;
  std::map<std::string, std::string> out;
  if (c.cleanup != defaults.cleanup) out["cleanup.policy"] = c.cleanup == log::CleanupPolicy::kCompact ? "compact" : "delete";
  if (c.retention_ms != defaults.retention_ms) out["retention.ms"] = std::to_string(c.retention_ms);
  if (c.retention_bytes != defaults.retention_bytes) out["retention.bytes"] = std::to_string(c.retention_bytes);
  if (c.segment_bytes != defaults.segment_bytes) out["segment.bytes"] = std::to_string(c.segment_bytes);
  if (c.delete_retention_ms != defaults.delete_retention_ms) out["delete.retention.ms"] = std::to_string(c.delete_retention_ms);
  if (c.index_interval_bytes != defaults.index_interval_bytes) out["index.interval.bytes"] = std::to_string(c.index_interval_bytes);
  return out;
}

Status validate_commit(const log::OffsetCommit& c) {
  if (c.group.empty()) return Status::invalid_argument("consumer group name is empty");
  if (c.offset < 0) return Status::invalid_argument(fmt::format("offset {} is negative", c.offset));
  return Status::ok();
}

}  // namespace

template <typename Call>
Result<Event> KafkaTopicsImpl::admin(rd_kafka_event_type_t expected, std::string_view what, Call&& call) const {
  rd_kafka_queue_t* queue = rd_kafka_queue_new(producer_.get());
  rd_kafka_AdminOptions_t* opts = rd_kafka_AdminOptions_new(producer_.get(), RD_KAFKA_ADMIN_OP_ANY);
  char err[256];
  const int timeout = static_cast<int>(options_.timeout_ms);
  (void)rd_kafka_AdminOptions_set_request_timeout(opts, timeout, err, sizeof err);
  call(opts, queue);
  Event event(rd_kafka_queue_poll(queue, timeout + 2000));
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_queue_destroy(queue);
  if (!event) return Status::timeout(fmt::format("{}: no answer from Kafka within {} ms (kafka.timeout_ms)", what, timeout));
  if (rd_kafka_resp_err_t e = rd_kafka_event_error(event.get())) {
    return status_from(e, what, rd_kafka_event_error_string(event.get()));
  }
  if (rd_kafka_event_type(event.get()) != expected) {
    return Status::internal(fmt::format("{}: unexpected answer {}", what, rd_kafka_event_name(event.get())));
  }
  return event;
}

Status KafkaTopicsImpl::create_topic(std::string_view name, const log::TopicConfig& config) {
  CF_RETURN_IF_ERROR(log::validate_topic_name(name));
  if (config.partitions < 1 || config.partitions > 10000) {
    return Status::invalid_argument(fmt::format("topic '{}': partitions must be 1..10000, got {}", name, config.partitions));
  }
  const std::string topic(name);
  const std::string what = fmt::format("creating topic '{}'", name);
  char err[512];
  rd_kafka_NewTopic_t* spec = rd_kafka_NewTopic_new(topic.c_str(), config.partitions, -1, err, sizeof err);
  if (!spec) return Status::invalid_argument(fmt::format("{}: {}", what, err));
  for (const auto& [k, v] : kafka_topic_configs(config)) {
    if (rd_kafka_NewTopic_set_config(spec, k.c_str(), v.c_str()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_NewTopic_destroy(spec);
      return Status::invalid_argument(fmt::format("{}: setting {}={} refused", what, k, v));
    }
  }
  auto event = admin(RD_KAFKA_EVENT_CREATETOPICS_RESULT, what, [&](rd_kafka_AdminOptions_t* opts, rd_kafka_queue_t* q) {
    (void)rd_kafka_AdminOptions_set_operation_timeout(opts, static_cast<int>(options_.timeout_ms), err, sizeof err);
    rd_kafka_CreateTopics(producer_.get(), &spec, 1, opts, q);
  });
  rd_kafka_NewTopic_destroy(spec);
  if (!event) return event.status();
  size_t n = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event->get()), &n);
  for (size_t i = 0; i < n; ++i) {
    if (rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i])) {
      if (e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) return Status::already_exists(fmt::format("topic '{}' already exists", name));
      return status_from(e, what, rd_kafka_topic_result_error_string(results[i]));
    }
  }
  return await_metadata(name, true);
}

Status KafkaTopicsImpl::delete_topic(std::string_view name) {
  if (name == kOffsetsTopic) return Status::invalid_argument("the internal topic __consumer_offsets cannot be deleted");
  CF_RETURN_IF_ERROR(partition_count(name).status());
  const std::string topic(name);
  const std::string what = fmt::format("deleting topic '{}'", name);
  rd_kafka_DeleteTopic_t* spec = rd_kafka_DeleteTopic_new(topic.c_str());
  char err[256];
  auto event = admin(RD_KAFKA_EVENT_DELETETOPICS_RESULT, what, [&](rd_kafka_AdminOptions_t* opts, rd_kafka_queue_t* q) {
    (void)rd_kafka_AdminOptions_set_operation_timeout(opts, static_cast<int>(options_.timeout_ms), err, sizeof err);
    rd_kafka_DeleteTopics(producer_.get(), &spec, 1, opts, q);
  });
  rd_kafka_DeleteTopic_destroy(spec);
  if (!event) return event.status();
  size_t n = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event->get()), &n);
  for (size_t i = 0; i < n; ++i) {
    if (rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i])) {
      if (e == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) return Status::not_found(fmt::format("topic '{}' does not exist", name));
      return status_from(e, what, rd_kafka_topic_result_error_string(results[i]));
    }
  }
  {
    // The reader lets go of the topic's partitions, so it neither fetches nor buffers them.
    std::lock_guard lock(reader_mutex_);
    PartitionList assigned(rd_kafka_topic_partition_list_new(1));
    for (auto it = reading_.begin(); it != reading_.end();) {
      if (it->first.topic == name) {
        rd_kafka_topic_partition_list_add(assigned.get(), topic.c_str(), it->first.partition);
        it = reading_.erase(it);
      } else {
        ++it;
      }
    }
    if (assigned->cnt > 0) {
      if (Error e{rd_kafka_incremental_unassign(reader_.get(), assigned.get())}) {
        log_warn("kafka", "unassigning a deleted topic failed", {{"error", rd_kafka_error_string(e.get())}});
      }
    }
  }
  forget_topic(name);
  return await_metadata(name, false);
}

std::vector<std::string> KafkaTopicsImpl::list_topics() const {
  std::vector<std::string> names;
  auto counts = fetch_metadata();
  if (!counts) {
    log_warn("kafka", "listing topics failed; answering from the cache", {{"error", counts.status().to_string()}});
    std::lock_guard lock(metadata_mutex_);
    for (const auto& [name, _] : partitions_) names.push_back(name);
    return names;
  }
  for (const auto& [name, _] : *counts) names.push_back(name);
  return names;
}

Result<log::TopicConfig> KafkaTopicsImpl::topic_config(std::string_view name, int32_t partitions) const {
  log::TopicConfig base;
  base.partitions = partitions;
  const std::string topic(name);
  const std::string what = fmt::format("describing the configuration of topic '{}'", name);
  rd_kafka_ConfigResource_t* resource = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str());
  int32_t broker = -1;
  {
    std::lock_guard lock(metadata_mutex_);
    broker = any_broker_;
  }
  auto event = admin(RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT, what, [&](rd_kafka_AdminOptions_t* opts, rd_kafka_queue_t* q) {
    char err[256];
    if (broker >= 0) (void)rd_kafka_AdminOptions_set_broker(opts, broker, err, sizeof err);
    rd_kafka_DescribeConfigs(producer_.get(), &resource, 1, opts, q);
  });
  rd_kafka_ConfigResource_destroy(resource);
  if (!event) {
    // librdkafka's mock cluster has no DescribeConfigs; a partition count is all there is.
    const std::string message = event.status().message();
    if (message.find("UNSUPPORTED") != std::string::npos) return base;
    return event.status();
  }
  size_t n = 0;
  const rd_kafka_ConfigResource_t** resources =
      rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(event->get()), &n);
  std::map<std::string, std::string> settings;
  for (size_t i = 0; i < n; ++i) {
    if (rd_kafka_resp_err_t e = rd_kafka_ConfigResource_error(resources[i])) {
      return status_from(e, what, rd_kafka_ConfigResource_error_string(resources[i]));
    }
    size_t count = 0;
    const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(resources[i], &count);
    for (size_t k = 0; k < count; ++k) {
      const std::string key = rd_kafka_ConfigEntry_name(entries[k]);
      const char* value = rd_kafka_ConfigEntry_value(entries[k]);
      if (!value) continue;
      if (key == "cleanup.policy") {
        settings[key] = std::string(value).find("compact") != std::string::npos ? "compact" : "delete";
      } else if (key == "retention.ms" || key == "retention.bytes" || key == "segment.bytes" || key == "delete.retention.ms" ||
                 key == "index.interval.bytes") {
        settings[key] = value;
      }
    }
  }
  auto config = log::parse_topic_config(settings, base);
  if (!config) return config.status().with_context(what);
  return *config;
}

Result<log::TopicDescription> KafkaTopicsImpl::describe_topic(std::string_view name) const {
  CF_ASSIGN_OR_RETURN(int32_t partitions, partition_count(name));
  CF_ASSIGN_OR_RETURN(log::TopicConfig config, topic_config(name, partitions));
  CF_ASSIGN_OR_RETURN(auto infos, partition_offsets(name));
  return log::TopicDescription{std::string(name), config, std::move(infos)};
}

Status KafkaTopicsImpl::commit_offsets(std::span<const log::OffsetCommit> commits) {
  std::map<std::string, PartitionList> by_group;
  for (const log::OffsetCommit& c : commits) {
    CF_RETURN_IF_ERROR(validate_commit(c));
    CF_RETURN_IF_ERROR(locate(c.partition));
    PartitionList& list = by_group[c.group];
    if (!list) list.reset(rd_kafka_topic_partition_list_new(4));
    rd_kafka_topic_partition_list_add(list.get(), c.partition.topic.c_str(), c.partition.partition)->offset = c.offset;
  }
  for (auto& [group, list] : by_group) {
    const std::string what = fmt::format("committing offsets of consumer group '{}'", group);
    rd_kafka_AlterConsumerGroupOffsets_t* request = rd_kafka_AlterConsumerGroupOffsets_new(group.c_str(), list.get());
    auto event = admin(RD_KAFKA_EVENT_ALTERCONSUMERGROUPOFFSETS_RESULT, what, [&](rd_kafka_AdminOptions_t* opts, rd_kafka_queue_t* q) {
      rd_kafka_AlterConsumerGroupOffsets(producer_.get(), &request, 1, opts, q);
    });
    rd_kafka_AlterConsumerGroupOffsets_destroy(request);
    if (!event) return event.status();
    size_t n = 0;
    const rd_kafka_group_result_t** groups =
        rd_kafka_AlterConsumerGroupOffsets_result_groups(rd_kafka_event_AlterConsumerGroupOffsets_result(event->get()), &n);
    for (size_t i = 0; i < n; ++i) {
      CF_RETURN_IF_ERROR(status_from(rd_kafka_group_result_error(groups[i]), what));
      const rd_kafka_topic_partition_list_t* done = rd_kafka_group_result_partitions(groups[i]);
      for (int k = 0; done && k < done->cnt; ++k) {
        if (done->elems[k].err) {
          return status_from(done->elems[k].err, fmt::format("{} for {}/{}", what, done->elems[k].topic, done->elems[k].partition));
        }
      }
    }
  }
  return Status::ok();
}

Result<std::map<log::TopicPartition, int64_t>> KafkaTopicsImpl::group_offsets(
    const std::string& group, const rd_kafka_topic_partition_list_t* only) const {
  const std::string what = fmt::format("reading the offsets of consumer group '{}'", group);
  rd_kafka_ListConsumerGroupOffsets_t* request = rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), only);
  auto event = admin(RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT, what, [&](rd_kafka_AdminOptions_t* opts, rd_kafka_queue_t* q) {
    // Offsets a just-committed transaction wrote are returned once its markers are in, rather
    // than the older ones (KIP-447).
    (void)rd_kafka_AdminOptions_set_require_stable_offsets(opts, 1);
    rd_kafka_ListConsumerGroupOffsets(producer_.get(), &request, 1, opts, q);
  });
  rd_kafka_ListConsumerGroupOffsets_destroy(request);
  if (!event) return event.status();
  std::map<log::TopicPartition, int64_t> offsets;
  size_t n = 0;
  const rd_kafka_group_result_t** groups =
      rd_kafka_ListConsumerGroupOffsets_result_groups(rd_kafka_event_ListConsumerGroupOffsets_result(event->get()), &n);
  for (size_t i = 0; i < n; ++i) {
    CF_RETURN_IF_ERROR(status_from(rd_kafka_group_result_error(groups[i]), what));
    const rd_kafka_topic_partition_list_t* list = rd_kafka_group_result_partitions(groups[i]);
    for (int k = 0; list && k < list->cnt; ++k) {
      const rd_kafka_topic_partition_t& p = list->elems[k];
      if (p.err == RD_KAFKA_RESP_ERR_NO_ERROR && p.offset >= 0) offsets[{p.topic, p.partition}] = p.offset;
    }
  }
  return offsets;
}

Result<std::optional<int64_t>> KafkaTopicsImpl::committed_offset(std::string_view group,
                                                                 const log::TopicPartition& partition) const {
  if (group.empty()) return Status::invalid_argument("consumer group name is empty");
  PartitionList only(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(only.get(), partition.topic.c_str(), partition.partition);
  CF_ASSIGN_OR_RETURN(auto offsets, group_offsets(std::string(group), only.get()));
  auto it = offsets.find(partition);
  if (it == offsets.end()) return std::optional<int64_t>();
  return std::optional<int64_t>(it->second);
}

std::map<std::string, std::map<log::TopicPartition, int64_t>> KafkaTopicsImpl::list_group_offsets() const {
  std::map<std::string, std::map<log::TopicPartition, int64_t>> out;
  auto event = admin(RD_KAFKA_EVENT_LISTCONSUMERGROUPS_RESULT, "listing consumer groups",
                     [&](rd_kafka_AdminOptions_t* opts, rd_kafka_queue_t* q) { rd_kafka_ListConsumerGroups(producer_.get(), opts, q); });
  if (!event) {
    log_warn("kafka", "listing consumer groups failed", {{"error", event.status().to_string()}});
    return out;
  }
  size_t n = 0;
  const rd_kafka_ConsumerGroupListing_t** groups =
      rd_kafka_ListConsumerGroups_result_valid(rd_kafka_event_ListConsumerGroups_result(event->get()), &n);
  for (size_t i = 0; i < n; ++i) {
    const std::string group = rd_kafka_ConsumerGroupListing_group_id(groups[i]);
    auto offsets = group_offsets(group, nullptr);
    if (!offsets) {
      log_warn("kafka", "reading a group's offsets failed", {{"group", group}, {"error", offsets.status().to_string()}});
      continue;
    }
    if (!offsets->empty()) out[group] = std::move(*offsets);
  }
  return out;
}

}  // namespace careflow::kafka
