#include "sim/story_clock.h"

#include <fmt/format.h>

#include <chrono>

#include "common/clock.h"
#include "common/numbers.h"

namespace careflow::sim {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;

Status bad_start(std::string_view text) {
  return Status::invalid_argument(fmt::format(
      "simulator.story_start must be empty (three days back), -<N>d, -<N>h, -<N>m or YYYY-MM-DDTHH:MM:SSZ, got '{}'", text));
}

// "YYYY-MM-DDTHH:MM:SSZ" -> epoch milliseconds.
std::optional<int64_t> parse_utc(std::string_view t) {
  if (t.size() != 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != 'Z') {
    return std::nullopt;
  }
  const auto y = parse_number<int>(t.substr(0, 4)), mo = parse_number<int>(t.substr(5, 2)),
             d = parse_number<int>(t.substr(8, 2)), h = parse_number<int>(t.substr(11, 2)),
             mi = parse_number<int>(t.substr(14, 2)), s = parse_number<int>(t.substr(17, 2));
  if (!y || !mo || !d || !h || !mi || !s || *y < 1970 || *h > 23 || *mi > 59 || *s > 59 || *mo < 1 || *d < 1) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{*y}, std::chrono::month{static_cast<unsigned>(*mo)},
                                         std::chrono::day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  const int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  return days * kDayMs + *h * kHourMs + *mi * kMinuteMs + *s * 1000;
}

std::string iso(int64_t ms) {
  const std::chrono::sys_time<std::chrono::milliseconds> t{std::chrono::milliseconds(ms)};
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{t - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count(), hms.subseconds().count());
}

}  // namespace

Result<TimeMode> parse_time_mode(std::string_view name) {
  if (name == "real") return TimeMode::kReal;
  if (name == "story") return TimeMode::kStory;
  return Status::invalid_argument(fmt::format("simulator.time must be \"story\" or \"real\", got '{}'", name));
}

Result<int64_t> parse_story_start(std::string_view text, int64_t now_ms) {
  if (text.empty()) return (now_ms - 3 * kDayMs) / kHourMs * kHourMs;
  if (text.front() == '-' && text.size() >= 3) {
    const char unit = text.back();
    const auto n = parse_number<int64_t>(text.substr(1, text.size() - 2));
    const int64_t unit_ms = unit == 'd' ? kDayMs : unit == 'h' ? kHourMs : unit == 'm' ? kMinuteMs : 0;
    // At most 100 years back: further is a typo, and would overflow nothing but mean nothing.
    if (!n || unit_ms == 0 || *n < 0 || *n > 36525 * kDayMs / unit_ms) return bad_start(text);
    return (now_ms - *n * unit_ms) / kMinuteMs * kMinuteMs;
  }
  if (auto at = parse_utc(text)) return *at;
  return bad_start(text);
}

StoryClock::StoryClock(StoryTimeOptions options) : options_(options), last_round_(options.start_ms) {}

int64_t StoryClock::now() const {
  return options_.mode == TimeMode::kReal ? wall_clock_ms() : last_round_.load();
}

int64_t StoryClock::next_round() {
  if (options_.mode == TimeMode::kReal) return wall_clock_ms();
  // Only the simulator's thread advances: no two rounds race here.
  const int64_t next = started_.exchange(true) ? last_round_.load() + options_.step_ms : last_round_.load();
  last_round_ = next;
  return next;
}

void StoryClock::resume_after(int64_t ms) {
  if (options_.mode == TimeMode::kReal || ms < last_round_.load()) return;
  last_round_ = ms;
  started_ = true;
}

nlohmann::json StoryClock::status() const {
  const bool story = options_.mode == TimeMode::kStory;
  const int64_t at = now();
  return {{"mode", story ? "story" : "real"},
          {"now", at},
          {"nowIso", iso(at)},
          {"stepMs", story ? nlohmann::json(options_.step_ms) : nlohmann::json(nullptr)},
          {"startMs", story ? nlohmann::json(options_.start_ms) : nlohmann::json(nullptr)}};
}

}  // namespace careflow::sim
