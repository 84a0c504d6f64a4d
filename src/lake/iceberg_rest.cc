#include "lake/iceberg_rest.h"

#include <fmt/format.h>

#include <mutex>
#include <algorithm>
#include <map>
#include <set>

#include "common/clock.h"
#include "lake/iceberg_commit.h"
#include "lake/iceberg_metadata.h"
#include "lake/iceberg_rest_names.h"
#include "lake/storage.h"

namespace careflow::lake::iceberg {

using http::HttpRequest;
using http::HttpResponse;
using nlohmann::json;

namespace {

HttpResponse rest_error(int code, const std::string& type, const std::string& message) {
  return HttpResponse::json(code, {{"error", {{"message", message}, {"type", type}, {"code", code}}}});
}

// Names become folders: letters, digits and "_-." only, not starting with '.'.
bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 255 || name[0] == '.') return false;
  for (unsigned char c : name) {
    if (!std::isalnum(c) && c != '_' && c != '-' && c != '.') return false;
  }
  return true;
}

class Catalog {
 public:
  explicit Catalog(std::string warehouse) : warehouse_(normalize_location(warehouse)) {}

  HttpResponse config() const { return HttpResponse::json(200, {{"defaults", json::object()}, {"overrides", json::object()}}); }

  HttpResponse namespaces() const {
    json out = json::array();
    auto dirs = storage().list_dirs(warehouse_);
    if (!dirs.is_ok()) return rest_error(500, "ServiceFailureException", dirs.status().message());
    for (const std::string& d : *dirs) {
      if (valid_name(d)) out.push_back(json::array({d}));
    }
    return HttpResponse::json(200, {{"namespaces", out}});
  }

  HttpResponse create_namespace(const HttpRequest& r) const {
    std::string name;
    try {
      const json body = json::parse(r.body);
      const json& ns = body.at("namespace");
      if (!ns.is_array() || ns.size() != 1) return rest_error(400, "BadRequestException", "careflow's catalog has single-level namespaces");
      name = ns[0].get<std::string>();
    } catch (const json::exception& e) {
      return rest_error(400, "BadRequestException", fmt::format("the request does not parse: {}", e.what()));
    }
    if (!valid_name(name)) return rest_error(400, "BadRequestException", fmt::format("namespace '{}': letters, digits, '_-.' only", name));
    if (namespace_exists(name)) return rest_error(409, "AlreadyExistsException", fmt::format("namespace '{}' exists", name));
    if (Status made = storage().make_dirs(dir(name)); !made.is_ok()) return rest_error(500, "ServiceFailureException", made.message());
    return HttpResponse::json(200, {{"namespace", json::array({name})}, {"properties", json::object()}});
  }

  HttpResponse load_namespace(const HttpRequest& r) const {
    const std::string& ns = r.param("ns");
    if (!namespace_exists(ns)) return no_namespace(ns);
    return HttpResponse::json(200, {{"namespace", json::array({ns})}, {"properties", json::object()}});
  }

  HttpResponse tables(const HttpRequest& r) const {
    const std::string& ns = r.param("ns");
    if (!namespace_exists(ns)) return no_namespace(ns);
    json ids = json::array();
    auto names = TableNames::load(warehouse_);
    if (!names.is_ok()) return rest_error(500, "ServiceFailureException", names.status().message());
    auto dirs = storage().list_dirs(dir(ns));
    if (!dirs.is_ok()) return rest_error(500, "ServiceFailureException", dirs.status().message());
    for (const std::string& d : *dirs) {
      if (names->folder_taken(ns, d)) continue;  // renamed away
      auto is_table = storage().is_dir(join_path(join_path(dir(ns), d), "metadata"));
      if (is_table.is_ok() && *is_table) ids.push_back({{"namespace", json::array({ns})}, {"name", d}});
    }
    for (const std::string& n : names->renamed_into(ns)) ids.push_back({{"namespace", json::array({ns})}, {"name", n}});
    return HttpResponse::json(200, {{"identifiers", ids}});
  }

  HttpResponse load_table(const HttpRequest& r) const {
    const std::string& ns = r.param("ns");
    const std::string& name = r.param("table");
    // A table in a missing namespace is a missing table, as Iceberg's own catalogs answer: the Java
    // client then tries `ns.table` as a table and `name` as its metadata table (`t.partitions`),
    // sending the namespace `ns` + 0x1F + `table`.
    if (!namespace_exists(ns)) return table_error(ns, name, Status::not_found(name));
    auto where = find(ns, name);
    if (!where.is_ok()) return table_error(ns, name, where.status());
    auto t = iceberg::load_table(*where);
    if (!t.is_ok()) return table_error(ns, name, t.status());
    return loaded(*t);
  }

  HttpResponse create_table(const HttpRequest& r) const {
    const std::string& ns = r.param("ns");
    if (!namespace_exists(ns)) return no_namespace(ns);
    std::string name;
    std::vector<ColumnSpec> columns;
    CreateOptions options;
    try {
      const json body = json::parse(r.body);
      name = body.at("name").get<std::string>();
      if (body.contains("location") && !body["location"].is_null() && body["location"].get<std::string>() != location(ns, name)) {
        return rest_error(400, "BadRequestException", "careflow places tables at <warehouse>/<namespace>/<table>; leave 'location' out");
      }
      for (const json& f : body.at("schema").at("fields")) {
        auto column = column_from_iceberg(f);
        if (!column.is_ok()) return rest_error(400, "BadRequestException", column.status().message());
        columns.push_back(std::move(*column));
      }
      if (body.contains("partition-spec") && !body["partition-spec"].is_null()) {
        json spec = body["partition-spec"];
        if (!spec.contains("spec-id")) spec["spec-id"] = 0;
        int32_t next_id = 1000;
        for (json& f : spec["fields"]) {
          if (!f.contains("field-id")) f["field-id"] = next_id;
          next_id = std::max(next_id, f["field-id"].get<int32_t>() + 1);
        }
        auto parsed = partition_spec_from_json(spec);
        if (!parsed.is_ok()) return rest_error(400, "BadRequestException", parsed.status().message());
        options.spec = std::move(*parsed);
      }
      if (body.contains("properties")) options.properties = body["properties"].get<std::map<std::string, std::string>>();
      options.identifier_field_ids = body.at("schema").value("identifier-field-ids", std::vector<int32_t>());
    } catch (const json::exception& e) {
      return rest_error(400, "BadRequestException", fmt::format("the request does not parse: {}", e.what()));
    }
    if (!valid_name(name)) return rest_error(400, "BadRequestException", fmt::format("table '{}': letters, digits, '_-.' only", name));
    std::lock_guard lock(commit_mutex_);
    auto names = TableNames::load(warehouse_);
    if (!names.is_ok()) return rest_error(500, "ServiceFailureException", names.status().message());
    if (names->resolve(ns, name) != location(ns, name)) {
      return rest_error(409, "AlreadyExistsException",
                        fmt::format("table {}.{} exists, or its folder still holds the files of a table renamed from that name", ns, name));
    }
    auto created = iceberg::create_table(location(ns, name), columns, options);
    if (created.status().code() == StatusCode::kAlreadyExists) {
      return rest_error(409, "AlreadyExistsException", fmt::format("table {}.{} exists", ns, name));
    }
    if (!created.is_ok()) return rest_error(400, "BadRequestException", created.status().message());
    return loaded(*created);
  }

  // Drops the table: its folder goes (metadata and data; careflow's tables own their files).
  HttpResponse drop_table(const HttpRequest& r) const {
    const std::string& ns = r.param("ns");
    const std::string& name = r.param("table");
    if (!namespace_exists(ns)) return no_namespace(ns);
    std::lock_guard lock(commit_mutex_);
    auto where = find(ns, name);
    if (!where.is_ok()) return table_error(ns, name, where.status());
    if (!iceberg::current_version(*where).is_ok()) return table_error(ns, name, Status::not_found(name));
    if (Status removed = storage().remove_all(*where); !removed.is_ok()) return rest_error(500, "ServiceFailureException", removed.message());
    auto names = TableNames::load(warehouse_);
    Status forgotten = names.is_ok() ? names->dropped(ns, name) : names.status();
    if (!forgotten.is_ok()) return rest_error(500, "ServiceFailureException", forgotten.message());
    return HttpResponse{204, "application/json", "", {}};
  }

  HttpResponse drop_namespace(const HttpRequest& r) const {
    const std::string& ns = r.param("ns");
    if (!namespace_exists(ns)) return no_namespace(ns);
    auto dirs = storage().list_dirs(dir(ns));
    auto files = storage().list_files(dir(ns));
    if (!dirs.is_ok() || !files.is_ok()) {
      return rest_error(500, "ServiceFailureException", (dirs.is_ok() ? files.status() : dirs.status()).message());
    }
    if (!dirs->empty() || !files->empty()) {
      return rest_error(409, "NamespaceNotEmptyException", fmt::format("namespace '{}' is not empty", ns));
    }
    if (Status removed = storage().remove_all(dir(ns)); !removed.is_ok()) return rest_error(500, "ServiceFailureException", removed.message());
    return HttpResponse{204, "application/json", "", {}};
  }

  HttpResponse commit(const HttpRequest& r) const {
    const std::string& ns = r.param("ns");
    const std::string& name = r.param("table");
    if (!namespace_exists(ns)) return no_namespace(ns);
    // One commit at a time in this process: the compare-and-swap below is the guard between
    // processes, this one also on an object store that ignores conditional writes (storage.h).
    std::lock_guard lock(commit_mutex_);
    auto where = find(ns, name);
    if (!where.is_ok()) return table_error(ns, name, where.status());
    auto base = iceberg::load_table(*where);
    if (!base.is_ok()) return table_error(ns, name, base.status());
    json body;
    try {
      body = json::parse(r.body);
    } catch (const json::exception& e) {
      return rest_error(400, "BadRequestException", fmt::format("the request does not parse: {}", e.what()));
    }
    try {
      for (const json& req : body.value("requirements", json::array())) {
        if (auto failed = check(*base, req)) return rest_error(409, "CommitFailedException", *failed);
      }
      json next = base->json;
      for (const json& u : body.value("updates", json::array())) {
        if (auto bad = apply(next, u)) return rest_error(400, "BadRequestException", *bad);
      }
      next.erase("careflow-last-added-schema-id");  // scratch of this commit's updates
      next["last-updated-ms"] = wall_clock_ms();
      auto committed = commit_metadata(*base, std::move(next));
      if (committed.status().code() == StatusCode::kFailedPrecondition) {
        return rest_error(409, "CommitFailedException", committed.status().message());
      }
      if (committed.status().code() == StatusCode::kCorruption) return rest_error(400, "BadRequestException", committed.status().message());
      if (!committed.is_ok()) return rest_error(500, "ServiceFailureException", committed.status().message());
      return HttpResponse::json(200, {{"metadata-location", committed->path}, {"metadata", committed->json}});
    } catch (const json::exception& e) {
      return rest_error(400, "BadRequestException", fmt::format("a requirement or update does not parse: {}", e.what()));
    }
  }

  // POST {prefix}/v1/tables/rename {"source": {"namespace": [..], "name"}, "destination": {...}}:
  // 204; 404 NoSuchTableException / NoSuchNamespaceException; 409 AlreadyExistsException. Moves no
  // file (iceberg_rest_names.h).
  HttpResponse rename(const HttpRequest& r) const {
    std::string from_ns, from, to_ns, to;
    try {
      const json body = json::parse(r.body);
      auto ident = [](const json& j, std::string& ns, std::string& name) {
        const json& n = j.at("namespace");
        if (!n.is_array() || n.size() != 1) return false;
        ns = n[0].get<std::string>();
        name = j.at("name").get<std::string>();
        return true;
      };
      if (!ident(body.at("source"), from_ns, from) || !ident(body.at("destination"), to_ns, to)) {
        return rest_error(400, "BadRequestException", "careflow's catalog has single-level namespaces");
      }
    } catch (const json::exception& e) {
      return rest_error(400, "BadRequestException", fmt::format("the request does not parse: {}", e.what()));
    }
    if (!valid_name(to)) return rest_error(400, "BadRequestException", fmt::format("table '{}': letters, digits, '_-.' only", to));
    if (!namespace_exists(from_ns)) return no_namespace(from_ns);
    if (!namespace_exists(to_ns)) return no_namespace(to_ns);
    std::lock_guard lock(commit_mutex_);
    auto names = TableNames::load(warehouse_);
    if (!names.is_ok()) return rest_error(500, "ServiceFailureException", names.status().message());
    auto source = valid_name(from) ? names->resolve(from_ns, from) : std::nullopt;
    if (!source || !iceberg::current_version(*source).is_ok()) return table_error(from_ns, from, Status::not_found(from));
    auto target = names->resolve(to_ns, to);
    const bool back_home = *source == location(to_ns, to);  // the folder it was created in
    if (!back_home && (!target || iceberg::current_version(*target).is_ok())) {
      return rest_error(409, "AlreadyExistsException",
                        fmt::format("table {}.{} exists, or its folder still holds the files of a table renamed from that name", to_ns, to));
    }
    if (Status saved = names->rename(from_ns, from, to_ns, to); !saved.is_ok()) {
      return rest_error(500, "ServiceFailureException", saved.message());
    }
    return HttpResponse{204, "application/json", "", {}};
  }

 private:
  // Where `ns`.`name` lives (its folder, or a renamed table's); NotFound when the name was renamed away.
  Result<std::string> find(const std::string& ns, const std::string& name) const {
    if (!valid_name(name)) return Status::not_found(name);
    CF_ASSIGN_OR_RETURN(TableNames names, TableNames::load(warehouse_));
    auto where = names.resolve(ns, name);
    if (!where) return Status::not_found(name);
    return *where;
  }
  const Storage& storage() const { return storage_for(warehouse_); }
  std::string dir(const std::string& ns) const { return join_path(warehouse_, ns); }
  std::string location(const std::string& ns, const std::string& t) const { return join_path(join_path(warehouse_, ns), t); }
  bool namespace_exists(const std::string& ns) const {
    if (!valid_name(ns)) return false;
    auto d = storage().is_dir(dir(ns));
    return d.is_ok() && *d;
  }
  static HttpResponse no_namespace(const std::string& ns) {
    return rest_error(404, "NoSuchNamespaceException", fmt::format("namespace '{}' does not exist", ns));
  }
  static HttpResponse table_error(const std::string& ns, const std::string& name, const Status& s) {
    if (s.code() == StatusCode::kNotFound) {
      std::string dotted = ns;
      std::replace(dotted.begin(), dotted.end(), '\x1f', '.');  // a multi-level namespace as the spec sends it
      return rest_error(404, "NoSuchTableException", fmt::format("table {}.{} does not exist", dotted, name));
    }
    return rest_error(500, "ServiceFailureException", s.message());
  }
  static HttpResponse loaded(const TableMetadata& t) {
    return HttpResponse::json(200, {{"metadata-location", t.path}, {"metadata", t.json}, {"config", json::object()}});
  }

  // A failed requirement's message, or nothing when it holds.
  static std::optional<std::string> check(const TableMetadata& t, const json& req) {
    const std::string type = req.at("type").get<std::string>();
    if (type == "assert-create") return "the table exists";
    if (type == "assert-table-uuid") {
      if (req.at("uuid").get<std::string>() != t.table_uuid) return fmt::format("table uuid is {}", t.table_uuid);
      return std::nullopt;
    }
    if (type == "assert-ref-snapshot-id") {
      const std::string ref = req.at("ref").get<std::string>();
      const json refs = t.json.value("refs", json::object());
      const bool exists = refs.contains(ref);
      const json want = req.value("snapshot-id", json());  // null or absent: the ref must not exist (pyiceberg omits it)
      if (want.is_null()) {
        if (exists) return fmt::format("branch {} was created concurrently", ref);
        return std::nullopt;
      }
      if (!exists || refs[ref].at("snapshot-id").get<int64_t>() != want.get<int64_t>()) {
        return fmt::format("branch {} has changed: expected id {}, current {}", ref, want.get<int64_t>(),
                           exists ? std::to_string(refs[ref].at("snapshot-id").get<int64_t>()) : "none");
      }
      return std::nullopt;
    }
    static const std::map<std::string, std::pair<std::string, std::string>> kFields = {
        {"assert-last-assigned-field-id", {"last-assigned-field-id", "last-column-id"}},
        {"assert-current-schema-id", {"current-schema-id", "current-schema-id"}},
        {"assert-last-assigned-partition-id", {"last-assigned-partition-id", "last-partition-id"}},
        {"assert-default-spec-id", {"default-spec-id", "default-spec-id"}},
        {"assert-default-sort-order-id", {"default-sort-order-id", "default-sort-order-id"}},
    };
    auto it = kFields.find(type);
    if (it == kFields.end()) return fmt::format("requirement '{}' is not supported by careflow's catalog", type);
    if (req.at(it->second.first) != t.json.value(it->second.second, json())) {
      return fmt::format("{}: expected {}, current {}", it->second.first, req.at(it->second.first).dump(),
                         t.json.value(it->second.second, json()).dump());
    }
    return std::nullopt;
  }

  // Applies one update to the document; an error message when it cannot.
  static std::optional<std::string> apply(json& m, const json& u) {
    const std::string action = u.at("action").get<std::string>();
    if (action == "add-snapshot") {
      json snapshot = u.at("snapshot");
      const int64_t seq = snapshot.value("sequence-number", int64_t{0});
      if (seq <= m.value("last-sequence-number", int64_t{0}) && seq != 0) {
        return fmt::format("snapshot {}: sequence number {} is not above the table's {}", snapshot.at("snapshot-id").dump(), seq,
                           m.value("last-sequence-number", int64_t{0}));
      }
      m["last-sequence-number"] = std::max(seq, m.value("last-sequence-number", int64_t{0}));
      m["snapshots"].push_back(std::move(snapshot));
      return std::nullopt;
    }
    if (action == "set-snapshot-ref") {
      const std::string ref = u.at("ref-name").get<std::string>();
      const int64_t id = u.at("snapshot-id").get<int64_t>();
      bool known = false;
      for (const json& s : m["snapshots"]) known |= s.at("snapshot-id").get<int64_t>() == id;
      if (!known) return fmt::format("set-snapshot-ref: no snapshot {}", id);
      m["refs"][ref] = {{"snapshot-id", id}, {"type", u.value("type", std::string("branch"))}};
      if (ref == "main") {
        m["current-snapshot-id"] = id;
        m["snapshot-log"].push_back({{"snapshot-id", id}, {"timestamp-ms", wall_clock_ms()}});
      }
      return std::nullopt;
    }
    if (action == "remove-snapshot-ref") {
      const std::string ref = u.at("ref-name").get<std::string>();
      m["refs"].erase(ref);
      if (ref == "main") m["current-snapshot-id"] = -1;
      return std::nullopt;
    }
    if (action == "set-properties") {
      for (const auto& [k, v] : u.at("updates").items()) m["properties"][k] = v;
      return std::nullopt;
    }
    if (action == "remove-properties") {
      for (const json& k : u.at("removals")) m["properties"].erase(k.get<std::string>());
      return std::nullopt;
    }
    if (action == "assign-uuid") {
      if (u.at("uuid") != m["table-uuid"]) return "assign-uuid: a table's uuid does not change";
      return std::nullopt;
    }
    if (action == "add-schema") return add_schema(m, u);
    if (action == "set-current-schema") {
      int id = u.at("schema-id").get<int>();
      if (id == -1) {  // the schema this commit added last
        if (!m.contains("careflow-last-added-schema-id")) return "set-current-schema: -1, and this commit added no schema";
        id = m["careflow-last-added-schema-id"].get<int>();
      }
      bool known = false;
      for (const json& schema : m["schemas"]) known |= schema.at("schema-id").get<int>() == id;
      if (!known) return fmt::format("set-current-schema: no schema {}", id);
      m["current-schema-id"] = id;
      return std::nullopt;
    }
    if (action == "upgrade-format-version") {
      if (u.at("format-version").get<int>() != 2) return "upgrade-format-version: careflow's tables are format version 2";
      return std::nullopt;
    }
    return fmt::format("update '{}' is not supported by careflow's catalog yet", action);
  }

  // add-schema: a schema whose fields read the files of the current schema by field id — the same
  // type, or for a primitive a promotion the spec allows (int → long, float → double, a wider
  // decimal of the same scale); a nested field (struct, list, map) keeps its type whole. Reuses the id of an identical schema, as Iceberg's metadata builder.
  static std::optional<std::string> add_schema(json& m, const json& u) {
    json schema = u.at("schema");
    std::map<int32_t, std::string> current;
    for (const json& s : m["schemas"]) {
      if (s.at("schema-id") != m["current-schema-id"]) continue;
      for (const json& f : s.at("fields")) current[f.at("id").get<int32_t>()] = f.at("type").dump();
    }
    int32_t last_column = m.value("last-column-id", 0);
    std::set<int32_t> ids;
    for (const json& f : schema.at("fields")) {
      const std::string name = f.at("name").get<std::string>();
      const int32_t id = f.at("id").get<int32_t>();
      if (!ids.insert(id).second) return fmt::format("add-schema: field id {} appears twice", id);
      auto column = column_from_iceberg(f);
      if (!column.is_ok()) return fmt::format("add-schema: {}", column.status().message());
      last_column = std::max(last_column, highest_field_id({*column}));
      auto old = current.find(id);
      if (old == current.end() || old->second == f.at("type").dump()) continue;
      if (!f.at("type").is_string() || !json::parse(old->second).is_string()) {
        return fmt::format("add-schema: column '{}' (field {}) cannot change its nested type", name, id);
      }
      const std::string type = f.at("type").get<std::string>();
      auto parsed = type_from_iceberg(type);
      const std::string was = json::parse(old->second).get<std::string>();
      auto old_type = type_from_iceberg(was);
      const bool promoted = (was == "int" && type == "long") || (was == "float" && type == "double") ||
                            (old_type.is_ok() && old_type->id == values::TypeId::kDecimal && parsed->id == values::TypeId::kDecimal &&
                             old_type->scale == parsed->scale && old_type->precision <= parsed->precision);
      if (!promoted) return fmt::format("add-schema: column '{}' (field {}) cannot change from {} to {}", name, id, was, type);
    }
    if (u.contains("last-column-id")) last_column = std::max(last_column, u.at("last-column-id").get<int32_t>());
    // An identical schema (fields alike) keeps its id.
    for (const json& s : m["schemas"]) {
      if (s.at("fields") == schema.at("fields")) {
        m["careflow-last-added-schema-id"] = s.at("schema-id");
        return std::nullopt;
      }
    }
    int next = 0;
    for (const json& s : m["schemas"]) next = std::max(next, s.at("schema-id").get<int>() + 1);
    schema["schema-id"] = next;
    schema["type"] = "struct";
    m["schemas"].push_back(schema);
    m["last-column-id"] = last_column;
    m["careflow-last-added-schema-id"] = next;
    return std::nullopt;
  }

  std::string warehouse_;
  mutable std::mutex commit_mutex_;  // commits, drops and renames of this catalog, one at a time
};

}  // namespace

void add_rest_catalog_routes(http::Router& router, std::string warehouse, const std::string& prefix) {
  auto catalog = std::make_shared<Catalog>(std::move(warehouse));
  const std::string v1 = prefix + "/v1";
  router.add("GET", v1 + "/config", [catalog](HttpRequest&) { return catalog->config(); }, "Iceberg REST catalog: configuration");
  router.add("GET", v1 + "/namespaces", [catalog](HttpRequest&) { return catalog->namespaces(); }, "Iceberg REST catalog: namespaces");
  router.add("POST", v1 + "/namespaces", [catalog](HttpRequest& r) { return catalog->create_namespace(r); },
             "Iceberg REST catalog: create a namespace");
  router.add("GET", v1 + "/namespaces/{ns}", [catalog](HttpRequest& r) { return catalog->load_namespace(r); },
             "Iceberg REST catalog: a namespace");
  router.add("GET", v1 + "/namespaces/{ns}/tables", [catalog](HttpRequest& r) { return catalog->tables(r); },
             "Iceberg REST catalog: a namespace's tables");
  router.add("POST", v1 + "/namespaces/{ns}/tables", [catalog](HttpRequest& r) { return catalog->create_table(r); },
             "Iceberg REST catalog: create a table");
  router.add("GET", v1 + "/namespaces/{ns}/tables/{table}", [catalog](HttpRequest& r) { return catalog->load_table(r); },
             "Iceberg REST catalog: load a table");
  router.add("POST", v1 + "/namespaces/{ns}/tables/{table}", [catalog](HttpRequest& r) { return catalog->commit(r); },
             "Iceberg REST catalog: commit updates to a table");
  router.add("DELETE", v1 + "/namespaces/{ns}/tables/{table}", [catalog](HttpRequest& r) { return catalog->drop_table(r); },
             "Iceberg REST catalog: drop a table (its folder)");
  router.add("DELETE", v1 + "/namespaces/{ns}", [catalog](HttpRequest& r) { return catalog->drop_namespace(r); },
             "Iceberg REST catalog: drop an empty namespace");
  router.add("POST", v1 + "/tables/rename", [catalog](HttpRequest& r) { return catalog->rename(r); },
             "Iceberg REST catalog: rename a table");
  // Clients (Iceberg's Java RESTCatalog after each scan or commit) report metrics here; the spec's
  // answer is 204, and careflow keeps none of them.
  router.add("POST", v1 + "/namespaces/{ns}/tables/{table}/metrics",
             [](HttpRequest&) { return HttpResponse{204, "application/json", "", {}}; }, "Iceberg REST catalog: scan and commit metrics (ignored)");
}

}  // namespace careflow::lake::iceberg
