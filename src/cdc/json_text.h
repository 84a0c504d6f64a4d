#pragma once
// Hand-written JSON text for the CDC hot path: the change events are written straight into a
// std::string instead of being built as an nlohmann::json tree and dumped. Every function here
// writes exactly the bytes nlohmann::ordered_json::dump() writes for the same value (compact,
// ensure_ascii off), so events keep their bytes; tests/json_text_test.cc compares the two.

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>


namespace careflow::cdc {

// `text` as a JSON string literal: '"', '\\' and control characters escaped as nlohmann escapes
// them (\b \t \n \f \r, others \u00xx), UTF-8 passed through. False when `text` is not valid
// UTF-8 (nlohmann's dump would throw); `out` then holds a partial literal the caller discards.
bool append_json_string(std::string& out, std::string_view text);

// A string known to need no escaping and to be ASCII (base64, ISO dates, fixed names).
inline void append_plain_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  out.append(text);
  out.push_back('"');
}

template <class Int>
inline void append_json_int(std::string& out, Int v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace careflow::cdc
