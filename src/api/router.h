#pragma once
// Routes by method and path pattern ("/patients/{id}"). A path that matches no pattern is 404; a
// path that matches with another method is 405 with an Allow header.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.h"

namespace careflow::api {

using Handler = std::function<HttpResponse(HttpRequest&)>;

class Router {
 public:
  // `summary` feeds the OpenAPI document (GET /openapi.json).
  void add(std::string method, std::string pattern, Handler handler, std::string summary = "");

  HttpResponse dispatch(HttpRequest& request) const;

  // Whether some route (of any method) matches `path`: its 404 is the API's answer, not a
  // missing file for the web app's fallback.
  bool matches(std::string_view path) const;

  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    std::string summary;
  };
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace careflow::api
