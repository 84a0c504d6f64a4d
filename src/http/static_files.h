#pragma once
// The built web app (web/dist) served from disk: files by path and index.html for the root. The
// app's own routes live in the URL's fragment (/#/telemetry), which never reaches the server, so
// there is no fallback to index.html for other paths: an unknown path is a 404.

#include <optional>
#include <string>

#include "http/http_types.h"

namespace careflow::http {

// The response for `path` under `root`, or nullopt when there is nothing to serve (a missing
// asset, a path escaping the root). Never reads outside `root`.
std::optional<HttpResponse> serve_static_file(const std::string& root, const std::string& path);

}  // namespace careflow::http
