#pragma once
// The values the domain tables accept, checked where they enter careflow (the REST API calls
// these before a row reaches PostgreSQL) and again where careflow reads them back (the simulator
// skips a stored row that breaks them, which rows written before these checks, or by hand, can).
// Messages name the API field the caller passes in and say what is allowed, in careflow's words:
//   "pressureSetting must be between 0 and 100 (cmH2O), got 250"
//   "birthDate must not be in the future, got 2999-01-01"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace careflow::store {

// A closed interval of sensible values, and their unit.
struct NumberRange {
  double min;
  double max;
  std::string_view unit;
};

// devices.pressure_setting, flow_rate_setting and flow_level_setting; nullopt for other columns.
std::optional<NumberRange> device_setting_range(std::string_view column);
// A prescription parameter's value by its parameter_name; nullopt for other names. Its tolerance
// lies between 0 and the range's width.
//   measured metrics   Pressure, FlowRate, FlowLevel, BloodGlucose: target ± tolerance
//   insulin pump rule  BolusThreshold (mg/dL: a glucose above it asks for a bolus), MaxBolusDose (U:
//                      the most one bolus may give), BolusLockout (min: no second bolus sooner)
std::optional<NumberRange> parameter_range(std::string_view parameter_name);
// Every parameter_name a prescription may hold, metrics first, in the order above.
const std::vector<std::string_view>& parameter_names();
// True for the parameters a device measures and reports (the simulator emits them); false for the
// insulin pump's rule, which configures the pump.
bool is_measured_parameter(std::string_view parameter_name);

// nullopt when `value` is finite, inside `range` and not subnormal (a number such as 1e-320 has no
// place in a setting, and std::stod refused to read it back), else the message naming `field`.
std::optional<std::string> check_number(std::string_view field, double value, const NumberRange& range);

// Epoch milliseconds: from 1970 up to the end of year 9999.
inline constexpr int64_t kMaxEpochMillis = 253402300799999;
std::optional<std::string> check_epoch_millis(std::string_view field, int64_t value);

enum class DateRule {
  kAny,         // any date of years 0001..9999 (inside PostgreSQL's DATE range, which has no year 0)
  kNotFuture,   // and not after today, in the earliest time zone (UTC+14): a birth date
};
// `text` as YYYY-MM-DD, a real calendar date under `rule`; `today_days` is today as days since
// 1970-01-01 (UTC), a parameter so tests can fix it.
std::optional<std::string> check_date(std::string_view field, std::string_view text, DateRule rule, int64_t today_days);
// Today, in days since 1970-01-01, in the earliest time zone on Earth (UTC+14).
int64_t latest_today_days();

// The check of one column of the domain tables for the JSON value about to be written there (of
// the column's JSON type already: a number, an integer, a string): birth_date is a date not in the
// future, the device settings lie in their ranges, start_date and end_date are epoch milliseconds.
// nullopt when the value passes or the column has no check.
std::optional<std::string> check_column(std::string_view column, std::string_view field, const nlohmann::json& value);

}  // namespace careflow::store
