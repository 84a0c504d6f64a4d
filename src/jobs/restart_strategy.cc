#include "jobs/restart_strategy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace careflow::jobs {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

const std::string* find(const std::map<std::string, std::string>& settings, const std::string& key) {
  auto it = settings.find(key);
  return it == settings.end() ? nullptr : &it->second;
}

Result<int64_t> parse_count(const std::string& key, const std::string& text) {
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < 0) {
    return Status::invalid_argument(fmt::format("'{}' must be a whole number of at least 0, got '{}'", key, text));
  }
  return static_cast<int64_t>(v);
}

}  // namespace

Result<std::chrono::milliseconds> parse_flink_duration(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  size_t digits = i;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == digits || i - digits > 15) return Status::invalid_argument(fmt::format("'{}' is not a duration such as '10 s'", text));
  const int64_t n = std::stoll(text.substr(digits, i - digits));
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  std::string unit = lower(text.substr(i));
  while (!unit.empty() && std::isspace(static_cast<unsigned char>(unit.back()))) unit.pop_back();
  // Flink's TimeUtils units.
  static const std::map<std::string, int64_t> kUnits = {
      {"", 1},          {"ms", 1},          {"milli", 1},      {"millis", 1},       {"millisecond", 1},  {"milliseconds", 1},
      {"s", 1000},      {"sec", 1000},      {"secs", 1000},    {"second", 1000},    {"seconds", 1000},   {"m", 60000},
      {"min", 60000},   {"mins", 60000},    {"minute", 60000}, {"minutes", 60000},  {"h", 3600000},      {"hour", 3600000},
      {"hours", 3600000}, {"d", 86400000}, {"day", 86400000}, {"days", 86400000}};
  auto u = kUnits.find(unit);
  if (u == kUnits.end()) {
    return Status::invalid_argument(fmt::format("'{}' has an unknown time unit '{}' (ms, s, min, h or d)", text, unit));
  }
  return std::chrono::milliseconds(n * u->second);
}

Result<RestartStrategy> restart_strategy_from(const std::map<std::string, std::string>& settings) {
  RestartStrategy r;
  if (const std::string* t = find(settings, "restart-strategy.type")) {
    const std::string type = lower(*t);
    if (type == "none" || type == "off" || type == "disable" || type == "no-restart") r.type = RestartStrategy::Type::kNone;
    else if (type == "fixed-delay" || type == "fixeddelay") r.type = RestartStrategy::Type::kFixedDelay;
    else if (type == "exponential-delay" || type == "exponentialdelay") r.type = RestartStrategy::Type::kExponentialDelay;
    else {
      return Status::invalid_argument(fmt::format(
          "'restart-strategy.type' is '{}'; careflow knows 'fixed-delay', 'exponential-delay' and 'none'", *t));
    }
  }
  auto duration = [&](const std::string& key, std::chrono::milliseconds* out) -> Status {
    const std::string* v = find(settings, key);
    if (!v) return Status::ok();
    auto d = parse_flink_duration(*v);
    if (!d) return Status::invalid_argument(fmt::format("'{}': {}", key, d.status().message()));
    *out = *d;
    return Status::ok();
  };
  if (r.type == RestartStrategy::Type::kFixedDelay) {
    if (const std::string* a = find(settings, "restart-strategy.fixed-delay.attempts")) {
      CF_ASSIGN_OR_RETURN(r.max_attempts, parse_count("restart-strategy.fixed-delay.attempts", *a));
    }
    CF_RETURN_IF_ERROR(duration("restart-strategy.fixed-delay.delay", &r.delay));
  } else if (r.type == RestartStrategy::Type::kExponentialDelay) {
    r.max_attempts = -1;
    if (const std::string* a = find(settings, "restart-strategy.exponential-delay.attempts-before-reset-backoff")) {
      CF_ASSIGN_OR_RETURN(r.max_attempts, parse_count("restart-strategy.exponential-delay.attempts-before-reset-backoff", *a));
    }
    CF_RETURN_IF_ERROR(duration("restart-strategy.exponential-delay.initial-backoff", &r.delay));
    CF_RETURN_IF_ERROR(duration("restart-strategy.exponential-delay.max-backoff", &r.max_delay));
    if (const std::string* m = find(settings, "restart-strategy.exponential-delay.backoff-multiplier")) {
      char* end = nullptr;
      r.multiplier = std::strtod(m->c_str(), &end);
      if (m->empty() || *end != '\0' || !(r.multiplier >= 1.0) || !std::isfinite(r.multiplier)) {
        return Status::invalid_argument(fmt::format(
            "'restart-strategy.exponential-delay.backoff-multiplier' must be a number of at least 1, got '{}'", *m));
      }
    }
  } else {
    r.max_attempts = 0;
  }
  return r;
}

std::optional<std::chrono::milliseconds> RestartStrategy::delay_before(int64_t restart) const {
  if (type == Type::kNone || restart < 1) return std::nullopt;
  if (max_attempts >= 0 && restart > max_attempts) return std::nullopt;
  if (type == Type::kFixedDelay) return delay;
  double ms = static_cast<double>(delay.count()) * std::pow(multiplier, static_cast<double>(restart - 1));
  ms = std::min(ms, static_cast<double>(max_delay.count()));
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

std::string RestartStrategy::describe() const {
  switch (type) {
    case Type::kNone: return "none (a failure is final)";
    case Type::kFixedDelay:
      return fmt::format("fixed-delay ({} attempt{}, {} ms apart)", max_attempts, max_attempts == 1 ? "" : "s", delay.count());
    case Type::kExponentialDelay:
      return fmt::format("exponential-delay ({} attempts, first {} ms, times {} each time, at most {} ms)",
                         max_attempts < 0 ? std::string("unlimited") : std::to_string(max_attempts), delay.count(), multiplier,
                         max_delay.count());
  }
  return "";
}

}  // namespace careflow::jobs
