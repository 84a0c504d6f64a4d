// The subject and schema routes of Confluent's REST API (settings in registry_settings_routes.cc).
#include "registry/registry_routes.h"

#include <fmt/format.h>

#include <charconv>

#include "registry/registry_http.h"

namespace careflow::registry {

using http::HttpRequest;
using http::HttpResponse;
using nlohmann::json;

namespace rest {
namespace {

json schema_fields(const SchemaInfo& info, json out) {
  if (info.schema_type != kAvro) out["schemaType"] = info.schema_type;
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

// The scope of an id lookup: ?subject=, qualified with the request's context; under
// /contexts/{ctx} without a subject, the context itself.
std::string id_scope(const HttpRequest& r) {
  const std::string given = query(r, "subject");
  const std::string ctx = context(r);
  if (given.empty()) return context_subject(ctx);
  return qualify(ctx, given);
}

}  // namespace

void add_subject_routes(http::Router& router, SchemaRegistry& reg) {
  add_with_context_prefix(router, "GET", "/subjects", [&reg](HttpRequest& r) {
    return reply(200, reg.subjects(subject_prefix(r), flag(r, "deleted"), flag(r, "deletedOnly")));
  }, "Schema Registry: list subjects");
  add_with_context_prefix(router, "GET", "/subjects/{subject}/versions", [&reg](HttpRequest& r) {
    return answer(reg.versions(subject(r), flag(r, "deleted")), [](const auto& v) { return json(v); });
  }, "Schema Registry: versions of a subject");
  add_with_context_prefix(router, "POST", "/subjects/{subject}/versions", [&reg](HttpRequest& r) {
    auto body = parse_body(r);
    if (!body.is_ok()) return error_reply(body.error());
    return answer(reg.register_schema(subject(r), body->schema, body->schema_type, body->references, body->imported),
                  [](int id) { return json{{"id", id}}; });
  }, "Schema Registry: register a schema under a subject");
  add_with_context_prefix(router, "POST", "/subjects/{subject}", [&reg](HttpRequest& r) {
    auto body = parse_body(r);
    if (!body.is_ok()) return error_reply(body.error());
    return answer(reg.lookup(subject(r), body->schema, body->schema_type, body->references, flag(r, "deleted")), version_json);
  }, "Schema Registry: look up a schema under a subject");
  add_with_context_prefix(router, "GET", "/subjects/{subject}/versions/{version}", [&reg](HttpRequest& r) {
    return answer(reg.get_version(subject(r), r.param("version"), flag(r, "deleted")), version_json);
  }, "Schema Registry: one version of a subject");
  add_with_context_prefix(router, "GET", "/subjects/{subject}/versions/{version}/schema", [&reg](HttpRequest& r) {
    auto v = reg.get_version(subject(r), r.param("version"), flag(r, "deleted"));
    if (!v.is_ok()) return error_reply(v.error());
    return text_reply(v->schema.schema);
  }, "Schema Registry: the schema text of one version");
  add_with_context_prefix(router, "GET", "/subjects/{subject}/versions/{version}/referencedby", [&reg](HttpRequest& r) {
    return answer(reg.referenced_by(subject(r), r.param("version")), [](const auto& ids) { return json(ids); });
  }, "Schema Registry: ids of the schemas that reference a version");
  add_with_context_prefix(router, "DELETE", "/subjects/{subject}", [&reg](HttpRequest& r) {
    return answer(reg.delete_subject(subject(r), flag(r, "permanent")), [](const auto& v) { return json(v); });
  }, "Schema Registry: delete a subject (soft, or permanent=true)");
  add_with_context_prefix(router, "DELETE", "/subjects/{subject}/versions/{version}", [&reg](HttpRequest& r) {
    return answer(reg.delete_version(subject(r), r.param("version"), flag(r, "permanent")), [](int v) { return json(v); });
  }, "Schema Registry: delete a version (soft, or permanent=true)");

  add_with_context_prefix(router, "GET", "/schemas", [&reg](HttpRequest& r) {
    json out = json::array();
    for (const auto& v : reg.schemas(subject_prefix(r), flag(r, "deleted"), flag(r, "latestOnly"))) out.push_back(version_json(v));
    return reply(200, out);
  }, "Schema Registry: every subject-version's schema");
  add_with_context_prefix(router, "GET", "/schemas/ids/{id}", [&reg](HttpRequest& r) {
    auto id = schema_id(r);
    if (!id.is_ok()) return error_reply(id.error());
    return answer(reg.schema_by_id(*id, id_scope(r)), [](const SchemaInfo& s) { return schema_fields(s, {{"schema", s.schema}}); });
  }, "Schema Registry: a schema by id");
  add_with_context_prefix(router, "GET", "/schemas/ids/{id}/schema", [&reg](HttpRequest& r) {
    auto id = schema_id(r);
    if (!id.is_ok()) return error_reply(id.error());
    auto s = reg.schema_by_id(*id, id_scope(r));
    if (!s.is_ok()) return error_reply(s.error());
    return text_reply(s->schema);
  }, "Schema Registry: the schema text of an id");
  add_with_context_prefix(router, "GET", "/schemas/ids/{id}/subjects", [&reg](HttpRequest& r) {
    auto id = schema_id(r);
    if (!id.is_ok()) return error_reply(id.error());
    return answer(reg.subject_versions_of(*id, flag(r, "deleted"), id_scope(r)), [](const auto& pairs) {
      json out = json::array();
      for (const auto& [subject, version] : pairs) {
        if (std::find(out.begin(), out.end(), json(subject)) == out.end()) out.push_back(subject);
      }
      return out;
    });
  }, "Schema Registry: subjects using a schema id");
  add_with_context_prefix(router, "GET", "/schemas/ids/{id}/versions", [&reg](HttpRequest& r) {
    auto id = schema_id(r);
    if (!id.is_ok()) return error_reply(id.error());
    return answer(reg.subject_versions_of(*id, flag(r, "deleted"), id_scope(r)), [](const auto& pairs) {
      json out = json::array();
      for (const auto& [subject, version] : pairs) out.push_back({{"subject", subject}, {"version", version}});
      return out;
    });
  }, "Schema Registry: subject-versions using a schema id");
  add_with_context_prefix(router, "GET", "/schemas/types", [](HttpRequest&) { return reply(200, json::array({kAvro, kJsonSchema})); },
                          "Schema Registry: supported schema types");
}

}  // namespace rest

void add_registry_routes(http::Router& router, SchemaRegistry& registry) {
  rest::add_subject_routes(router, registry);
  rest::add_settings_routes(router, registry);
}

}  // namespace careflow::registry
