#pragma once
// What a job does after it fails, configured with Flink's keys (SET in the statement's session, or
// careflow's defaults): 'restart-strategy.type' = 'fixed-delay' | 'exponential-delay' | 'none'
// (Flink's aliases 'fixeddelay', 'exponentialdelay', 'off', 'disable' too), with
//   restart-strategy.fixed-delay.attempts (default 1) and .delay (default 1 s), or
//   restart-strategy.exponential-delay.initial-backoff (1 s), .max-backoff (1 min),
//   .backoff-multiplier (1.5) and .attempts-before-reset-backoff (default: no limit).
// Durations are Flink's: "500 ms", "10 s", "2 min", "1 h", or a number of milliseconds. Jitter
// and the reset threshold are not applied (docs/jobs.md).

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "common/status.h"

namespace careflow::jobs {

struct RestartStrategy {
  enum class Type { kNone, kFixedDelay, kExponentialDelay };
  Type type = Type::kFixedDelay;
  int64_t max_attempts = 1;  // restarts allowed; < 0 = no limit
  std::chrono::milliseconds delay{1000};       // fixed-delay; exponential: the first backoff
  std::chrono::milliseconds max_delay{60000};  // exponential
  double multiplier = 1.5;                     // exponential

  // The delay before restart number `restart` (1 = the first), or nullopt when no restart is left.
  std::optional<std::chrono::milliseconds> delay_before(int64_t restart) const;
  // "fixed-delay (1 attempt, 1000 ms apart)", for DESCRIBE JOB.
  std::string describe() const;
};

// From the 'restart-strategy.*' keys of `settings` (others are ignored); InvalidArgument naming the
// key and its value when one does not parse.
Result<RestartStrategy> restart_strategy_from(const std::map<std::string, std::string>& settings);

// "500 ms", "10s", "2 min", "1 h", "250" (milliseconds) → milliseconds; InvalidArgument otherwise.
Result<std::chrono::milliseconds> parse_flink_duration(const std::string& text);

}  // namespace careflow::jobs
