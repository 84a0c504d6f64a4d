#include "broker/protocol.h"

#include <fmt/format.h>

#include <array>

namespace careflow::broker {
namespace {

// The versions served: from the first with record batch v2 / consumer-group semantics careflow
// implements, to the newest whose fields careflow fills in (Fetch stops before v13, which names
// topics by id; OffsetFetch before v8, which batches groups).
constexpr std::array kApis = {
    ApiRange{api::kProduce, "Produce", 3, 9, 9},
    ApiRange{api::kFetch, "Fetch", 4, 12, 12},
    ApiRange{api::kListOffsets, "ListOffsets", 1, 7, 6},
    ApiRange{api::kMetadata, "Metadata", 1, 12, 9},
    ApiRange{api::kOffsetCommit, "OffsetCommit", 2, 8, 8},
    ApiRange{api::kOffsetFetch, "OffsetFetch", 1, 7, 6},
    ApiRange{api::kFindCoordinator, "FindCoordinator", 0, 4, 3},
    ApiRange{api::kJoinGroup, "JoinGroup", 0, 7, 6},
    ApiRange{api::kHeartbeat, "Heartbeat", 0, 4, 4},
    ApiRange{api::kLeaveGroup, "LeaveGroup", 0, 4, 4},
    ApiRange{api::kSyncGroup, "SyncGroup", 0, 5, 4},
    ApiRange{api::kDescribeGroups, "DescribeGroups", 0, 5, 5},
    ApiRange{api::kListGroups, "ListGroups", 0, 4, 3},
    ApiRange{api::kSaslHandshake, "SaslHandshake", 0, 1, 2},
    ApiRange{api::kApiVersions, "ApiVersions", 0, 3, 3},
    ApiRange{api::kCreateTopics, "CreateTopics", 2, 7, 5},
    ApiRange{api::kDeleteTopics, "DeleteTopics", 1, 5, 4},
    ApiRange{api::kInitProducerId, "InitProducerId", 0, 4, 2},
    ApiRange{api::kAddPartitionsToTxn, "AddPartitionsToTxn", 0, 3, 3},  // v4+ is between brokers
    ApiRange{api::kAddOffsetsToTxn, "AddOffsetsToTxn", 0, 3, 3},
    ApiRange{api::kEndTxn, "EndTxn", 0, 3, 3},
    ApiRange{api::kTxnOffsetCommit, "TxnOffsetCommit", 0, 3, 3},
    ApiRange{api::kDescribeConfigs, "DescribeConfigs", 1, 4, 4},
    ApiRange{api::kSaslAuthenticate, "SaslAuthenticate", 0, 2, 2},
};

// Names of well-known keys careflow does not serve, for error messages.
constexpr std::array<std::pair<int16_t, std::string_view>, 4> kOtherNames = {{
    {4, "LeaderAndIsr"},
    {27, "WriteTxnMarkers"}, {29, "DescribeAcls"}, {37, "CreatePartitions"},
}};

}  // namespace

std::span<const ApiRange> supported_apis() { return kApis; }

const ApiRange* find_api(int16_t key) {
  for (const ApiRange& a : kApis) {
    if (a.key == key) return &a;
  }
  return nullptr;
}

std::string api_name(int16_t key) {
  if (const ApiRange* a = find_api(key)) return std::string(a->name);
  for (const auto& [k, name] : kOtherNames) {
    if (k == key) return std::string(name);
  }
  return fmt::format("api key {}", key);
}

RequestHeader read_request_header(Reader& in) {
  RequestHeader h;
  h.api_key = in.i16();
  h.api_version = in.i16();
  h.correlation_id = in.i32();
  h.client_id = in.nullable_string(false);  // never compact, even in header v2
  const ApiRange* a = find_api(h.api_key);
  if (a && h.api_version >= a->min_version && h.api_version <= a->max_version && h.api_version >= a->flexible_from) {
    h.flexible = true;
    in.tagged_fields(true);
  }
  return h;
}

}  // namespace careflow::broker
