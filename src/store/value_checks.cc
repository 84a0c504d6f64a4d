#include "store/value_checks.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "common/clock.h"
#include "common/numbers.h"

namespace careflow::store {

std::optional<NumberRange> device_setting_range(std::string_view column) {
  if (column == "pressure_setting") return parameter_range("Pressure");
  if (column == "flow_rate_setting") return parameter_range("FlowRate");
  if (column == "flow_level_setting") return parameter_range("FlowLevel");
  return std::nullopt;
}

std::optional<NumberRange> parameter_range(std::string_view parameter_name) {
  // Wide enough for any device careflow simulates (CPAP and ventilator pressures, oxygen and
  // high-flow rates, a level in percent, a glucose meter's whole range), narrow enough to catch a
  // typo of a few orders of magnitude.
  if (parameter_name == "Pressure") return NumberRange{0, 100, "cmH2O"};
  if (parameter_name == "FlowRate") return NumberRange{0, 100, "L/min"};
  if (parameter_name == "FlowLevel") return NumberRange{0, 100, "%"};
  if (parameter_name == "BloodGlucose") return NumberRange{0, 1000, "mg/dL"};
  if (parameter_name == "BolusThreshold") return NumberRange{0, 1000, "mg/dL"};
  if (parameter_name == "MaxBolusDose") return NumberRange{0, 25, "U"};
  if (parameter_name == "BolusLockout") return NumberRange{0, 1440, "min"};
  return std::nullopt;
}

const std::vector<std::string_view>& parameter_names() {
  static const std::vector<std::string_view> names = {"Pressure",       "FlowRate",     "FlowLevel",   "BloodGlucose",
                                                      "BolusThreshold", "MaxBolusDose", "BolusLockout"};
  return names;
}

bool is_measured_parameter(std::string_view parameter_name) {
  return parameter_name == "Pressure" || parameter_name == "FlowRate" || parameter_name == "FlowLevel" ||
         parameter_name == "BloodGlucose";
}

std::optional<std::string> check_number(std::string_view field, double value, const NumberRange& range) {
  if (!std::isfinite(value)) return fmt::format("{} must be a finite number", field);
  if (value < range.min || value > range.max || std::fpclassify(value) == FP_SUBNORMAL) {
    return fmt::format("{} must be between {} and {} ({}), got {}", field, range.min, range.max, range.unit, value);
  }
  return std::nullopt;
}

namespace {

std::string epoch_millis_message(std::string_view field, std::string_view got) {
  return fmt::format("{} must be between 0 and {} (milliseconds since the epoch, up to 9999-12-31), got {}", field,
                     kMaxEpochMillis, got);
}

}  // namespace

std::optional<std::string> check_epoch_millis(std::string_view field, int64_t value) {
  if (value < 0 || value > kMaxEpochMillis) return epoch_millis_message(field, std::to_string(value));
  return std::nullopt;
}

std::optional<std::string> check_date(std::string_view field, std::string_view text, DateRule rule, int64_t today_days) {
  const auto shape = [&] { return fmt::format("{} must be a date as YYYY-MM-DD, got '{}'", field, text); };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return shape();
  const auto digits = [&](size_t at, size_t n) -> std::optional<int> {
    for (size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
    }
    return parse_number<int>(text.substr(at, n));
  };
  const auto y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (!y || !m || !d) return shape();
  if (*y < 1) return fmt::format("{} must be in years 0001 to 9999 (there is no year 0), got '{}'", field, text);
  const std::chrono::year_month_day date{std::chrono::year{*y}, std::chrono::month{static_cast<unsigned>(*m)},
                                         std::chrono::day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return fmt::format("{} is not a calendar date, got '{}'", field, text);
  if (rule == DateRule::kNotFuture && std::chrono::sys_days(date).time_since_epoch().count() > today_days) {
    return fmt::format("{} must not be in the future, got '{}'", field, text);
  }
  return std::nullopt;
}

int64_t latest_today_days() {
  constexpr int64_t kEarliestZoneOffsetMs = 14 * 3600 * 1000;
  constexpr int64_t kDayMs = 24 * 3600 * 1000;
  return (wall_clock_ms() + kEarliestZoneOffsetMs) / kDayMs;
}

std::optional<std::string> check_column(std::string_view column, std::string_view field, const nlohmann::json& value) {
  if (column == "birth_date" && value.is_string()) {
    return check_date(field, value.get<std::string>(), DateRule::kNotFuture, latest_today_days());
  }
  if ((column == "start_date" || column == "end_date") && value.is_number_integer()) {
    if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(kMaxEpochMillis)) {
      return epoch_millis_message(field, value.dump());  // may not fit an int64_t
    }
    return check_epoch_millis(field, value.get<int64_t>());
  }
  if (auto range = device_setting_range(column); range && value.is_number()) {
    return check_number(field, value.get<double>(), *range);
  }
  return std::nullopt;
}

}  // namespace careflow::store
