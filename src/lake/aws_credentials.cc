#include "lake/aws_credentials.h"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <optional>

#include "common/ascii_case.h"

namespace careflow::lake::s3 {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The `key = value` lines of one [section] of an INI file as AWS's tools write it (keys lower-cased;
// '#' and ';' lines are comments); nullopt when the file has no such section.
std::optional<std::map<std::string, std::string>> ini_section(std::istream& in, std::string_view section) {
  std::optional<std::map<std::string, std::string>> out;
  bool inside = false;
  std::string line;
  while (std::getline(in, line)) {
    std::string_view l = trim(line);
    if (l.empty() || l.front() == '#' || l.front() == ';') continue;
    if (l.front() == '[' && l.back() == ']') {
      inside = trim(l.substr(1, l.size() - 2)) == section;
      if (inside && !out) out.emplace();
      continue;
    }
    if (!inside) continue;
    const size_t eq = l.find('=');
    if (eq == std::string_view::npos) continue;
    (*out)[to_lower(trim(l.substr(0, eq)))] = std::string(trim(l.substr(eq + 1)));
  }
  return out;
}

}  // namespace

Result<Credentials> find_credentials(const EnvLookup& env) {
  Credentials c{env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), env("AWS_SESSION_TOKEN")};
  if (c.access_key_id.empty() != c.secret_access_key.empty()) {
    return Status::invalid_argument("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together");
  }
  if (!c.access_key_id.empty()) return c;

  const std::string named_profile = env("AWS_PROFILE");
  const std::string profile = named_profile.empty() ? "default" : named_profile;
  std::string path = env("AWS_SHARED_CREDENTIALS_FILE");
  const bool named_file = !path.empty();
  if (!named_file) {
    const std::string home = env("HOME");
    if (home.empty()) {
      if (!named_profile.empty()) return Status::invalid_argument(fmt::format("AWS_PROFILE '{}': no HOME to find ~/.aws/credentials in", profile));
      return Credentials{};
    }
    path = home + "/.aws/credentials";
  }
  std::ifstream in(path);
  if (!in) {
    // No file is no credentials (anonymous), unless the user pointed at a file or a profile.
    if (named_file || !named_profile.empty()) {
      return Status::invalid_argument(fmt::format("AWS profile '{}': cannot read the credentials file {}", profile, path));
    }
    return Credentials{};
  }
  std::optional<std::map<std::string, std::string>> section = ini_section(in, profile);
  if (!section) {
    if (!named_profile.empty()) return Status::invalid_argument(fmt::format("AWS_PROFILE '{}': no such profile in {}", profile, path));
    return Credentials{};
  }
  auto get = [&](const char* key) {
    auto it = section->find(key);
    return it == section->end() ? std::string() : it->second;
  };
  c = {get("aws_access_key_id"), get("aws_secret_access_key"), get("aws_session_token")};
  if (c.access_key_id.empty() != c.secret_access_key.empty()) {
    return Status::invalid_argument(
        fmt::format("{}: profile '{}' has only one of aws_access_key_id and aws_secret_access_key", path, profile));
  }
  return c;
}

}  // namespace careflow::lake::s3
