// Metadata (key 3): this node as the only broker, the leader and only replica of every partition,
// and the controller. Topics asked for that do not exist are created when the client allows it
// (v4+) and the listener's auto_create_topics is on, as with Kafka's auto.create.topics.enable.

#include "broker/handlers.h"

namespace careflow::broker {
namespace {

constexpr int32_t kAuthorizedOperationsUnknown = INT32_MIN;

void write_topic(BrokerContext& context, const RequestHeader& header, Writer& out, const std::string& name,
                 int16_t error) {
  const int16_t v = header.api_version;
  std::vector<log::PartitionInfo> partitions;
  if (error == err::kNone) {
    auto described = context.topics.describe_topic(name);
    if (described) {
      partitions = described->partitions;
    } else {
      error = error_for(described.status());
    }
  }
  out.i16(error);
  out.string(name);
  if (v >= 10) out.uuid(Uuid{});
  out.boolean(name.starts_with("__"));  // is_internal
  out.array_length(partitions.size());
  for (const log::PartitionInfo& p : partitions) {
    out.i16(err::kNone);
    out.i32(p.partition);
    out.i32(context.options.node_id);  // leader
    if (v >= 7) out.i32(0);            // leader_epoch
    out.array_length(1);
    out.i32(context.options.node_id);  // replicas
    out.array_length(1);
    out.i32(context.options.node_id);  // in-sync replicas
    if (v >= 5) out.array_length(0);   // offline replicas
    out.tagged_fields();
  }
  if (v >= 8) out.i32(kAuthorizedOperationsUnknown);
  out.tagged_fields();
}

}  // namespace

Result<Reply> handle_metadata(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const int16_t v = header.api_version;
  const bool flexible = header.flexible;
  const int32_t count = in.array_length(flexible);
  std::vector<std::string> requested;
  for (int32_t i = 0; i < count && in.ok(); ++i) {
    if (v >= 10) (void)in.uuid();
    auto name = v >= 10 ? in.nullable_string(flexible) : std::optional<std::string>(in.string(flexible));
    if (!name) in.fail("topic by id only: careflow names topics");
    requested.push_back(name.value_or(""));
    in.tagged_fields(flexible);
  }
  bool allow_auto_create = true;
  if (v >= 4) allow_auto_create = in.boolean();
  if (v >= 8 && v <= 10) (void)in.boolean();  // include_cluster_authorized_operations
  if (v >= 8) (void)in.boolean();             // include_topic_authorized_operations
  CF_RETURN_IF_ERROR(finish_reading(header, in));

  if (v >= 3) out.i32(0);  // throttle_time_ms
  out.array_length(1);     // brokers
  out.i32(context.options.node_id);
  out.string(context.advertised_host);
  out.i32(context.port);
  out.nullable_string(std::nullopt);  // rack
  out.tagged_fields();
  if (v >= 2) out.nullable_string(std::string("careflow"));  // cluster_id
  out.i32(context.options.node_id);                          // controller_id
  if (count < 0) {
    const std::vector<std::string> names = context.topics.list_topics();
    out.array_length(names.size());
    for (const std::string& name : names) write_topic(context, header, out, name, err::kNone);
  } else {
    out.array_length(requested.size());
    for (const std::string& name : requested) {
      write_topic(context, header, out, name, ensure_topic(context, name, allow_auto_create));
    }
  }
  if (v >= 8 && v <= 10) out.i32(kAuthorizedOperationsUnknown);
  out.tagged_fields();
  return Reply::kSend;
}

}  // namespace careflow::broker
