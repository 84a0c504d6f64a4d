#include "kafka/client.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "common/logging.h"

namespace careflow::kafka {
namespace {

struct Setting {
  std::string property;  // librdkafka's name
  std::string value;
  std::string key;       // careflow's name, for errors
  bool secret = false;
};

void log_from_librdkafka(const rd_kafka_t* rk, int level, const char* facility, const char* text) {
  const LogFields fields = {{"client", rd_kafka_name(rk)}, {"facility", facility}};
  if (level <= 3) log_error("kafka", text, fields);
  else if (level == 4) log_warn("kafka", text, fields);
  else log_debug("kafka", text, fields);
}

void remember_error(rd_kafka_t*, int err, const char* reason, void* opaque) {
  auto* last = static_cast<LastError*>(opaque);
  if (last) last->set(fmt::format("{}: {}", rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)), reason));
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

void LastError::set(std::string text) {
  std::lock_guard lock(mutex_);
  text_ = std::move(text);
}

std::string LastError::get() const {
  std::lock_guard lock(mutex_);
  return text_;
}

Result<Conf> make_conf(const KafkaOptions& o, ClientRole role, LastError* last_error) {
  if (o.bootstrap_servers.empty()) {
    return Status::invalid_argument(
        "kafka.bootstrap_servers is empty: set it (or KAFKA_BOOTSTRAP_SERVERS) to the brokers' host:port list");
  }
  std::string protocol = lower(o.security_protocol);
  if (protocol.empty()) protocol = o.sasl_username.empty() ? "plaintext" : "sasl_ssl";
  if (protocol != "plaintext" && protocol != "ssl" && protocol != "sasl_plaintext" && protocol != "sasl_ssl") {
    return Status::invalid_argument(fmt::format(
        "kafka.security_protocol = '{}': expected plaintext, ssl, sasl_plaintext or sasl_ssl", o.security_protocol));
  }
  const bool sasl = protocol.starts_with("sasl");
  if (sasl && (o.sasl_username.empty() || o.sasl_password.empty())) {
    return Status::invalid_argument(fmt::format(
        "kafka.security_protocol = {} needs kafka.api_key and kafka.api_secret (KAFKA_API_KEY / KAFKA_API_SECRET)", protocol));
  }
  if (o.timeout_ms < 1000) {
    return Status::invalid_argument(fmt::format("kafka.timeout_ms = {}: must be at least 1000", o.timeout_ms));
  }
  const std::string timeout = std::to_string(o.timeout_ms);
  std::vector<Setting> settings = {
      {"bootstrap.servers", o.bootstrap_servers, "kafka.bootstrap_servers"},
      {"client.id", o.client_id, "kafka.client_id"},
      {"security.protocol", protocol, "kafka.security_protocol"},
      {"socket.timeout.ms", timeout, "kafka.timeout_ms"},
  };
  if (sasl) {
    settings.push_back({"sasl.mechanisms", o.sasl_mechanism, "kafka.sasl_mechanism"});
    settings.push_back({"sasl.username", o.sasl_username, "kafka.api_key"});
    settings.push_back({"sasl.password", o.sasl_password, "kafka.api_secret", true});
  }
  if (protocol.ends_with("ssl")) {
    // Verification stays on whatever the CA source: a Confluent Cloud key must never be sent to
    // a host that only claims to be the cluster.
    settings.push_back({"enable.ssl.certificate.verification", "true", "kafka.ssl_ca_location"});
    settings.push_back({"ssl.endpoint.identification.algorithm", "https", "kafka.ssl_ca_location"});
    if (!o.ssl_ca_location.empty()) {
      if (::access(o.ssl_ca_location.c_str(), R_OK) != 0) {
        return Status::invalid_argument(
            fmt::format("kafka.ssl_ca_location = '{}': cannot read the file", o.ssl_ca_location));
      }
      settings.push_back({"ssl.ca.location", o.ssl_ca_location, "kafka.ssl_ca_location"});
    }
  } else if (!o.ssl_ca_location.empty()) {
    return Status::invalid_argument(fmt::format(
        "kafka.ssl_ca_location is set but kafka.security_protocol is {}: TLS is only used with ssl or sasl_ssl", protocol));
  }
  if (role == ClientRole::kProducer || role == ClientRole::kTransactionalProducer) {
    settings.push_back({"enable.idempotence", "true", "kafka (idempotent producer)"});
    settings.push_back({"compression.type", lower(o.compression), "kafka.compression"});
    settings.push_back({"linger.ms", "5", "kafka (producer linger)"});
    settings.push_back({"message.timeout.ms", timeout, "kafka.timeout_ms"});
    // A record to a topic that does not exist must fail, not create the topic behind our back.
    settings.push_back({"allow.auto.create.topics", "false", "kafka (producer)"});
  }
  if (role == ClientRole::kTransactionalProducer) {
    std::string id = o.transactional_id;
    if (id.empty()) {
      char host[256] = {};
      ::gethostname(host, sizeof host - 1);
      id = fmt::format("careflow-{}-{}", host, ::getpid());
    }
    settings.push_back({"transactional.id", id, "kafka.transactional_id"});
    settings.push_back({"transaction.timeout.ms", std::to_string(std::max<int64_t>(60000, o.timeout_ms)), "kafka.timeout_ms"});
  }
  if (role == ClientRole::kReader) {
    // Assigning partitions needs a group id, though the reader never joins or commits: the
    // groups careflow commits for are separate (see commit_offsets).
    settings.push_back({"group.id", fmt::format("careflow-reader-{}", ::getpid()), "kafka (reader)"});
    settings.push_back({"enable.auto.commit", "false", "kafka (reader)"});
    settings.push_back({"enable.auto.offset.store", "false", "kafka (reader)"});
    settings.push_back({"enable.partition.eof", "true", "kafka (reader)"});
    settings.push_back({"isolation.level", "read_committed", "kafka (reader)"});
    settings.push_back({"auto.offset.reset", "earliest", "kafka (reader)"});
    settings.push_back({"fetch.wait.max.ms", "100", "kafka (reader)"});
    settings.push_back({"allow.auto.create.topics", "false", "kafka (reader)"});
  }
  for (const auto& [name, value] : o.properties) settings.push_back({name, value, fmt::format("kafka property '{}'", name)});

  Conf conf(rd_kafka_conf_new());
  char err[512];
  for (const Setting& s : settings) {
    if (rd_kafka_conf_set(conf.get(), s.property.c_str(), s.value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      return Status::invalid_argument(fmt::format("{} = '{}': {}", s.key, s.secret ? "***" : s.value, err));
    }
  }
  rd_kafka_conf_set_log_cb(conf.get(), log_from_librdkafka);
  rd_kafka_conf_set_error_cb(conf.get(), remember_error);
  rd_kafka_conf_set_opaque(conf.get(), last_error);
  return conf;
}

Result<Handle> make_handle(rd_kafka_type_t type, Conf conf, std::string_view role) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), err, sizeof err);
  if (!rk) return Status::invalid_argument(fmt::format("creating the Kafka {}: {}", role, err));
  (void)conf.release();  // rd_kafka_new owns it now
  return Handle(rk);
}

Status status_from(rd_kafka_resp_err_t err, std::string_view what, std::string_view detail) {
  const std::string message =
      fmt::format("{}: {} ({})", what, detail.empty() ? rd_kafka_err2str(err) : std::string(detail), rd_kafka_err2name(err));
  switch (err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      return Status::ok();
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND:
      return Status::not_found(message);
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE:
      return Status::out_of_range(message);
    case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
      return Status::already_exists(message);
    case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
    case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS:
    case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
    case RD_KAFKA_RESP_ERR_INVALID_REQUEST:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR_POLICY_VIOLATION:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
      return Status::invalid_argument(message);
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
      return Status::timeout(message);
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
    case RD_KAFKA_RESP_ERR__FENCED:
    case RD_KAFKA_RESP_ERR_PRODUCER_FENCED:
    case RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH:
      return Status::unavailable(message);
    default:
      return Status::internal(message);
  }
}

Status status_from(const rd_kafka_error_t* error, std::string_view what) {
  if (!error) return Status::ok();
  return status_from(rd_kafka_error_code(error), what, rd_kafka_error_string(error));
}

}  // namespace careflow::kafka
