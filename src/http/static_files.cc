#include "http/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace careflow::http {
namespace {

namespace fs = std::filesystem;

std::string content_type_of(const fs::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

std::optional<HttpResponse> read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream body;
  body << in.rdbuf();
  HttpResponse r;
  r.content_type = content_type_of(file);
  r.body = body.str();
  // Vite puts a content hash in asset names, so they can be cached for good; index.html cannot.
  r.headers.emplace_back("Cache-Control", file.parent_path().filename() == "assets" ? "public, max-age=31536000, immutable"
                                                                                    : "no-cache");
  return r;
}

}  // namespace

std::optional<HttpResponse> serve_static_file(const std::string& root, const std::string& path) {
  std::error_code ec;
  const fs::path base = fs::weakly_canonical(root, ec);
  if (ec || !fs::is_directory(base)) return std::nullopt;
  const fs::path wanted = fs::weakly_canonical(base / fs::path(path).relative_path(), ec);
  if (ec) return std::nullopt;
  const auto [end, _] = std::mismatch(base.begin(), base.end(), wanted.begin(), wanted.end());
  if (end != base.end()) return std::nullopt;  // escapes the root
  if (fs::is_regular_file(wanted)) return read_file(wanted);
  // The web app routes on the URL's fragment (/#/devices), so its only page is the root: any other
  // path no file answers stays a 404 (the API's JSON one), never the app's HTML with a 200.
  if (wanted == base) return read_file(base / "index.html");
  return std::nullopt;
}

}  // namespace careflow::http
