#include "values/datetime.h"

#include <fmt/format.h>

#include <cctype>

namespace careflow::values {

// Howard Hinnant's days_from_civil / civil_from_days (public domain algorithms).
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {y + (m <= 2), m, d};
}

bool is_leap_year(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int64_t year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

std::string format_date(int64_t days) {
  CivilDate c = civil_from_days(days);
  return fmt::format("{:04d}-{:02d}-{:02d}", c.year, c.month, c.day);
}

namespace {

std::string fraction(int64_t micros_of_second, int precision) {
  if (precision <= 0) return "";
  std::string digits = fmt::format("{:06d}", micros_of_second);
  while (static_cast<int>(digits.size()) < precision) digits += '0';
  return "." + digits.substr(0, static_cast<size_t>(precision));
}

}  // namespace

std::string format_time(int64_t millis_of_day, int precision) {
  int64_t s = millis_of_day / 1000;
  return fmt::format("{:02d}:{:02d}:{:02d}{}", s / 3600, s / 60 % 60, s % 60,
                     fraction(millis_of_day % 1000 * 1000, precision));
}

std::string format_timestamp(int64_t micros, int precision) {
  int64_t days = floor_div(micros, kMicrosPerDay);
  int64_t of_day = floor_mod(micros, kMicrosPerDay);
  int64_t s = of_day / kMicrosPerSecond;
  return fmt::format("{} {:02d}:{:02d}:{:02d}{}", format_date(days), s / 3600, s / 60 % 60, s % 60,
                     fraction(of_day % kMicrosPerSecond, precision));
}

int64_t truncate_micros(int64_t micros, int precision) {
  if (precision >= 6) return micros;
  int64_t unit = 1;
  for (int i = precision; i < 6; ++i) unit *= 10;
  return floor_div(micros, unit) * unit;
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Reads 1..max_digits digits; false when none.
bool read_int(std::string_view& s, int max_digits, int64_t* out) {
  int n = 0;
  int64_t v = 0;
  while (n < max_digits && !s.empty() && std::isdigit(static_cast<unsigned char>(s.front()))) {
    v = v * 10 + (s.front() - '0');
    s.remove_prefix(1);
    ++n;
  }
  *out = v;
  return n > 0;
}

bool eat(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

std::optional<int64_t> date_prefix(std::string_view& s) {
  int64_t y, m, d;
  bool negative = eat(s, '-');
  if (!read_int(s, 9, &y) || !eat(s, '-') || !read_int(s, 2, &m) || !eat(s, '-') || !read_int(s, 2, &d)) {
    return std::nullopt;
  }
  if (negative) y = -y;
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, static_cast<int>(m))) return std::nullopt;
  return days_from_civil(y, static_cast<int>(m), static_cast<int>(d));
}

// H:m[:s[.f...]] → µs of day.
std::optional<int64_t> time_micros(std::string_view& s) {
  int64_t h, m, sec = 0, frac = 0;
  if (!read_int(s, 2, &h) || !eat(s, ':') || !read_int(s, 2, &m)) return std::nullopt;
  if (eat(s, ':')) {
    if (!read_int(s, 2, &sec)) return std::nullopt;
    if (eat(s, '.')) {
      int digits = 0;
      while (!s.empty() && std::isdigit(static_cast<unsigned char>(s.front()))) {
        if (digits < 6) frac = frac * 10 + (s.front() - '0');
        ++digits;
        s.remove_prefix(1);
      }
      if (digits == 0) return std::nullopt;
      for (int i = digits; i < 6; ++i) frac *= 10;
    }
  }
  if (h > 23 || m > 59 || sec > 59) return std::nullopt;
  return ((h * 60 + m) * 60 + sec) * kMicrosPerSecond + frac;
}

}  // namespace

std::optional<int64_t> parse_date(std::string_view text) {
  std::string_view s = trim(text);
  auto d = date_prefix(s);
  if (!d || !s.empty()) return std::nullopt;
  return d;
}

std::optional<int64_t> parse_time_millis(std::string_view text) {
  std::string_view s = trim(text);
  auto t = time_micros(s);
  if (!t || !s.empty()) return std::nullopt;
  return *t / kMicrosPerMilli;
}

std::optional<int64_t> parse_timestamp_micros(std::string_view text) {
  std::string_view s = trim(text);
  auto d = date_prefix(s);
  if (!d) return std::nullopt;
  if (s.empty()) return *d * kMicrosPerDay;
  if (!eat(s, ' ') && !eat(s, 'T')) return std::nullopt;
  auto t = time_micros(s);
  if (!t) return std::nullopt;
  eat(s, 'Z');
  if (!s.empty()) return std::nullopt;
  return *d * kMicrosPerDay + *t;
}

}  // namespace careflow::values
