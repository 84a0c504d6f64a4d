#pragma once
// Structured logging to stderr (spdlog): one line per event,
//   2026-11-25T01:02:03.456Z INFO  log segment rolled topic=orders partition=3 path="/var/a b"
// Time is UTC with milliseconds; the level is upper case, padded to five characters. Field values
// are formatted with fmt ("{}"), and quoted (with \" and \\ escaped, newlines as spaces) when
// they are empty or contain a space, tab, newline, '"' or '=', so a line splits unambiguously.
//
//   log_info("log", "segment rolled", {{"topic", tp.topic}, {"partition", tp.partition}});
//
// Thread safety: every function may be called from many threads at once; lines never interleave.
// init_logging is meant to be called once, early in main; until then events are logged at info
// level in the same format.

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace careflow {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError };

// One key=value pair; the value is anything fmt can format (strings, numbers, bools, ...).
struct LogField {
  template <typename T>
  LogField(std::string_view k, const T& v) : key(k), value(fmt::format("{}", v)) {}  // NOLINT: implicit by design

  std::string_view key;
  std::string value;
};
using LogFields = std::vector<LogField>;

// Sets up the stderr logger with careflow's format at `level` (trace, debug, info, warn, error).
// InvalidArgument naming the allowed levels for anything else; the logger is then left unchanged.
Status init_logging(std::string_view level);
Result<LogLevel> parse_log_level(std::string_view level);
// Whether an event at `level` would be printed: lets a hot path skip building its fields.
bool log_enabled(LogLevel level);

// "component message k=v k2="v 2"": what log_event prints after the time and the level.
std::string format_log_line(std::string_view component, std::string_view message, const LogFields& fields);

void log_event(LogLevel level, std::string_view component, std::string_view message, const LogFields& fields = {});
inline void log_trace(std::string_view c, std::string_view m, const LogFields& f = {}) { log_event(LogLevel::kTrace, c, m, f); }
inline void log_debug(std::string_view c, std::string_view m, const LogFields& f = {}) { log_event(LogLevel::kDebug, c, m, f); }
inline void log_info(std::string_view c, std::string_view m, const LogFields& f = {}) { log_event(LogLevel::kInfo, c, m, f); }
inline void log_warn(std::string_view c, std::string_view m, const LogFields& f = {}) { log_event(LogLevel::kWarn, c, m, f); }
inline void log_error(std::string_view c, std::string_view m, const LogFields& f = {}) { log_event(LogLevel::kError, c, m, f); }

}  // namespace careflow
