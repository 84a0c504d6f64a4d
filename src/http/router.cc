#include "http/router.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace careflow::http {
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

// "Application/JSON; charset=utf-8" -> "application/json".
std::string media_type_of(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  std::string out(type);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<HttpResponse> refuse_body_type(const Router::Route& route, const HttpRequest& request) {
  if (request.method != "POST" && request.method != "PUT" && request.method != "PATCH" && request.method != "DELETE") {
    return std::nullopt;
  }
  const std::string content_type = request.header("content-type");
  if (content_type.empty() && request.body.empty()) return std::nullopt;
  const std::string type = media_type_of(content_type);
  if (std::find(route.body_types.begin(), route.body_types.end(), type) != route.body_types.end()) return std::nullopt;
  std::string accepted;
  for (const std::string& t : route.body_types) accepted += (accepted.empty() ? "" : ", ") + t;
  return HttpResponse::error(415, "unsupported_media_type",
                             fmt::format("{} {} needs Content-Type {} (got {})", request.method, request.path, accepted,
                                         content_type.empty() ? "none" : "'" + content_type + "'"),
                             "Content-Type");
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler, std::string summary, BodyTypes body_types) {
  std::vector<std::string> segments = split_path(pattern);
  routes_.push_back({std::move(method), std::move(pattern), std::move(segments), std::move(handler), std::move(summary),
                     std::move(body_types)});
}

void Router::set_error_shape(std::string prefix, std::function<void(HttpResponse&)> shape) {
  error_shapes_.emplace_back(std::move(prefix), std::move(shape));
}

void Router::shape_error(std::string_view path, HttpResponse& response) const {
  if (response.status < 400) return;
  const std::function<void(HttpResponse&)>* best = nullptr;
  size_t best_length = 0;
  for (const auto& [prefix, shape] : error_shapes_) {
    if (path.substr(0, prefix.size()) == prefix && prefix.size() >= best_length) {
      best = &shape;
      best_length = prefix.size();
    }
  }
  if (best) (*best)(response);
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
      if (auto refused = refuse_body_type(route, request)) return std::move(*refused);
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

}  // namespace careflow::http
