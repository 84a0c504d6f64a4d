#include "store/migrations.h"

#include <fmt/format.h>

#include "store/seed.h"

namespace careflow::store {
namespace {

constexpr std::string_view kCreateTables = R"sql(
CREATE TABLE patients (
  patient_id  TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  gender      TEXT,
  birth_date  DATE,
  zip_code    TEXT,
  timezone    TEXT NOT NULL DEFAULT 'America/New_York',
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE devices (
  device_id           TEXT PRIMARY KEY,
  patient_id          TEXT NOT NULL REFERENCES patients (patient_id),
  model_type          TEXT,
  manufacturer        TEXT,
  serial_number       TEXT,
  software_version    TEXT,
  pressure_setting    DOUBLE PRECISION,
  flow_rate_setting   DOUBLE PRECISION,
  flow_level_setting  DOUBLE PRECISION,
  created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX devices_patient_id ON devices (patient_id);
CREATE TABLE prescriptions (
  prescription_id        TEXT PRIMARY KEY,
  patient_id             TEXT NOT NULL REFERENCES patients (patient_id),
  device_id              TEXT NOT NULL REFERENCES devices (device_id),
  medication_or_therapy  TEXT NOT NULL,
  start_date             BIGINT NOT NULL,   -- epoch milliseconds
  end_date               BIGINT,            -- epoch milliseconds; NULL = open-ended
  parameters             JSONB NOT NULL,    -- [{parameter_name, parameter_value, parameter_type, parameter_tolerance, unit}]
  created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at             TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX prescriptions_device_id ON prescriptions (device_id);
CREATE INDEX prescriptions_patient_id ON prescriptions (patient_id);
-- Change data capture needs complete before-images of updated and deleted rows.
ALTER TABLE patients REPLICA IDENTITY FULL;
ALTER TABLE devices REPLICA IDENTITY FULL;
ALTER TABLE prescriptions REPLICA IDENTITY FULL;
)sql";

// The seed is a migration, so it runs exactly once: a user who deletes a seeded patient does not
// see it come back at the next start.
constexpr std::string_view kSeedMarker = "-- seed rows are inserted by seed.cc";
constexpr std::string_view kInsulinSeedMarker = "-- the insulin pump's seed rows are inserted by seed.cc";

// Every committed change to a domain table tells listeners which table changed (API caches).
constexpr std::string_view kChangeNotifications = R"sql(
CREATE FUNCTION careflow_notify_table_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('careflow_table_changes', TG_TABLE_NAME);
  RETURN NULL;
END $$;
CREATE TRIGGER patients_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON patients
  FOR EACH STATEMENT EXECUTE FUNCTION careflow_notify_table_change();
CREATE TRIGGER devices_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON devices
  FOR EACH STATEMENT EXECUTE FUNCTION careflow_notify_table_change();
CREATE TRIGGER prescriptions_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON prescriptions
  FOR EACH STATEMENT EXECUTE FUNCTION careflow_notify_table_change();
)sql";

// Each device row carries when it was assigned to its current patient: the dimension seed makes
// assignment versions of it (sim/dimension_seed.h), and the button routing joins each press with
// the version valid at the press's event time. A new row is assigned when it is created; a row
// whose patient changes is assigned anew (the trigger), so a device moved away and back is a new
// assignment. Rows from before this migration (the seeded devices among them) count as assigned
// 30 days before they were created, as the seeded prescriptions are valid from 30 days back: the
// simulator's story time starts days back (sim/story_clock.h), and its presses must find them.
// Nullable with a default, so the change events' Avro schema only gains an optional field.
constexpr std::string_view kDeviceAssignedAt = R"sql(
ALTER TABLE devices ADD COLUMN assigned_at TIMESTAMPTZ DEFAULT now();
UPDATE devices SET assigned_at = created_at - interval '30 days';
CREATE FUNCTION careflow_device_reassigned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.patient_id IS DISTINCT FROM OLD.patient_id THEN
    NEW.assigned_at := now();
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER devices_reassigned BEFORE UPDATE OF patient_id ON devices
  FOR EACH ROW EXECUTE FUNCTION careflow_device_reassigned();
)sql";

// A statement that moves a device and sets assigned_at itself keeps its time: careflow up's API
// stamps a move with the simulator's event time (story time, store/device_assignment.h), so presses
// after the move in story time find the new assignment. Other writers (psql) get now(), as before.
// The API's time is always after the assignment it ends, so "not set by the statement" is told by
// an unchanged value.
constexpr std::string_view kAssignedAtFromTheStatement = R"sql(
CREATE OR REPLACE FUNCTION careflow_device_reassigned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.patient_id IS DISTINCT FROM OLD.patient_id AND NEW.assigned_at IS NOT DISTINCT FROM OLD.assigned_at THEN
    NEW.assigned_at := now();
  END IF;
  RETURN NEW;
END $$;
)sql";

const Migration kMigrations[] = {
    {1, "create patients, devices, prescriptions", kCreateTables},
    {2, "seed the demonstration's patients, devices and prescriptions", kSeedMarker},
    {3, "notify listeners of table changes", kChangeNotifications},
    {4, "seed patient P006 with an insulin pump and its prescription", kInsulinSeedMarker},
    {5, "devices carry the time of their current assignment", kDeviceAssignedAt},
    {6, "a device's move keeps the assignment time its statement sets", kAssignedAtFromTheStatement},
};

constexpr int64_t kMigrationLockKey = 0x63617265666c6f77;  // "careflow"

}  // namespace

std::span<const Migration> all_migrations() { return kMigrations; }

Result<int> migrate(Database& db) {
  return db.with_connection<int>([](PgConnection& conn) -> Result<int> {
    CF_RETURN_IF_ERROR(conn.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY, "
                                 "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
                           .status());
    CF_RETURN_IF_ERROR(conn.exec("SELECT pg_advisory_lock($1)", {std::to_string(kMigrationLockKey)}).status());
    int applied = 0;
    Status failure;
    for (const Migration& m : kMigrations) {
      auto done = conn.exec("SELECT 1 FROM schema_migrations WHERE version = $1", {std::to_string(m.version)});
      if (!done) { failure = done.status(); break; }
      if (!done->rows.empty()) continue;
      Status step = conn.exec("BEGIN").status();
      if (step.is_ok()) {
        step = m.sql == kSeedMarker          ? insert_seed_rows(conn)
               : m.sql == kInsulinSeedMarker ? insert_insulin_pump_seed(conn)
                                             : conn.exec_script(m.sql);
      }
      if (step.is_ok()) {
        step = conn.exec("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                         {std::to_string(m.version), std::string(m.name)})
                   .status();
      }
      if (step.is_ok()) step = conn.exec("COMMIT").status();
      if (!step.is_ok()) {
        (void)conn.exec("ROLLBACK");
        failure = step.with_context(fmt::format("migration {} ({})", m.version, m.name));
        break;
      }
      ++applied;
    }
    (void)conn.exec("SELECT pg_advisory_unlock($1)", {std::to_string(kMigrationLockKey)});
    if (!failure.is_ok()) return failure;
    return applied;
  });
}

}  // namespace careflow::store
