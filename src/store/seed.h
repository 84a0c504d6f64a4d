#pragma once
// The demonstration's starting data: patients P001..P005, one CPAP device each, one prescription
// per device. Inserted once, by migration 2, inside its transaction.

#include "store/pg_connection.h"

namespace careflow::store {

Status insert_seed_rows(PgConnection& conn);

}  // namespace careflow::store
