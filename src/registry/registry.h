#pragma once
// careflow's embedded Schema Registry: subjects, versions, schema ids, compatibility and mode,
// with Confluent Schema Registry's semantics and error codes (the REST routes in
// registry_routes.h are a thin layer over this class).
//
// Durable: every change rewrites <dir>/registry.json (temporary file, fsync, rename, fsync of the
// folder) before the call returns, so a registered id survives a crash or restart. Thread-safe:
// one mutex; calls are short.
//
// Contexts: a subject ":.ctx:name" lives in context ".ctx"; the default context is ".". Schema
// ids are one sequence across contexts (an id means one schema text everywhere), which keeps
// /schemas/ids/{id} unambiguous.

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/status.h"
#include "serde/avro_schema.h"

namespace careflow::registry {

// A Confluent error: error_code 40401 → HTTP 404, 42201 → 422, 409 → 409, 50001 → 500.
struct RegistryError {
  int error_code = 50001;
  std::string message;
  int http_status() const { return error_code >= 10000 ? error_code / 100 : error_code; }
};

template <typename T>
class Answer {
 public:
  Answer(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design, as Result
  Answer(RegistryError e) : v_(std::move(e)) {}  // NOLINT
  bool is_ok() const { return v_.index() == 0; }
  const T& value() const { return std::get<0>(v_); }
  const T* operator->() const { return &value(); }
  const T& operator*() const { return value(); }
  const RegistryError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, RegistryError> v_;
};

enum class Compatibility { kNone, kBackward, kBackwardTransitive, kForward, kForwardTransitive, kFull, kFullTransitive };
std::string_view compatibility_name(Compatibility c);
std::optional<Compatibility> parse_compatibility(std::string_view name);

struct Reference {
  std::string name;  // the named type the schema uses ("hc.Address")
  std::string subject;
  int version = 0;
  bool operator==(const Reference&) const = default;
};

struct SchemaInfo {
  int id = 0;
  std::string schema;  // compact JSON text, as stored and returned
  std::string schema_type = "AVRO";
  std::vector<Reference> references;
};

struct VersionInfo {
  std::string subject;
  int version = 0;
  SchemaInfo schema;
};

class SchemaRegistry {
 public:
  // Opens (or creates) the registry stored under `dir`. Corruption → error naming the file.
  static Result<std::unique_ptr<SchemaRegistry>> open(const std::string& dir);

  // POST /subjects/{s}/versions: the id of `schema` under `subject`, registering it as a new
  // version when the subject does not already have it. 42201 invalid schema or schemaType,
  // 409 incompatible, 42205 read-only mode, 50001 storage failure.
  Answer<int> register_schema(const std::string& subject, const std::string& schema, const std::string& schema_type,
                              const std::vector<Reference>& references);
  // POST /subjects/{s}: the version under which `subject` holds this schema. 40401, 40403.
  Answer<VersionInfo> lookup(const std::string& subject, const std::string& schema, const std::string& schema_type,
                             const std::vector<Reference>& references, bool include_deleted);
  // GET /subjects/{s}/versions/{v}; `version` is a number, "latest" or "-1". 40401, 40402, 42202.
  Answer<VersionInfo> get_version(const std::string& subject, const std::string& version, bool include_deleted) const;
  Answer<std::vector<int>> versions(const std::string& subject, bool include_deleted) const;
  std::vector<std::string> subjects(const std::string& prefix, bool include_deleted) const;
  // DELETE /subjects/{s}[?permanent=true]: the versions deleted. 40401, 40404 (already soft
  // deleted), 40405 (permanent before soft).
  Answer<std::vector<int>> delete_subject(const std::string& subject, bool permanent);
  // DELETE /subjects/{s}/versions/{v}[?permanent=true]: the version deleted. 40401, 40402, 42202,
  // 40406 (already soft deleted), 40407 (permanent before soft).
  Answer<int> delete_version(const std::string& subject, const std::string& version, bool permanent);

  Answer<SchemaInfo> schema_by_id(int id) const;  // 40403
  Answer<std::vector<std::pair<std::string, int>>> subject_versions_of(int id, bool include_deleted) const;

  // POST /compatibility/subjects/{s}/versions/{v}: messages empty when compatible. 40401, 40402,
  // 42201, 42202.
  Answer<std::vector<std::string>> check_compatibility(const std::string& subject, const std::string& version, const std::string& schema,
                                                       const std::string& schema_type, const std::vector<Reference>& references) const;

  Compatibility global_compatibility() const;
  Answer<Compatibility> set_global_compatibility(const std::string& level);  // 42203
  // 40408 when the subject has no level of its own and `default_to_global` is false.
  Answer<Compatibility> subject_compatibility(const std::string& subject, bool default_to_global) const;
  Answer<Compatibility> set_subject_compatibility(const std::string& subject, const std::string& level);
  Answer<Compatibility> delete_subject_compatibility(const std::string& subject);  // 40408

  std::string mode() const;
  Answer<std::string> set_mode(const std::string& mode);  // 42204

  // Contexts in use, "." first.
  std::vector<std::string> contexts() const;

 private:
  struct Version {
    int version = 0;
    int id = 0;
    bool deleted = false;
  };
  struct Subject {
    std::vector<Version> versions;
    std::optional<Compatibility> compatibility;
  };

  // Everything a write may change, copied before it so a failed save leaves memory as the file is.
  struct Snapshot {
    std::map<int, SchemaInfo> schemas;
    std::map<std::string, int> ids_by_identity;
    std::map<std::string, Subject> subjects;
    Compatibility global;
    std::string mode;
    int next_id;
  };

  explicit SchemaRegistry(std::string dir) : dir_(std::move(dir)) {}
  Status load();
  Status save() const;
  Snapshot snapshot() const;
  // Saves; on failure restores `before` and returns the 50001 error.
  std::optional<RegistryError> save_or_restore(Snapshot before);
  // Parses a schema with its references resolved. 42201 naming the problem.
  Answer<serde::avro::Schema> parse(const std::string& schema, const std::string& schema_type,
                                    const std::vector<Reference>& references, int depth = 0) const;
  Answer<const Subject*> find_subject(const std::string& subject, bool include_deleted) const;
  Answer<const Version*> find_version(const Subject& s, const std::string& subject, const std::string& version, bool include_deleted) const;
  std::vector<std::string> incompatibilities(const Subject& s, const serde::avro::Schema& candidate, Compatibility level,
                                             const Version* only) const;
  Compatibility level_of(const std::string& subject) const;
  static std::string identity(const std::string& schema, const std::vector<Reference>& references);
  static std::string compact(const std::string& schema);

  std::string dir_;
  mutable std::mutex mu_;
  std::map<int, SchemaInfo> schemas_;
  std::map<std::string, int> ids_by_identity_;
  std::map<std::string, Subject> subjects_;
  Compatibility global_ = Compatibility::kBackward;
  std::string mode_ = "READWRITE";
  int next_id_ = 1;
};

// The subject's context: ":.ctx:name" → ".ctx"; anything else → ".".
std::string context_of(const std::string& subject);

}  // namespace careflow::registry
