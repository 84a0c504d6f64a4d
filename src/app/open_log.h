#pragma once
// The topic log careflow runs on, chosen by configuration alone (log.backend): the embedded log
// under <data_dir>/log with the topic defaults from the configuration, or a Kafka cluster.

#include <memory>

#include "common/config.h"
#include "kafka/kafka_topics.h"
#include "log/embedded_log.h"

namespace careflow::app {

log::TopicConfig default_topic_config(const Config& config);
// FailedPrecondition, explained for a person, when `careflow up` holds the directory.
Result<std::unique_ptr<log::EmbeddedLog>> open_embedded_log(const Config& config, bool background_maintenance);
// The kafka.* keys as client options.
kafka::KafkaOptions kafka_options(const Config& config);
// The log log.backend names: the embedded one, or Kafka (an error naming kafka.bootstrap_servers
// when it is unset or no broker answers within kafka.timeout_ms). A command (no background
// maintenance) on a data dir whose `careflow up` runs gets the same topics through up's Kafka
// listener (app/running_listener.h).
Result<std::unique_ptr<log::Topics>> open_log(const Config& config, bool background_maintenance);
// Where the topics live, for banners: "<absolute data_dir>/log (embedded)" or "Kafka at <servers>".
std::string log_location(const Config& config);

}  // namespace careflow::app
