#pragma once
// ASCII case folding: SQL keywords and unquoted identifiers, boolean literals, option names.
// Bytes outside ASCII are left alone (no locale).

#include <string>
#include <string_view>

namespace careflow {

bool iequals(std::string_view a, std::string_view b);
std::string to_upper(std::string_view s);
std::string to_lower(std::string_view s);

}  // namespace careflow
