// SaslHandshake (key 17) and SaslAuthenticate (key 36): SASL/PLAIN (RFC 4616) with the configured
// credentials, as a Kafka broker's SASL_PLAINTEXT listener does it. Kafka's order: ApiVersions
// (optional), SaslHandshake naming the mechanism, then the token: in a SaslAuthenticate request
// after a v1 handshake, as a bare size-prefixed frame after a v0 one (librdkafka looks for v0 in
// ApiVersions before it authenticates at all, then uses v1 and SaslAuthenticate);
// dispatch.cc refuses anything else on a connection that has not authenticated. A failed
// authentication is answered (SASL_AUTHENTICATION_FAILED with a message) and the connection is
// then closed, as Kafka closes it.

#include <fmt/format.h>

#include "broker/handlers.h"
#include "common/logging.h"
#include "common/secret_equals.h"

namespace careflow::broker {
namespace {

constexpr std::string_view kPlain = "PLAIN";

// RFC 4616: [authzid] NUL authcid NUL passwd. Kafka's PLAIN server accepts an authorization id
// only when it is empty or equals the user.
bool plain_token_matches(std::string_view token, const KafkaListenerOptions& options) {
  const size_t first = token.find('\0');
  if (first == std::string_view::npos) return false;
  const size_t second = token.find('\0', first + 1);
  if (second == std::string_view::npos) return false;
  const std::string_view authzid = token.substr(0, first);
  const std::string_view user = token.substr(first + 1, second - first - 1);
  const std::string_view password = token.substr(second + 1);
  if (!authzid.empty() && authzid != user) return false;
  // Both compared every time, so the time does not tell a wrong user from a wrong password.
  const bool user_ok = secrets_equal(user, options.sasl_username);
  const bool password_ok = secrets_equal(password, options.sasl_password);
  return user_ok && password_ok;
}

}  // namespace

Result<Reply> handle_sasl_handshake(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const std::string mechanism = in.string(false);
  CF_RETURN_IF_ERROR(finish_reading(header, in));
  int16_t error = err::kNone;
  if (context.options.sasl_username.empty() || context.authenticated) {
    error = err::kIllegalSaslState;  // no SASL on this listener, or already authenticated
  } else if (mechanism != kPlain) {
    error = err::kUnsupportedSaslMechanism;
  } else {
    context.sasl_mechanism_chosen = true;
    // v0: the token follows as a bare size-prefixed frame, not a SaslAuthenticate request.
    context.raw_sasl_token_next = header.api_version == 0;
  }
  out.i16(error);
  if (context.options.sasl_username.empty()) {
    out.array_length(0);
  } else {
    out.array_length(1);
    out.string(kPlain);
  }
  return Reply::kSend;
}

Result<std::optional<std::string>> authenticate_raw_sasl_token(BrokerContext& context, std::string_view token) {
  context.raw_sasl_token_next = false;
  if (!plain_token_matches(token, context.options)) {
    log_warn("broker", "SASL authentication failed", {{"error", "invalid username or password (SaslHandshake v0)"}});
    // Kafka closes the connection without an answer here: v0 has no way to carry an error.
    return Status::failed_precondition("SASL/PLAIN authentication failed: invalid username or password");
  }
  context.authenticated = true;
  return std::optional<std::string>(std::string(4, '\0'));  // an empty server token, size-prefixed
}

Result<Reply> handle_sasl_authenticate(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const std::optional<std::string_view> token = in.nullable_bytes(header.flexible);
  CF_RETURN_IF_ERROR(finish_reading(header, in));
  int16_t error = err::kNone;
  std::optional<std::string> message;
  if (!context.sasl_mechanism_chosen || context.authenticated) {
    error = err::kIllegalSaslState;
    message = "SaslAuthenticate without a SaslHandshake choosing PLAIN first";
  } else if (!token || !plain_token_matches(*token, context.options)) {
    error = err::kSaslAuthenticationFailed;
    message = "Authentication failed: Invalid username or password";
  }
  if (error == err::kNone) {
    context.authenticated = true;
  } else {
    context.close_after_response = true;
    log_warn("broker", "SASL authentication failed", {{"client", header.client_id.value_or("")}, {"error", *message}});
  }
  out.i16(error);
  out.nullable_string(message);
  out.bytes("");  // PLAIN has no server challenge
  if (header.api_version >= 1) out.i64(0);  // session_lifetime_ms: no re-authentication (KIP-368)
  out.tagged_fields();
  return Reply::kSend;
}

}  // namespace careflow::broker
