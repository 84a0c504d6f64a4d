#pragma once
// careflow's embedded Schema Registry: subjects, versions, schema ids, compatibility and mode,
// with Confluent Schema Registry's semantics and error codes (the REST routes in
// registry_routes.h are a thin layer over this class).
//
// Durable: every change rewrites <dir>/registry.json (temporary file, fsync, rename, fsync of the
// folder) before the call returns, so a registered id survives a crash or restart. A file
// written before contexts had their own ids (no "format" field) is migrated when opened; see
// registry_store.cc. Thread-safe: one mutex; calls are short.
//
// Contexts, as Confluent has them: a subject ":.ctx:name" lives in context ".ctx"; anything else
// in the default context ".". Each context is its own id space (the same id may name different
// schemas in two contexts). An id looked up with a qualified subject (or under
// /contexts/{ctx}/...) is searched in that context only; without a subject, in the default
// context only; with an unqualified subject, in the default context first, then in every other
// context in name order (Confluent's getSchemaKeyUsingContexts).
//
// Settings fall back from the most specific scope: a subject's own compatibility or mode, then its
// context's (stored as the subject ":.ctx:"), then the global one. A global READONLY_OVERRIDE wins
// over everything.

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/status.h"
#include "registry/subject_names.h"
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

// READWRITE, READONLY, READONLY_OVERRIDE or IMPORT (upper case, as Confluent answers them).
bool is_valid_mode(const std::string& mode);

struct Reference {
  std::string name;  // the named type the schema uses ("hc.Address")
  std::string subject;
  int version = 0;
  bool operator==(const Reference&) const = default;
};

// The schema types careflow's registry stores: "AVRO" (the default when a request names none) and
// "JSON" (JSON Schema). "PROTOBUF" and anything else are refused with 42201.
inline constexpr const char* kAvro = "AVRO";
inline constexpr const char* kJsonSchema = "JSON";

struct SchemaInfo {
  int id = 0;
  // Compact JSON text (members in the order given), as stored and returned: what Confluent's
  // registry stores too (its canonical string, for Avro and JSON Schema alike).
  std::string schema;
  std::string schema_type = kAvro;
  std::vector<Reference> references;
};

struct VersionInfo {
  std::string subject;
  int version = 0;
  SchemaInfo schema;
};

// In IMPORT mode a registration carries the id and/or version it had in another registry.
struct ImportedIds {
  int id = 0;       // 0: none given (the schema's id in the context, or the next one)
  int version = 0;  // 0: the next version
};

class SchemaRegistry {
 public:
  // Opens (or creates) the registry stored under `dir`. Corruption → error naming the file.
  static Result<std::unique_ptr<SchemaRegistry>> open(const std::string& dir);

  // POST /subjects/{s}/versions: the id of `schema` under `subject` (in the subject's context),
  // registering it as a new version when the subject does not already have it. `schema_type` is
  // "AVRO", "JSON" or "" (AVRO); a schema's identity includes its type. 42201 invalid
  // schema or schemaType, 409 incompatible, 42205 a mode that forbids it (READONLY, an id or
  // version given outside IMPORT, neither given in IMPORT) or a given id that names another
  // schema, 42207 the schema already has another id in the context, 50001 storage failure.
  Answer<int> register_schema(const std::string& subject, const std::string& schema, const std::string& schema_type,
                              const std::vector<Reference>& references, ImportedIds imported = {});
  // POST /subjects/{s}: the version under which `subject` holds this schema. 40401, 40403.
  Answer<VersionInfo> lookup(const std::string& subject, const std::string& schema, const std::string& schema_type,
                             const std::vector<Reference>& references, bool include_deleted);
  // GET /subjects/{s}/versions/{v}; `version` is a number, "latest" or "-1". 40401, 40402, 42202.
  Answer<VersionInfo> get_version(const std::string& subject, const std::string& version, bool include_deleted) const;
  Answer<std::vector<int>> versions(const std::string& subject, bool include_deleted) const;
  // Subjects starting with `prefix` (all contexts when empty). `deleted_only`: only those whose
  // every version is soft deleted.
  std::vector<std::string> subjects(const std::string& prefix, bool include_deleted, bool deleted_only = false) const;
  // GET /schemas: every subject-version starting with `prefix`, or each subject's latest only.
  std::vector<VersionInfo> schemas(const std::string& prefix, bool include_deleted, bool latest_only) const;
  // GET /subjects/{s}/versions/{v}/referencedby: ids (in their contexts) of the live schemas that
  // reference this version. 40401, 40402, 42202.
  Answer<std::vector<int>> referenced_by(const std::string& subject, const std::string& version) const;
  // DELETE /subjects/{s}[?permanent=true]: the versions deleted. 40401, 40404 (already soft
  // deleted), 40405 (permanent before soft), 42206 (a live schema references it), 42205.
  Answer<std::vector<int>> delete_subject(const std::string& subject, bool permanent);
  // DELETE /subjects/{s}/versions/{v}[?permanent=true]: the version deleted. 40401, 40402, 42202,
  // 40406 (already soft deleted), 40407 (permanent before soft), 42206, 42205.
  Answer<int> delete_version(const std::string& subject, const std::string& version, bool permanent);

  // GET /schemas/ids/{id}[?subject=s]: `scope` is the subject given (or empty), which chooses the
  // contexts searched as described at the top. 40403.
  Answer<SchemaInfo> schema_by_id(int id, const std::string& scope = "") const;
  // The subject-versions using schema `id` in the context where `scope` finds it. 40403.
  Answer<std::vector<std::pair<std::string, int>>> subject_versions_of(int id, bool include_deleted, const std::string& scope = "") const;

  // POST /compatibility/subjects/{s}/versions/{v}: messages empty when compatible. 40401, 40402,
  // 42201, 42202.
  Answer<std::vector<std::string>> check_compatibility(const std::string& subject, const std::string& version, const std::string& schema,
                                                       const std::string& schema_type, const std::vector<Reference>& references) const;

  Compatibility global_compatibility() const;
  Answer<Compatibility> set_global_compatibility(const std::string& level);  // 42203
  // 40408 when the subject has no level of its own and `default_to_global` is false; with it, the
  // level that applies (context's, then global).
  Answer<Compatibility> subject_compatibility(const std::string& subject, bool default_to_global) const;
  Answer<Compatibility> set_subject_compatibility(const std::string& subject, const std::string& level);
  Answer<Compatibility> delete_subject_compatibility(const std::string& subject);  // 40408

  std::string mode() const;
  // 42204 invalid mode; 42205 IMPORT while subjects exist, unless `force`.
  Answer<std::string> set_mode(const std::string& mode, bool force = false);
  // DELETE /mode: back to READWRITE; the previous mode.
  Answer<std::string> reset_mode();
  // GET /mode/{s}: 40409 when the subject has no mode of its own and `default_to_global` is false.
  Answer<std::string> subject_mode(const std::string& subject, bool default_to_global) const;
  // PUT /mode/{s}: 42204; 42205 IMPORT on a subject (or context ":.ctx:") that has versions,
  // unless `force`.
  Answer<std::string> set_subject_mode(const std::string& subject, const std::string& mode, bool force);
  Answer<std::string> delete_subject_mode(const std::string& subject);  // 40409

  // Contexts in use, "." first.
  std::vector<std::string> contexts() const;

 private:
  struct Version {
    int version = 0;
    int id = 0;  // in the subject's context
    bool deleted = false;
  };
  struct Subject {
    std::vector<Version> versions;
    std::optional<Compatibility> compatibility;
    std::optional<std::string> mode;
    bool has_live() const;
  };
  // One context's id space.
  struct Context {
    std::map<int, SchemaInfo> schemas;
    std::map<std::string, int> ids_by_identity;
    int next_id = 1;
  };

  // Everything a write may change, copied before it so a failed save leaves memory as the file is.
  struct Snapshot {
    std::map<std::string, Context> contexts;
    std::map<std::string, Subject> subjects;
    Compatibility global;
    std::string mode;
  };

  explicit SchemaRegistry(std::string dir) : dir_(std::move(dir)) {}
  // registry_store.cc: the file, its format and the migration of the first format.
  Status load();
  Status load_contexts(const nlohmann::json& state);
  void migrate_global_ids(const nlohmann::json& state);
  Status save() const;
  Snapshot snapshot() const;
  // Saves; on failure restores `before` and returns the 50001 error.
  std::optional<RegistryError> save_or_restore(Snapshot before);

  // A schema checked for registration: an Avro schema compiled, a JSON Schema document checked
  // (json_schema_check.h) and kept as text.
  struct CheckedSchema {
    std::string type;  // kAvro or kJsonSchema
    std::optional<serde::avro::Schema> avro;
    std::string identity;  // identity(schema, type, references)
  };
  // Checks a schema with its references resolved (unqualified reference subjects in `context`):
  // each reference must name an existing subject version; Avro references supply named types.
  // 42201 naming the problem (an unknown schemaType among them).
  Answer<CheckedSchema> parse(const std::string& schema, const std::string& schema_type, const std::vector<Reference>& references,
                              const std::string& context, int depth = 0) const;
  Answer<const Subject*> find_subject(const std::string& subject, bool include_deleted) const;
  Answer<const Version*> find_version(const Subject& s, const std::string& subject, const std::string& version, bool include_deleted) const;
  const SchemaInfo& stored(const std::string& subject, const Version& v) const;
  std::vector<std::string> incompatibilities(const std::string& subject, const Subject& s, const CheckedSchema& candidate,
                                             Compatibility level, const Version* only) const;
  // Why `candidate` is not `level`-compatible with the stored `existing` (version `version`), or "".
  std::string incompatibility(const CheckedSchema& candidate, const CheckedSchema& existing, int version, bool backward,
                              bool forward) const;
  // The context holding `id` for `scope`, or nullptr.
  const Context* context_for_id(int id, const std::string& scope, std::string* name) const;
  // (referencing subject, version) of live versions referencing subject `subject` version `version`.
  std::vector<std::pair<std::string, int>> referrers(const std::string& subject, int version) const;
  std::optional<RegistryError> refuse_if_referenced(const std::string& subject, const std::vector<int>& versions) const;
  Compatibility level_of(const std::string& subject) const;
  std::string mode_of(const std::string& subject) const;
  std::optional<RegistryError> refuse_if_read_only(const std::string& subject) const;
  // register_schema in IMPORT mode with a given id: no compatibility check.
  Answer<int> import_schema(const std::string& subject, const std::string& schema, const CheckedSchema& checked,
                            const std::vector<Reference>& references, ImportedIds imported, Snapshot before);
  static std::string identity(const std::string& schema, const std::string& schema_type, const std::vector<Reference>& references);
  static std::string compact(const std::string& schema);

  std::string dir_;
  mutable std::mutex mu_;
  std::map<std::string, Context> contexts_;  // "." always present
  std::map<std::string, Subject> subjects_;  // qualified names
  Compatibility global_ = Compatibility::kBackward;
  std::string mode_ = "READWRITE";
};

}  // namespace careflow::registry
