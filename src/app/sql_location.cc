#include "app/sql_location.h"

#include <fmt/format.h>

#include <charconv>

namespace careflow::app {

namespace {

// Reads "line R:C: " at the start of `m`; the length read, or 0 when it is not there.
size_t read_place(const std::string& m, int* row, int* column) {
  constexpr std::string_view kLine = "line ";
  if (!m.starts_with(kLine)) return 0;
  const char* p = m.data() + kLine.size();
  const char* end = m.data() + m.size();
  auto r = std::from_chars(p, end, *row);
  if (r.ec != std::errc() || r.ptr == end || *r.ptr != ':') return 0;
  auto c = std::from_chars(r.ptr + 1, end, *column);
  if (c.ec != std::errc() || end - c.ptr < 2 || c.ptr[0] != ':' || c.ptr[1] != ' ') return 0;
  return static_cast<size_t>(c.ptr + 2 - m.data());
}

}  // namespace

Status locate_sql_error(const Status& status, const TextPlace& place, int skipped) {
  if (status.is_ok()) return status;
  const std::string& m = status.message();
  int row = 0, column = 0;
  const size_t read = read_place(m, &row, &column);
  if (read == 0) return status.with_context(place.origin);
  const int line = place.line + row - 1;
  const int col = row == 1 ? place.column + column - 1 - skipped : column;
  return Status(status.code(), fmt::format("{}:{}:{}: {}", place.origin, line, std::max(col, 1), m.substr(read)));
}

}  // namespace careflow::app
