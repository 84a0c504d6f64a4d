#pragma once
// The built web app (web/dist) served from disk: files by path, index.html for every other
// extension-less path so the single-page app's routes work on reload.

#include <optional>
#include <string>

#include "http/http_types.h"

namespace careflow::http {

// The response for `path` under `root`, or nullopt when there is nothing to serve (a missing
// asset, a path escaping the root). Never reads outside `root`.
std::optional<HttpResponse> serve_static_file(const std::string& root, const std::string& path);

}  // namespace careflow::http
