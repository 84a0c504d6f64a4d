#include "app/open_log.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "app/running_listener.h"
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
        "the data dir {} is in use by another running careflow; stop it or use another --data-dir (beside a "
        "careflow up whose Kafka listener is on, the topic commands and careflow sql use that listener)",
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

namespace {

// A command beside a running `careflow up`: the same topics through up's Kafka listener, with the
// listener's SASL credentials when it has them (the same configuration names them).
Result<std::unique_ptr<log::Topics>> open_through_listener(const Config& config, const std::string& bootstrap,
                                                           const Status& held) {
  kafka::KafkaOptions options = kafka_options(config);
  options.bootstrap_servers = bootstrap;
  options.transactional_id.clear();
  const bool sasl = !config.str("kafka_listener.sasl_username").empty();
  // A TLS listener is verified against kafka.ssl_ca_location when set, else against its own
  // certificate (the self-signed case of a laptop).
  const std::string& tls_cert = config.str("kafka_listener.tls_cert_file");
  if (options.ssl_ca_location.empty()) options.ssl_ca_location = tls_cert;
  options.security_protocol = tls_cert.empty() ? (sasl ? "sasl_plaintext" : "plaintext") : (sasl ? "sasl_ssl" : "ssl");
  options.sasl_mechanism = "PLAIN";
  options.sasl_username = config.str("kafka_listener.sasl_username");
  options.sasl_password = config.str("kafka_listener.sasl_password");
  log_info("log", "careflow up holds the data dir: using its Kafka listener", {{"bootstrap", bootstrap}});
  auto opened = kafka::open_kafka_topics(options);
  if (!opened) {
    return Status::failed_precondition(fmt::format("{}; its Kafka listener at {} did not answer: {}", held.message(),
                                                   bootstrap, opened.status().message()));
  }
  return opened;
}

}  // namespace

Result<std::unique_ptr<log::Topics>> open_log(const Config& config, bool background_maintenance) {
  if (config.str("log.backend") != "kafka") {
    auto embedded = open_embedded_log(config, background_maintenance);
    if (embedded) return std::unique_ptr<log::Topics>(std::move(*embedded));
    if (!background_maintenance && embedded.status().code() == StatusCode::kFailedPrecondition) {
      if (auto bootstrap = read_running_listener(config.str("data_dir"))) {
        return open_through_listener(config, *bootstrap, embedded.status());
      }
    }
    return embedded.status();
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
