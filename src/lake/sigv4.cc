#include "lake/sigv4.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <ctime>

#include "common/ascii_case.h"

namespace careflow::lake::s3 {

namespace {

std::string hex(const unsigned char* p, size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 0xf];
  }
  return out;
}

std::string hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

// A header value as signed: leading and trailing blanks dropped, runs of blanks inside one space.
std::string trim_value(std::string_view v) {
  std::string out;
  bool blank = false;
  for (char ch : v) {
    if (ch == ' ' || ch == '\t') {
      blank = !out.empty();
      continue;
    }
    if (blank) out.push_back(' ');
    blank = false;
    out.push_back(ch);
  }
  return out;
}

}  // namespace

std::string uri_encode(std::string_view s, bool keep_slash) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char ch : s) {
    const bool unreserved = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                            ch == '.' || ch == '_' || ch == '~';
    if (unreserved || (keep_slash && ch == '/')) {
      out.push_back(static_cast<char>(ch));
    } else {
      out += fmt::format("%{:02X}", ch);
    }
  }
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return hex(digest, sizeof digest);
}

std::string amz_date(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[20];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

Signature sign_v4(const SigningRequest& r, const Credentials& c, std::string_view region, std::string_view service,
                  std::string_view date) {
  std::vector<std::pair<std::string, std::string>> query;
  for (const auto& [k, v] : r.query) query.emplace_back(uri_encode(k, false), uri_encode(v, false));
  std::sort(query.begin(), query.end());
  std::string canonical_query;
  for (const auto& [k, v] : query) canonical_query += fmt::format("{}{}={}", canonical_query.empty() ? "" : "&", k, v);

  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [k, v] : r.headers) headers.emplace_back(to_lower(k), trim_value(v));
  std::sort(headers.begin(), headers.end());
  std::string canonical_headers;
  Signature s;
  for (const auto& [k, v] : headers) {
    canonical_headers += fmt::format("{}:{}\n", k, v);
    s.signed_headers += (s.signed_headers.empty() ? "" : ";") + k;
  }

  s.canonical_request = fmt::format("{}\n{}\n{}\n{}\n{}\n{}", r.method, r.canonical_uri, canonical_query, canonical_headers,
                                    s.signed_headers, r.payload_sha256);
  const std::string_view day = date.substr(0, 8);
  const std::string scope = fmt::format("{}/{}/{}/aws4_request", day, region, service);
  s.string_to_sign = fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", date, scope, sha256_hex(s.canonical_request));
  std::string key = hmac("AWS4" + c.secret_access_key, day);
  key = hmac(key, region);
  key = hmac(key, service);
  key = hmac(key, "aws4_request");
  const std::string mac = hmac(key, s.string_to_sign);
  s.signature = hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
  s.authorization = fmt::format("AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}", c.access_key_id, scope,
                                s.signed_headers, s.signature);
  return s;
}

}  // namespace careflow::lake::s3
