#pragma once
// A REST resource over one store table: GET list, GET one, POST, PUT (partial), DELETE, with the
// body validated field by field before it reaches the database. Answers use camelCase names
// (prescriptionId) mapped to snake_case columns (prescription_id), as the reference API does; a
// resource may also accept its column names in bodies (the reference's clients send patient_id).

#include <functional>
#include <optional>
#include <variant>
#include <string>
#include <vector>

#include "api/list_cache.h"
#include "http/router.h"
#include "store/repository.h"

namespace careflow::api {

enum class FieldType {
  kText,        // non-empty string
  kDate,        // "YYYY-MM-DD"
  kNumber,      // finite number
  kEpochMillis, // integer milliseconds since the epoch
  kParameters,  // prescription parameters: an array, or a JSON string holding one
};

struct FieldSpec {
  std::string json;    // camelCase name in bodies
  std::string column;  // snake_case column
  FieldType type;
  bool required = false;  // on POST
  bool nullable = false;
  bool may_be_empty = false;  // kText: "" allowed (the reference's clients send "" for "not given")
  // The value a POST gets when the field is missing or null (and the column cannot hold null); a
  // PUT leaves such a field as it is when it is sent as null, as the reference's update does.
  std::function<nlohmann::json()> default_on_create = nullptr;
};

struct ResourceSpec {
  std::string collection;  // URL segment: "prescriptions"
  const store::TableSpec* table;
  std::vector<FieldSpec> fields;  // fields[0] is the key
  // Generates the key on POST (ignoring any sent by the client); nullopt = the client sends it.
  std::function<std::string(const nlohmann::json& row)> generate_key;
  // Cross-field and cross-table checks on the complete row (after a PUT is merged); returns the
  // failing field, if any.
  std::function<std::optional<http::FieldError>(const nlohmann::json& row)> check_row;
  // Bodies may name a field by its column (patient_id) as well as by its JSON name (patientId);
  // naming one field both ways in one body is refused, naming both spellings.
  bool accepts_column_names = false;
  // Columns answered under their column name too, beside the camelCase one (devices answer
  // device_id as well as deviceId: the reference's clients read device_id).
  std::vector<std::string> answered_by_column_name = {};
  // Columns the server sets beside a write's fields (none by default): called with the parsed
  // columns (a POST's whole row, a PUT's changed columns) and, on PUT, the row as it is (nullptr on
  // POST), after check_row. A failure is answered as the store's errors are.
  std::function<Status(nlohmann::json& columns, const nlohmann::json* current)> server_columns = nullptr;
};

// Registers the five routes of `spec` on `router`. With a `cache`, list bodies are served from it
// and the resource's writes invalidate it.
void add_resource_routes(http::Router& router, store::Database& db, const ResourceSpec& spec, ListCache* cache = nullptr);

// A column row -> the camelCase JSON the API returns (created_at -> createdAt, ...).
nlohmann::json to_api_json(const nlohmann::json& row);
// A row of `spec` as the API answers it: to_api_json plus its answered_by_column_name columns.
nlohmann::json answer_json(const ResourceSpec& spec, const nlohmann::json& row);

// Body validation, exposed for tests: the API body -> a column row. On POST (`creating`) every
// required field must be present and missing fields with a default get it; unknown fields are
// rejected.
std::variant<nlohmann::json, http::FieldError> parse_body(const ResourceSpec& spec, const nlohmann::json& body, bool creating);

}  // namespace careflow::api
