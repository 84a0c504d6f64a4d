#pragma once
// One function per Kafka API (handle_<api>.cc), and what they share. Private to broker/.
//
// A handler reads its request body from `in` and writes its response body to `out` (whose
// encoding, flexible or not, is the request's). It returns an error only for a request it cannot
// parse: the connection is then closed, as a Kafka broker does; everything else (an unknown
// topic, a bad record batch, a stale generation) is an error code in the response.

#include <atomic>
#include <string>

#include "broker/group_coordinator.h"
#include "broker/kafka_listener.h"
#include "broker/producer_state.h"
#include "broker/protocol.h"
#include "broker/transactions.h"
#include "broker/wire.h"
#include "common/status.h"
#include "log/stored_batches.h"
#include "log/topics.h"

namespace careflow::broker {

struct BrokerContext {
  const KafkaListenerOptions& options;
  log::Topics& topics;
  GroupCoordinator& groups;
  ProducerStates& producers;
  TransactionCoordinator& transactions;
  const std::atomic<bool>& stopping;
  std::string advertised_host;
  int port = 0;
  std::string client_host;  // the peer's address as Kafka shows it ("/127.0.0.1")
  // Set when the log can hand out its batches as stored (log/stored_batches.h): fetch then copies
  // them instead of decoding and encoding every record.
  const log::StoredBatchSource* stored_batches = nullptr;
  // The connection's SASL state: true from the start when the listener has no credentials.
  bool authenticated = false;
  bool sasl_mechanism_chosen = false;  // a SaslHandshake chose PLAIN
  bool raw_sasl_token_next = false;    // after a v0 handshake: the next frame is the bare token
  bool close_after_response = false;   // a failed authentication: answer, then close
};

// What a handler did with the request.
enum class Reply {
  kSend,  // `out` holds the response body
  kNone,  // no response at all (Produce with acks=0)
};

using Handler = Result<Reply> (*)(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);

Result<Reply> handle_api_versions(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_metadata(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_produce(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_fetch(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_list_offsets(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_find_coordinator(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_join_group(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_sync_group(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_heartbeat(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_leave_group(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_offset_commit(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_offset_fetch(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_create_topics(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_delete_topics(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_describe_configs(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_init_producer_id(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_add_partitions_to_txn(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_add_offsets_to_txn(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_end_txn(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_txn_offset_commit(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_list_groups(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_describe_groups(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_sasl_handshake(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
Result<Reply> handle_sasl_authenticate(BrokerContext&, const RequestHeader&, Reader& in, Writer& out);
// The frame after a SaslHandshake v0: the PLAIN token itself. The (empty) answer frame, or an error
// that closes the connection.
Result<std::optional<std::string>> authenticate_raw_sasl_token(BrokerContext& context, std::string_view token);

// The served API ranges as ApiVersions lists them (with each entry's tagged fields when `out` is
// flexible).
void write_api_ranges(Writer& out);

// The whole response frame (size, header, body) for one request frame; nullopt when nothing is
// to be sent back. An error means the request could not be read: close the connection.
Result<std::optional<std::string>> serve_request(BrokerContext& context, std::string_view frame);

// The error code for a log status: NotFound / OutOfRange (a topic or partition) ->
// UNKNOWN_TOPIC_OR_PARTITION, InvalidArgument -> INVALID_RECORD, IOError / Corruption ->
// KAFKA_STORAGE_ERROR, anything else UNKNOWN_SERVER_ERROR.
int16_t error_for(const Status& status);

// Reads a flexible request's final tagged fields; InvalidArgument naming the API, version and the
// reader's first problem when the body was truncated or malformed.
Status finish_reading(const RequestHeader& header, Reader& in);

// The topic, creating it (with the listener's topic defaults) when allowed and absent. Kafka's
// error code for a bad name or a missing topic otherwise.
int16_t ensure_topic(BrokerContext& context, const std::string& topic, bool create);

}  // namespace careflow::broker
