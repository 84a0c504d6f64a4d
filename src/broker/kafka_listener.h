#pragma once
// careflow's Kafka listener: the embedded log (log::Topics) served over Kafka's wire protocol, so
// kcat, confluent-kafka / librdkafka and other Kafka clients produce to and consume from
// `careflow up` (issue 20). One node that is every partition's leader and the group coordinator.
//
// Served (versions in protocol.cc, advertised through ApiVersions): ApiVersions, Metadata, Produce
// (acks 0 / 1 / all, record batches v2 with CRC32C checked, none/gzip/zstd), Fetch (long polling
// with max_wait_ms / min_bytes), ListOffsets (earliest, latest, by timestamp), and consumer
// groups: FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch
// (committed offsets in the log's durable group-offset store), ListGroups, DescribeGroups,
// CreateTopics, DeleteTopics,
// DescribeConfigs, and SASL/PLAIN authentication (SaslHandshake, SaslAuthenticate) when credentials
// are configured, over TLS when a certificate is configured. Anything else is answered with UNSUPPORTED_VERSION and the connection stays open.
//
// Like every careflow listener it has a connection cap (at the cap, new connections wait in the
// kernel's backlog), an idle timeout, a bound on the time from a request's first byte to its last,
// and a bound on the size of a request (a larger size prefix closes that connection). A malformed
// request closes its own connection only, as a Kafka broker does.
//
// Thread safety: start() and stop() from one thread; each connection is served by a thread of its
// own, requests in order, responses in the order of the requests.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "log/topics.h"

namespace careflow::broker {

struct KafkaListenerOptions {
  std::string host = "127.0.0.1";
  int port = 9092;  // 0 = any free port (see KafkaListener::port)
  // The host clients are told to connect to (Metadata, FindCoordinator); empty = `host`, or
  // 127.0.0.1 when `host` is a wildcard address.
  std::string advertised_host;
  int32_t node_id = 1;
  size_t max_connections = 1024;
  std::chrono::milliseconds idle_timeout{600'000};     // Kafka's connections.max.idle.ms
  std::chrono::milliseconds request_timeout{30'000};   // a request's first byte to its last
  int32_t max_request_bytes = 100 << 20;               // Kafka's socket.request.max.bytes
  // Producing to or asking Metadata for a topic that does not exist creates it with
  // `topic_defaults`, as Kafka's auto.create.topics.enable does.
  bool auto_create_topics = true;
  log::TopicConfig topic_defaults;
  // A new group waits this long after its first member joins for more before its first
  // generation (Kafka's group.initial.rebalance.delay.ms).
  std::chrono::milliseconds initial_rebalance_delay{0};
  // SASL/PLAIN credentials. With a user set, every connection authenticates (SaslHandshake v1 and
  // SaslAuthenticate, as a SASL_PLAINTEXT listener) before any request but ApiVersions, and the
  // listener may bind an address other than loopback. Empty = no authentication, loopback only.
  std::string sasl_username;
  std::string sasl_password;
  // TLS (PEM files): with both set every connection starts with a TLS handshake (an SSL listener,
  // SASL_SSL with credentials). TLS does not replace SASL: a non-loopback address still needs them.
  std::string tls_cert_file;
  std::string tls_key_file;
};

// True for 127.0.0.0/8, ::1 and "localhost": the addresses the listener may bind without SASL
// credentials.
bool is_loopback_host(std::string_view host);

class KafkaListener {
 public:
  // `topics` must outlive the listener.
  KafkaListener(KafkaListenerOptions options, log::Topics& topics);
  ~KafkaListener();  // stop()s
  KafkaListener(const KafkaListener&) = delete;
  KafkaListener& operator=(const KafkaListener&) = delete;

  // Binds and starts accepting. IOError naming host:port when the address cannot be bound.
  Status start();
  // Closes the listening socket and every connection, waits for their threads. Idempotent.
  void stop();
  int port() const;
  // "127.0.0.1:9092": what clients put in bootstrap.servers.
  std::string bootstrap() const;
  size_t open_connections() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace careflow::broker
