#include "common/utf8.h"

#include <cstdint>

namespace careflow {

bool is_valid_utf8(std::string_view bytes) {
  size_t i = 0;
  const size_t n = bytes.size();
  auto at = [&](size_t k) { return static_cast<uint8_t>(bytes[k]); };
  auto continuation = [&](size_t k) { return k < n && (at(k) & 0xC0) == 0x80; };
  while (i < n) {
    const uint8_t lead = at(i);
    if (lead < 0x80) {
      ++i;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      if (!continuation(i + 1)) return false;
      i += 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      if (!continuation(i + 1) || !continuation(i + 2)) return false;
      const uint8_t second = at(i + 1);
      if (lead == 0xE0 && second < 0xA0) return false;   // overlong
      if (lead == 0xED && second >= 0xA0) return false;  // UTF-16 surrogates
      i += 3;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      if (!continuation(i + 1) || !continuation(i + 2) || !continuation(i + 3)) return false;
      const uint8_t second = at(i + 1);
      if (lead == 0xF0 && second < 0x90) return false;   // overlong
      if (lead == 0xF4 && second >= 0x90) return false;  // past U+10FFFF
      i += 4;
    } else {
      return false;  // a stray continuation byte, C0/C1, or F5..FF
    }
  }
  return true;
}

}  // namespace careflow
