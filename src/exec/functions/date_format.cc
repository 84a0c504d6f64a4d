#include "exec/functions/date_format.h"

#include <fmt/format.h>

#include <cctype>
#include <vector>

#include "exec/functions/helpers.h"
#include "values/datetime.h"

namespace careflow::exec::fn {
namespace {

using values::civil_from_days;
using values::days_from_civil;
using values::floor_div;
using values::floor_mod;
using values::kMicrosPerDay;
using Token = DateTimePattern::Token;

const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                         "July",    "August",   "September", "October", "November", "December"};
const char* kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

std::vector<Token> tokenize(std::string_view p) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < p.size()) {
    char c = p[i];
    if (std::isalpha(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < p.size() && p[j] == c) ++j;
      out.push_back({c, static_cast<int>(j - i), {}});
      i = j;
    } else if (c == '\'') {
      std::string lit;
      size_t j = i + 1;
      if (j < p.size() && p[j] == '\'') {
        lit = "'";
        j += 1;
      } else {
        while (j < p.size()) {
          if (p[j] == '\'') {
            if (j + 1 < p.size() && p[j + 1] == '\'') {
              lit += '\'';
              j += 2;
              continue;
            }
            ++j;
            break;
          }
          lit += p[j++];
        }
      }
      if (!out.empty() && out.back().letter == 0) {
        out.back().literal += lit;
      } else {
        out.push_back({0, 0, lit});
      }
      i = j;
    } else {
      if (!out.empty() && out.back().letter == 0) {
        out.back().literal += c;
      } else {
        out.push_back({0, 0, std::string(1, c)});
      }
      ++i;
    }
  }
  return out;
}

// Appends v with at least `width` digits (zero-padded; a minus sign before the zeros).
void append_padded(std::string& out, int64_t v, int width) {
  uint64_t a = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  char digits[20];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + a % 10);
    a /= 10;
  } while (a != 0);
  if (v < 0) out += '-';
  if (width > n) out.append(static_cast<size_t>(width - n), '0');
  while (n > 0) out += digits[--n];
}

void append_offset(std::string& out, int64_t off, bool colon, bool with_minutes_always, bool z_for_zero) {
  if (off == 0 && z_for_zero) {
    out += 'Z';
    return;
  }
  int64_t a = off < 0 ? -off : off;
  out += off < 0 ? '-' : '+';
  append_padded(out, a / 3600, 2);
  int64_t m = a / 60 % 60;
  if (with_minutes_always || m != 0) {
    if (colon) out += ':';
    append_padded(out, m, 2);
  }
}

bool is_numeric_letter(char c) {
  return c == 'y' || c == 'Y' || c == 'u' || c == 'd' || c == 'D' || c == 'H' || c == 'k' || c == 'K' || c == 'h' ||
         c == 'm' || c == 's' || c == 'S' || c == 'n' || c == 'A' || c == 'M' || c == 'L';
}

bool is_zone_letter(char c) { return c == 'X' || c == 'x' || c == 'Z' || c == 'z' || c == 'V' || c == 'O'; }

}  // namespace

DateTimePattern::DateTimePattern(std::string_view pattern) : pattern_(pattern), tokens_(tokenize(pattern)) {
  for (const Token& t : tokens_) uses_zone_ = uses_zone_ || is_zone_letter(t.letter);
}

std::string DateTimePattern::format(int64_t local_micros, int64_t offset_seconds, std::string_view zone_id,
                                    const char* function) const {
  const int64_t days = floor_div(local_micros, kMicrosPerDay);
  const int64_t of_day = floor_mod(local_micros, kMicrosPerDay);
  const values::CivilDate c = civil_from_days(days);
  const int64_t hour = of_day / 3'600'000'000, minute = of_day / 60'000'000 % 60, second = of_day / 1'000'000 % 60;
  const int64_t micros = of_day % 1'000'000;
  const int dow = static_cast<int>(floor_mod(days + 3, 7));  // 0 = Monday (1970-01-01 was a Thursday)
  std::string out;
  for (const Token& t : tokens_) {
    if (t.letter == 0) {
      out += t.literal;
      continue;
    }
    const int n = t.count;
    switch (t.letter) {
      case 'G': out += c.year > 0 ? "AD" : "BC"; break;
      case 'y':
      case 'u':
      case 'Y':
        if (n == 2) {
          append_padded(out, floor_mod(c.year, 100), 2);
        } else {
          append_padded(out, c.year, n);
        }
        break;
      case 'M':
      case 'L':
        if (n >= 4) {
          out += kMonths[c.month - 1];
        } else if (n == 3) {
          out.append(kMonths[c.month - 1], 3);
        } else {
          append_padded(out, c.month, n);
        }
        break;
      case 'd': append_padded(out, c.day, n); break;
      case 'D': append_padded(out, days - days_from_civil(c.year, 1, 1) + 1, n); break;
      case 'E':
        if (n >= 4) {
          out += kDays[dow];
        } else {
          out.append(kDays[dow], 3);
        }
        break;
      case 'e': append_padded(out, (dow + 1) % 7 + 1, n); break;  // localized (Sunday first), as in the US locale
      case 'a': out += hour < 12 ? "AM" : "PM"; break;
      case 'H': append_padded(out, hour, n); break;
      case 'k': append_padded(out, hour == 0 ? 24 : hour, n); break;
      case 'K': append_padded(out, hour % 12, n); break;
      case 'h': append_padded(out, hour % 12 == 0 ? 12 : hour % 12, n); break;
      case 'm': append_padded(out, minute, n); break;
      case 's': append_padded(out, second, n); break;
      case 'S': {
        // The first n digits of the nanoseconds (micros * 1000), zero-padded on the right.
        char frac[9];
        int64_t nanos = micros * 1000;
        for (int k = 8; k >= 0; --k, nanos /= 10) frac[k] = static_cast<char>('0' + nanos % 10);
        out.append(frac, static_cast<size_t>(n < 9 ? n : 9));
        if (n > 9) out.append(static_cast<size_t>(n - 9), '0');
        break;
      }
      case 'n': append_padded(out, micros * 1000, n); break;
      case 'A': append_padded(out, of_day / 1000, n); break;
      case 'X': append_offset(out, offset_seconds, n >= 3, n >= 2, true); break;
      case 'x': append_offset(out, offset_seconds, n >= 3, n >= 2, false); break;
      case 'Z':
        if (n <= 3) {
          append_offset(out, offset_seconds, false, true, false);
        } else if (n == 4) {
          out += "GMT";
          if (offset_seconds != 0) append_offset(out, offset_seconds, true, true, false);
        } else {
          append_offset(out, offset_seconds, true, true, true);
        }
        break;
      case 'z':
      case 'V':
      case 'O': out += zone_id; break;
      default: fail("{}: unknown pattern letter '{}' in '{}'", function, t.letter, pattern_);
    }
  }
  return out;
}

std::string format_datetime(std::string_view pattern, int64_t local_micros, int64_t offset_seconds,
                            std::string_view zone_id, const char* function) {
  return DateTimePattern(pattern).format(local_micros, offset_seconds, zone_id, function);
}

namespace {

// One parse: the text, the position in it and the fields read so far. A reader per family of
// pattern letters; finish() checks the fields and composes the result. A failed reader leaves
// the position where it was (the parse fails then anyway).
class DateTimeParser {
 public:
  DateTimeParser(std::string_view text, bool lenient) : text_(text), lenient_(lenient) {}

  bool literal(std::string_view lit) {
    if (text_.substr(pos_, lit.size()) != lit) return false;
    pos_ += lit.size();
    return true;
  }

  // One field of `t.count` letters; `adjacent` when the next token is a numeric field too: then
  // the field has exactly that many digits.
  bool field(const Token& t, bool adjacent) {
    const int n = t.count;
    int min_d = 1, max_d = 10;
    if (adjacent || (!lenient_ && n >= 2)) min_d = max_d = n;
    // Strict, a one-letter field of a two-digit quantity (d, H, m, ...) reads at most two digits.
    const int short_max = n == 1 && !lenient_ && !adjacent ? 2 : max_d;
    switch (t.letter) {
      case 'y':
      case 'u':
      case 'Y': return year(n, adjacent, min_d, max_d);
      case 'M':
      case 'L': return n >= 3 ? month_name(n) : read_number(min_d, short_max, &month_);
      case 'd': return read_number(min_d, short_max, &day_);
      case 'D': return read_number(min_d, n == 1 && !adjacent ? 3 : max_d, &day_of_year_);
      case 'H':
      case 'k':
        if (!read_number(min_d, short_max, &hour_)) return false;
        if (t.letter == 'k' && hour_ == 24) hour_ = 0;
        return true;
      case 'h':
      case 'K':
        if (!read_number(min_d, short_max, &hour12_)) return false;
        if (t.letter == 'h' && hour12_ == 12) hour12_ = 0;
        return true;
      case 'm': return read_number(min_d, short_max, &minute_);
      case 's': return read_number(min_d, short_max, &second_);
      case 'S': return fraction(n, adjacent);
      case 'a': return am_pm();
      case 'E': return day_name();
      case 'X':
      case 'x':
      case 'Z': return zone_offset(t.letter);
      case 'G': return era();
      default: return false;
    }
  }

  // Strict, the whole text must have been read; the fields must make a valid date and time.
  std::optional<ParsedDateTime> finish() const {
    if (pos_ != text_.size() && !lenient_) return std::nullopt;
    const int64_t hour = hour12_ >= 0 ? hour12_ + (pm_ == 1 ? 12 : 0) : hour_;
    if (month_ < 1 || month_ > 12 || hour > 23 || minute_ > 59 || second_ > 59) return std::nullopt;
    int64_t days;
    if (day_of_year_ >= 0) {
      days = days_from_civil(year_, 1, 1) + day_of_year_ - 1;
    } else {
      if (day_ < 1 || day_ > values::days_in_month(year_, static_cast<int>(month_))) return std::nullopt;
      days = days_from_civil(year_, static_cast<int>(month_), static_cast<int>(day_));
    }
    ParsedDateTime out;
    out.local_micros = days * kMicrosPerDay + ((hour * 60 + minute_) * 60 + second_) * 1'000'000 + micros_;
    out.offset_seconds = offset_;
    return out;
  }

 private:
  // Lenient, a number may have a sign.
  bool read_number(int min_digits, int max_digits, int64_t* out, int* digits_read = nullptr) {
    size_t start = pos_;
    bool negative = false;
    if (pos_ < text_.size() && (text_[pos_] == '-' || text_[pos_] == '+') && lenient_) {
      negative = text_[pos_] == '-';
      ++pos_;
    }
    int64_t v = 0;
    int n = 0;
    while (pos_ < text_.size() && n < max_digits && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      v = v * 10 + (text_[pos_] - '0');
      ++pos_;
      ++n;
    }
    if (n < min_digits) {
      pos_ = start;
      return false;
    }
    *out = negative ? -v : v;
    if (digits_read) *digits_read = n;
    return true;
  }

  bool year(int n, bool adjacent, int min_d, int max_d) {
    int64_t v = 0;
    if (n == 2 && !lenient_) {
      if (!read_number(2, 2, &v)) return false;
      year_ = 2000 + v;  // java.time's reduced year base 2000
      return true;
    }
    if (!lenient_ && n == 4 && !adjacent) max_d = 10;
    int digits = 0;
    if (!read_number(min_d, max_d, &v, &digits)) return false;
    year_ = (lenient_ && n <= 2 && digits <= 2) ? (v < 50 ? 2000 + v : 1900 + v) : v;
    return true;
  }

  // MMM: a month's full or three-letter name, case-insensitive (strict MMM: only the short one).
  bool month_name(int n) {
    for (int m = 0; m < 12; ++m) {
      std::string full = kMonths[m], shrt = full.substr(0, 3);
      for (const std::string& name : {full, shrt}) {
        if (n == 3 && name.size() != 3 && !lenient_) continue;
        if (text_.size() - pos_ < name.size()) continue;
        std::string_view got = text_.substr(pos_, name.size());
        bool eq = true;
        for (size_t k = 0; eq && k < got.size(); ++k) {
          eq = std::tolower(static_cast<unsigned char>(got[k])) == std::tolower(static_cast<unsigned char>(name[k]));
        }
        if (eq) {
          month_ = m + 1;
          pos_ += name.size();
          return true;
        }
      }
    }
    return false;
  }

  // S: lenient (SimpleDateFormat) a number of milliseconds; strict (java.time) the fraction of
  // the second with as many digits as letters.
  bool fraction(int n, bool adjacent) {
    int64_t v = 0;
    int digits = 0;
    if (lenient_) {
      if (!read_number(1, adjacent ? n : 10, &v, &digits)) return false;
      micros_ = v * 1000;
      if (micros_ >= 1'000'000) {
        second_ += micros_ / 1'000'000;
        micros_ %= 1'000'000;
      }
      return true;
    }
    if (!read_number(n, n, &v, &digits)) return false;
    for (int k = digits; k < 6; ++k) v *= 10;
    for (int k = 6; k < digits; ++k) v /= 10;
    micros_ = v;
    return true;
  }

  bool am_pm() {
    std::string_view rest = text_.substr(pos_);
    if (rest.size() >= 2 && (rest.substr(0, 2) == "AM" || rest.substr(0, 2) == "am")) {
      pm_ = 0;
    } else if (rest.size() >= 2 && (rest.substr(0, 2) == "PM" || rest.substr(0, 2) == "pm")) {
      pm_ = 1;
    } else {
      return false;
    }
    pos_ += 2;
    return true;
  }

  // E: a day's full or three-letter name (read and skipped: the date decides the weekday).
  bool day_name() {
    for (const char* name : kDays) {
      std::string full = name;
      for (const std::string& cand : {full, full.substr(0, 3)}) {
        if (text_.substr(pos_, cand.size()) == cand) {
          pos_ += cand.size();
          return true;
        }
      }
    }
    return false;
  }

  // X / Z: 'Z' or ±HH[[:]MM]; x: only the numeric form.
  bool zone_offset(char letter) {
    if (pos_ < text_.size() && text_[pos_] == 'Z' && letter != 'x') {
      offset_ = 0;
      ++pos_;
      return true;
    }
    if (pos_ >= text_.size() || (text_[pos_] != '+' && text_[pos_] != '-')) return false;
    int sign = text_[pos_] == '-' ? -1 : 1;
    ++pos_;
    int64_t hh = 0, mm = 0;
    if (!read_number(2, 2, &hh)) return false;
    if (pos_ < text_.size() && text_[pos_] == ':') ++pos_;
    if (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      if (!read_number(2, 2, &mm)) return false;
    }
    offset_ = sign * (hh * 3600 + mm * 60);
    return true;
  }

  bool era() {
    if (text_.substr(pos_, 2) != "AD" && text_.substr(pos_, 2) != "BC") return false;
    pos_ += 2;
    return true;
  }

  std::string_view text_;
  bool lenient_;
  size_t pos_ = 0;
  int64_t year_ = 1970, month_ = 1, day_ = 1, hour_ = 0, minute_ = 0, second_ = 0, micros_ = 0;
  int64_t hour12_ = -1, pm_ = -1, day_of_year_ = -1;
  std::optional<int64_t> offset_;
};

}  // namespace

std::optional<ParsedDateTime> parse_datetime(std::string_view pattern, std::string_view text, bool lenient) {
  std::vector<Token> tokens = tokenize(pattern);
  DateTimeParser parser(text, lenient);
  for (size_t ti = 0; ti < tokens.size(); ++ti) {
    const Token& t = tokens[ti];
    if (t.letter == 0) {
      if (!parser.literal(t.literal)) return std::nullopt;
      continue;
    }
    const bool adjacent = ti + 1 < tokens.size() && tokens[ti + 1].letter != 0 && is_numeric_letter(tokens[ti + 1].letter);
    if (!parser.field(t, adjacent)) return std::nullopt;
  }
  return parser.finish();
}

}  // namespace careflow::exec::fn
