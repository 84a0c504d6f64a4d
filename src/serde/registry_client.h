#pragma once
// What a serializer needs from a Schema Registry. serde owns the interface so that the layers
// that encode records (exec's formats, cdc, the simulator) need no registry; src/registry
// implements it for careflow's embedded registry and for an external one over HTTP.

#include <string>

#include "common/status.h"

namespace careflow::serde {

struct RegisteredSchema {
  int id = 0;
  int version = 0;
  std::string schema;
};

class RegistryClient {
 public:
  virtual ~RegistryClient() = default;
  // Registers (or finds) `schema` under `subject`: its id.
  virtual Result<int> register_schema(const std::string& subject, const std::string& schema) = 0;
  // The id under which `subject` already holds `schema` (no registration). NotFound otherwise.
  virtual Result<RegisteredSchema> lookup(const std::string& subject, const std::string& schema) = 0;
  virtual Result<RegisteredSchema> latest(const std::string& subject) = 0;
  virtual Result<std::string> schema_by_id(int id) = 0;
};

}  // namespace careflow::serde
