#pragma once
// Whether bytes are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
// U+10FFFF) — the test for "can this be printed as a JSON string without losing bytes".

#include <string_view>

namespace careflow {

bool is_valid_utf8(std::string_view bytes);

}  // namespace careflow
