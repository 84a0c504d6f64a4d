#include "cdc/lsn.h"

#include <fmt/format.h>

#include <charconv>

namespace careflow::cdc {

std::string format_lsn(Lsn lsn) { return fmt::format("{:X}/{:X}", lsn >> 32, lsn & 0xffffffffu); }

Result<Lsn> parse_lsn(std::string_view text) {
  const size_t slash = text.find('/');
  uint32_t high = 0;
  uint32_t low = 0;
  auto bad = [&] { return Status::invalid_argument(fmt::format("'{}' is not a PostgreSQL LSN (expected e.g. 16/B374D848)", text)); };
  if (slash == std::string_view::npos || slash == 0 || slash + 1 >= text.size()) return bad();
  auto h = std::from_chars(text.data(), text.data() + slash, high, 16);
  auto l = std::from_chars(text.data() + slash + 1, text.data() + text.size(), low, 16);
  if (h.ec != std::errc() || h.ptr != text.data() + slash || l.ec != std::errc() || l.ptr != text.data() + text.size()) {
    return bad();
  }
  return (static_cast<Lsn>(high) << 32) | low;
}

}  // namespace careflow::cdc
