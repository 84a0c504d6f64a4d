// Topic administration: CreateTopics (key 19), DeleteTopics (20), DescribeConfigs (32, topics).
// Settings are Kafka's topic config names as the embedded log knows them (log::parse_topic_config:
// cleanup.policy, retention.ms, segment.bytes, compression.type, ...); one node means a replication
// factor of 1 (or -1, the default).

#include <fmt/format.h>

#include <algorithm>

#include "broker/handlers.h"
#include "common/logging.h"

namespace careflow::broker {
namespace {

constexpr int8_t kTopicResource = 2;
constexpr int8_t kDynamicTopicConfig = 1;

struct Outcome {
  int16_t error = err::kNone;
  std::optional<std::string> message;
  int32_t partitions = -1;
};

Outcome create_topic(BrokerContext& context, const std::string& name, int32_t partitions, int16_t replication,
                     int32_t assigned, const std::map<std::string, std::string>& settings, bool validate_only) {
  Outcome o;
  auto fail = [&](int16_t error, std::string message) {
    o.error = error;
    o.message = std::move(message);
    return o;
  };
  if (Status valid = log::validate_topic_name(name); !valid) return fail(err::kInvalidTopic, valid.message());
  if (replication != -1 && replication != 1) {
    return fail(err::kInvalidReplicationFactor,
                fmt::format("replication factor {}: careflow is one node, so 1 (or -1) is the only choice", replication));
  }
  if (assigned > 0) partitions = assigned;
  log::TopicConfig base = context.options.topic_defaults;
  if (partitions != -1) {
    if (partitions < 1) return fail(err::kInvalidPartitions, fmt::format("{} partitions: at least 1", partitions));
    base.partitions = partitions;
  }
  auto config = log::parse_topic_config(settings, base);
  if (!config) return fail(err::kInvalidConfig, config.status().message());
  o.partitions = config->partitions;
  if (context.topics.describe_topic(name)) return fail(err::kTopicAlreadyExists, fmt::format("topic '{}' already exists", name));
  if (validate_only) return o;
  Status created = context.topics.create_topic(name, *config);
  if (created.code() == StatusCode::kAlreadyExists) return fail(err::kTopicAlreadyExists, created.message());
  if (!created) return fail(error_for(created), created.message());
  log_info("broker", "topic created", {{"topic", name}, {"partitions", config->partitions}});
  return o;
}

}  // namespace

Result<Reply> handle_create_topics(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const int16_t v = header.api_version;
  const bool flexible = header.flexible;
  struct Topic {
    std::string name;
    int32_t partitions;
    int16_t replication;
    int32_t assigned = 0;
    std::map<std::string, std::string> settings;
  };
  std::vector<Topic> topics;
  const int32_t count = in.array_length(flexible);
  for (int32_t t = 0; t < count && in.ok(); ++t) {
    Topic& topic = topics.emplace_back();
    topic.name = in.string(flexible);
    topic.partitions = in.i32();
    topic.replication = in.i16();
    const int32_t assignments = in.array_length(flexible);
    for (int32_t a = 0; a < assignments && in.ok(); ++a) {
      (void)in.i32();
      const int32_t brokers = in.array_length(flexible);
      for (int32_t b = 0; b < brokers && in.ok(); ++b) (void)in.i32();
      in.tagged_fields(flexible);
    }
    topic.assigned = std::max(assignments, 0);
    const int32_t configs = in.array_length(flexible);
    for (int32_t c = 0; c < configs && in.ok(); ++c) {
      std::string name = in.string(flexible);
      auto value = in.nullable_string(flexible);
      in.tagged_fields(flexible);
      if (value) topic.settings[name] = *value;
    }
    in.tagged_fields(flexible);
  }
  (void)in.i32();  // timeout_ms
  const bool validate_only = in.boolean();
  CF_RETURN_IF_ERROR(finish_reading(header, in));

  out.i32(0);  // throttle_time_ms
  out.array_length(topics.size());
  for (const Topic& topic : topics) {
    const Outcome o = create_topic(context, topic.name, topic.partitions, topic.replication, topic.assigned, topic.settings,
                                   validate_only);
    out.string(topic.name);
    if (v >= 7) out.uuid(Uuid{});
    out.i16(o.error);
    out.nullable_string(o.message);
    if (v >= 5) {
      out.i32(o.partitions);
      out.i16(o.error == err::kNone ? 1 : -1);  // replication factor
      // The new topic's settings, as Kafka answers them (kafka-topics --create reads them).
      if (o.error != err::kNone) {
        out.null_array();
      } else {
        std::map<std::string, std::string> settings;  // none for validate_only: nothing was created
        if (!validate_only) {
          if (auto described = context.topics.describe_topic(topic.name)) settings = log::topic_config_to_map(described->config);
        }
        out.array_length(settings.size());
        for (const auto& [name, value] : settings) {
          out.string(name);
          out.nullable_string(value);
          out.boolean(false);  // read_only
          out.i8(kDynamicTopicConfig);
          out.boolean(false);  // is_sensitive
          out.tagged_fields();
        }
      }
    }
    out.tagged_fields();
  }
  out.tagged_fields();
  return Reply::kSend;
}

Result<Reply> handle_delete_topics(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const int16_t v = header.api_version;
  const bool flexible = header.flexible;
  std::vector<std::string> names;
  const int32_t count = in.array_length(flexible);
  for (int32_t t = 0; t < count && in.ok(); ++t) names.push_back(in.string(flexible));
  (void)in.i32();  // timeout_ms
  CF_RETURN_IF_ERROR(finish_reading(header, in));

  out.i32(0);  // throttle_time_ms
  out.array_length(names.size());
  for (const std::string& name : names) {
    Outcome o;
    if (name.starts_with("__")) {
      o.error = err::kInvalidTopic;
      o.message = fmt::format("'{}' is an internal topic of careflow's log", name);
    } else if (Status deleted = context.topics.delete_topic(name); !deleted) {
      o.error = error_for(deleted);
      o.message = deleted.message();
    } else {
      log_info("broker", "topic deleted", {{"topic", name}});
    }
    out.string(name);
    out.i16(o.error);
    if (v >= 5) out.nullable_string(o.message);
    out.tagged_fields();
  }
  out.tagged_fields();
  return Reply::kSend;
}

Result<Reply> handle_describe_configs(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const int16_t v = header.api_version;
  const bool flexible = header.flexible;
  struct Resource {
    int8_t type;
    std::string name;
    std::optional<std::vector<std::string>> keys;
  };
  std::vector<Resource> resources;
  const int32_t count = in.array_length(flexible);
  for (int32_t r = 0; r < count && in.ok(); ++r) {
    Resource& resource = resources.emplace_back();
    resource.type = in.i8();
    resource.name = in.string(flexible);
    const int32_t keys = in.array_length(flexible);
    if (keys >= 0) resource.keys.emplace();
    for (int32_t k = 0; k < keys && in.ok(); ++k) resource.keys->push_back(in.string(flexible));
    in.tagged_fields(flexible);
  }
  (void)in.boolean();              // include_synonyms
  if (v >= 3) (void)in.boolean();  // include_documentation
  CF_RETURN_IF_ERROR(finish_reading(header, in));

  out.i32(0);  // throttle_time_ms
  out.array_length(resources.size());
  for (const Resource& resource : resources) {
    std::map<std::string, std::string> configs;
    int16_t error = err::kNone;
    std::optional<std::string> message;
    if (resource.type == kTopicResource) {
      auto described = context.topics.describe_topic(resource.name);
      if (described) {
        configs = log::topic_config_to_map(described->config);
      } else {
        error = error_for(described.status());
        message = described.status().message();
      }
    }  // a broker (4) or other resource: no settings to show
    out.i16(error);
    out.nullable_string(message);
    out.i8(resource.type);
    out.string(resource.name);
    std::vector<std::pair<std::string, std::string>> shown;
    for (const auto& [name, value] : configs) {
      if (!resource.keys || std::find(resource.keys->begin(), resource.keys->end(), name) != resource.keys->end()) {
        shown.emplace_back(name, value);
      }
    }
    out.array_length(shown.size());
    for (const auto& [name, value] : shown) {
      out.string(name);
      out.nullable_string(value);
      out.boolean(false);  // read_only
      out.i8(kDynamicTopicConfig);
      out.boolean(false);  // is_sensitive
      out.array_length(0);  // synonyms
      if (v >= 3) {
        out.i8(0);  // config_type: unknown
        out.nullable_string(std::nullopt);
      }
      out.tagged_fields();
    }
    out.tagged_fields();
  }
  out.tagged_fields();
  return Reply::kSend;
}

}  // namespace careflow::broker
