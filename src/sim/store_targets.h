#pragma once
// The simulator's targets from the store: each device with the parameters of its current
// prescription (valid now; the latest start wins), or its own settings when it has none.

#include <vector>

#include "sim/reading.h"
#include "store/database.h"

namespace careflow::sim {

Result<std::vector<DeviceTarget>> load_targets_from_store(store::Database& db, int64_t now_ms);

}  // namespace careflow::sim
