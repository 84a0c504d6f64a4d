#pragma once
// AWS Signature Version 4 (the "AWS4-HMAC-SHA256" Authorization header) for the S3 client
// (s3_client.h). Pure functions of their inputs and a given time: the unit test checks them against
// AWS's published examples (the SigV4 test suite's get-vanilla family and the S3 API reference's
// "GET Object" / "PUT Object" / "GET Bucket" examples).

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace careflow::lake::s3 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials (sent as x-amz-security-token)
};

struct SigningRequest {
  std::string method;         // "GET", "PUT", ...
  std::string canonical_uri;  // the path exactly as sent, already percent-encoded (uri_encode(path, true))
  std::vector<std::pair<std::string, std::string>> query;    // names and values not yet encoded
  std::vector<std::pair<std::string, std::string>> headers;  // every header to sign; names in any case
  std::string payload_sha256;  // hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-content-sha256;x-amz-date"
  std::string signature;       // 64 hex digits
  std::string authorization;   // the Authorization header's value
};

// Signs `r` for `region` and `service` ("s3") at `amz_date` ("20130524T000000Z").
Signature sign_v4(const SigningRequest& r, const Credentials& c, std::string_view region, std::string_view service,
                  std::string_view amz_date);

// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters (A-Z a-z 0-9 - . _ ~) kept,
// every other byte %XX in upper case; '/' kept when `keep_slash` (object keys in a path).
std::string uri_encode(std::string_view s, bool keep_slash);
std::string sha256_hex(std::string_view bytes);
// "YYYYMMDDTHHMMSSZ" of a Unix time in seconds.
std::string amz_date(int64_t unix_seconds);

}  // namespace careflow::lake::s3
