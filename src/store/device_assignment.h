#pragma once
// When a device's assignment to a patient starts, as a writer on a clock of its own gives it:
// careflow up's API stamps a new device, or a device moved to another patient, with the
// simulator's event time (story time, sim/story_clock.h), so the presses the simulator stamps after
// the move find the new assignment (the button routing joins each press with the assignment valid
// at its event time). Without a stamp, PostgreSQL's now() applies (migrations 5 and 6).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "store/database.h"

namespace careflow::store {

// The devices.assigned_at to write (a timestamptz as PostgreSQL's JSON gives it) for a new device
// assigned at `at_ms` (epoch milliseconds).
Result<nlohmann::json> new_assignment_time(Database& db, int64_t at_ms);

// The same for `device_id` moving to another patient at `at_ms`: `at_ms`, or 1 ms after the
// assignment it ends when that is later, so every assignment is a version (and an id) of its own
// even while the story clock stands still or lags the wall clock. NotFound naming the device when
// there is no such row; the database's error otherwise.
Result<nlohmann::json> moved_assignment_time(Database& db, const std::string& device_id, int64_t at_ms);

}  // namespace careflow::store
