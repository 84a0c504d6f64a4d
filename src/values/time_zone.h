#pragma once
// Time zones for the temporal functions: fixed offsets ("UTC", "GMT+08:00", "+05:30", "UTC-3")
// and region ids ("Europe/Paris") read from the system's tzdata (TZif files under
// /usr/share/zoneinfo). g++ 12's libstdc++ has no std::chrono::locate_zone, hence this reader.
// Instants after the last transition in the file (2037 in Debian's "fat" files) keep the last
// offset; the POSIX rule in the file's footer is not evaluated.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace careflow::values {

class TimeZone {
 public:
  // nullptr when the id is neither a fixed offset nor a zone file.
  static std::shared_ptr<const TimeZone> find(std::string_view id);
  // Like find, but falls back to UTC (java.util.TimeZone.getTimeZone does the same for unknown ids).
  static std::shared_ptr<const TimeZone> find_or_utc(std::string_view id);

  // Offset from UTC in seconds at a UTC instant (µs since epoch).
  int64_t offset_at_utc(int64_t utc_micros) const;
  // UTC instant of a local date-time (µs), as java.time's ZonedDateTime.of resolves it: in a gap
  // the local time moves forward by the gap's length, in an overlap the earlier offset wins.
  int64_t local_to_utc(int64_t local_micros) const;
  int64_t utc_to_local(int64_t utc_micros) const { return utc_micros + offset_at_utc(utc_micros) * 1'000'000; }

  const std::string& id() const { return id_; }

 private:
  std::string id_;
  int64_t fixed_offset_ = 0;
  std::vector<int64_t> transitions_;  // UTC seconds
  std::vector<int32_t> offsets_;      // offset after each transition
  int32_t initial_offset_ = 0;        // before the first transition
};

// Parses "+08:00", "-0330", "+8", "GMT+08:00", "UTC-3", "Z", "UTC", "GMT" into seconds east of
// UTC; false when the text is not a fixed offset.
bool parse_fixed_offset(std::string_view id, int64_t* seconds);

}  // namespace careflow::values
