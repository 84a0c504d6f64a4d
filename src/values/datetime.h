#pragma once
// Calendar arithmetic on careflow's encodings (days since epoch, ms of day, µs since epoch), in
// the proleptic Gregorian calendar as Java's java.time uses it, and the text forms Flink prints
// and parses: 2024-01-31, 10:00:05.123, 2024-01-31 10:00:05.123.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace careflow::values {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerMilli = 1'000;
constexpr int64_t kMillisPerDay = 86'400'000;
constexpr int64_t kMicrosPerDay = 86'400'000'000;

struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

int64_t days_from_civil(int64_t year, int month, int day);
CivilDate civil_from_days(int64_t days);
bool is_leap_year(int64_t year);
int days_in_month(int64_t year, int month);

// Floor division and modulo, for negative timestamps (before 1970).
inline int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
inline int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

std::string format_date(int64_t days);
// ms of day with exactly `precision` fraction digits (0..3; more digits print as zeros).
std::string format_time(int64_t millis_of_day, int precision);
// µs since epoch as "yyyy-MM-dd HH:mm:ss" plus exactly `precision` fraction digits.
std::string format_timestamp(int64_t micros, int precision);

// Lenient parsers with Flink's accepted shapes; nullopt when the text is not a date/time.
// Dates: yyyy-M-d. Times: H:m[:s[.fff]]. Timestamps: date, then ' ' or 'T', then a time; a date
// alone is midnight.
std::optional<int64_t> parse_date(std::string_view text);
std::optional<int64_t> parse_time_millis(std::string_view text);
std::optional<int64_t> parse_timestamp_micros(std::string_view text);

// Truncates µs to `precision` fraction digits (TIMESTAMP(3) keeps milliseconds).
int64_t truncate_micros(int64_t micros, int precision);

}  // namespace careflow::values
