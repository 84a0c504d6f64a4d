#include "exec/checkpoint/checkpoint_settings.h"

#include <fmt/format.h>

#include <cctype>

namespace careflow::exec {

Result<std::chrono::milliseconds> parse_flink_duration(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  size_t digits = i;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == digits || i - digits > 15) return Status::invalid_argument(fmt::format("'{}' is not a duration (such as '3 s' or '500 ms')", text));
  const int64_t n = std::stoll(text.substr(digits, i - digits));
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  std::string unit;
  for (; i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])); ++i) {
    unit.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(text[i]))));
  }
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  if (i != text.size()) return Status::invalid_argument(fmt::format("'{}' is not a duration (such as '3 s' or '500 ms')", text));
  // Flink's TimeUtils units.
  static const std::map<std::string, int64_t> kUnits = {
      {"", 1},       {"ms", 1},          {"milli", 1},       {"millis", 1},   {"millisecond", 1}, {"milliseconds", 1},
      {"s", 1000},   {"sec", 1000},      {"secs", 1000},     {"second", 1000}, {"seconds", 1000},
      {"min", 60000}, {"m", 60000},      {"minute", 60000},  {"minutes", 60000},
      {"h", 3600000}, {"hour", 3600000}, {"hours", 3600000}, {"d", 86400000}, {"day", 86400000}, {"days", 86400000}};
  auto u = kUnits.find(unit);
  if (u == kUnits.end()) return Status::invalid_argument(fmt::format("'{}' has an unknown time unit '{}' (ms, s, min, h, d)", text, unit));
  return std::chrono::milliseconds(n * u->second);
}

namespace {

const std::string* first_of(const std::map<std::string, std::string>& options, std::initializer_list<const char*> keys,
                            std::string* which) {
  for (const char* k : keys) {
    auto it = options.find(k);
    if (it != options.end()) {
      *which = k;
      return &it->second;
    }
  }
  return nullptr;
}

Result<bool> parse_bool(const std::string& key, const std::string& v) {
  if (v == "true" || v == "TRUE" || v == "True") return true;
  if (v == "false" || v == "FALSE" || v == "False") return false;
  return Status::invalid_argument(fmt::format("'{}' must be true or false, not '{}'", key, v));
}

}  // namespace

Result<CheckpointSettings> parse_checkpoint_settings(const std::map<std::string, std::string>& options) {
  CheckpointSettings s;
  std::string key;
  if (const std::string* v = first_of(options, {"execution.checkpointing.dir", "state.checkpoints.dir"}, &key)) {
    s.directory = *v;
    // Flink's directories are URIs; a local one may be written file:///path.
    if (s.directory.rfind("file://", 0) == 0) s.directory = s.directory.substr(7);
  }
  if (const std::string* v = first_of(options, {"execution.checkpointing.interval"}, &key)) {
    auto d = parse_flink_duration(*v);
    if (!d.is_ok()) return d.status().with_context(fmt::format("'{}'", key));
    if (d->count() <= 0) return Status::invalid_argument(fmt::format("'{}' must be more than 0 ms", key));
    if (s.directory.empty()) {
      return Status::invalid_argument(fmt::format("'{}' is set but no checkpoint directory: set 'execution.checkpointing.dir'", key));
    }
    s.interval = *d;
  }
  if (const std::string* v = first_of(options, {"execution.checkpointing.incremental", "state.backend.incremental"}, &key)) {
    CF_ASSIGN_OR_RETURN(s.incremental, parse_bool(key, *v));
  }
  if (const std::string* v = first_of(options, {"execution.checkpointing.num-retained", "state.checkpoints.num-retained"}, &key)) {
    if (v->empty() || v->size() > 6 || v->find_first_not_of("0123456789") != std::string::npos || std::stoi(*v) < 1) {
      return Status::invalid_argument(fmt::format("'{}' must be a whole number of at least 1, not '{}'", key, *v));
    }
    s.num_retained = std::stoi(*v);
  }
  if (const std::string* v = first_of(options, {"execution.checkpointing.savepoint-dir", "state.savepoints.dir"}, &key)) {
    s.savepoint_dir = *v;
    if (s.savepoint_dir.rfind("file://", 0) == 0) s.savepoint_dir = s.savepoint_dir.substr(7);
  }
  if (const std::string* v = first_of(options, {"execution.state-recovery.path", "execution.savepoint.path"}, &key)) {
    s.restore_from = *v;
    if (s.restore_from.rfind("file://", 0) == 0) s.restore_from = s.restore_from.substr(7);
  }
  if (const std::string* v = first_of(options, {"execution.checkpointing.mode"}, &key)) {
    if (*v != "EXACTLY_ONCE" && *v != "AT_LEAST_ONCE") {
      return Status::invalid_argument(fmt::format("'{}' must be EXACTLY_ONCE or AT_LEAST_ONCE, not '{}'", key, *v));
    }
  }
  return s;
}

}  // namespace careflow::exec
