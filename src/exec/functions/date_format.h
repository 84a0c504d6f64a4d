#pragma once
// Java date-time patterns (SimpleDateFormat / DateTimeFormatter letters) for DATE_FORMAT,
// FROM_UNIXTIME, TO_TIMESTAMP, TO_DATE, UNIX_TIMESTAMP and CONVERT_TZ.
// Supported letters: G y Y u M L d D E e a H k K h m s S n A X x Z z and 'quoted text'.
// S is the fraction of the second with as many digits as letters (java.time's meaning; for SSS
// it is the milliseconds as with SimpleDateFormat).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace careflow::exec::fn {

// A pattern split once into its letter runs and literal text, so that a constant pattern is not
// re-read for every row.
class DateTimePattern {
 public:
  struct Token {
    char letter = 0;  // 0: literal
    int count = 0;
    std::string literal;
  };

  explicit DateTimePattern(std::string_view pattern);

  // Formats a local date-time (µs since epoch, already in the wanted zone); `offset_seconds` and
  // `zone_id` serve the offset letters. Throws EvalError for an unknown pattern letter.
  std::string format(int64_t local_micros, int64_t offset_seconds = 0, std::string_view zone_id = "UTC",
                     const char* function = "DATE_FORMAT") const;

  // Whether formatting reads the offset or the zone id (X x Z z V O): else the zone is not needed.
  bool uses_zone() const { return uses_zone_; }
  const std::vector<Token>& tokens() const { return tokens_; }

 private:
  std::string pattern_;  // for error messages
  std::vector<Token> tokens_;
  bool uses_zone_ = false;
};

// DateTimePattern(pattern).format(...), for a pattern used once.
std::string format_datetime(std::string_view pattern, int64_t local_micros, int64_t offset_seconds = 0,
                            std::string_view zone_id = "UTC", const char* function = "DATE_FORMAT");

struct ParsedDateTime {
  int64_t local_micros = 0;               // fields not in the pattern default to 1970-01-01 00:00:00
  std::optional<int64_t> offset_seconds;  // when the pattern has X/x/Z and the text an offset
};

// Parses text against the pattern; nullopt on mismatch or on an invalid date (February 30th).
// Strict (java.time's DateTimeFormatter): the whole text must match and a field of two or more
// letters has exactly that many digits (four or more for yyyy). Lenient (SimpleDateFormat, as
// UNIX_TIMESTAMP uses): widths are flexible unless fields are adjacent, S counts milliseconds and
// text after the pattern is ignored.
std::optional<ParsedDateTime> parse_datetime(std::string_view pattern, std::string_view text, bool lenient = false);

}  // namespace careflow::exec::fn
