#pragma once
// The demonstration's starting data: patients P001..P005, one CPAP device each, one prescription
// per device (migration 2), and P006 with an insulin pump whose prescription has a BloodGlucose
// target and the pump's bolus rule: BolusThreshold, MaxBolusDose, BolusLockout (migration 4, so an
// existing database gets it too). Each inserted once, inside its migration's transaction;
// prescriptions valid from 30 days back (story time starts days back) for a year.

#include "store/pg_connection.h"

namespace careflow::store {

Status insert_seed_rows(PgConnection& conn);
Status insert_insulin_pump_seed(PgConnection& conn);

}  // namespace careflow::store
