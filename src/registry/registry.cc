#include "registry/registry.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "serde/avro_resolve.h"

namespace careflow::registry {

using nlohmann::json;

namespace {

constexpr std::pair<Compatibility, std::string_view> kLevels[] = {
    {Compatibility::kNone, "NONE"},
    {Compatibility::kBackward, "BACKWARD"},
    {Compatibility::kBackwardTransitive, "BACKWARD_TRANSITIVE"},
    {Compatibility::kForward, "FORWARD"},
    {Compatibility::kForwardTransitive, "FORWARD_TRANSITIVE"},
    {Compatibility::kFull, "FULL"},
    {Compatibility::kFullTransitive, "FULL_TRANSITIVE"},
};

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

Status write_file_durably(const std::string& dir, const std::string& name, const std::string& content) {
  const std::string tmp = dir + "/" + name + ".tmp";
  const std::string final_path = dir + "/" + name;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::from_errno("opening " + tmp, errno);
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return Status::from_errno("writing " + tmp, e);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    int e = errno;
    ::close(fd);
    return Status::from_errno("syncing " + tmp, e);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) return Status::from_errno("renaming " + tmp, errno);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::ok();
}

json references_json(const std::vector<Reference>& refs) {
  json out = json::array();
  for (const auto& r : refs) out.push_back({{"name", r.name}, {"subject", r.subject}, {"version", r.version}});
  return out;
}

}  // namespace

std::string_view compatibility_name(Compatibility c) {
  for (const auto& [level, name] : kLevels) {
    if (level == c) return name;
  }
  return "BACKWARD";
}

std::optional<Compatibility> parse_compatibility(std::string_view name) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (const auto& [level, n] : kLevels) {
    if (n == upper) return level;
  }
  return std::nullopt;
}

std::string context_of(const std::string& subject) {
  if (subject.rfind(":.", 0) != 0) return ".";
  auto end = subject.find(':', 2);
  return end == std::string::npos ? "." : subject.substr(1, end - 1);
}

std::string SchemaRegistry::compact(const std::string& schema) {
  auto j = nlohmann::ordered_json::parse(schema, nullptr, false);
  return j.is_discarded() ? schema : j.dump();
}

std::string SchemaRegistry::identity(const std::string& schema, const std::vector<Reference>& references) {
  return json{{"s", compact(schema)}, {"r", references_json(references)}}.dump();
}

Result<std::unique_ptr<SchemaRegistry>> SchemaRegistry::open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::io_error(fmt::format("creating the registry folder {}: {}", dir, ec.message()));
  std::unique_ptr<SchemaRegistry> r(new SchemaRegistry(dir));
  CF_RETURN_IF_ERROR(r->load());
  return r;
}

Status SchemaRegistry::load() {
  const std::string path = dir_ + "/registry.json";
  std::ifstream in(path);
  if (!in) return Status::ok();  // a new registry
  std::stringstream text;
  text << in.rdbuf();
  json state = json::parse(text.str(), nullptr, false);
  if (state.is_discarded() || !state.is_object()) return Status::corruption(fmt::format("{}: not valid JSON", path));
  try {
    global_ = parse_compatibility(state.at("compatibility").get<std::string>()).value_or(Compatibility::kBackward);
    mode_ = state.at("mode").get<std::string>();
    next_id_ = state.at("next_id").get<int>();
    for (const auto& s : state.at("schemas")) {
      SchemaInfo info;
      info.id = s.at("id").get<int>();
      info.schema = s.at("schema").get<std::string>();
      info.schema_type = s.at("schemaType").get<std::string>();
      for (const auto& r : s.at("references")) {
        info.references.push_back({r.at("name").get<std::string>(), r.at("subject").get<std::string>(), r.at("version").get<int>()});
      }
      ids_by_identity_[identity(info.schema, info.references)] = info.id;
      schemas_[info.id] = std::move(info);
    }
    for (const auto& [name, s] : state.at("subjects").items()) {
      Subject subject;
      if (s.contains("compatibility")) subject.compatibility = parse_compatibility(s.at("compatibility").get<std::string>());
      for (const auto& v : s.at("versions")) {
        subject.versions.push_back({v.at("version").get<int>(), v.at("id").get<int>(), v.at("deleted").get<bool>()});
      }
      subjects_[name] = std::move(subject);
    }
  } catch (const json::exception& e) {
    return Status::corruption(fmt::format("{}: {}", path, e.what()));
  }
  return Status::ok();
}

Status SchemaRegistry::save() const {
  json state{{"compatibility", compatibility_name(global_)}, {"mode", mode_}, {"next_id", next_id_}};
  json schemas = json::array();
  for (const auto& [id, info] : schemas_) {
    schemas.push_back({{"id", id}, {"schema", info.schema}, {"schemaType", info.schema_type}, {"references", references_json(info.references)}});
  }
  state["schemas"] = std::move(schemas);
  json subjects = json::object();
  for (const auto& [name, s] : subjects_) {
    json versions = json::array();
    for (const auto& v : s.versions) versions.push_back({{"version", v.version}, {"id", v.id}, {"deleted", v.deleted}});
    json entry{{"versions", std::move(versions)}};
    if (s.compatibility) entry["compatibility"] = compatibility_name(*s.compatibility);
    subjects[name] = std::move(entry);
  }
  state["subjects"] = std::move(subjects);
  return write_file_durably(dir_, "registry.json", state.dump(1));
}

SchemaRegistry::Snapshot SchemaRegistry::snapshot() const {
  return {schemas_, ids_by_identity_, subjects_, global_, mode_, next_id_};
}

std::optional<RegistryError> SchemaRegistry::save_or_restore(Snapshot before) {
  Status st = save();
  if (st.is_ok()) return std::nullopt;
  schemas_ = std::move(before.schemas);
  ids_by_identity_ = std::move(before.ids_by_identity);
  subjects_ = std::move(before.subjects);
  global_ = before.global;
  mode_ = std::move(before.mode);
  next_id_ = before.next_id;
  return err(50001, fmt::format("Error in the backend data store: {}", st.message()));
}

Answer<serde::avro::Schema> SchemaRegistry::parse(const std::string& schema, const std::string& schema_type,
                                                  const std::vector<Reference>& references, int depth) const {
  if (!schema_type.empty() && schema_type != "AVRO") {
    return err(42201, fmt::format("Invalid schema: schemaType {} is not supported by careflow's registry (AVRO only)", schema_type));
  }
  if (depth > 32) return err(42201, "Invalid schema: references nest deeper than 32 levels");
  std::vector<serde::avro::Schema> named;
  for (const auto& ref : references) {
    auto s = subjects_.find(ref.subject);
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
    const SchemaInfo& info = schemas_.at(found->id);
    auto parsed = parse(info.schema, info.schema_type, info.references, depth + 1);
    if (!parsed.is_ok()) return parsed.error();
    named.push_back(*parsed);
  }
  auto parsed = serde::avro::Schema::parse(schema, named);
  if (!parsed.is_ok()) return err(42201, fmt::format("Invalid schema: {}", parsed.status().message()));
  return *parsed;
}

Compatibility SchemaRegistry::level_of(const std::string& subject) const {
  auto it = subjects_.find(subject);
  if (it != subjects_.end() && it->second.compatibility) return *it->second.compatibility;
  return global_;
}

std::vector<std::string> SchemaRegistry::incompatibilities(const Subject& s, const serde::avro::Schema& candidate, Compatibility level,
                                                           const Version* only) const {
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
    const SchemaInfo& info = schemas_.at(v->id);
    auto existing = parse(info.schema, info.schema_type, info.references);
    if (!existing.is_ok()) continue;  // stored schemas parsed when registered
    if (backward) {
      Status st = serde::avro::check_can_read(existing->root(), candidate.root());
      if (!st.is_ok()) messages.push_back(fmt::format("version {}: the new schema cannot read data written with it: {}", v->version, st.message()));
    }
    if (forward) {
      Status st = serde::avro::check_can_read(candidate.root(), existing->root());
      if (!st.is_ok()) messages.push_back(fmt::format("version {}: it cannot read data written with the new schema: {}", v->version, st.message()));
    }
  }
  return messages;
}

Answer<int> SchemaRegistry::register_schema(const std::string& subject, const std::string& schema, const std::string& schema_type,
                                            const std::vector<Reference>& references) {
  std::lock_guard lock(mu_);
  Snapshot before = snapshot();
  if (mode_ == "READONLY") return err(42205, fmt::format("Subject {} is in read-only mode", subject));
  auto parsed = parse(schema, schema_type, references);
  if (!parsed.is_ok()) return parsed.error();
  const std::string key = identity(schema, references);
  auto known = ids_by_identity_.find(key);
  Subject& s = subjects_[subject];
  if (known != ids_by_identity_.end()) {
    for (const auto& v : s.versions) {
      if (!v.deleted && v.id == known->second) return known->second;
    }
  }
  auto problems = incompatibilities(s, *parsed, level_of(subject), nullptr);
  if (!problems.empty()) {
    if (s.versions.empty()) subjects_.erase(subject);
    std::string details;
    for (const auto& p : problems) details += (details.empty() ? "" : "; ") + p;
    return err(409, fmt::format("Schema being registered is incompatible with an earlier schema for subject \"{}\" ({}), details: [{}]",
                                subject, compatibility_name(level_of(subject)), details));
  }
  int id;
  if (known != ids_by_identity_.end()) {
    id = known->second;
  } else {
    id = next_id_++;
    schemas_[id] = SchemaInfo{id, compact(schema), "AVRO", references};
    ids_by_identity_[key] = id;
  }
  int version = s.versions.empty() ? 1 : s.versions.back().version + 1;
  s.versions.push_back({version, id, false});
  if (auto e = save_or_restore(std::move(before))) return *e;
  return id;
}

Answer<const SchemaRegistry::Subject*> SchemaRegistry::find_subject(const std::string& subject, bool include_deleted) const {
  auto it = subjects_.find(subject);
  if (it == subjects_.end()) return subject_not_found(subject);
  if (!include_deleted && std::none_of(it->second.versions.begin(), it->second.versions.end(), [](const Version& v) { return !v.deleted; })) {
    return subject_not_found(subject);
  }
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
  auto parsed = parse(schema, schema_type, references);
  if (!parsed.is_ok()) return parsed.error();
  auto known = ids_by_identity_.find(identity(schema, references));
  if (known != ids_by_identity_.end()) {
    for (const auto& v : (*s)->versions) {
      if ((include_deleted || !v.deleted) && v.id == known->second) return VersionInfo{subject, v.version, schemas_.at(v.id)};
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
  return VersionInfo{subject, (*v)->version, schemas_.at((*v)->id)};
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

std::vector<std::string> SchemaRegistry::subjects(const std::string& prefix, bool include_deleted) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, s] : subjects_) {
    if (name.rfind(prefix, 0) != 0) continue;
    bool live = std::any_of(s.versions.begin(), s.versions.end(), [](const Version& v) { return !v.deleted; });
    if (live || (include_deleted && !s.versions.empty())) out.push_back(name);
  }
  return out;
}

Answer<std::vector<int>> SchemaRegistry::delete_subject(const std::string& subject, bool permanent) {
  std::lock_guard lock(mu_);
  Snapshot before = snapshot();
  if (mode_ == "READONLY") return err(42205, fmt::format("Subject {} is in read-only mode", subject));
  auto it = subjects_.find(subject);
  if (it == subjects_.end() || it->second.versions.empty()) return subject_not_found(subject);
  Subject& s = it->second;
  bool any_live = std::any_of(s.versions.begin(), s.versions.end(), [](const Version& v) { return !v.deleted; });
  std::vector<int> deleted;
  if (permanent) {
    if (any_live) return err(40405, fmt::format("Subject '{}' was not deleted first before being permanently deleted", subject));
    for (const auto& v : s.versions) deleted.push_back(v.version);
    s.versions.clear();
    if (!s.compatibility) subjects_.erase(it);
  } else {
    if (!any_live) return err(40404, fmt::format("Subject '{}' was soft deleted.Set permanent=true to delete permanently", subject));
    for (auto& v : s.versions) {
      if (!v.deleted) deleted.push_back(v.version);
      v.deleted = true;
    }
  }
  if (auto e = save_or_restore(std::move(before))) return *e;
  return deleted;
}

Answer<int> SchemaRegistry::delete_version(const std::string& subject, const std::string& version, bool permanent) {
  std::lock_guard lock(mu_);
  Snapshot before = snapshot();
  if (mode_ == "READONLY") return err(42205, fmt::format("Subject {} is in read-only mode", subject));
  int wanted = parse_version(version);
  if (wanted == 0) return invalid_version(version);
  auto it = subjects_.find(subject);
  if (it == subjects_.end() || it->second.versions.empty()) return subject_not_found(subject);
  Subject& s = it->second;
  auto v = find_version(s, subject, version, /*include_deleted=*/permanent || wanted != -1);
  if (!v.is_ok()) return v.error();
  auto index = static_cast<size_t>(*v - s.versions.data());
  Version& target = s.versions[index];
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

Answer<SchemaInfo> SchemaRegistry::schema_by_id(int id) const {
  std::lock_guard lock(mu_);
  auto it = schemas_.find(id);
  if (it == schemas_.end()) return err(40403, fmt::format("Schema {} not found", id));
  return it->second;
}

Answer<std::vector<std::pair<std::string, int>>> SchemaRegistry::subject_versions_of(int id, bool include_deleted) const {
  std::lock_guard lock(mu_);
  if (!schemas_.count(id)) return err(40403, fmt::format("Schema {} not found", id));
  std::vector<std::pair<std::string, int>> out;
  for (const auto& [name, s] : subjects_) {
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
  auto parsed = parse(schema, schema_type, references);
  if (!parsed.is_ok()) return parsed.error();
  auto s = find_subject(subject, false);
  if (!s.is_ok()) return s.error();
  auto v = find_version(**s, subject, version, false);
  if (!v.is_ok()) return v.error();
  return incompatibilities(**s, *parsed, level_of(subject), *v);
}

Compatibility SchemaRegistry::global_compatibility() const {
  std::lock_guard lock(mu_);
  return global_;
}

namespace {
RegistryError invalid_level() {
  return err(42203, "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, "
                    "and full_transitive");
}
}  // namespace

Answer<Compatibility> SchemaRegistry::set_global_compatibility(const std::string& level) {
  auto parsed = parse_compatibility(level);
  if (!parsed) return invalid_level();
  std::lock_guard lock(mu_);
  Snapshot before = snapshot();
  global_ = *parsed;
  if (auto e = save_or_restore(std::move(before))) return *e;
  return *parsed;
}

Answer<Compatibility> SchemaRegistry::subject_compatibility(const std::string& subject, bool default_to_global) const {
  std::lock_guard lock(mu_);
  auto it = subjects_.find(subject);
  if (it != subjects_.end() && it->second.compatibility) return *it->second.compatibility;
  if (default_to_global) return global_;
  return err(40408, fmt::format("Subject '{}' does not have subject-level compatibility configured", subject));
}

Answer<Compatibility> SchemaRegistry::set_subject_compatibility(const std::string& subject, const std::string& level) {
  auto parsed = parse_compatibility(level);
  if (!parsed) return invalid_level();
  std::lock_guard lock(mu_);
  Snapshot before = snapshot();
  subjects_[subject].compatibility = *parsed;
  if (auto e = save_or_restore(std::move(before))) return *e;
  return *parsed;
}

Answer<Compatibility> SchemaRegistry::delete_subject_compatibility(const std::string& subject) {
  std::lock_guard lock(mu_);
  Snapshot before = snapshot();
  auto it = subjects_.find(subject);
  if (it == subjects_.end() || !it->second.compatibility) {
    return err(40408, fmt::format("Subject '{}' does not have subject-level compatibility configured", subject));
  }
  Compatibility previous = *it->second.compatibility;
  it->second.compatibility.reset();
  if (it->second.versions.empty()) subjects_.erase(it);
  if (auto e = save_or_restore(std::move(before))) return *e;
  return previous;
}

std::string SchemaRegistry::mode() const {
  std::lock_guard lock(mu_);
  return mode_;
}

Answer<std::string> SchemaRegistry::set_mode(const std::string& mode) {
  if (mode != "READWRITE" && mode != "READONLY" && mode != "IMPORT") {
    return err(42204, fmt::format("Invalid mode '{}'. Valid values are READWRITE, READONLY and IMPORT", mode));
  }
  std::lock_guard lock(mu_);
  Snapshot before = snapshot();
  mode_ = mode;
  if (auto e = save_or_restore(std::move(before))) return *e;
  return mode;
}

std::vector<std::string> SchemaRegistry::contexts() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out = {"."};
  for (const auto& [name, s] : subjects_) {
    std::string ctx = context_of(name);
    if (std::find(out.begin(), out.end(), ctx) == out.end()) out.push_back(ctx);
  }
  return out;
}

}  // namespace careflow::registry
