#include "exec/functions/date_format.h"

#include <fmt/format.h>

#include <cctype>
#include <vector>

#include "exec/functions/helpers.h"
#include "sql/datetime.h"

namespace careflow::exec::fn {
namespace {

using sql::civil_from_days;
using sql::days_from_civil;
using sql::floor_div;
using sql::floor_mod;
using sql::kMicrosPerDay;

const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                         "July",    "August",   "September", "October", "November", "December"};
const char* kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

struct Token {
  char letter = 0;  // 0: literal
  int count = 0;
  std::string literal;
};

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

std::string pad(int64_t v, int width) {
  std::string s = std::to_string(v < 0 ? -v : v);
  while (static_cast<int>(s.size()) < width) s.insert(s.begin(), '0');
  return v < 0 ? "-" + s : s;
}

std::string offset_text(int64_t off, bool colon, bool with_minutes_always, bool z_for_zero) {
  if (off == 0 && z_for_zero) return "Z";
  int64_t a = off < 0 ? -off : off;
  std::string out = off < 0 ? "-" : "+";
  out += pad(a / 3600, 2);
  int64_t m = a / 60 % 60;
  if (with_minutes_always || m != 0) {
    if (colon) out += ':';
    out += pad(m, 2);
  }
  return out;
}

bool is_numeric_letter(char c) {
  return c == 'y' || c == 'Y' || c == 'u' || c == 'd' || c == 'D' || c == 'H' || c == 'k' || c == 'K' || c == 'h' ||
         c == 'm' || c == 's' || c == 'S' || c == 'n' || c == 'A' || c == 'M' || c == 'L';
}

}  // namespace

std::string format_datetime(std::string_view pattern, int64_t local_micros, int64_t offset_seconds,
                            std::string_view zone_id, const char* function) {
  const int64_t days = floor_div(local_micros, kMicrosPerDay);
  const int64_t of_day = floor_mod(local_micros, kMicrosPerDay);
  const sql::CivilDate c = civil_from_days(days);
  const int64_t hour = of_day / 3'600'000'000, minute = of_day / 60'000'000 % 60, second = of_day / 1'000'000 % 60;
  const int64_t micros = of_day % 1'000'000;
  const int dow = static_cast<int>(floor_mod(days + 3, 7));  // 0 = Monday (1970-01-01 was a Thursday)
  std::string out;
  for (const Token& t : tokenize(pattern)) {
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
          out += pad(floor_mod(c.year, 100), 2);
        } else {
          out += pad(c.year, n);
        }
        break;
      case 'M':
      case 'L':
        if (n >= 4) {
          out += kMonths[c.month - 1];
        } else if (n == 3) {
          out += std::string(kMonths[c.month - 1]).substr(0, 3);
        } else {
          out += pad(c.month, n);
        }
        break;
      case 'd': out += pad(c.day, n); break;
      case 'D': out += pad(days - days_from_civil(c.year, 1, 1) + 1, n); break;
      case 'E': out += n >= 4 ? kDays[dow] : std::string(kDays[dow]).substr(0, 3); break;
      case 'e': out += pad((dow + 1) % 7 + 1, n); break;  // localized (Sunday first), as in the US locale
      case 'a': out += hour < 12 ? "AM" : "PM"; break;
      case 'H': out += pad(hour, n); break;
      case 'k': out += pad(hour == 0 ? 24 : hour, n); break;
      case 'K': out += pad(hour % 12, n); break;
      case 'h': out += pad(hour % 12 == 0 ? 12 : hour % 12, n); break;
      case 'm': out += pad(minute, n); break;
      case 's': out += pad(second, n); break;
      case 'S': {
        std::string frac = pad(micros, 6) + "000";
        out += n <= 9 ? frac.substr(0, static_cast<size_t>(n)) : frac + std::string(static_cast<size_t>(n - 9), '0');
        break;
      }
      case 'n': out += pad(micros * 1000, n); break;
      case 'A': out += pad(of_day / 1000, n); break;
      case 'X': out += offset_text(offset_seconds, n >= 3, n >= 2, true); break;
      case 'x': out += offset_text(offset_seconds, n >= 3, n >= 2, false); break;
      case 'Z':
        if (n <= 3) {
          out += offset_text(offset_seconds, false, true, false);
        } else if (n == 4) {
          out += offset_seconds == 0 ? "GMT" : "GMT" + offset_text(offset_seconds, true, true, false);
        } else {
          out += offset_text(offset_seconds, true, true, true);
        }
        break;
      case 'z':
      case 'V':
      case 'O': out += std::string(zone_id); break;
      default: fail("{}: unknown pattern letter '{}' in '{}'", function, t.letter, pattern);
    }
  }
  return out;
}

std::optional<ParsedDateTime> parse_datetime(std::string_view pattern, std::string_view text, bool lenient) {
  std::vector<Token> tokens = tokenize(pattern);
  int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, micros = 0;
  int64_t hour12 = -1, pm = -1, doy = -1;
  std::optional<int64_t> offset;
  size_t pos = 0;
  auto read_number = [&](int min_digits, int max_digits, int64_t* out, int* digits_read) {
    size_t start = pos;
    bool negative = false;
    if (pos < text.size() && (text[pos] == '-' || text[pos] == '+') && lenient) {
      negative = text[pos] == '-';
      ++pos;
    }
    int64_t v = 0;
    int n = 0;
    while (pos < text.size() && n < max_digits && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      v = v * 10 + (text[pos] - '0');
      ++pos;
      ++n;
    }
    if (n < min_digits) {
      pos = start;
      return false;
    }
    *out = negative ? -v : v;
    if (digits_read) *digits_read = n;
    return true;
  };
  for (size_t ti = 0; ti < tokens.size(); ++ti) {
    const Token& t = tokens[ti];
    if (t.letter == 0) {
      if (text.substr(pos, t.literal.size()) != t.literal) return std::nullopt;
      pos += t.literal.size();
      continue;
    }
    const bool adjacent = ti + 1 < tokens.size() && tokens[ti + 1].letter != 0 && is_numeric_letter(tokens[ti + 1].letter);
    const int n = t.count;
    int min_d = 1, max_d = 10;
    if (adjacent) {
      min_d = max_d = n;
    } else if (!lenient && n >= 2) {
      min_d = n;
      max_d = n;
    }
    int64_t v = 0;
    switch (t.letter) {
      case 'y':
      case 'u':
      case 'Y': {
        if (!lenient && n == 4 && !adjacent) max_d = 10;
        if (n == 2 && !lenient) {
          if (!read_number(2, 2, &v, nullptr)) return std::nullopt;
          year = 2000 + v;  // java.time's reduced year base 2000
        } else {
          int digits = 0;
          if (!read_number(min_d, max_d, &v, &digits)) return std::nullopt;
          year = (lenient && n <= 2 && digits <= 2) ? (v < 50 ? 2000 + v : 1900 + v) : v;
        }
        break;
      }
      case 'M':
      case 'L':
        if (n >= 3) {
          bool found = false;
          for (int m = 0; m < 12 && !found; ++m) {
            std::string full = kMonths[m], shrt = full.substr(0, 3);
            for (const std::string& name : {full, shrt}) {
              if (n == 3 && name.size() != 3 && !lenient) continue;
              if (text.size() - pos >= name.size()) {
                std::string got(text.substr(pos, name.size()));
                bool eq = got.size() == name.size();
                for (size_t k = 0; eq && k < got.size(); ++k) {
                  eq = std::tolower(static_cast<unsigned char>(got[k])) == std::tolower(static_cast<unsigned char>(name[k]));
                }
                if (eq) {
                  month = m + 1;
                  pos += name.size();
                  found = true;
                  break;
                }
              }
            }
          }
          if (!found) return std::nullopt;
        } else {
          if (!read_number(min_d, lenient || adjacent ? max_d : (n == 1 ? 2 : max_d), &month, nullptr)) return std::nullopt;
        }
        break;
      case 'd':
        if (!read_number(min_d, n == 1 && !lenient && !adjacent ? 2 : max_d, &day, nullptr)) return std::nullopt;
        break;
      case 'D':
        if (!read_number(min_d, n == 1 && !adjacent ? 3 : max_d, &doy, nullptr)) return std::nullopt;
        break;
      case 'H':
      case 'k':
        if (!read_number(min_d, n == 1 && !lenient && !adjacent ? 2 : max_d, &hour, nullptr)) return std::nullopt;
        if (t.letter == 'k' && hour == 24) hour = 0;
        break;
      case 'h':
      case 'K':
        if (!read_number(min_d, n == 1 && !lenient && !adjacent ? 2 : max_d, &hour12, nullptr)) return std::nullopt;
        if (t.letter == 'h' && hour12 == 12) hour12 = 0;
        break;
      case 'm':
        if (!read_number(min_d, n == 1 && !lenient && !adjacent ? 2 : max_d, &minute, nullptr)) return std::nullopt;
        break;
      case 's':
        if (!read_number(min_d, n == 1 && !lenient && !adjacent ? 2 : max_d, &second, nullptr)) return std::nullopt;
        break;
      case 'S': {
        int digits = 0;
        if (lenient) {
          // SimpleDateFormat: S is a number of milliseconds.
          if (!read_number(1, adjacent ? n : 10, &v, &digits)) return std::nullopt;
          micros = v * 1000;
          if (micros >= 1'000'000) {
            second += micros / 1'000'000;
            micros %= 1'000'000;
          }
        } else {
          if (!read_number(n, n, &v, &digits)) return std::nullopt;
          for (int k = digits; k < 6; ++k) v *= 10;
          for (int k = 6; k < digits; ++k) v /= 10;
          micros = v;
        }
        break;
      }
      case 'a': {
        std::string_view rest = text.substr(pos);
        if (rest.size() >= 2 && (rest.substr(0, 2) == "AM" || rest.substr(0, 2) == "am")) {
          pm = 0;
        } else if (rest.size() >= 2 && (rest.substr(0, 2) == "PM" || rest.substr(0, 2) == "pm")) {
          pm = 1;
        } else {
          return std::nullopt;
        }
        pos += 2;
        break;
      }
      case 'E': {
        bool found = false;
        for (const char* name : kDays) {
          std::string full = name;
          for (const std::string& cand : {full, full.substr(0, 3)}) {
            if (text.substr(pos, cand.size()) == cand) {
              pos += cand.size();
              found = true;
              break;
            }
          }
          if (found) break;
        }
        if (!found) return std::nullopt;
        break;
      }
      case 'X':
      case 'x':
      case 'Z': {
        if (pos < text.size() && text[pos] == 'Z' && t.letter != 'x') {
          offset = 0;
          ++pos;
          break;
        }
        if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return std::nullopt;
        int sign = text[pos] == '-' ? -1 : 1;
        ++pos;
        int64_t hh = 0, mm = 0;
        if (!read_number(2, 2, &hh, nullptr)) return std::nullopt;
        if (pos < text.size() && text[pos] == ':') ++pos;
        if (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
          if (!read_number(2, 2, &mm, nullptr)) return std::nullopt;
        }
        offset = sign * (hh * 3600 + mm * 60);
        break;
      }
      case 'G': {
        if (text.substr(pos, 2) != "AD" && text.substr(pos, 2) != "BC") return std::nullopt;
        pos += 2;
        break;
      }
      default: return std::nullopt;
    }
  }
  if (pos != text.size() && !lenient) return std::nullopt;
  if (hour12 >= 0) hour = hour12 + (pm == 1 ? 12 : 0);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  int64_t days;
  if (doy >= 0) {
    days = days_from_civil(year, 1, 1) + doy - 1;
  } else {
    if (day < 1 || day > sql::days_in_month(year, static_cast<int>(month))) return std::nullopt;
    days = days_from_civil(year, static_cast<int>(month), static_cast<int>(day));
  }
  ParsedDateTime out;
  out.local_micros = days * kMicrosPerDay + ((hour * 60 + minute) * 60 + second) * 1'000'000 + micros;
  out.offset_seconds = offset;
  return out;
}

}  // namespace careflow::exec::fn
