#include "sim/store_targets.h"

#include <nlohmann/json.hpp>

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

}  // namespace

Result<std::vector<DeviceTarget>> load_targets_from_store(store::Database& db, int64_t now_ms) {
  CF_ASSIGN_OR_RETURN(store::SqlRows rows, db.exec(kQuery, {std::to_string(now_ms)}));
  std::vector<DeviceTarget> targets;
  for (const auto& row : rows.rows) {
    DeviceTarget t{row[0].value_or(""), row[1].value_or(""), row[2].value_or(""), {}};
    if (row[6]) {
      auto parameters = nlohmann::json::parse(*row[6], nullptr, false);
      if (parameters.is_array()) {
        for (const auto& p : parameters) {
          if (!p.is_object() || !p.contains("parameter_name") || !p["parameter_value"].is_number()) continue;
          t.metrics.push_back({p["parameter_name"].get<std::string>(), p["parameter_value"].get<double>(),
                               p.value("parameter_tolerance", 0.0)});
        }
      }
    }
    if (t.metrics.empty()) {  // no current prescription: the device's own settings, no tolerance
      const char* names[] = {"Pressure", "FlowRate", "FlowLevel"};
      for (int i = 0; i < 3; ++i) {
        if (row[3 + i]) t.metrics.push_back({names[i], std::stod(*row[3 + i]), 0.0});
      }
    }
    targets.push_back(std::move(t));
  }
  return targets;
}

}  // namespace careflow::sim
