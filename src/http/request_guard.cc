#include "http/request_guard.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/base64.h"
#include "common/secret_equals.h"

namespace careflow::http {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool host_allowed(const RequestPolicy& policy, const std::string& name, const RequestSite& site) {
  if (name == "localhost" || name == "127.0.0.1" || name == "::1") return true;
  if (name == host_name_of(policy.listen_host) || name == lower(site.local_address)) return true;
  return std::any_of(policy.allowed_hosts.begin(), policy.allowed_hosts.end(),
                     [&](const std::string& allowed) { return allowed == "*" || host_name_of(allowed) == name; });
}

// Same origin: the Origin's host[:port] is the Host the request was sent to.
bool origin_allowed(const RequestPolicy& policy, const std::string& origin, const std::string& host_header) {
  if (std::find(policy.cors_origins.begin(), policy.cors_origins.end(), origin) != policy.cors_origins.end()) return true;
  const size_t scheme_end = origin.find("://");
  if (scheme_end == std::string::npos || host_header.empty()) return false;
  return lower(std::string_view(origin).substr(scheme_end + 3)) == lower(host_header);
}

// The token the request carries, from whichever place it may be in; "" when none.
std::string token_of(const HttpRequest& request, bool stream) {
  const std::string authorization = request.header("authorization");
  if (authorization.starts_with("Bearer ")) return authorization.substr(7);
  if (authorization.starts_with("Basic ")) {
    auto decoded = base64_decode(authorization.substr(6));
    if (decoded.is_ok()) {
      const size_t colon = decoded->find(':');
      return colon == std::string::npos ? "" : decoded->substr(colon + 1);
    }
    return "";
  }
  if (stream) {
    if (auto it = request.query.find("token"); it != request.query.end()) return it->second;
  }
  return "";
}

}  // namespace

std::string host_name_of(std::string_view host_header) {
  std::string_view name = host_header;
  if (name.starts_with('[')) {
    const size_t close = name.find(']');
    name = name.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
  } else if (std::count(name.begin(), name.end(), ':') == 1) {
    name = name.substr(0, name.find(':'));  // host:port; more colons = a bare IPv6 address
  }
  return lower(name);
}

std::optional<HttpResponse> check_request(const RequestPolicy& policy, const HttpRequest& request, const RequestSite& site) {
  const std::string host_header = request.header("host");
  if (!host_header.empty() && !host_allowed(policy, host_name_of(host_header), site)) {
    return HttpResponse::error(421, "host_not_allowed",
                               fmt::format("Host '{}' is not this server's name; add it to http.allowed_hosts to use it",
                                           host_header),
                               "Host");
  }
  const std::string origin = request.header("origin");
  if (!origin.empty() && !origin_allowed(policy, origin, host_header)) {
    return HttpResponse::error(403, "origin_not_allowed",
                               fmt::format("requests from pages at '{}' are not allowed; add the origin to http.cors_origins",
                                           origin),
                               "Origin");
  }
  if (policy.bearer_token.empty() || request.method == "OPTIONS" || !site.routed) return std::nullopt;
  if (std::find(policy.open_paths.begin(), policy.open_paths.end(), request.path) != policy.open_paths.end()) {
    return std::nullopt;
  }
  if (secrets_equal(token_of(request, site.stream), policy.bearer_token)) return std::nullopt;
  HttpResponse denied = HttpResponse::error(
      401, "unauthorized",
      site.stream ? "this careflow requires its API token (api.token): 'Authorization: Bearer <token>' or ?token=<token>"
                  : "this careflow requires its API token (api.token): 'Authorization: Bearer <token>'");
  denied.headers.emplace_back("WWW-Authenticate", "Bearer");
  return denied;
}

}  // namespace careflow::http
