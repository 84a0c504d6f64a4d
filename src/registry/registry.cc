// The registry's subjects, versions and schema ids (settings in registry_settings.cc, the file
// in registry_store.cc).
#include "registry/registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "registry/json_schema_check.h"
#include "serde/avro_resolve.h"

namespace careflow::registry {

namespace {

RegistryError err(int code, std::string message) { return {code, std::move(message)}; }

RegistryError subject_not_found(const std::string& s) { return err(40401, fmt::format("Subject '{}' not found.", s)); }

// "latest" / "-1" → -1; 1..2^31-1 → itself; anything else → 0 (invalid).
int parse_version(const std::string& text) {
  if (text == "latest" || text == "-1") return -1;
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 1) return 0;
  return v;
}

RegistryError invalid_version(const std::string& text) {
  return err(42202, fmt::format("The specified version '{}' is not a valid version id. Allowed values are between [1, 2^31-1] and "
                                "the string \"latest\"",
                                text));
}

}  // namespace

const SchemaInfo& SchemaRegistry::stored(const std::string& subject, const Version& v) const {
  return contexts_.at(context_of(subject)).schemas.at(v.id);
}

Answer<SchemaRegistry::CheckedSchema> SchemaRegistry::parse(const std::string& schema, const std::string& schema_type,
                                                            const std::vector<Reference>& references, const std::string& context,
                                                            int depth) const {
  const std::string type = schema_type.empty() ? kAvro : schema_type;
  if (type != kAvro && type != kJsonSchema) {
    return err(42201, fmt::format("Invalid schema: schemaType {} is not supported by careflow's registry (AVRO and JSON)", schema_type));
  }
  if (depth > 32) return err(42201, "Invalid schema: references nest deeper than 32 levels");
  std::vector<serde::avro::Schema> named;
  for (const auto& ref : references) {
    // An unqualified reference names a subject in the referencing schema's context.
    const std::string ref_subject = qualify(context, ref.subject);
    auto s = subjects_.find(ref_subject);
    const Version* found = nullptr;
    if (s != subjects_.end()) {
      for (const auto& v : s->second.versions) {
        if (v.version == ref.version || (ref.version == -1 && !v.deleted)) found = &v;
      }
    }
    if (!found) {
      return err(42201, fmt::format("Invalid schema: reference '{}' names subject '{}' version {}, which does not exist", ref.name,
                                    ref.subject, ref.version));
    }
    const SchemaInfo& info = stored(ref_subject, *found);
    if (info.schema_type != type) {
      return err(42201, fmt::format("Invalid schema: reference '{}' is a {} schema, not {}", ref.name, info.schema_type, type));
    }
    auto parsed = parse(info.schema, info.schema_type, info.references, context_of(ref_subject), depth + 1);
    if (!parsed.is_ok()) return parsed.error();
    if (parsed->avro) named.push_back(*parsed->avro);
  }
  CheckedSchema out{type, std::nullopt, identity(schema, type, references)};
  if (type == kJsonSchema) {
    // A $ref to a referenced document is resolved by the clients that use the schema, not here.
    if (auto problem = json_schema_problem(schema)) return err(42201, fmt::format("Invalid schema: JSON Schema {}", *problem));
    return out;
  }
  auto parsed = serde::avro::Schema::parse(schema, named);
  if (!parsed.is_ok()) return err(42201, fmt::format("Invalid schema: {}", parsed.status().message()));
  out.avro = std::move(*parsed);
  return out;
}

std::string SchemaRegistry::incompatibility(const CheckedSchema& candidate, const CheckedSchema& existing, int version, bool backward,
                                            bool forward) const {
  if (candidate.type != existing.type) {
    return fmt::format("version {}: it is a {} schema and the new one is {}", version, existing.type, candidate.type);
  }
  if (candidate.type == kJsonSchema) {
    // careflow does not implement Confluent's JSON Schema compatibility rules (open and closed
    // content models, ...): an identical schema is compatible, any other is refused rather than
    // let through unchecked.
    if (candidate.identity == existing.identity) return "";
    return fmt::format("version {}: the JSON Schemas differ, and careflow's registry checks JSON Schema compatibility only for "
                       "identical schemas (set the subject's compatibility to NONE to register a changed JSON Schema)",
                       version);
  }
  std::string out;
  if (backward) {
    Status st = serde::avro::check_can_read(existing.avro->root(), candidate.avro->root());
    if (!st.is_ok()) out = fmt::format("version {}: the new schema cannot read data written with it: {}", version, st.message());
  }
  if (forward) {
    Status st = serde::avro::check_can_read(candidate.avro->root(), existing.avro->root());
    if (!st.is_ok()) {
      out += fmt::format("{}version {}: it cannot read data written with the new schema: {}", out.empty() ? "" : "; ", version, st.message());
    }
  }
  return out;
}

std::vector<std::string> SchemaRegistry::incompatibilities(const std::string& subject, const Subject& s, const CheckedSchema& candidate,
                                                           Compatibility level, const Version* only) const {
  std::vector<std::string> messages;
  if (level == Compatibility::kNone) return messages;
  const bool transitive = level == Compatibility::kBackwardTransitive || level == Compatibility::kForwardTransitive ||
                          level == Compatibility::kFullTransitive;
  const bool backward = level != Compatibility::kForward && level != Compatibility::kForwardTransitive;
  const bool forward = level != Compatibility::kBackward && level != Compatibility::kBackwardTransitive;
  std::vector<const Version*> against;
  if (only) {
    against.push_back(only);
  } else {
    for (auto it = s.versions.rbegin(); it != s.versions.rend(); ++it) {
      if (it->deleted) continue;
      against.push_back(&*it);
      if (!transitive) break;
    }
  }
  for (const Version* v : against) {
    const SchemaInfo& info = stored(subject, *v);
    auto existing = parse(info.schema, info.schema_type, info.references, context_of(subject));
    if (!existing.is_ok()) continue;  // stored schemas parsed when registered
    std::string why = incompatibility(candidate, *existing, v->version, backward, forward);
    if (!why.empty()) messages.push_back(std::move(why));
  }
  return messages;
}

Answer<int> SchemaRegistry::register_schema(const std::string& subject, const std::string& schema, const std::string& schema_type,
                                            const std::vector<Reference>& references, ImportedIds imported) {
  std::lock_guard lock(mu_);
  Snapshot before = snapshot();
  if (auto e = refuse_if_read_only(subject)) return *e;
  const std::string mode = mode_of(subject);
  // As Confluent: a given id or version needs IMPORT mode, and IMPORT mode needs one.
  const bool given = imported.id > 0 || imported.version > 0;
  if (given && mode != "IMPORT") return err(42205, fmt::format("Subject {} is not in import mode", subject));
  if (!given && mode == "IMPORT") return err(42205, fmt::format("Subject {} is not in read-write mode", subject));
  const std::string context = context_of(subject);
  auto parsed = parse(schema, schema_type, references, context);
  if (!parsed.is_ok()) return parsed.error();
  if (given) return import_schema(subject, schema, *parsed, references, imported, std::move(before));
  Context& c = contexts_[context];
  const std::string& key = parsed->identity;
  auto known = c.ids_by_identity.find(key);
  Subject& s = subjects_[subject];
  if (known != c.ids_by_identity.end()) {
    for (const auto& v : s.versions) {
      if (!v.deleted && v.id == known->second) return known->second;
    }
  }
  auto problems = incompatibilities(subject, s, *parsed, level_of(subject), nullptr);
  if (!problems.empty()) {
    if (s.versions.empty() && !s.compatibility && !s.mode) subjects_.erase(subject);
    std::string details;
    for (const auto& p : problems) details += (details.empty() ? "" : "; ") + p;
    return err(409, fmt::format("Schema being registered is incompatible with an earlier schema for subject \"{}\" ({}), details: [{}]",
                                subject, compatibility_name(level_of(subject)), details));
  }
  int id;
  if (known != c.ids_by_identity.end()) {
    id = known->second;
  } else {
    id = c.next_id++;
    c.schemas[id] = SchemaInfo{id, compact(schema), parsed->type, references};
    c.ids_by_identity[key] = id;
  }
  int version = s.versions.empty() ? 1 : s.versions.back().version + 1;
  s.versions.push_back({version, id, false});
  if (auto e = save_or_restore(std::move(before))) return *e;
  return id;
}

Answer<int> SchemaRegistry::import_schema(const std::string& subject, const std::string& schema, const CheckedSchema& checked,
                                          const std::vector<Reference>& references, ImportedIds imported, Snapshot before) {
  Context& c = contexts_[context_of(subject)];
  const std::string& key = checked.identity;
  auto known = c.ids_by_identity.find(key);
  if (imported.id == 0) imported.id = known != c.ids_by_identity.end() ? known->second : c.next_id;  // a version alone
  if (known != c.ids_by_identity.end() && known->second != imported.id) {
    return err(42207, fmt::format("Schema already registered with id {} instead of input id {}", known->second, imported.id));
  }
  if (auto same_id = c.schemas.find(imported.id); same_id != c.schemas.end() && known == c.ids_by_identity.end()) {
    const std::string context = context_of(subject);
    return err(42205, fmt::format("Overwrite new schema with id {} in context {} is not permitted.", imported.id,
                                  context == kDefaultContext ? ":.:" : context_subject(context)));
  }
  Subject& s = subjects_[subject];
  const int version = imported.version > 0 ? imported.version : (s.versions.empty() ? 1 : s.versions.back().version + 1);
  for (const auto& v : s.versions) {
    if (v.version == version && v.id == imported.id) return imported.id;  // imported before
    if (v.version == version) {
      return err(42205, fmt::format("Version {} of subject '{}' already holds schema id {}, not {}", version, subject, v.id, imported.id));
    }
  }
  c.schemas[imported.id] = SchemaInfo{imported.id, compact(schema), checked.type, references};
  c.ids_by_identity[key] = imported.id;
  c.next_id = std::max(c.next_id, imported.id + 1);
  auto at = std::find_if(s.versions.begin(), s.versions.end(), [version](const Version& v) { return v.version > version; });
  s.versions.insert(at, {version, imported.id, false});
  if (auto e = save_or_restore(std::move(before))) return *e;
  return imported.id;
}

Answer<const SchemaRegistry::Subject*> SchemaRegistry::find_subject(const std::string& subject, bool include_deleted) const {
  auto it = subjects_.find(subject);
  if (it == subjects_.end() || it->second.versions.empty()) return subject_not_found(subject);
  if (!include_deleted && !it->second.has_live()) return subject_not_found(subject);
  return &it->second;
}

Answer<const SchemaRegistry::Version*> SchemaRegistry::find_version(const Subject& s, const std::string& subject, const std::string& version,
                                                                   bool include_deleted) const {
  int wanted = parse_version(version);
  if (wanted == 0) return invalid_version(version);
  const Version* found = nullptr;
  for (const auto& v : s.versions) {
    if (v.deleted && !include_deleted) continue;
    if (wanted == -1 || v.version == wanted) found = &v;
  }
  if (!found) {
    if (wanted == -1) return err(40402, fmt::format("Version latest not found for subject '{}'.", subject));
    return err(40402, fmt::format("Version {} not found.", wanted));
  }
  return found;
}

Answer<VersionInfo> SchemaRegistry::lookup(const std::string& subject, const std::string& schema, const std::string& schema_type,
                                           const std::vector<Reference>& references, bool include_deleted) {
  std::lock_guard lock(mu_);
  auto s = find_subject(subject, include_deleted);
  if (!s.is_ok()) return s.error();
  const std::string context = context_of(subject);
  auto parsed = parse(schema, schema_type, references, context);
  if (!parsed.is_ok()) return parsed.error();
  const Context& c = contexts_.at(context);
  auto known = c.ids_by_identity.find(parsed->identity);
  if (known != c.ids_by_identity.end()) {
    for (const auto& v : (*s)->versions) {
      if ((include_deleted || !v.deleted) && v.id == known->second) return VersionInfo{subject, v.version, c.schemas.at(v.id)};
    }
  }
  return err(40403, "Schema not found");
}

Answer<VersionInfo> SchemaRegistry::get_version(const std::string& subject, const std::string& version, bool include_deleted) const {
  std::lock_guard lock(mu_);
  if (parse_version(version) == 0) return invalid_version(version);
  auto s = find_subject(subject, include_deleted);
  if (!s.is_ok()) return s.error();
  auto v = find_version(**s, subject, version, include_deleted);
  if (!v.is_ok()) return v.error();
  return VersionInfo{subject, (*v)->version, stored(subject, **v)};
}

Answer<std::vector<int>> SchemaRegistry::versions(const std::string& subject, bool include_deleted) const {
  std::lock_guard lock(mu_);
  auto s = find_subject(subject, include_deleted);
  if (!s.is_ok()) return s.error();
  std::vector<int> out;
  for (const auto& v : (*s)->versions) {
    if (include_deleted || !v.deleted) out.push_back(v.version);
  }
  return out;
}

std::vector<std::string> SchemaRegistry::subjects(const std::string& prefix, bool include_deleted, bool deleted_only) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, s] : subjects_) {
    if (name.rfind(prefix, 0) != 0 || s.versions.empty()) continue;
    const bool live = s.has_live();
    if (deleted_only ? !live : (live || include_deleted)) out.push_back(name);
  }
  return out;
}

std::vector<VersionInfo> SchemaRegistry::schemas(const std::string& prefix, bool include_deleted, bool latest_only) const {
  std::lock_guard lock(mu_);
  std::vector<VersionInfo> out;
  for (const auto& [name, s] : subjects_) {
    if (name.rfind(prefix, 0) != 0) continue;
    std::vector<VersionInfo> of_subject;
    for (const auto& v : s.versions) {
      if (include_deleted || !v.deleted) of_subject.push_back({name, v.version, stored(name, v)});
    }
    if (latest_only && of_subject.size() > 1) of_subject.erase(of_subject.begin(), of_subject.end() - 1);
    out.insert(out.end(), of_subject.begin(), of_subject.end());
  }
  return out;
}

std::vector<std::pair<std::string, int>> SchemaRegistry::referrers(const std::string& subject, int version) const {
  std::vector<std::pair<std::string, int>> out;
  for (const auto& [name, s] : subjects_) {
    for (const auto& v : s.versions) {
      if (v.deleted) continue;
      for (const auto& ref : stored(name, v).references) {
        if (qualify(context_of(name), ref.subject) == subject && ref.version == version) out.emplace_back(name, v.version);
      }
    }
  }
  return out;
}

std::optional<RegistryError> SchemaRegistry::refuse_if_referenced(const std::string& subject, const std::vector<int>& versions) const {
  for (int version : versions) {
    if (!referrers(subject, version).empty()) {
      return err(42206, fmt::format("One or more references exist to the schema {{magic=1,keytype=SCHEMA,subject={},version={}}}.", subject,
                                    version));
    }
  }
  return std::nullopt;
}

Answer<std::vector<int>> SchemaRegistry::referenced_by(const std::string& subject, const std::string& version) const {
  std::lock_guard lock(mu_);
  if (parse_version(version) == 0) return invalid_version(version);
  auto s = find_subject(subject, false);
  if (!s.is_ok()) return s.error();
  auto v = find_version(**s, subject, version, false);
  if (!v.is_ok()) return v.error();
  std::set<int> ids;
  for (const auto& [name, number] : referrers(subject, (*v)->version)) {
    for (const auto& rv : subjects_.at(name).versions) {
      if (rv.version == number) ids.insert(rv.id);
    }
  }
  return std::vector<int>(ids.begin(), ids.end());
}

Answer<std::vector<int>> SchemaRegistry::delete_subject(const std::string& subject, bool permanent) {
  std::lock_guard lock(mu_);
  Snapshot before = snapshot();
  if (auto e = refuse_if_read_only(subject)) return *e;
  auto it = subjects_.find(subject);
  if (it == subjects_.end() || it->second.versions.empty()) return subject_not_found(subject);
  Subject& s = it->second;
  const bool any_live = s.has_live();
  std::vector<int> deleted;
  if (permanent) {
    if (any_live) return err(40405, fmt::format("Subject '{}' was not deleted first before being permanently deleted", subject));
    for (const auto& v : s.versions) deleted.push_back(v.version);
    s.versions.clear();
    if (!s.compatibility && !s.mode) subjects_.erase(it);
  } else {
    if (!any_live) return err(40404, fmt::format("Subject '{}' was soft deleted.Set permanent=true to delete permanently", subject));
    for (const auto& v : s.versions) {
      if (!v.deleted) deleted.push_back(v.version);
    }
    if (auto e = refuse_if_referenced(subject, deleted)) return *e;
    for (auto& v : s.versions) v.deleted = true;
  }
  if (auto e = save_or_restore(std::move(before))) return *e;
  return deleted;
}

Answer<int> SchemaRegistry::delete_version(const std::string& subject, const std::string& version, bool permanent) {
  std::lock_guard lock(mu_);
  Snapshot before = snapshot();
  if (auto e = refuse_if_read_only(subject)) return *e;
  int wanted = parse_version(version);
  if (wanted == 0) return invalid_version(version);
  auto it = subjects_.find(subject);
  if (it == subjects_.end() || it->second.versions.empty()) return subject_not_found(subject);
  Subject& s = it->second;
  auto v = find_version(s, subject, version, /*include_deleted=*/permanent || wanted != -1);
  if (!v.is_ok()) return v.error();
  auto index = static_cast<size_t>(*v - s.versions.data());
  Version& target = s.versions[index];
  if (auto e = refuse_if_referenced(subject, {target.version})) return *e;
  if (permanent) {
    if (!target.deleted) {
      return err(40407, fmt::format("Subject '{}' Version {} was not deleted first before being permanently deleted", subject, target.version));
    }
    int number = target.version;
    s.versions.erase(s.versions.begin() + static_cast<std::ptrdiff_t>(index));
    if (auto e = save_or_restore(std::move(before))) return *e;
    return number;
  }
  if (target.deleted) {
    return err(40406, fmt::format("Subject '{}' Version {} was soft deleted.Set permanent=true to delete permanently", subject, target.version));
  }
  target.deleted = true;
  if (auto e = save_or_restore(std::move(before))) return *e;
  return target.version;
}

const SchemaRegistry::Context* SchemaRegistry::context_for_id(int id, const std::string& scope, std::string* name) const {
  auto holds = [id](const Context& c) { return c.schemas.count(id) > 0; };
  if (is_qualified(scope)) {
    *name = context_of(scope);
    auto it = contexts_.find(*name);
    return it != contexts_.end() && holds(it->second) ? &it->second : nullptr;
  }
  const Context& default_context = contexts_.at(kDefaultContext);
  *name = std::string(kDefaultContext);  // a move: GCC 12 -O2 misreads a copy here (-Wrestrict)
  if (holds(default_context) || scope.empty()) return holds(default_context) ? &default_context : nullptr;
  for (const auto& [n, c] : contexts_) {
    if (holds(c)) {
      *name = n;
      return &c;
    }
  }
  return nullptr;
}

Answer<SchemaInfo> SchemaRegistry::schema_by_id(int id, const std::string& scope) const {
  std::lock_guard lock(mu_);
  std::string context;
  const Context* c = context_for_id(id, scope, &context);
  if (!c) return err(40403, fmt::format("Schema {} not found", id));
  return c->schemas.at(id);
}

Answer<std::vector<std::pair<std::string, int>>> SchemaRegistry::subject_versions_of(int id, bool include_deleted,
                                                                                     const std::string& scope) const {
  std::lock_guard lock(mu_);
  std::string context;
  if (!context_for_id(id, scope, &context)) return err(40403, fmt::format("Schema {} not found", id));
  std::vector<std::pair<std::string, int>> out;
  for (const auto& [name, s] : subjects_) {
    if (context_of(name) != context) continue;
    for (const auto& v : s.versions) {
      if (v.id == id && (include_deleted || !v.deleted)) out.emplace_back(name, v.version);
    }
  }
  return out;
}

Answer<std::vector<std::string>> SchemaRegistry::check_compatibility(const std::string& subject, const std::string& version,
                                                                     const std::string& schema, const std::string& schema_type,
                                                                     const std::vector<Reference>& references) const {
  std::lock_guard lock(mu_);
  if (parse_version(version) == 0) return invalid_version(version);
  auto parsed = parse(schema, schema_type, references, context_of(subject));
  if (!parsed.is_ok()) return parsed.error();
  auto s = find_subject(subject, false);
  if (!s.is_ok()) return s.error();
  auto v = find_version(**s, subject, version, false);
  if (!v.is_ok()) return v.error();
  return incompatibilities(subject, **s, *parsed, level_of(subject), *v);
}

}  // namespace careflow::registry
