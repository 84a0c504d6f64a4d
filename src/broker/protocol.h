#pragma once
// The parts of Kafka's protocol every handler shares: API keys, the versions careflow serves (and
// from which each is "flexible": compact strings and arrays, tagged fields, request header v2),
// error codes, and the request header. Private to broker/.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "broker/wire.h"

namespace careflow::broker {

namespace api {
inline constexpr int16_t kProduce = 0;
inline constexpr int16_t kFetch = 1;
inline constexpr int16_t kListOffsets = 2;
inline constexpr int16_t kMetadata = 3;
inline constexpr int16_t kOffsetCommit = 8;
inline constexpr int16_t kOffsetFetch = 9;
inline constexpr int16_t kFindCoordinator = 10;
inline constexpr int16_t kJoinGroup = 11;
inline constexpr int16_t kHeartbeat = 12;
inline constexpr int16_t kLeaveGroup = 13;
inline constexpr int16_t kSyncGroup = 14;
inline constexpr int16_t kDescribeGroups = 15;
inline constexpr int16_t kListGroups = 16;
inline constexpr int16_t kSaslHandshake = 17;
inline constexpr int16_t kApiVersions = 18;
inline constexpr int16_t kCreateTopics = 19;
inline constexpr int16_t kDeleteTopics = 20;
inline constexpr int16_t kInitProducerId = 22;
inline constexpr int16_t kAddPartitionsToTxn = 24;
inline constexpr int16_t kAddOffsetsToTxn = 25;
inline constexpr int16_t kEndTxn = 26;
inline constexpr int16_t kTxnOffsetCommit = 28;
inline constexpr int16_t kDescribeConfigs = 32;
inline constexpr int16_t kSaslAuthenticate = 36;
}  // namespace api

// Kafka's error codes (org.apache.kafka.common.protocol.Errors) that careflow answers with.
namespace err {
inline constexpr int16_t kUnknownServerError = -1;
inline constexpr int16_t kNone = 0;
inline constexpr int16_t kOffsetOutOfRange = 1;
inline constexpr int16_t kCorruptMessage = 2;
inline constexpr int16_t kUnknownTopicOrPartition = 3;
inline constexpr int16_t kMessageTooLarge = 10;
inline constexpr int16_t kCoordinatorNotAvailable = 15;
inline constexpr int16_t kNotCoordinator = 16;
inline constexpr int16_t kInvalidTopic = 17;
inline constexpr int16_t kInvalidRequiredAcks = 21;
inline constexpr int16_t kIllegalGeneration = 22;
inline constexpr int16_t kInconsistentGroupProtocol = 23;
inline constexpr int16_t kInvalidGroupId = 24;
inline constexpr int16_t kUnknownMemberId = 25;
inline constexpr int16_t kInvalidSessionTimeout = 26;
inline constexpr int16_t kRebalanceInProgress = 27;
inline constexpr int16_t kTopicAuthorizationFailed = 29;
inline constexpr int16_t kUnsupportedSaslMechanism = 33;
inline constexpr int16_t kIllegalSaslState = 34;
inline constexpr int16_t kUnsupportedVersion = 35;
inline constexpr int16_t kTopicAlreadyExists = 36;
inline constexpr int16_t kInvalidPartitions = 37;
inline constexpr int16_t kInvalidReplicationFactor = 38;
inline constexpr int16_t kInvalidConfig = 40;
inline constexpr int16_t kInvalidRequest = 42;
inline constexpr int16_t kOutOfOrderSequenceNumber = 45;
inline constexpr int16_t kInvalidProducerEpoch = 47;
inline constexpr int16_t kInvalidTxnState = 48;
inline constexpr int16_t kInvalidProducerIdMapping = 49;
inline constexpr int16_t kInvalidTransactionTimeout = 50;
inline constexpr int16_t kConcurrentTransactions = 51;
inline constexpr int16_t kKafkaStorageError = 56;
inline constexpr int16_t kSaslAuthenticationFailed = 58;
inline constexpr int16_t kUnsupportedCompressionType = 76;
inline constexpr int16_t kInvalidRecord = 87;
inline constexpr int16_t kProducerFenced = 90;
}  // namespace err

struct ApiRange {
  int16_t key;
  std::string_view name;
  int16_t min_version;
  int16_t max_version;
  int16_t flexible_from;  // first flexible version; max_version + 1 when none is
};

// Every API careflow serves, ascending by key: what ApiVersions advertises.
std::span<const ApiRange> supported_apis();
// nullptr when `key` is not served.
const ApiRange* find_api(int16_t key);
// The name of any API key, for messages ("InitProducerId", or "api key 77").
std::string api_name(int16_t key);

struct RequestHeader {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;
  bool flexible = false;  // header v2 (and the body's flexible encoding)
  // The response header is v1 (with tagged fields) when the request is flexible, except
  // ApiVersions, whose response header is always v0 so any client can read it.
  bool flexible_response_header() const { return flexible && api_key != api::kApiVersions; }
};

// Reads the request header (v1, or v2 for a flexible version of a served API). For an API or
// version not served, only the v1 fields are read, which every client sends the same way.
RequestHeader read_request_header(Reader& in);

}  // namespace careflow::broker
