#include "common/json_parse.h"

#include <fmt/format.h>

#include <string>

namespace careflow {

Status check_json_nesting(std::string_view text, size_t max_depth) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\0') return Status::invalid_argument(fmt::format("JSON has a NUL byte at byte {}", i));
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string (a NUL there is caught by the parser)
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '[':
      case '{':
        if (++depth > max_depth) {
          return Status::invalid_argument(fmt::format("JSON nests deeper than {} levels at byte {}", max_depth, i));
        }
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;  // an unbalanced close is the parser's error to report
        break;
      default: break;
    }
  }
  return Status::ok();
}

namespace {

template <typename Json>
Result<Json> parse_checked(std::string_view text, size_t max_depth) {
  CF_RETURN_IF_ERROR(check_json_nesting(text, max_depth));
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // e.what(): "[json.exception.parse_error.101] parse error at line 1, column 2: <reason>"
    std::string_view what = e.what();
    const auto reason_at = what.find(": ");
    const auto place_at = what.find("at line ");
    std::string_view reason = reason_at == std::string_view::npos ? what : what.substr(reason_at + 2);
    std::string place;
    if (place_at != std::string_view::npos && reason_at != std::string_view::npos && place_at < reason_at) {
      place = fmt::format(" ({})", what.substr(place_at + 3, reason_at - place_at - 3));
    }
    // nlohmann counts the byte offset one past the offending byte.
    const size_t byte = e.byte > 0 ? e.byte - 1 : 0;
    return Status::invalid_argument(fmt::format("invalid JSON at byte {}{}: {}", byte, place, reason));
  } catch (const nlohmann::json::exception& e) {
    return Status::invalid_argument(fmt::format("invalid JSON: {}", e.what()));
  }
}

}  // namespace

Result<nlohmann::json> parse_json(std::string_view text, size_t max_depth) {
  return parse_checked<nlohmann::json>(text, max_depth);
}

Result<nlohmann::ordered_json> parse_ordered_json(std::string_view text, size_t max_depth) {
  return parse_checked<nlohmann::ordered_json>(text, max_depth);
}

}  // namespace careflow
