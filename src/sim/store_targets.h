#pragma once
// The simulator's targets from the store: each device with the measured parameters of its current
// prescriptions (valid at `now_ms`; for a metric named by several, the latest start wins), and its
// own settings (pressure, flow rate, flow level) for the metrics none of them names. An insulin
// pump's rule (BolusThreshold, MaxBolusDose, BolusLockout) configures the pump and is not a metric.

#include <vector>

#include "sim/reading.h"
#include "store/database.h"

namespace careflow::sim {

Result<std::vector<DeviceTarget>> load_targets_from_store(store::Database& db, int64_t now_ms);

}  // namespace careflow::sim
