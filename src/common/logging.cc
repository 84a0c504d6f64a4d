#include "common/logging.h"

#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace careflow {
namespace {

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace: return spdlog::level::trace;
    case LogLevel::kDebug: return spdlog::level::debug;
    case LogLevel::kInfo: return spdlog::level::info;
    case LogLevel::kWarn: return spdlog::level::warn;
    case LogLevel::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\n' || c == '\t') return true;
  }
  return false;
}

}  // namespace

Result<LogLevel> parse_log_level(std::string_view level) {
  if (level == "trace") return LogLevel::kTrace;
  if (level == "debug") return LogLevel::kDebug;
  if (level == "info") return LogLevel::kInfo;
  if (level == "warn") return LogLevel::kWarn;
  if (level == "error") return LogLevel::kError;
  return Status::invalid_argument(fmt::format("unknown log level '{}'; use trace, debug, info, warn or error", level));
}

Status init_logging(std::string_view level) {
  CF_ASSIGN_OR_RETURN(LogLevel parsed, parse_log_level(level));
  auto logger = std::make_shared<spdlog::logger>("careflow", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  // UTC ISO-8601 with milliseconds; log_event writes the level itself, upper-case and padded.
  logger->set_formatter(std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%eZ %v", spdlog::pattern_time_type::utc));
  logger->set_level(to_spdlog(parsed));
  spdlog::set_default_logger(logger);
  return Status::ok();
}

std::string format_log_line(std::string_view component, std::string_view message, const LogFields& fields) {
  std::string line = fmt::format("{} {}", component, message);
  for (const auto& [key, value] : fields) {
    if (needs_quotes(value)) {
      std::string escaped;
      for (char c : value) {
        if (c == '"' || c == '\\') escaped.push_back('\\');
        escaped.push_back(c == '\n' ? ' ' : c);
      }
      line += fmt::format(" {}=\"{}\"", key, escaped);
    } else {
      line += fmt::format(" {}={}", key, value);
    }
  }
  return line;
}

void log_event(LogLevel level, std::string_view component, std::string_view message, const LogFields& fields) {
  const auto spd = to_spdlog(level);
  if (!spdlog::should_log(spd)) return;
  static constexpr const char* kNames[] = {"TRACE", "DEBUG", "INFO ", "WARN ", "ERROR"};
  spdlog::log(spd, "{} {}", kNames[static_cast<int>(level)], format_log_line(component, message, fields));
}

}  // namespace careflow
