// From a request frame to a response frame: the header, the handler for the API, the response
// header; APIs and versions not served are answered, never dropped.

#include <fmt/format.h>

#include "broker/handlers.h"
#include "common/logging.h"

namespace careflow::broker {
namespace {

Handler handler_for(int16_t key) {
  switch (key) {
    case api::kApiVersions: return handle_api_versions;
    case api::kMetadata: return handle_metadata;
    case api::kProduce: return handle_produce;
    case api::kFetch: return handle_fetch;
    case api::kListOffsets: return handle_list_offsets;
    case api::kFindCoordinator: return handle_find_coordinator;
    case api::kJoinGroup: return handle_join_group;
    case api::kSyncGroup: return handle_sync_group;
    case api::kHeartbeat: return handle_heartbeat;
    case api::kLeaveGroup: return handle_leave_group;
    case api::kOffsetCommit: return handle_offset_commit;
    case api::kOffsetFetch: return handle_offset_fetch;
    case api::kCreateTopics: return handle_create_topics;
    case api::kDeleteTopics: return handle_delete_topics;
    case api::kDescribeConfigs: return handle_describe_configs;
    case api::kInitProducerId: return handle_init_producer_id;
    case api::kAddPartitionsToTxn: return handle_add_partitions_to_txn;
    case api::kAddOffsetsToTxn: return handle_add_offsets_to_txn;
    case api::kEndTxn: return handle_end_txn;
    case api::kTxnOffsetCommit: return handle_txn_offset_commit;
    case api::kListGroups: return handle_list_groups;
    case api::kDescribeGroups: return handle_describe_groups;
    case api::kSaslHandshake: return handle_sasl_handshake;
    case api::kSaslAuthenticate: return handle_sasl_authenticate;
    default: return nullptr;
  }
}

std::string frame(const RequestHeader& header, std::string_view body) {
  Writer w;
  w.i32(0);
  w.i32(header.correlation_id);
  if (header.flexible_response_header()) w.uvarint(0);  // response header v1: no tagged fields
  w.raw(body);
  w.patch_i32(0, static_cast<int32_t>(w.size() - 4));
  return std::move(w.buffer());
}

}  // namespace

int16_t error_for(const Status& status) {
  switch (status.code()) {
    case StatusCode::kNotFound:
    case StatusCode::kOutOfRange: return err::kUnknownTopicOrPartition;
    case StatusCode::kInvalidArgument: return err::kInvalidRecord;
    case StatusCode::kIOError:
    case StatusCode::kCorruption: return err::kKafkaStorageError;
    default: return err::kUnknownServerError;
  }
}

Status finish_reading(const RequestHeader& header, Reader& in) {
  in.tagged_fields(header.flexible);
  if (!in.ok()) {
    return Status::invalid_argument(
        fmt::format("{} v{} request: {}", api_name(header.api_key), header.api_version, in.error()));
  }
  // Bytes after the last field are left unread, as Kafka's own parser leaves them: librdkafka 2.16
  // sends three more in its Metadata v12 request than the message definition has.
  if (in.remaining() != 0) {
    log_debug("broker", "bytes after a request's last field",
              {{"api", api_name(header.api_key)}, {"version", header.api_version}, {"bytes", in.remaining()}});
  }
  return Status::ok();
}

int16_t ensure_topic(BrokerContext& context, const std::string& topic, bool create) {
  if (!log::validate_topic_name(topic)) return err::kInvalidTopic;
  auto described = context.topics.describe_topic(topic);
  if (described) return err::kNone;
  if (described.status().code() != StatusCode::kNotFound) return error_for(described.status());
  if (!create || !context.options.auto_create_topics) return err::kUnknownTopicOrPartition;
  Status created = context.topics.create_topic(topic, context.options.topic_defaults);
  if (!created && created.code() != StatusCode::kAlreadyExists) return error_for(created);
  if (created) log_info("broker", "topic auto-created", {{"topic", topic}});
  return err::kNone;
}

Result<std::optional<std::string>> serve_request(BrokerContext& context, std::string_view bytes) {
  if (context.raw_sasl_token_next) return authenticate_raw_sasl_token(context, bytes);
  Reader in(bytes);
  const RequestHeader header = read_request_header(in);
  if (!in.ok()) return Status::invalid_argument(fmt::format("request header: {}", in.error()));
  if (!context.authenticated && header.api_key != api::kApiVersions && header.api_key != api::kSaslHandshake &&
      header.api_key != api::kSaslAuthenticate) {
    // As Kafka's SASL listener: a request before authentication ends the connection.
    return Status::failed_precondition(
        fmt::format("{} request before SASL authentication (this listener needs SASL/PLAIN credentials)",
                    api_name(header.api_key)));
  }
  const ApiRange* range = find_api(header.api_key);
  const bool served = range && header.api_version >= range->min_version && header.api_version <= range->max_version;
  Writer out(header.flexible);
  if (!served) {
    log_debug("broker", "unsupported request",
              {{"api", api_name(header.api_key)}, {"version", header.api_version}, {"client", header.client_id.value_or("")}});
    if (header.api_key == api::kApiVersions) {
      // KIP-511: a version newer than served is answered in v0 with UNSUPPORTED_VERSION and the
      // served ranges, so the client retries with the newest version both sides know.
      Writer v0(false);
      v0.i16(err::kUnsupportedVersion);
      write_api_ranges(v0);
      return std::optional<std::string>(frame(header, v0.buffer()));
    }
    // The response body of an API careflow does not implement is unknown to it: an error code
    // where every response of that generation puts one (after the header), which a client that
    // only sends advertised APIs never sees.
    out.i16(err::kUnsupportedVersion);
    RequestHeader v0_header = header;
    v0_header.flexible = false;
    return std::optional<std::string>(frame(v0_header, out.buffer()));
  }
  CF_ASSIGN_OR_RETURN(Reply reply, handler_for(header.api_key)(context, header, in, out));
  if (reply == Reply::kNone) return std::optional<std::string>();
  return std::optional<std::string>(frame(header, out.buffer()));
}

}  // namespace careflow::broker
