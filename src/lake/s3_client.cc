#include "lake/s3_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <thread>
#include <tuple>

#include "common/ascii_case.h"
#include "lake/aws_credentials.h"

namespace careflow::lake::s3 {

namespace {

const std::string kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// One curl handle per thread, reset between requests: connections to the endpoint are reused.
struct ThreadHandle {
  CURL* curl = nullptr;
  ThreadHandle() {
    init_curl_once();
    curl = curl_easy_init();
  }
  ~ThreadHandle() {
    if (curl) curl_easy_cleanup(curl);
  }
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
  std::string_view line(data, size * n);
  if (auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
    headers->emplace_back(to_lower(line.substr(0, colon)), std::string(value));
  }
  return size * n;
}

// The text of the first <tag>...</tag> at or after `from`, XML entities decoded; `from` moves past it.
std::optional<std::string> xml_text(const std::string& xml, const std::string& tag, size_t& from, size_t until = std::string::npos) {
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  const size_t a = xml.find(open, from);
  if (a == std::string::npos || a >= until) return std::nullopt;
  const size_t b = xml.find(close, a + open.size());
  if (b == std::string::npos) return std::nullopt;
  from = b + close.size();
  std::string raw = xml.substr(a + open.size(), b - a - open.size()), out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '&') {
      out.push_back(raw[i]);
      continue;
    }
    const size_t semi = raw.find(';', i);
    if (semi == std::string::npos) {
      out.push_back('&');
      continue;
    }
    const std::string entity = raw.substr(i + 1, semi - i - 1);
    if (entity == "amp") out.push_back('&');
    else if (entity == "lt") out.push_back('<');
    else if (entity == "gt") out.push_back('>');
    else if (entity == "quot") out.push_back('"');
    else if (entity == "apos") out.push_back('\'');
    else if (!entity.empty() && entity[0] == '#') {
      const long code = entity.size() > 1 && entity[1] == 'x' ? std::strtol(entity.c_str() + 2, nullptr, 16)
                                                               : std::strtol(entity.c_str() + 1, nullptr, 10);
      if (code > 0 && code < 128) out.push_back(static_cast<char>(code));
    } else {
      out += "&" + entity + ";";
    }
    i = semi;
  }
  return out;
}

int64_t parse_time_ms(const std::string& text, const char* format) {
  std::tm tm{};
  if (!strptime(text.c_str(), format, &tm)) return 0;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

bool retryable_status(long status) { return status == 429 || status == 500 || status == 502 || status == 503 || status == 504; }

bool retryable_curl(CURLcode rc) {
  return rc == CURLE_COULDNT_CONNECT || rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR ||
         rc == CURLE_GOT_NOTHING || rc == CURLE_PARTIAL_FILE || rc == CURLE_COULDNT_RESOLVE_HOST;
}

std::string describe_error(long status, const std::string& body) {
  size_t at = 0;
  auto code = xml_text(body, "Code", at);
  at = 0;
  auto message = xml_text(body, "Message", at);
  std::string out = fmt::format("HTTP {}", status);
  if (code) out += " " + *code;
  if (message && !message->empty()) out += ": " + *message;
  return out;
}

}  // namespace

bool is_s3_uri(const std::string& uri) {
  return uri.rfind("s3://", 0) == 0 || uri.rfind("s3a://", 0) == 0 || uri.rfind("s3n://", 0) == 0;
}

Result<std::pair<std::string, std::string>> split_s3_uri(const std::string& uri) {
  if (!is_s3_uri(uri)) return Status::invalid_argument(fmt::format("'{}' is not an s3:// URI", uri));
  const size_t start = uri.find("://") + 3;
  const size_t slash = uri.find('/', start);
  std::string bucket = uri.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
  if (bucket.empty()) return Status::invalid_argument(fmt::format("'{}' names no bucket", uri));
  std::string key = slash == std::string::npos ? "" : uri.substr(slash + 1);
  return std::pair{std::move(bucket), std::move(key)};
}

Result<S3Config> S3Config::from_env() {
  S3Config c;
  c.endpoint = env("AWS_ENDPOINT_URL_S3");
  if (c.endpoint.empty()) c.endpoint = env("AWS_ENDPOINT_URL");
  while (!c.endpoint.empty() && c.endpoint.back() == '/') c.endpoint.pop_back();
  if (!c.endpoint.empty() && c.endpoint.rfind("http://", 0) != 0 && c.endpoint.rfind("https://", 0) != 0) {
    return Status::invalid_argument(fmt::format("AWS_ENDPOINT_URL '{}' is not an http:// or https:// URL", c.endpoint));
  }
  c.region = env("AWS_REGION");
  if (c.region.empty()) c.region = env("AWS_DEFAULT_REGION");
  if (c.region.empty()) c.region = "us-east-1";
  CF_ASSIGN_OR_RETURN(c.credentials, find_credentials([](const char* name) { return env(name); }));
  for (auto [name, out, least] : {std::tuple{"CAREFLOW_S3_MULTIPART_THRESHOLD", &c.multipart_threshold_bytes, int64_t{1}},
                                  std::tuple{"CAREFLOW_S3_PART_SIZE", &c.part_size_bytes, int64_t{1} << 20}}) {
    const std::string text = env(name);
    if (text.empty()) continue;
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno != 0 || *end != '\0' || v < least) {
      return Status::invalid_argument(fmt::format("{} '{}' is not a number of bytes of at least {}", name, text, least));
    }
    *out = v;
  }
  const std::string path_style = to_lower(env("CAREFLOW_S3_PATH_STYLE"));
  if (path_style.empty()) {
    c.path_style = !c.endpoint.empty();
  } else if (path_style == "true" || path_style == "false") {
    c.path_style = path_style == "true";
  } else {
    return Status::invalid_argument(fmt::format("CAREFLOW_S3_PATH_STYLE '{}' is neither true nor false", path_style));
  }
  return c;
}

S3Client::S3Client(S3Config config) : config_(std::move(config)) {
  if (config_.endpoint.empty()) config_.endpoint = fmt::format("https://s3.{}.amazonaws.com", config_.region);
  config_.max_attempts = std::max(1, config_.max_attempts);
}

Result<S3Client::Response> S3Client::send(const std::string& method, const std::string& bucket, const std::string& key,
                                          const std::vector<std::pair<std::string, std::string>>& query,
                                          std::vector<std::pair<std::string, std::string>> headers, std::string_view body) const {
  const std::string where = fmt::format("s3://{}/{}", bucket, key);
  const size_t scheme_end = config_.endpoint.find("://") + 3;
  const std::string scheme = config_.endpoint.substr(0, scheme_end);
  std::string host = config_.endpoint.substr(scheme_end);
  std::string base_path;
  if (auto slash = host.find('/'); slash != std::string::npos) {
    base_path = host.substr(slash);
    host.resize(slash);
  }
  std::string path = base_path;
  if (config_.path_style) {
    path += "/" + uri_encode(bucket, false);
    if (!key.empty()) path += "/" + uri_encode(key, true);
  } else {
    host = bucket + "." + host;
    path += "/" + uri_encode(key, true);
  }
  std::string url = scheme + host + path;
  std::string query_text;
  for (const auto& [k, v] : query) query_text += fmt::format("{}{}={}", query_text.empty() ? "?" : "&", uri_encode(k, false), uri_encode(v, false));
  url += query_text;

  thread_local ThreadHandle handle;
  if (!handle.curl) return Status::internal("curl_easy_init failed");
  Status last;
  for (int attempt = 0; attempt < config_.max_attempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(std::min(2'000, 100 << attempt)));
    SigningRequest sr{method, path, query, headers, body.empty() && method != "PUT" ? kEmptySha256 : sha256_hex(body)};
    const std::string date = amz_date(static_cast<int64_t>(std::time(nullptr)));
    sr.headers.emplace_back("host", host);
    sr.headers.emplace_back("x-amz-date", date);
    sr.headers.emplace_back("x-amz-content-sha256", sr.payload_sha256);
    if (!config_.credentials.session_token.empty()) sr.headers.emplace_back("x-amz-security-token", config_.credentials.session_token);

    curl_slist* list = nullptr;
    for (const auto& [k, v] : sr.headers) list = curl_slist_append(list, fmt::format("{}: {}", k, v).c_str());
    if (!config_.credentials.access_key_id.empty()) {
      const Signature sig = sign_v4(sr, config_.credentials, config_.region, "s3", date);
      list = curl_slist_append(list, ("Authorization: " + sig.authorization).c_str());
    }
    list = curl_slist_append(list, "Expect:");  // no 100-continue round trip before a body
    const bool sends_body = method == "PUT" || method == "POST";
    if (sends_body) list = curl_slist_append(list, "Content-Type: application/octet-stream");

    Response response;
    CURL* c = handle.curl;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config_.connect_timeout_ms));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.request_timeout_ms));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &response.headers);
    if (method == "HEAD") {
      curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (sends_body) {
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    } else if (method != "GET") {
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    const CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(list);
    if (rc != CURLE_OK) {
      last = Status::unavailable(fmt::format("{} {}: {} ({})", method, where, curl_easy_strerror(rc), url));
      if (retryable_curl(rc)) continue;
      return last;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    if (retryable_status(response.status)) {
      last = Status::unavailable(fmt::format("{} {}: {}", method, where, describe_error(response.status, response.body)));
      continue;
    }
    return response;
  }
  return last.with_context(fmt::format("after {} attempts", config_.max_attempts));
}

Result<std::string> S3Client::get(const std::string& bucket, const std::string& key) const {
  CF_ASSIGN_OR_RETURN(Response r, send("GET", bucket, key, {}, {}, ""));
  if (r.status == 404) return Status::not_found(fmt::format("s3://{}/{}: no such object ({})", bucket, key, describe_error(r.status, r.body)));
  if (r.status != 200) return Status::io_error(fmt::format("GET s3://{}/{}: {}", bucket, key, describe_error(r.status, r.body)));
  return std::move(r.body);
}

Status S3Client::put(const std::string& bucket, const std::string& key, std::string_view bytes, bool if_absent) const {
  if (!if_absent && static_cast<int64_t>(bytes.size()) > config_.multipart_threshold_bytes) return put_multipart(bucket, key, bytes);
  std::vector<std::pair<std::string, std::string>> headers;
  if (if_absent) headers.emplace_back("if-none-match", "*");
  CF_ASSIGN_OR_RETURN(Response r, send("PUT", bucket, key, {}, headers, bytes));
  if (if_absent && (r.status == 412 || r.status == 409)) {
    // A retried PUT whose first attempt did land finds its own object: that is a success, not a
    // lost race (otherwise a committer would commit the same snapshot twice).
    if (auto existing = get(bucket, key); existing.is_ok() && existing.value() == bytes) return Status::ok();
    return Status::failed_precondition(fmt::format("s3://{}/{} was written by another writer (HTTP {})", bucket, key, r.status));
  }
  if (r.status != 200) return Status::io_error(fmt::format("PUT s3://{}/{}: {}", bucket, key, describe_error(r.status, r.body)));
  return Status::ok();
}

Status S3Client::put_multipart(const std::string& bucket, const std::string& key, std::string_view bytes) const {
  const std::string where = fmt::format("s3://{}/{}", bucket, key);
  CF_ASSIGN_OR_RETURN(Response created, send("POST", bucket, key, {{"uploads", ""}}, {}, ""));
  size_t at = 0;
  const std::optional<std::string> upload_id = created.status == 200 ? xml_text(created.body, "UploadId", at) : std::nullopt;
  if (!upload_id || upload_id->empty()) {
    return Status::io_error(fmt::format("starting a multipart upload of {}: {}", where, describe_error(created.status, created.body)));
  }
  // Whatever fails from here on, the parts already uploaded are dropped (S3 keeps, and bills, the
  // parts of an upload neither completed nor aborted).
  auto abort = [&](Status cause) {
    auto aborted = send("DELETE", bucket, key, {{"uploadId", *upload_id}}, {}, "");
    if (!aborted.is_ok()) return cause.with_context(fmt::format("(aborting the upload failed too: {})", aborted.status().message()));
    if (aborted->status != 204 && aborted->status != 200 && aborted->status != 404) {
      return cause.with_context(fmt::format("(aborting the upload failed too: {})", describe_error(aborted->status, aborted->body)));
    }
    return cause;
  };
  // At most 10,000 parts (S3's limit): a larger object gets larger parts.
  const auto size = static_cast<int64_t>(bytes.size());
  const int64_t part_size = std::max(config_.part_size_bytes, (size + 9'999) / 10'000);
  std::string complete = "<CompleteMultipartUpload>";
  for (int64_t offset = 0, number = 1; offset < size; offset += part_size, ++number) {
    const std::string_view part = bytes.substr(static_cast<size_t>(offset), static_cast<size_t>(std::min(part_size, size - offset)));
    auto sent = send("PUT", bucket, key, {{"partNumber", std::to_string(number)}, {"uploadId", *upload_id}}, {}, part);
    if (!sent.is_ok()) return abort(sent.status().with_context(fmt::format("part {} of {}", number, where)));
    std::string etag;
    for (const auto& [k, v] : sent->headers) {
      if (k == "etag") etag = v;
    }
    if (sent->status != 200 || etag.empty()) {
      return abort(Status::io_error(fmt::format("PUT part {} of {}: {}", number, where,
                                                sent->status == 200 ? "no ETag in the response" : describe_error(sent->status, sent->body))));
    }
    complete += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", number, etag);
  }
  complete += "</CompleteMultipartUpload>";
  auto done = send("POST", bucket, key, {{"uploadId", *upload_id}}, {}, complete);
  if (!done.is_ok()) return abort(done.status().with_context(fmt::format("completing the multipart upload of {}", where)));
  // S3 may answer 200 and still report an error in the body (a failure while assembling the parts).
  if (done->status != 200 || done->body.find("<Error>") != std::string::npos) {
    return abort(Status::io_error(fmt::format("completing the multipart upload of {}: {}", where, describe_error(done->status, done->body))));
  }
  return Status::ok();
}

Result<std::optional<ObjectInfo>> S3Client::head(const std::string& bucket, const std::string& key) const {
  CF_ASSIGN_OR_RETURN(Response r, send("HEAD", bucket, key, {}, {}, ""));
  if (r.status == 404) return std::optional<ObjectInfo>{};
  if (r.status != 200) return Status::io_error(fmt::format("HEAD s3://{}/{}: HTTP {}", bucket, key, r.status));
  ObjectInfo info{key, 0, 0};
  for (const auto& [k, v] : r.headers) {
    if (k == "content-length") info.size = std::strtoll(v.c_str(), nullptr, 10);
    if (k == "last-modified") info.last_modified_ms = parse_time_ms(v, "%a, %d %b %Y %H:%M:%S");
  }
  return std::optional<ObjectInfo>{info};
}

Status S3Client::remove(const std::string& bucket, const std::string& key) const {
  CF_ASSIGN_OR_RETURN(Response r, send("DELETE", bucket, key, {}, {}, ""));
  if (r.status != 204 && r.status != 200 && r.status != 404) {
    return Status::io_error(fmt::format("DELETE s3://{}/{}: {}", bucket, key, describe_error(r.status, r.body)));
  }
  return Status::ok();
}

Result<ListPage> S3Client::list(const std::string& bucket, const std::string& prefix, const std::string& delimiter) const {
  ListPage page;
  std::string token;
  for (int pages = 0;; ++pages) {
    if (pages > 100'000) return Status::io_error(fmt::format("listing s3://{}/{}: more than 100,000 pages", bucket, prefix));
    std::vector<std::pair<std::string, std::string>> query{{"list-type", "2"}, {"prefix", prefix}};
    if (!delimiter.empty()) query.emplace_back("delimiter", delimiter);
    if (!token.empty()) query.emplace_back("continuation-token", token);
    CF_ASSIGN_OR_RETURN(Response r, send("GET", bucket, "", query, {}, ""));
    if (r.status != 200) return Status::io_error(fmt::format("listing s3://{}/{}: {}", bucket, prefix, describe_error(r.status, r.body)));
    size_t at = 0;
    while (true) {
      const size_t start = r.body.find("<Contents>", at);
      if (start == std::string::npos) break;
      const size_t end = r.body.find("</Contents>", start);
      if (end == std::string::npos) return Status::corruption(fmt::format("listing s3://{}/{}: unterminated <Contents>", bucket, prefix));
      ObjectInfo info;
      size_t p = start;
      if (auto k = xml_text(r.body, "Key", p, end)) info.key = *k;
      p = start;
      if (auto s = xml_text(r.body, "Size", p, end)) info.size = std::strtoll(s->c_str(), nullptr, 10);
      p = start;
      if (auto t = xml_text(r.body, "LastModified", p, end)) info.last_modified_ms = parse_time_ms(*t, "%Y-%m-%dT%H:%M:%S");
      if (info.key.empty()) return Status::corruption(fmt::format("listing s3://{}/{}: an entry without a <Key>", bucket, prefix));
      page.objects.push_back(std::move(info));
      at = end;
    }
    at = 0;
    while (true) {
      const size_t start = r.body.find("<CommonPrefixes>", at);
      if (start == std::string::npos) break;
      size_t p = start;
      if (auto prefix_text = xml_text(r.body, "Prefix", p)) page.common_prefixes.push_back(*prefix_text);
      at = std::max(p, start + 1);  // forward even when a malformed entry has no <Prefix>
    }
    at = 0;
    auto truncated = xml_text(r.body, "IsTruncated", at);
    at = 0;
    auto next = xml_text(r.body, "NextContinuationToken", at);
    if (!truncated || *truncated != "true" || !next || next->empty()) break;
    token = *next;
  }
  return page;
}

}  // namespace careflow::lake::s3
