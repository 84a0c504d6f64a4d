#pragma once
// The Topics interface (log/topics.h) on a real Kafka cluster, through librdkafka's C API.
//
// What each Topics call becomes on Kafka:
//   create/delete/list/describe  Admin CreateTopics / DeleteTopics, Metadata, DescribeConfigs
//                                 and ListOffsets
//   append                        an idempotent producer (acks=all); returns once every record is
//                                 acknowledged, with the offset of the first one
//   append_atomic                 a Kafka transaction on a transactional producer, the consumer
//                                 offsets sent with it (sendOffsetsToTransaction): all or nothing
//                                 for read_committed readers, which careflow's readers are
//   fetch / wait_for_data         one read_committed consumer with manually assigned partitions,
//                                 seeking when a caller asks for another offset
//   partition_offsets             ListOffsets (earliest, and the last stable offset as the end)
//   offset_for_timestamp          ListOffsets by timestamp
//   commit / committed / groups   Admin AlterConsumerGroupOffsets, ListConsumerGroupOffsets and
//                                 ListConsumerGroups
//
// Differences from the embedded log, all inherent to Kafka:
//   - partition_offsets reads the partitions one after another, not as one snapshot;
//   - size_bytes and segments of PartitionInfo are 0 (the broker does not report them here);
//   - the flush.* settings of a TopicConfig are the embedded log's; on Kafka durability comes
//     from replication and they are not sent; the others are sent as Kafka topic configs when
//     they differ from careflow's defaults;
//   - consecutive offsets within one append hold against other writers of this process (appends
//     to one partition are serialized); another producer may interleave its records.
//
// Thread safety: as Topics, every method may be called from many threads at once.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "common/status.h"
#include "log/topics.h"

namespace careflow::kafka {

struct KafkaOptions {
  std::string bootstrap_servers;  // host:port[,host:port...]
  // plaintext, ssl, sasl_plaintext or sasl_ssl; empty = sasl_ssl when sasl_username is set
  // (Confluent Cloud), plaintext otherwise.
  std::string security_protocol;
  std::string sasl_mechanism = "PLAIN";
  std::string sasl_username;  // Confluent Cloud API key
  std::string sasl_password;  // Confluent Cloud API secret
  // PEM file of trusted CAs for ssl / sasl_ssl; empty = the system's CAs (Confluent Cloud's
  // certificates chain to public CAs). The broker's host name is always verified.
  std::string ssl_ca_location;
  std::string compression = "lz4";  // none, gzip, snappy, lz4 or zstd
  std::string client_id = "careflow";
  // transactional.id of the producer behind append_atomic; empty = "careflow-<host>-<pid>".
  std::string transactional_id;
  // Bound on every broker round trip (connecting, admin calls, acknowledgements, fetches).
  int64_t timeout_ms = 15000;
  // Raw librdkafka properties applied last (for example "debug" or "ssl.ca.location").
  std::map<std::string, std::string> properties;
};

// Errors name the careflow configuration keys these fields come from: kafka.bootstrap_servers,
// kafka.security_protocol, kafka.sasl_mechanism, kafka.api_key, kafka.api_secret, kafka.ssl_ca_location,
// kafka.compression, kafka.client_id, kafka.transactional_id, kafka.timeout_ms.

// Connects and checks the cluster answers within timeout_ms. InvalidArgument naming the setting
// for a bad option; Unavailable naming the bootstrap servers when no broker answers in time (the
// last error librdkafka saw, such as a refused connection or failed authentication, is included).
Result<std::unique_ptr<log::Topics>> open_kafka_topics(const KafkaOptions& options);

}  // namespace careflow::kafka
