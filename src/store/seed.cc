#include "store/seed.h"
#include "common/clock.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>

#include "store/prescription_id.h"

namespace careflow::store {
namespace {

struct SeedPatient {
  const char* id;
  const char* name;
  const char* gender;
  const char* birth_date;
  const char* zip_code;
};

constexpr SeedPatient kPatients[] = {
    {"P001", "Alice Smith", "F", "1980-05-12", "15201"}, {"P002", "Bob Jones", "M", "1975-11-03", "15206"},
    {"P003", "Carol White", "F", "1990-02-28", "15217"}, {"P004", "Lindsay Lee", "M", "1988-07-19", "15222"},
    {"P005", "Eve Brown", "F", "1982-09-05", "15232"},
};

nlohmann::json parameter(const char* name, double value, double tolerance, const char* unit) {
  return {{"parameter_name", name}, {"parameter_value", value}, {"parameter_type", "numeric"},
          {"parameter_tolerance", tolerance}, {"unit", unit}};
}

constexpr int64_t kDayMs = 24ll * 3600 * 1000;
constexpr int64_t kYearMs = 365 * kDayMs;
// Prescriptions are seeded valid from 30 days back: the simulator's story time starts some days
// back (sim/story_clock.h), and its readings must fall inside a prescription's validity for the
// pipelines' event-time joins.
constexpr int64_t kValidFromDaysBack = 30;

}  // namespace

Status insert_seed_rows(PgConnection& conn) {
  const int64_t now_ms = wall_clock_ms();
  const int64_t valid_from = now_ms - kValidFromDaysBack * kDayMs;
  int i = 0;
  for (const SeedPatient& p : kPatients) {
    ++i;
    const std::string device_id = fmt::format("DEV-{}", p.id);
    const double pressure = 10.0 + (i % 3);
    const double flow_rate = 2.5 + 0.2 * (i % 3);
    const double flow_level = 60.0;
    CF_RETURN_IF_ERROR(conn.exec("INSERT INTO patients (patient_id, name, gender, birth_date, zip_code, timezone) "
                                 "VALUES ($1, $2, $3, $4, $5, 'America/New_York') ON CONFLICT DO NOTHING",
                                 {p.id, p.name, p.gender, p.birth_date, p.zip_code})
                           .status());
    CF_RETURN_IF_ERROR(
        conn.exec("INSERT INTO devices (device_id, patient_id, model_type, manufacturer, serial_number, "
                  "software_version, pressure_setting, flow_rate_setting, flow_level_setting) "
                  "VALUES ($1, $2, 'CPAP-Pro', 'Acme Medical', $3, '1.2.0', $4, $5, $6) ON CONFLICT DO NOTHING",
                  {device_id, p.id, fmt::format("SN{:03}", i), fmt::format("{}", pressure), fmt::format("{}", flow_rate),
                   fmt::format("{}", flow_level)})
            .status());
    const nlohmann::json parameters = nlohmann::json::array({
        parameter("Pressure", pressure, 1.0, "cmH2O"),
        parameter("FlowRate", flow_rate, 0.5, "L/min"),
        parameter("FlowLevel", flow_level, 40.0, "%"),
    });
    CF_RETURN_IF_ERROR(conn.exec("INSERT INTO prescriptions (prescription_id, patient_id, device_id, "
                                 "medication_or_therapy, start_date, end_date, parameters) "
                                 "VALUES ($1, $2, $3, 'CPAP Oxygen Flow', $4, $5, $6::jsonb)",
                                 {new_prescription_id(device_id), p.id, device_id, std::to_string(valid_from),
                                  std::to_string(now_ms + kYearMs), parameters.dump()})
                           .status());
  }
  return Status::ok();
}

Status insert_insulin_pump_seed(PgConnection& conn) {
  const int64_t now_ms = wall_clock_ms();
  CF_RETURN_IF_ERROR(conn.exec("INSERT INTO patients (patient_id, name, gender, birth_date, zip_code, timezone) "
                               "VALUES ('P006', 'Grace Hall', 'F', '1979-03-21', '15213', 'America/New_York') "
                               "ON CONFLICT DO NOTHING")
                         .status());
  // An insulin pump measures glucose only: no pressure or flow settings.
  CF_RETURN_IF_ERROR(conn.exec("INSERT INTO devices (device_id, patient_id, model_type, manufacturer, serial_number, "
                               "software_version) VALUES ('DEV-P006', 'P006', 'InsulinPump-X2', 'Acme Medical', 'SN006', "
                               "'2.0.1') ON CONFLICT DO NOTHING")
                         .status());
  const nlohmann::json parameters = nlohmann::json::array({
      parameter("BloodGlucose", 120, 60, "mg/dL"),   // in range 60..180
      parameter("BolusThreshold", 250, 0, "mg/dL"),  // glucose_spike peaks at 310
      parameter("MaxBolusDose", 4, 0, "U"),
      parameter("BolusLockout", 30, 0, "min"),
  });
  // Only onto the seeded pump: a DEV-P006 someone made by hand before this migration keeps what it has.
  return conn
      .exec("INSERT INTO prescriptions (prescription_id, patient_id, device_id, medication_or_therapy, start_date, "
            "end_date, parameters) SELECT $1, 'P006', 'DEV-P006', 'Insulin (rapid-acting), automatic bolus', $2, $3, "
            "$4::jsonb WHERE EXISTS (SELECT 1 FROM devices WHERE device_id = 'DEV-P006' AND patient_id = 'P006' "
            "AND model_type = 'InsulinPump-X2') AND NOT EXISTS (SELECT 1 FROM prescriptions WHERE device_id = 'DEV-P006')",
            {new_prescription_id("DEV-P006"), std::to_string(now_ms - kValidFromDaysBack * kDayMs),
             std::to_string(now_ms + kYearMs), parameters.dump()})
      .status();
}

}  // namespace careflow::store
