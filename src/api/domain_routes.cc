#include "api/domain_routes.h"

#include <fmt/format.h>

#include "common/clock.h"
#include "store/device_assignment.h"
#include "store/prescription_id.h"

namespace careflow::api {
namespace {

// 422 naming `field` when the row's `column` points to no row of `table` (a foreign key the
// database would reject with a less helpful message).
std::optional<http::FieldError> must_exist(store::Database& db, const store::TableSpec& table, const nlohmann::json& row,
                                     const std::string& column, const std::string& field) {
  if (!row.contains(column) || row[column].is_null()) return std::nullopt;
  auto found = store::Repository(db, table).get(row[column].get<std::string>());
  if (found) return std::nullopt;
  if (found.status().code() == StatusCode::kNotFound) {
    return http::FieldError{field, fmt::format("{} '{}' does not exist", field, row[column].get<std::string>())};
  }
  return http::FieldError{field, found.status().message()};
}

}  // namespace

ResourceSpec patients_resource(store::Database* db) {
  (void)db;
  return {"patients",
          &store::patients_table(),
          {{"patientId", "patient_id", FieldType::kText, true},
           {"name", "name", FieldType::kText, true},
           {"gender", "gender", FieldType::kText, false, true},
           {"birthDate", "birth_date", FieldType::kDate, false, true},
           {"zipCode", "zip_code", FieldType::kText, false, true},
           {"timezone", "timezone", FieldType::kText}},
          nullptr,
          nullptr};
}

ResourceSpec devices_resource(store::Database* db, WriteClock assignment_clock) {
  ResourceSpec spec{"devices",
          &store::devices_table(),
          {{"deviceId", "device_id", FieldType::kText, true},
           {"patientId", "patient_id", FieldType::kText, true},
           {"modelType", "model_type", FieldType::kText, false, true},
           {"manufacturer", "manufacturer", FieldType::kText, false, true},
           {"serialNumber", "serial_number", FieldType::kText, false, true},
           {"softwareVersion", "software_version", FieldType::kText, false, true},
           {"pressureSetting", "pressure_setting", FieldType::kNumber, false, true},
           {"flowRateSetting", "flow_rate_setting", FieldType::kNumber, false, true},
           {"flowLevelSetting", "flow_level_setting", FieldType::kNumber, false, true}},
          nullptr,
          [db](const nlohmann::json& row) { return must_exist(*db, store::patients_table(), row, "patient_id", "patientId"); },
          /*accepts_column_names=*/false,
          /*answered_by_column_name=*/{"device_id"}};
  if (!db || !assignment_clock) return spec;
  // A new device, or one whose patient changes, starts an assignment at the clock's time; an
  // update that keeps the patient (a firmware update) leaves it.
  spec.server_columns = [db, assignment_clock](nlohmann::json& columns, const nlohmann::json* current) -> Status {
    const bool moved = current && columns.contains("patient_id") && columns["patient_id"] != (*current)["patient_id"];
    if (current && !moved) return Status::ok();
    Result<nlohmann::json> at = current ? store::moved_assignment_time(*db, (*current)["device_id"].get<std::string>(),
                                                                       assignment_clock())
                                        : store::new_assignment_time(*db, assignment_clock());
    if (!at) return at.status();
    columns["assigned_at"] = std::move(*at);
    return Status::ok();
  };
  return spec;
}

ResourceSpec prescriptions_resource(store::Database* db) {
  return {"prescriptions",
          &store::prescriptions_table(),
          {{"prescriptionId", "prescription_id", FieldType::kText},
           {"patientId", "patient_id", FieldType::kText, true},
           {"deviceId", "device_id", FieldType::kText, true},
           // Optional as in the reference, which stores "" for a therapy not given.
           {"medicationOrTherapy", "medication_or_therapy", FieldType::kText, false, false, true,
            [] { return nlohmann::json(""); }},
           // Optional as in the reference; careflow's column is NOT NULL (the pipelines need a
           // validity start), so a prescription without one is valid from when it is created.
           {"startDate", "start_date", FieldType::kEpochMillis, false, false, false,
            [] { return nlohmann::json(wall_clock_ms()); }},
           {"endDate", "end_date", FieldType::kEpochMillis, false, true},
           // The reference's default is "[]": a prescription may be created before its settings.
           {"parameters", "parameters", FieldType::kParameters, false, false, false,
            [] { return nlohmann::json::array(); }}},
          [](const nlohmann::json& row) { return store::new_prescription_id(row["device_id"].get<std::string>()); },
          [db](const nlohmann::json& row) -> std::optional<http::FieldError> {
            if (auto e = must_exist(*db, store::patients_table(), row, "patient_id", "patientId")) return e;
            if (auto e = must_exist(*db, store::devices_table(), row, "device_id", "deviceId")) return e;
            auto device = store::Repository(*db, store::devices_table()).get(row["device_id"].get<std::string>());
            if (device && (*device)["patient_id"] != row["patient_id"]) {
              return http::FieldError{"deviceId", fmt::format("device '{}' belongs to patient '{}', not '{}'",
                                                        row["device_id"].get<std::string>(),
                                                        (*device)["patient_id"].get<std::string>(),
                                                        row["patient_id"].get<std::string>())};
            }
            if (row.contains("end_date") && !row["end_date"].is_null() &&
                row["end_date"].get<int64_t>() < row["start_date"].get<int64_t>()) {
              return http::FieldError{"endDate", "endDate must not be before startDate"};
            }
            return std::nullopt;
          },
          /*accepts_column_names=*/true};
}

void add_domain_routes(http::Router& router, store::Database& db, ListCache* cache, WriteClock assignment_clock) {
  add_resource_routes(router, db, patients_resource(&db), cache);
  add_resource_routes(router, db, devices_resource(&db, std::move(assignment_clock)), cache);
  add_resource_routes(router, db, prescriptions_resource(&db), cache);
}

}  // namespace careflow::api
