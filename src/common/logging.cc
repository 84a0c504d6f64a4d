#include "common/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>

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
    if (c == ' ' || c == '"' || c == '=' || c == '\n' || c == '\r' || c == '\t') return true;
  }
  return false;
}

void install_logger(LogLevel level) {
  // stderr_sink_mt serialises whole lines and flushes each one, so lines from many threads never
  // interleave and nothing is lost when the process is killed.
  auto logger = std::make_shared<spdlog::logger>("careflow", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  // UTC ISO-8601 with milliseconds; log_event writes the level itself, upper case and padded.
  logger->set_formatter(std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%eZ %v", spdlog::pattern_time_type::utc));
  logger->set_level(to_spdlog(level));
  spdlog::set_default_logger(std::move(logger));
}

// Events logged before init_logging (tests, library code run without main) still get careflow's
// format rather than spdlog's default one.
std::mutex install_mutex;
std::atomic<bool> installed{false};

void ensure_logger() {
  if (installed.load(std::memory_order_acquire)) return;
  std::lock_guard lock(install_mutex);
  if (installed.load(std::memory_order_relaxed)) return;
  install_logger(LogLevel::kInfo);
  installed.store(true, std::memory_order_release);
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
  std::lock_guard lock(install_mutex);
  install_logger(parsed);
  installed.store(true, std::memory_order_release);
  return Status::ok();
}

bool log_enabled(LogLevel level) {
  ensure_logger();
  return spdlog::should_log(to_spdlog(level));
}

std::string format_log_line(std::string_view component, std::string_view message, const LogFields& fields) {
  std::string line = fmt::format("{} {}", component, message);
  for (const LogField& field : fields) {
    if (!needs_quotes(field.value)) {
      line += fmt::format(" {}={}", field.key, field.value);
      continue;
    }
    std::string escaped;
    escaped.reserve(field.value.size() + 2);
    for (char c : field.value) {
      if (c == '"' || c == '\\') escaped.push_back('\\');
      escaped.push_back(c == '\n' || c == '\r' ? ' ' : c);
    }
    line += fmt::format(" {}=\"{}\"", field.key, escaped);
  }
  return line;
}

void log_event(LogLevel level, std::string_view component, std::string_view message, const LogFields& fields) {
  if (!log_enabled(level)) return;
  static constexpr const char* kNames[] = {"TRACE", "DEBUG", "INFO ", "WARN ", "ERROR"};
  spdlog::log(to_spdlog(level), "{} {}", kNames[static_cast<int>(level)], format_log_line(component, message, fields));
}

}  // namespace careflow
