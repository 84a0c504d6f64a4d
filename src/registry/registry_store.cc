// The registry's durable state: <dir>/registry.json, rewritten whole on every change.
//
// Format 2 (now): {"format": 2, "compatibility", "mode", "contexts": {".": {"next_id",
// "schemas": [...]}, ".ctx": {...}}, "subjects": {qualified name: {"versions", "compatibility"?,
// "mode"?}}}.
// Format 1 (no "format" field, written before contexts had their own ids): one "next_id" and one
// "schemas" array for every context. Opening it migrates explicitly and rewrites the file as
// format 2: every schema keeps its id in the default context and in each context whose subjects
// use it, and every context continues from the old next id, so no id already written into a
// record changes meaning.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "registry/registry.h"

#include "common/json_parse.h"

namespace careflow::registry {

using nlohmann::json;

namespace {

constexpr int kFormat = 2;

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

SchemaInfo schema_from_json(const json& s) {
  SchemaInfo info;
  info.id = s.at("id").get<int>();
  info.schema = s.at("schema").get<std::string>();
  info.schema_type = s.at("schemaType").get<std::string>();
  for (const auto& r : s.at("references")) {
    info.references.push_back({r.at("name").get<std::string>(), r.at("subject").get<std::string>(), r.at("version").get<int>()});
  }
  return info;
}

}  // namespace

// Depth-limited: compact() runs before the schema is validated, and dump() recurses, so an
// unbounded parse of a 30,000-deep schema overflowed the stack. Text it cannot parse within the
// limit is kept as it is; validation then refuses it naming the limit.
std::string SchemaRegistry::compact(const std::string& schema) {
  auto j = parse_ordered_json(schema);
  return j.is_ok() ? j->dump() : schema;
}

// The same text may be a valid Avro schema and a valid JSON Schema ({"type":"string"}): as in
// Confluent's registry, the two are different schemas with different ids.
std::string SchemaRegistry::identity(const std::string& schema, const std::string& schema_type, const std::vector<Reference>& references) {
  return json{{"s", compact(schema)}, {"t", schema_type}, {"r", references_json(references)}}.dump();
}

Result<std::unique_ptr<SchemaRegistry>> SchemaRegistry::open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::io_error(fmt::format("creating the registry folder {}: {}", dir, ec.message()));
  std::unique_ptr<SchemaRegistry> r(new SchemaRegistry(dir));
  r->contexts_[kDefaultContext];
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
  const int format = state.value("format", 1);
  if (format > kFormat) return Status::corruption(fmt::format("{}: format {} is newer than this build reads ({})", path, format, kFormat));
  try {
    global_ = parse_compatibility(state.at("compatibility").get<std::string>()).value_or(Compatibility::kBackward);
    mode_ = state.at("mode").get<std::string>();
    for (const auto& [name, s] : state.at("subjects").items()) {
      Subject subject;
      if (s.contains("compatibility")) subject.compatibility = parse_compatibility(s.at("compatibility").get<std::string>());
      if (s.contains("mode")) subject.mode = s.at("mode").get<std::string>();
      for (const auto& v : s.at("versions")) {
        subject.versions.push_back({v.at("version").get<int>(), v.at("id").get<int>(), v.at("deleted").get<bool>()});
      }
      subjects_[name] = std::move(subject);
    }
    if (format == kFormat) {
      CF_RETURN_IF_ERROR(load_contexts(state));
    } else {
      migrate_global_ids(state);
    }
  } catch (const json::exception& e) {
    return Status::corruption(fmt::format("{}: {}", path, e.what()));
  }
  if (format != kFormat) {
    Status st = save();
    if (!st.is_ok()) return Status::io_error(fmt::format("{}: migrating to format {}: {}", path, kFormat, st.message()));
  }
  return Status::ok();
}

Status SchemaRegistry::load_contexts(const json& state) {
  for (const auto& [name, c] : state.at("contexts").items()) {
    Context& context = contexts_[name];
    context.next_id = c.at("next_id").get<int>();
    for (const auto& s : c.at("schemas")) {
      SchemaInfo info = schema_from_json(s);
      context.ids_by_identity[identity(info.schema, info.schema_type, info.references)] = info.id;
      context.schemas[info.id] = std::move(info);
    }
  }
  for (const auto& [name, s] : subjects_) {
    auto c = contexts_.find(context_of(name));
    for (const auto& v : s.versions) {
      if (c == contexts_.end() || !c->second.schemas.count(v.id)) {
        return Status::corruption(fmt::format("{}/registry.json: subject '{}' version {} names id {}, which its context does not hold", dir_,
                                              name, v.version, v.id));
      }
    }
  }
  return Status::ok();
}

void SchemaRegistry::migrate_global_ids(const json& state) {
  const int next_id = state.at("next_id").get<int>();
  std::map<int, SchemaInfo> all;
  for (const auto& s : state.at("schemas")) {
    SchemaInfo info = schema_from_json(s);
    all[info.id] = std::move(info);
  }
  auto place = [&](const std::string& context, const SchemaInfo& info) {
    Context& c = contexts_[context];
    c.next_id = next_id;
    c.schemas[info.id] = info;
    c.ids_by_identity[identity(info.schema, info.schema_type, info.references)] = info.id;
  };
  contexts_[kDefaultContext].next_id = next_id;
  for (const auto& [id, info] : all) place(kDefaultContext, info);
  for (const auto& [name, s] : subjects_) {
    for (const auto& v : s.versions) {
      auto it = all.find(v.id);
      if (it != all.end()) place(context_of(name), it->second);
    }
  }
}

Status SchemaRegistry::save() const {
  json state{{"format", kFormat}, {"compatibility", compatibility_name(global_)}, {"mode", mode_}};
  json contexts = json::object();
  for (const auto& [name, c] : contexts_) {
    json schemas = json::array();
    for (const auto& [id, info] : c.schemas) {
      schemas.push_back({{"id", id}, {"schema", info.schema}, {"schemaType", info.schema_type}, {"references", references_json(info.references)}});
    }
    contexts[name] = {{"next_id", c.next_id}, {"schemas", std::move(schemas)}};
  }
  state["contexts"] = std::move(contexts);
  json subjects = json::object();
  for (const auto& [name, s] : subjects_) {
    json versions = json::array();
    for (const auto& v : s.versions) versions.push_back({{"version", v.version}, {"id", v.id}, {"deleted", v.deleted}});
    json entry{{"versions", std::move(versions)}};
    if (s.compatibility) entry["compatibility"] = compatibility_name(*s.compatibility);
    if (s.mode) entry["mode"] = *s.mode;
    subjects[name] = std::move(entry);
  }
  state["subjects"] = std::move(subjects);
  return write_file_durably(dir_, "registry.json", state.dump(1));
}

SchemaRegistry::Snapshot SchemaRegistry::snapshot() const { return {contexts_, subjects_, global_, mode_}; }

std::optional<RegistryError> SchemaRegistry::save_or_restore(Snapshot before) {
  Status st = save();
  if (st.is_ok()) return std::nullopt;
  contexts_ = std::move(before.contexts);
  subjects_ = std::move(before.subjects);
  global_ = before.global;
  mode_ = std::move(before.mode);
  return RegistryError{50001, fmt::format("Error in the backend data store: {}", st.message())};
}

}  // namespace careflow::registry
