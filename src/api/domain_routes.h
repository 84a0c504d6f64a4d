#pragma once
// /patients, /devices and /prescriptions: the reference API's resources with its camelCase JSON.

#include "api/resource.h"

namespace careflow::api {

// `db` is used by the row checks (does the referenced patient exist?); tests of body validation
// alone may pass nullptr.
ResourceSpec patients_resource(store::Database* db);
ResourceSpec devices_resource(store::Database* db);
ResourceSpec prescriptions_resource(store::Database* db);

// Registers all three; with a cache, their lists are served from it (see ListCache).
void add_domain_routes(http::Router& router, store::Database& db, ListCache* cache = nullptr);

}  // namespace careflow::api
