#include "registry/registry_routes.h"

#include <fmt/format.h>

#include <charconv>

namespace careflow::registry {

using api::HttpRequest;
using api::HttpResponse;
using nlohmann::json;

namespace {

constexpr const char* kContentType = "application/vnd.schemaregistry.v1+json";

HttpResponse reply(int status, const json& body) {
  HttpResponse r = HttpResponse::json(status, body);
  r.content_type = kContentType;
  return r;
}

HttpResponse error_reply(const RegistryError& e) { return reply(e.http_status(), {{"error_code", e.error_code}, {"message", e.message}}); }

template <typename T, typename F>
HttpResponse answer(const Answer<T>& a, F&& to_json) {
  if (!a.is_ok()) return error_reply(a.error());
  return reply(200, to_json(a.value()));
}

bool flag(const HttpRequest& r, const std::string& name) {
  auto it = r.query.find(name);
  return it != r.query.end() && it->second == "true";
}

struct SchemaRequest {
  std::string schema;
  std::string schema_type = "AVRO";
  std::vector<Reference> references;
};

Answer<SchemaRequest> parse_body(const HttpRequest& r) {
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return RegistryError{42201, "Invalid schema: the request body is not a JSON object"};
  auto schema = body.find("schema");
  if (schema == body.end() || !schema->is_string()) return RegistryError{42201, "Invalid schema: the body needs a \"schema\" string"};
  SchemaRequest out;
  out.schema = schema->get<std::string>();
  if (auto type = body.find("schemaType"); type != body.end() && type->is_string()) out.schema_type = type->get<std::string>();
  if (auto refs = body.find("references"); refs != body.end() && refs->is_array()) {
    for (const auto& ref : *refs) {
      if (!ref.is_object() || !ref.contains("name") || !ref.contains("subject") || !ref.contains("version") || !ref["name"].is_string() ||
          !ref["subject"].is_string() || !ref["version"].is_number_integer()) {
        return RegistryError{42201, "Invalid schema: a reference needs \"name\", \"subject\" and an integer \"version\""};
      }
      out.references.push_back({ref["name"].get<std::string>(), ref["subject"].get<std::string>(), ref["version"].get<int>()});
    }
  }
  return out;
}

json schema_fields(const SchemaInfo& info, json out) {
  if (info.schema_type != "AVRO") out["schemaType"] = info.schema_type;
  if (!info.references.empty()) {
    json refs = json::array();
    for (const auto& r : info.references) refs.push_back({{"name", r.name}, {"subject", r.subject}, {"version", r.version}});
    out["references"] = std::move(refs);
  }
  return out;
}

json version_json(const VersionInfo& v) {
  return schema_fields(v.schema, {{"subject", v.subject}, {"version", v.version}, {"id", v.schema.id}, {"schema", v.schema.schema}});
}

Answer<int> schema_id(const HttpRequest& r) {
  const std::string& text = r.param("id");
  int id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size()) return RegistryError{40403, fmt::format("Schema {} not found", text)};
  return id;
}

std::string body_field(const HttpRequest& r, const char* name, bool* ok) {
  json body = json::parse(r.body, nullptr, false);
  *ok = body.is_object() && body.contains(name) && body[name].is_string();
  return *ok ? body[name].get<std::string>() : "";
}

}  // namespace

void add_registry_routes(api::Router& router, SchemaRegistry& reg) {
  router.add("GET", "/subjects", [&reg](HttpRequest& r) {
    auto prefix = r.query.count("subjectPrefix") ? r.query.at("subjectPrefix") : "";
    return reply(200, reg.subjects(prefix, flag(r, "deleted")));
  }, "Schema Registry: list subjects");
  router.add("GET", "/subjects/{subject}/versions", [&reg](HttpRequest& r) {
    return answer(reg.versions(r.param("subject"), flag(r, "deleted")), [](const auto& v) { return json(v); });
  }, "Schema Registry: versions of a subject");
  router.add("POST", "/subjects/{subject}/versions", [&reg](HttpRequest& r) {
    auto body = parse_body(r);
    if (!body.is_ok()) return error_reply(body.error());
    return answer(reg.register_schema(r.param("subject"), body->schema, body->schema_type, body->references),
                  [](int id) { return json{{"id", id}}; });
  }, "Schema Registry: register a schema under a subject");
  router.add("POST", "/subjects/{subject}", [&reg](HttpRequest& r) {
    auto body = parse_body(r);
    if (!body.is_ok()) return error_reply(body.error());
    return answer(reg.lookup(r.param("subject"), body->schema, body->schema_type, body->references, flag(r, "deleted")), version_json);
  }, "Schema Registry: look up a schema under a subject");
  router.add("GET", "/subjects/{subject}/versions/{version}", [&reg](HttpRequest& r) {
    return answer(reg.get_version(r.param("subject"), r.param("version"), flag(r, "deleted")), version_json);
  }, "Schema Registry: one version of a subject");
  router.add("GET", "/subjects/{subject}/versions/{version}/schema", [&reg](HttpRequest& r) {
    auto v = reg.get_version(r.param("subject"), r.param("version"), flag(r, "deleted"));
    if (!v.is_ok()) return error_reply(v.error());
    HttpResponse resp;
    resp.content_type = kContentType;
    resp.body = v->schema.schema;
    return resp;
  }, "Schema Registry: the schema text of one version");
  router.add("DELETE", "/subjects/{subject}", [&reg](HttpRequest& r) {
    return answer(reg.delete_subject(r.param("subject"), flag(r, "permanent")), [](const auto& v) { return json(v); });
  }, "Schema Registry: delete a subject (soft, or permanent=true)");
  router.add("DELETE", "/subjects/{subject}/versions/{version}", [&reg](HttpRequest& r) {
    return answer(reg.delete_version(r.param("subject"), r.param("version"), flag(r, "permanent")), [](int v) { return json(v); });
  }, "Schema Registry: delete a version (soft, or permanent=true)");

  router.add("GET", "/schemas/ids/{id}", [&reg](HttpRequest& r) {
    auto id = schema_id(r);
    if (!id.is_ok()) return error_reply(id.error());
    return answer(reg.schema_by_id(*id), [](const SchemaInfo& s) { return schema_fields(s, {{"schema", s.schema}}); });
  }, "Schema Registry: a schema by id");
  router.add("GET", "/schemas/ids/{id}/schema", [&reg](HttpRequest& r) {
    auto id = schema_id(r);
    if (!id.is_ok()) return error_reply(id.error());
    auto s = reg.schema_by_id(*id);
    if (!s.is_ok()) return error_reply(s.error());
    HttpResponse resp;
    resp.content_type = kContentType;
    resp.body = s->schema;
    return resp;
  }, "Schema Registry: the schema text of an id");
  router.add("GET", "/schemas/ids/{id}/subjects", [&reg](HttpRequest& r) {
    auto id = schema_id(r);
    if (!id.is_ok()) return error_reply(id.error());
    return answer(reg.subject_versions_of(*id, flag(r, "deleted")), [](const auto& pairs) {
      json out = json::array();
      for (const auto& [subject, version] : pairs) {
        if (std::find(out.begin(), out.end(), json(subject)) == out.end()) out.push_back(subject);
      }
      return out;
    });
  }, "Schema Registry: subjects using a schema id");
  router.add("GET", "/schemas/ids/{id}/versions", [&reg](HttpRequest& r) {
    auto id = schema_id(r);
    if (!id.is_ok()) return error_reply(id.error());
    return answer(reg.subject_versions_of(*id, flag(r, "deleted")), [](const auto& pairs) {
      json out = json::array();
      for (const auto& [subject, version] : pairs) out.push_back({{"subject", subject}, {"version", version}});
      return out;
    });
  }, "Schema Registry: subject-versions using a schema id");
  router.add("GET", "/schemas/types", [](HttpRequest&) { return reply(200, json::array({"AVRO"})); },
             "Schema Registry: supported schema types");

  router.add("GET", "/config", [&reg](HttpRequest&) {
    return reply(200, {{"compatibilityLevel", compatibility_name(reg.global_compatibility())}});
  }, "Schema Registry: global compatibility");
  router.add("PUT", "/config", [&reg](HttpRequest& r) {
    bool ok = false;
    std::string level = body_field(r, "compatibility", &ok);
    return answer(reg.set_global_compatibility(level), [](Compatibility c) { return json{{"compatibility", compatibility_name(c)}}; });
  }, "Schema Registry: set global compatibility");
  router.add("GET", "/config/{subject}", [&reg](HttpRequest& r) {
    return answer(reg.subject_compatibility(r.param("subject"), flag(r, "defaultToGlobal")),
                  [](Compatibility c) { return json{{"compatibilityLevel", compatibility_name(c)}}; });
  }, "Schema Registry: a subject's compatibility");
  router.add("PUT", "/config/{subject}", [&reg](HttpRequest& r) {
    bool ok = false;
    std::string level = body_field(r, "compatibility", &ok);
    return answer(reg.set_subject_compatibility(r.param("subject"), level),
                  [](Compatibility c) { return json{{"compatibility", compatibility_name(c)}}; });
  }, "Schema Registry: set a subject's compatibility");
  router.add("DELETE", "/config/{subject}", [&reg](HttpRequest& r) {
    return answer(reg.delete_subject_compatibility(r.param("subject")),
                  [](Compatibility c) { return json{{"compatibilityLevel", compatibility_name(c)}}; });
  }, "Schema Registry: remove a subject's compatibility");

  router.add("GET", "/mode", [&reg](HttpRequest&) { return reply(200, {{"mode", reg.mode()}}); }, "Schema Registry: mode");
  router.add("PUT", "/mode", [&reg](HttpRequest& r) {
    bool ok = false;
    std::string mode = body_field(r, "mode", &ok);
    return answer(reg.set_mode(mode), [](const std::string& m) { return json{{"mode", m}}; });
  }, "Schema Registry: set the mode");

  router.add("POST", "/compatibility/subjects/{subject}/versions/{version}", [&reg](HttpRequest& r) {
    auto body = parse_body(r);
    if (!body.is_ok()) return error_reply(body.error());
    const bool verbose = flag(r, "verbose");
    return answer(reg.check_compatibility(r.param("subject"), r.param("version"), body->schema, body->schema_type, body->references),
                  [verbose](const std::vector<std::string>& messages) {
                    json out{{"is_compatible", messages.empty()}};
                    if (verbose) out["messages"] = messages;
                    return out;
                  });
  }, "Schema Registry: test a schema against a version");
  router.add("GET", "/contexts", [&reg](HttpRequest&) { return reply(200, reg.contexts()); }, "Schema Registry: contexts");
}

}  // namespace careflow::registry
