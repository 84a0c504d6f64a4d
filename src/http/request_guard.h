#pragma once
// What every listener checks before a request reaches a route (issue 15, "Trust"):
//   Host     must name this server: localhost, 127.0.0.1, ::1, the configured listen host, the
//            address the connection arrived on, or an entry of the allow-list. Anything else is a
//            DNS-rebinding page talking to us under its own name: 421 host_not_allowed.
//   Origin   when sent, must be one of the CORS origins or this server's own origin (scheme://Host):
//            403 origin_not_allowed otherwise.
//   token    when one is configured, every route but the open ones (/health) needs it, reads as
//            well as writes: "Authorization: Bearer <token>", or basic auth whose password is the
//            token (what Schema Registry clients send), or — on event-stream paths only, because a
//            browser's EventSource cannot set headers — "?token=<token>". 401 otherwise. Paths no
//            route knows (the web app's files) stay open so a browser can load the page.
// Tokens are compared in constant time.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_types.h"

namespace careflow::http {

struct RequestPolicy {
  std::string listen_host;                 // as configured ("127.0.0.1", "0.0.0.0", "my.host")
  std::vector<std::string> allowed_hosts;  // more names or addresses; "*" = any Host
  std::vector<std::string> cors_origins;   // origins of other pages allowed to call (the dev server)
  std::string bearer_token;                // empty = no token needed
  std::vector<std::string> open_paths = {"/health"};
};

// What the server knows about one request beyond the request itself.
struct RequestSite {
  std::string local_address;  // the address the connection arrived on, e.g. "127.0.0.1"
  bool routed = false;        // some route (or event stream) matches the path
  bool stream = false;        // the path is an event stream
};

// The refusal for `request`, or nullopt when it may go on.
std::optional<HttpResponse> check_request(const RequestPolicy& policy, const HttpRequest& request, const RequestSite& site);

// The host name of a Host header value, lower-cased, without port or IPv6 brackets:
// "LocalHost:8000" -> "localhost", "[::1]:80" -> "::1".
std::string host_name_of(std::string_view host_header);

}  // namespace careflow::http
