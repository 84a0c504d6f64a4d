#pragma once
// Structured logging to stderr (spdlog): one line per event,
//   2026-11-25T01:02:03.456Z INFO  log segment rolled topic=orders partition=3 path="/var/a b"
// Values with spaces, quotes or '=' are quoted. Safe from many threads.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace careflow {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError };

using LogFields = std::vector<std::pair<std::string_view, std::string>>;

// Sets up the stderr logger with careflow's format. InvalidArgument for an unknown level name.
Status init_logging(std::string_view level);
Result<LogLevel> parse_log_level(std::string_view level);

// "component message k=v k2="v 2"" — what log_event prints after the time and level.
std::string format_log_line(std::string_view component, std::string_view message, const LogFields& fields);

void log_event(LogLevel level, std::string_view component, std::string_view message, const LogFields& fields = {});
inline void log_info(std::string_view c, std::string_view m, const LogFields& f = {}) { log_event(LogLevel::kInfo, c, m, f); }
inline void log_warn(std::string_view c, std::string_view m, const LogFields& f = {}) { log_event(LogLevel::kWarn, c, m, f); }
inline void log_error(std::string_view c, std::string_view m, const LogFields& f = {}) { log_event(LogLevel::kError, c, m, f); }
inline void log_debug(std::string_view c, std::string_view m, const LogFields& f = {}) { log_event(LogLevel::kDebug, c, m, f); }

}  // namespace careflow
