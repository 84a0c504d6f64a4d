#pragma once
// Routes by method and path pattern ("/patients/{id}"). A path that matches no pattern is 404; a
// path that matches with another method is 405 with an Allow header. A POST, PUT, PATCH or DELETE
// whose Content-Type is not one of its route's body types is 415 (one without a Content-Type may
// only have an empty body): a browser sends a cross-site form or text/plain POST without asking
// first, but never one that says application/json.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_types.h"

namespace careflow::http {

using Handler = std::function<HttpResponse(HttpRequest&)>;

// The media types (without parameters, lower case) a route's request bodies may have.
using BodyTypes = std::vector<std::string>;
inline const BodyTypes kJsonBody = {"application/json"};

class Router {
 public:
  // `summary` feeds the OpenAPI document (GET /openapi.json).
  void add(std::string method, std::string pattern, Handler handler, std::string summary = "", BodyTypes body_types = kJsonBody);

  HttpResponse dispatch(HttpRequest& request) const;

  // Whether some route (of any method) matches `path`: its 404 is the API's answer, not a
  // missing file for the web app's fallback.
  bool matches(std::string_view path) const;

  // Requests under `prefix` ("/v1/") speak another protocol: `shape` rewrites the error answers
  // the server and router give them (a token refused, no route, a wrong method or Content-Type, a
  // handler's exception) into that protocol's error shape, so its clients can read them. It must
  // leave an answer already in that shape alone: routes under the prefix answer their own errors.
  void set_error_shape(std::string prefix, std::function<void(HttpResponse&)> shape);
  // Applies the shape of the longest prefix `path` starts with to an error (status >= 400).
  void shape_error(std::string_view path, HttpResponse& response) const;

  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    std::string summary;
    BodyTypes body_types;
  };
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::pair<std::string, std::function<void(HttpResponse&)>>> error_shapes_;
};

}  // namespace careflow::http
