#pragma once
// /patients, /devices and /prescriptions: the reference API's resources with its camelCase JSON.

#include <cstdint>
#include <functional>

#include "api/resource.h"

namespace careflow::api {

// The time (epoch milliseconds) the API's writes happen at, for the columns that record it.
using WriteClock = std::function<int64_t()>;

// `db` is used by the row checks (does the referenced patient exist?); tests of body validation
// alone may pass nullptr.
ResourceSpec patients_resource(store::Database* db);
// A device created, or moved to another patient, is assigned at `assignment_clock`'s time
// (devices.assigned_at, answered as assignedAt; store/device_assignment.h): careflow up gives the
// simulator's event time, so the presses it stamps after the move are routed to the new patient.
// Without a clock (or without `db`) PostgreSQL's now() applies.
ResourceSpec devices_resource(store::Database* db, WriteClock assignment_clock = nullptr);
ResourceSpec prescriptions_resource(store::Database* db);

// Registers all three; with a cache, their lists are served from it (see ListCache).
void add_domain_routes(http::Router& router, store::Database& db, ListCache* cache = nullptr,
                       WriteClock assignment_clock = nullptr);

}  // namespace careflow::api
