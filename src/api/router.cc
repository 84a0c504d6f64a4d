#include "api/router.h"

#include <fmt/format.h>

#include <algorithm>

namespace careflow::api {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool match(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
           std::map<std::string, std::string>& params) {
  if (pattern.size() != path.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const std::string& p = pattern[i];
    if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
      found[p.substr(1, p.size() - 2)] = path[i];
    } else if (p != path[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler, std::string summary) {
  std::vector<std::string> segments = split_path(pattern);
  routes_.push_back({std::move(method), std::move(pattern), std::move(segments), std::move(handler), std::move(summary)});
}

bool Router::matches(std::string_view path) const {
  const std::vector<std::string> segments = split_path(path);
  std::map<std::string, std::string> params;
  return std::any_of(routes_.begin(), routes_.end(), [&](const Route& r) { return match(r.segments, segments, params); });
}

HttpResponse Router::dispatch(HttpRequest& request) const {
  const std::vector<std::string> path = split_path(request.path);
  std::string allowed;
  for (const Route& route : routes_) {
    std::map<std::string, std::string> params;
    if (!match(route.segments, path, params)) continue;
    if (route.method == request.method || (request.method == "HEAD" && route.method == "GET")) {
      request.params = std::move(params);
      return route.handler(request);
    }
    if (allowed.find(route.method) == std::string::npos) allowed += (allowed.empty() ? "" : ", ") + route.method;
  }
  if (!allowed.empty()) {
    HttpResponse r = HttpResponse::error(405, "method_not_allowed",
                                         fmt::format("{} is not allowed on {}; allowed: {}", request.method, request.path, allowed));
    r.headers.emplace_back("Allow", allowed);
    return r;
  }
  return HttpResponse::error(404, "not_found", fmt::format("no route for {} {}", request.method, request.path));
}

}  // namespace careflow::api
