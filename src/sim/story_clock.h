#pragma once
// The simulator's clock: the event time its readings and the device events carry.
//   real   wall-clock time: a round's readings are stamped when they are made
//   story  simulated time as the reference stack's simulator has it: the first round at a start
//          some days back, each later round one step (5 minutes by default) further, so an hour of
//          event time passes in 12 rounds (12 s at one round a second) and hourly windows, "out of
//          range for X minutes" and three consecutive windows fill within a minute of wall time.
//          Story time only moves when a round runs: stopped, it stands still (and resumes from there).
//
// Thread-safe: the simulator's thread advances it, the API's threads read it.

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace careflow::sim {

enum class TimeMode { kReal, kStory };

struct StoryTimeOptions {
  TimeMode mode = TimeMode::kReal;
  int64_t start_ms = 0;    // story: the first round's time, epoch milliseconds
  int64_t step_ms = 300000;  // story: event time between two rounds
};

// "real" or "story"; InvalidArgument naming simulator.time otherwise.
Result<TimeMode> parse_time_mode(std::string_view name);

// The story's start from simulator.story_start, relative to `now_ms`:
//   ""                      three days before now, at the start of that hour (the default)
//   "-<N>d", "-<N>h", "-<N>m"  N days, hours or minutes before now, at the start of that minute
//   "YYYY-MM-DDTHH:MM:SSZ"  that instant (UTC)
// InvalidArgument naming simulator.story_start and the accepted forms otherwise.
Result<int64_t> parse_story_start(std::string_view text, int64_t now_ms);

class StoryClock {
 public:
  explicit StoryClock(StoryTimeOptions options);

  TimeMode mode() const { return options_.mode; }
  // The time of the round that ran last (story; the start before any), or the wall clock (real):
  // what a device event happening now is stamped with.
  int64_t now() const;
  // The next round's time, and story time moves on to it.
  int64_t next_round();
  // Story time resumes after `ms` when that is later than where it stands (records already on the
  // topics from an earlier run): event time never goes backwards across restarts. No-op in real time.
  void resume_after(int64_t ms);
  // {"mode": "story"|"real", "now": ms, "nowIso": "2026-...Z", "stepMs": ms|null, "startMs": ms|null}
  nlohmann::json status() const;

 private:
  const StoryTimeOptions options_;
  std::atomic<int64_t> last_round_;   // story: the latest round's time
  std::atomic<bool> started_{false};  // story: a round has run (the next one is last + step)
};

}  // namespace careflow::sim
