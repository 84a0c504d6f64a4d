#pragma once
// What a serializer needs from a Schema Registry. serde owns the interface so that the layers
// that encode records (exec's formats, cdc, the simulator) need no registry; src/registry
// implements it for careflow's embedded registry and for an external one over HTTP.
//
// Every call names the schema type as Confluent's REST API does ("AVRO", "JSON"); the two-argument
// forms are Avro's.

#include <string>

#include "common/status.h"

namespace careflow::serde {

inline constexpr const char* kAvroSchemaType = "AVRO";
inline constexpr const char* kJsonSchemaType = "JSON";

struct RegisteredSchema {
  int id = 0;
  int version = 0;
  std::string schema;
  std::string schema_type = kAvroSchemaType;
};

class RegistryClient {
 public:
  virtual ~RegistryClient() = default;
  // Registers (or finds) `schema` of `schema_type` under `subject`: its id.
  virtual Result<int> register_typed(const std::string& subject, const std::string& schema, const std::string& schema_type) = 0;
  // The id under which `subject` already holds `schema` (no registration). NotFound otherwise.
  virtual Result<RegisteredSchema> lookup_typed(const std::string& subject, const std::string& schema, const std::string& schema_type) = 0;
  virtual Result<RegisteredSchema> latest(const std::string& subject) = 0;
  // The schema of `id` with its type (no subject or version: those are 0). NotFound for an unknown id.
  virtual Result<RegisteredSchema> schema_of_id(int id) = 0;

  Result<int> register_schema(const std::string& subject, const std::string& schema) {
    return register_typed(subject, schema, kAvroSchemaType);
  }
  Result<RegisteredSchema> lookup(const std::string& subject, const std::string& schema) {
    return lookup_typed(subject, schema, kAvroSchemaType);
  }
  // The schema text of `id`, whatever its type.
  Result<std::string> schema_by_id(int id) {
    CF_ASSIGN_OR_RETURN(RegisteredSchema found, schema_of_id(id));
    return std::move(found.schema);
  }
};

}  // namespace careflow::serde
