#pragma once
// Numbers from text that never throw (std::stoi and friends throw std::out_of_range and
// std::invalid_argument, and one uncaught throw on a stored value aborted the simulator on every
// start). The whole text must be the number: no sign '+', no spaces, nothing after it.

#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace careflow {

// nullopt when `text` is not entirely a number of type T, or does not fit T; floating-point
// results must be finite ("inf", "nan" and overflow are nullopt; subnormals are numbers).
template <typename T>
std::optional<T> parse_number(std::string_view text, int base = 10) {
  static_assert(std::is_arithmetic_v<T>);
  T value{};
  std::from_chars_result r;
  if constexpr (std::is_floating_point_v<T>) {
    (void)base;
    r = std::from_chars(text.data(), text.data() + text.size(), value);
  } else {
    r = std::from_chars(text.data(), text.data() + text.size(), value, base);
  }
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) return std::nullopt;
  if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(value)) return std::nullopt;
  }
  return value;
}

}  // namespace careflow
