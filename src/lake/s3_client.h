#pragma once
// A small S3 client over libcurl (Debian's libcurl4-openssl-dev) for the lake's object storage
// (storage.h): GET, PUT (optionally conditional with If-None-Match: *), HEAD, DELETE and
// ListObjectsV2, each signed with SigV4 (sigv4.h). Works with AWS S3 and S3-compatible servers
// (moto, MinIO, ...) through path-style or virtual-hosted addressing. An object larger than
// multipart_threshold_bytes goes up as a multipart upload (CreateMultipartUpload, UploadPart,
// CompleteMultipartUpload), aborted when any step fails so that no parts stay behind.
//
// Every call is bounded: a connect timeout, a whole-request timeout, and at most `max_attempts`
// tries for errors worth retrying (connection failures, timeouts, HTTP 429 and 5xx), with an
// exponential pause between them. Errors name the bucket, the object key and the HTTP status with
// S3's error code ("s3://b/k: HTTP 403 AccessDenied: ..."). Thread-safe: each thread reuses its own
// curl handle.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "lake/sigv4.h"

namespace careflow::lake::s3 {

struct S3Config {
  std::string endpoint;  // "http://127.0.0.1:9000"; empty: https://s3.<region>.amazonaws.com
  std::string region = "us-east-1";
  Credentials credentials;
  bool path_style = true;  // http://host/bucket/key rather than http://bucket.host/key
  int connect_timeout_ms = 5'000;
  int request_timeout_ms = 120'000;
  int max_attempts = 4;
  // Objects above this many bytes are uploaded in parts of part_size_bytes (the last one smaller).
  // S3 wants parts of at least 5 MiB (but the last) and at most 10,000 of them: a larger object
  // gets larger parts.
  int64_t multipart_threshold_bytes = int64_t{64} << 20;
  int64_t part_size_bytes = int64_t{16} << 20;

  // From the environment as AWS's tools name it: AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL,
  // AWS_REGION or AWS_DEFAULT_REGION; credentials as aws_credentials.h finds them (the
  // environment's keys, else the shared credentials file's profile); and careflow's
  // CAREFLOW_S3_PATH_STYLE (true / false; default true with a custom endpoint, false against AWS),
  // CAREFLOW_S3_MULTIPART_THRESHOLD and CAREFLOW_S3_PART_SIZE (bytes). InvalidArgument when only
  // one of the key pair is set, the profile cannot be read, the endpoint is not an http(s) URL, or
  // a size is not a positive number of bytes (a part at least 1 MiB).
  static Result<S3Config> from_env();
};

struct ObjectInfo {
  std::string key;
  int64_t size = 0;
  int64_t last_modified_ms = 0;
};

struct ListPage {
  std::vector<ObjectInfo> objects;
  std::vector<std::string> common_prefixes;  // with a delimiter: the "folders" directly below
};

class S3Client {
 public:
  explicit S3Client(S3Config config);

  const S3Config& config() const { return config_; }

  // The whole object; NotFound naming s3://bucket/key when there is none.
  Result<std::string> get(const std::string& bucket, const std::string& key) const;
  // Writes the object. With `if_absent`, only if no object has that key (If-None-Match: *):
  // FailedPrecondition naming it when one does — the compare-and-swap of an Iceberg commit.
  // Above the multipart threshold (and without if_absent) the object goes up in parts; on a failed
  // part or completion the upload is aborted and the error names the object and the part.
  Status put(const std::string& bucket, const std::string& key, std::string_view bytes, bool if_absent = false) const;
  // The object's size and time, or nullopt when there is none.
  Result<std::optional<ObjectInfo>> head(const std::string& bucket, const std::string& key) const;
  // Deletes the object; ok when there was none (S3's own semantics).
  Status remove(const std::string& bucket, const std::string& key) const;
  // Every object whose key starts with `prefix` (all pages). With a `delimiter` ("/"), keys below
  // the next delimiter are folded into common_prefixes instead.
  Result<ListPage> list(const std::string& bucket, const std::string& prefix, const std::string& delimiter = "") const;

 private:
  struct Response {
    long status = 0;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // names lower case
  };
  Result<Response> send(const std::string& method, const std::string& bucket, const std::string& key,
                        const std::vector<std::pair<std::string, std::string>>& query,
                        std::vector<std::pair<std::string, std::string>> extra_headers, std::string_view body) const;
  Status put_multipart(const std::string& bucket, const std::string& key, std::string_view bytes) const;

  S3Config config_;
};

// Splits "s3://bucket/key/parts" (also s3a:// and s3n://) into bucket and key; InvalidArgument
// naming the URI otherwise.
Result<std::pair<std::string, std::string>> split_s3_uri(const std::string& uri);
bool is_s3_uri(const std::string& uri);

}  // namespace careflow::lake::s3
