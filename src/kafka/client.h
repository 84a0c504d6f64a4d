#pragma once
// Private to src/kafka: librdkafka handles with owners, configuration built from KafkaOptions,
// and librdkafka errors turned into careflow Status codes.

#include <librdkafka/rdkafka.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/status.h"
#include "kafka/kafka_topics.h"

namespace careflow::kafka {

struct HandleDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using Handle = std::unique_ptr<rd_kafka_t, HandleDeleter>;

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
using Conf = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

struct EventDeleter {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
using Event = std::unique_ptr<rd_kafka_event_t, EventDeleter>;

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

struct ErrorDeleter {
  void operator()(rd_kafka_error_t* e) const { rd_kafka_error_destroy(e); }
};
using Error = std::unique_ptr<rd_kafka_error_t, ErrorDeleter>;

// The last error a handle reported through its error callback: what open() adds to "cannot reach
// the cluster" so that a refused connection or a failed SASL login is named.
class LastError {
 public:
  void set(std::string text);
  std::string get() const;

 private:
  mutable std::mutex mutex_;
  std::string text_;
};

enum class ClientRole { kProducer, kTransactionalProducer, kReader };

// The configuration every handle shares (servers, security, client id, logging into careflow's
// log, errors into `last_error`) plus the role's own settings. InvalidArgument naming the
// careflow key when librdkafka rejects a value.
Result<Conf> make_conf(const KafkaOptions& options, ClientRole role, LastError* last_error);
// rd_kafka_new with a message naming the role on failure.
Result<Handle> make_handle(rd_kafka_type_t type, Conf conf, std::string_view role);

// A librdkafka error code as a careflow Status: unknown topic -> NotFound, already exists ->
// AlreadyExists, invalid config / partitions / request -> InvalidArgument, timeouts -> Timeout,
// transport and authentication -> Unavailable, anything else -> Internal. `what` says what was
// being done ("creating topic 'x'").
Status status_from(rd_kafka_resp_err_t err, std::string_view what, std::string_view detail = {});
Status status_from(const rd_kafka_error_t* error, std::string_view what);

}  // namespace careflow::kafka
