#include "sim/store_targets.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/json_parse.h"
#include "common/numbers.h"
#include "store/value_checks.h"

namespace careflow::sim {
namespace {

// One row per device: its current prescription's parameters (NULL when it has none) and its own
// settings as the fallback.
constexpr const char* kQuery = R"sql(
SELECT d.device_id, d.patient_id, coalesce(d.software_version, ''),
       d.pressure_setting, d.flow_rate_setting, d.flow_level_setting,
       (SELECT p.parameters::text FROM prescriptions p
         WHERE p.device_id = d.device_id AND p.start_date <= $1 AND (p.end_date IS NULL OR p.end_date >= $1)
         ORDER BY p.start_date DESC, p.prescription_id LIMIT 1)
  FROM devices d ORDER BY d.device_id
)sql";

// The metrics of a prescription's stored parameters; the reason they cannot be simulated (a value
// outside its range), or "".
std::string prescription_metrics(const std::string& text, std::vector<DeviceTarget::Metric>& metrics) {
  auto parameters = parse_json(text);
  if (!parameters) return fmt::format("its prescription's parameters are not JSON: {}", parameters.status().message());
  if (!parameters->is_array()) return "";
  for (const auto& p : *parameters) {
    if (!p.is_object() || !p.contains("parameter_name") || !p["parameter_name"].is_string() ||
        !p.contains("parameter_value") || !p["parameter_value"].is_number()) {
      continue;
    }
    const std::string name = p["parameter_name"].get<std::string>();
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
    if (t.invalid.empty() && t.metrics.empty()) {  // no current prescription: the device's own settings, no tolerance
      const char* names[] = {"Pressure", "FlowRate", "FlowLevel"};
      const char* columns[] = {"pressure_setting", "flow_rate_setting", "flow_level_setting"};
      for (int i = 0; i < 3 && t.invalid.empty(); ++i) {
        if (!row[3 + i]) continue;
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
