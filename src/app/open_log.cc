#include "app/open_log.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "common/logging.h"

namespace careflow::app {

log::TopicConfig default_topic_config(const Config& config) {
  log::TopicConfig c;
  c.partitions = static_cast<int32_t>(config.integer("topics.partitions"));
  const std::string& policy = config.str("topics.flush_policy");
  c.fsync = policy == "every-batch" ? log::FsyncPolicy::kEveryBatch
            : policy == "never"     ? log::FsyncPolicy::kNever
                                    : log::FsyncPolicy::kInterval;
  c.fsync_interval_ms = config.integer("topics.flush_ms");
  c.segment_bytes = config.integer("topics.segment_bytes");
  c.retention_ms = config.integer("topics.retention_ms");
  c.compression = config.str("topics.compression") == "uncompressed" ? log::Compression::kUncompressed : log::Compression::kZstd;
  return c;
}

Result<std::unique_ptr<log::EmbeddedLog>> open_embedded_log(const Config& config, bool background_maintenance) {
  log::EmbeddedLogOptions options;
  options.default_topic_config = default_topic_config(config);
  if (!background_maintenance) options.maintenance_interval_ms = 0;
  const std::string dir = (std::filesystem::path(config.str("data_dir")) / "log").string();
  auto opened = log::EmbeddedLog::open(dir, options);
  // `careflow up` (the one opener that keeps the log, with maintenance) waits out a short-lived
  // command such as `cdc status` that holds the directory for a moment, rather than failing.
  for (int attempt = 0; background_maintenance && attempt < 50 && !opened &&
                        opened.status().code() == StatusCode::kFailedPrecondition;
       ++attempt) {
    if (attempt == 0) log_info("log", "the log directory is held by another careflow process; waiting up to 5 s", {{"dir", dir}});
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    opened = log::EmbeddedLog::open(dir, options);
  }
  if (!opened && opened.status().code() == StatusCode::kFailedPrecondition) {
    return Status::failed_precondition(fmt::format(
        "the data dir {} is in use by another running careflow (careflow up); stop it or use another --data-dir "
        "(the topic commands work on a stopped instance for now)",
        config.str("data_dir")));
  }
  return opened;
}

kafka::KafkaOptions kafka_options(const Config& config) {
  kafka::KafkaOptions o;
  o.bootstrap_servers = config.str("kafka.bootstrap_servers");
  o.security_protocol = config.str("kafka.security_protocol");
  o.sasl_mechanism = config.str("kafka.sasl_mechanism");
  o.sasl_username = config.str("kafka.api_key");
  o.sasl_password = config.str("kafka.api_secret");
  o.ssl_ca_location = config.str("kafka.ssl_ca_location");
  o.compression = config.str("kafka.compression");
  o.client_id = config.str("kafka.client_id");
  o.transactional_id = config.str("kafka.transactional_id");
  o.timeout_ms = config.integer("kafka.timeout_ms");
  return o;
}

Result<std::unique_ptr<log::Topics>> open_log(const Config& config, bool background_maintenance) {
  if (config.str("log.backend") != "kafka") {
    CF_ASSIGN_OR_RETURN(auto embedded, open_embedded_log(config, background_maintenance));
    return std::unique_ptr<log::Topics>(std::move(embedded));
  }
  if (config.str("kafka.bootstrap_servers").empty()) {
    return Status::invalid_argument(
        "log.backend = kafka needs kafka.bootstrap_servers (or KAFKA_BOOTSTRAP_SERVERS): the brokers' host:port list");
  }
  return kafka::open_kafka_topics(kafka_options(config));
}

std::string log_location(const Config& config) {
  if (config.str("log.backend") == "kafka") return fmt::format("Kafka at {}", config.str("kafka.bootstrap_servers"));
  return fmt::format("{}/log (embedded)", std::filesystem::absolute(config.str("data_dir")).lexically_normal().string());
}

}  // namespace careflow::app
