// The settings routes of Confluent's REST API: /config, /mode, /compatibility and /contexts.
// Under /contexts/{ctx}, /config and /mode without a subject are the context's own settings.
#include "http/json_body.h"
#include "registry/registry_http.h"

namespace careflow::registry::rest {

using http::HttpRequest;
using nlohmann::json;

namespace {

std::string body_field(const HttpRequest& r, const char* name) {
  auto body = careflow::http::parse_json_body(r);
  return body && body->is_object() && body->contains(name) && (*body)[name].is_string() ? (*body)[name].get<std::string>() : "";
}

json level_json(Compatibility c) { return {{"compatibilityLevel", compatibility_name(c)}}; }
json set_level_json(Compatibility c) { return {{"compatibility", compatibility_name(c)}}; }
json mode_json(const std::string& m) { return {{"mode", m}}; }

// The subject a context-scoped /config or /mode stands for; empty for the default context.
std::string context_scope(const HttpRequest& r) { return context_subject(context(r)); }

}  // namespace

void add_settings_routes(http::Router& router, SchemaRegistry& reg) {
  add_with_context_prefix(router, "GET", "/config", [&reg](HttpRequest& r) {
    const std::string scope = context_scope(r);
    if (scope.empty()) return reply(200, level_json(reg.global_compatibility()));
    return answer(reg.subject_compatibility(scope, true), level_json);
  }, "Schema Registry: global (or the context's) compatibility");
  add_with_context_prefix(router, "PUT", "/config", [&reg](HttpRequest& r) {
    const std::string scope = context_scope(r);
    const std::string level = body_field(r, "compatibility");
    if (scope.empty()) return answer(reg.set_global_compatibility(level), set_level_json);
    return answer(reg.set_subject_compatibility(scope, level), set_level_json);
  }, "Schema Registry: set global (or the context's) compatibility");
  add_with_context_prefix(router, "GET", "/config/{subject}", [&reg](HttpRequest& r) {
    return answer(reg.subject_compatibility(subject(r), flag(r, "defaultToGlobal")), level_json);
  }, "Schema Registry: a subject's compatibility");
  add_with_context_prefix(router, "PUT", "/config/{subject}", [&reg](HttpRequest& r) {
    return answer(reg.set_subject_compatibility(subject(r), body_field(r, "compatibility")), set_level_json);
  }, "Schema Registry: set a subject's compatibility");
  add_with_context_prefix(router, "DELETE", "/config/{subject}", [&reg](HttpRequest& r) {
    return answer(reg.delete_subject_compatibility(subject(r)), level_json);
  }, "Schema Registry: remove a subject's compatibility");

  add_with_context_prefix(router, "GET", "/mode", [&reg](HttpRequest& r) {
    const std::string scope = context_scope(r);
    if (scope.empty()) return reply(200, mode_json(reg.mode()));
    return answer(reg.subject_mode(scope, true), mode_json);
  }, "Schema Registry: global (or the context's) mode");
  add_with_context_prefix(router, "PUT", "/mode", [&reg](HttpRequest& r) {
    const std::string scope = context_scope(r);
    const std::string mode = body_field(r, "mode");
    if (scope.empty()) return answer(reg.set_mode(mode, flag(r, "force")), mode_json);
    return answer(reg.set_subject_mode(scope, mode, flag(r, "force")), mode_json);
  }, "Schema Registry: set the global (or the context's) mode");
  add_with_context_prefix(router, "DELETE", "/mode", [&reg](HttpRequest& r) {
    const std::string scope = context_scope(r);
    if (scope.empty()) return answer(reg.reset_mode(), mode_json);
    return answer(reg.delete_subject_mode(scope), mode_json);
  }, "Schema Registry: reset the global mode to READWRITE (or remove the context's)");
  add_with_context_prefix(router, "GET", "/mode/{subject}", [&reg](HttpRequest& r) {
    return answer(reg.subject_mode(subject(r), flag(r, "defaultToGlobal")), mode_json);
  }, "Schema Registry: a subject's mode");
  add_with_context_prefix(router, "PUT", "/mode/{subject}", [&reg](HttpRequest& r) {
    return answer(reg.set_subject_mode(subject(r), body_field(r, "mode"), flag(r, "force")), mode_json);
  }, "Schema Registry: set a subject's mode");
  add_with_context_prefix(router, "DELETE", "/mode/{subject}", [&reg](HttpRequest& r) {
    return answer(reg.delete_subject_mode(subject(r)), mode_json);
  }, "Schema Registry: remove a subject's mode");

  add_with_context_prefix(router, "POST", "/compatibility/subjects/{subject}/versions/{version}", [&reg](HttpRequest& r) {
    auto body = parse_body(r);
    if (!body.is_ok()) return error_reply(body.error());
    const bool verbose = flag(r, "verbose");
    return answer(reg.check_compatibility(subject(r), r.param("version"), body->schema, body->schema_type, body->references),
                  [verbose](const std::vector<std::string>& messages) {
                    json out{{"is_compatible", messages.empty()}};
                    if (verbose) out["messages"] = messages;
                    return out;
                  });
  }, "Schema Registry: test a schema against a version");
  router.add("GET", "/contexts", [&reg](HttpRequest&) { return reply(200, reg.contexts()); }, "Schema Registry: contexts");
}

}  // namespace careflow::registry::rest
