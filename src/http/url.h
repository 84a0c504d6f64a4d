#pragma once
// Percent-decoding of paths and query strings.

#include <map>
#include <string>
#include <string_view>

namespace careflow::http {

// "%2F" -> "/", and with `plus_is_space` "+" -> " " (query strings). Invalid escapes stay as is.
std::string url_decode(std::string_view text, bool plus_is_space = false);
// "a=1&b=x%20y" -> {a: 1, b: "x y"}; a repeated name keeps the last value.
std::map<std::string, std::string> parse_query(std::string_view query);

}  // namespace careflow::http
