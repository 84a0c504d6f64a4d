#include "sim/store_targets.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/json_parse.h"
#include "common/numbers.h"
#include "store/value_checks.h"

namespace careflow::sim {
namespace {

// One row per device: the parameters of each of its current prescriptions, latest start first, as
// one JSON array of arrays (NULL when it has none), and its own settings as the fallback.
constexpr const char* kQuery = R"sql(
SELECT d.device_id, d.patient_id, coalesce(d.software_version, ''),
       d.pressure_setting, d.flow_rate_setting, d.flow_level_setting,
       (SELECT json_agg(p.parameters ORDER BY p.start_date DESC, p.prescription_id)::text FROM prescriptions p
         WHERE p.device_id = d.device_id AND p.start_date <= $1 AND (p.end_date IS NULL OR p.end_date >= $1))
  FROM devices d ORDER BY d.device_id
)sql";

// The measured metrics of a device's current prescriptions, `text` as kQuery's JSON array of their
// parameters, latest start first: each metric from the latest prescription that names it, so a
// second prescription for one metric (an insulin regimen added to a CPAP device) adds that metric
// instead of silencing the others. The reason they cannot be simulated (a value outside its range),
// or "".
std::string prescription_metrics(const std::string& text, std::vector<DeviceTarget::Metric>& metrics) {
  auto prescriptions = parse_json(text);
  if (!prescriptions) return fmt::format("its prescription's parameters are not JSON: {}", prescriptions.status().message());
  if (!prescriptions->is_array()) return "";
  nlohmann::json parameters = nlohmann::json::array();
  for (const auto& one : *prescriptions) {
    if (!one.is_array()) continue;
    for (const auto& p : one) parameters.push_back(p);
  }
  for (const auto& p : parameters) {
    if (!p.is_object() || !p.contains("parameter_name") || !p["parameter_name"].is_string() ||
        !p.contains("parameter_value") || !p["parameter_value"].is_number()) {
      continue;
    }
    const std::string name = p["parameter_name"].get<std::string>();
    const bool taken = std::any_of(metrics.begin(), metrics.end(), [&](const auto& m) { return m.name == name; });
    if (taken || !store::is_measured_parameter(name)) continue;  // an older prescription's, or a pump setting
    const double value = p["parameter_value"].get<double>();
    const nlohmann::json tolerance = p.value("parameter_tolerance", nlohmann::json(0.0));
    if (!tolerance.is_number()) return fmt::format("its prescription's {} tolerance is not a number", name);
    if (auto range = store::parameter_range(name)) {
      if (auto problem = store::check_number(name, value, *range)) return "its prescription's " + *problem;
      if (auto problem = store::check_number(name + " tolerance", tolerance.get<double>(), {0, range->max - range->min, range->unit})) {
        return "its prescription's " + *problem;
      }
    }
    metrics.push_back({name, value, tolerance.get<double>()});
  }
  return "";
}

}  // namespace

Result<std::vector<DeviceTarget>> load_targets_from_store(store::Database& db, int64_t now_ms) {
  CF_ASSIGN_OR_RETURN(store::SqlRows rows, db.exec(kQuery, {std::to_string(now_ms)}));
  std::vector<DeviceTarget> targets;
  for (const auto& row : rows.rows) {
    DeviceTarget t{row[0].value_or(""), row[1].value_or(""), row[2].value_or(""), {}};
    if (row[6]) t.invalid = prescription_metrics(*row[6], t.metrics);
    if (t.invalid.empty()) {  // what no current prescription names: the device's own settings, no tolerance
      const char* names[] = {"Pressure", "FlowRate", "FlowLevel"};
      const char* columns[] = {"pressure_setting", "flow_rate_setting", "flow_level_setting"};
      for (int i = 0; i < 3 && t.invalid.empty(); ++i) {
        if (!row[3 + i]) continue;
        if (std::any_of(t.metrics.begin(), t.metrics.end(), [&](const auto& m) { return m.name == names[i]; })) continue;
        // Stored before the API checked ranges, or by hand: never trusted to be a number.
        const std::optional<double> value = parse_number<double>(*row[3 + i]);
        if (!value) {
          t.invalid = fmt::format("{} '{}' is not a finite number", columns[i], *row[3 + i]);
        } else if (auto problem = store::check_number(columns[i], *value, *store::device_setting_range(columns[i]))) {
          t.invalid = *problem;
        } else {
          t.metrics.push_back({names[i], *value, 0.0});
        }
      }
    }
    if (!t.invalid.empty()) t.metrics.clear();
    targets.push_back(std::move(t));
  }
  return targets;
}

}  // namespace careflow::sim
