#pragma once
// Private to src/registry: what the REST route files share — Confluent's content type and error
// body, query flags, and the context a request is scoped to.

#include <string>

#include "http/http_types.h"
#include "http/router.h"
#include "registry/registry.h"

namespace careflow::registry::rest {

http::HttpResponse reply(int status, const nlohmann::json& body);
// The raw text of a schema (/schema endpoints), with Confluent's content type.
http::HttpResponse text_reply(const std::string& text);
// {"error_code": 40401, "message": "..."} with the code's HTTP status.
http::HttpResponse error_reply(const RegistryError& e);

template <typename T, typename F>
http::HttpResponse answer(const Answer<T>& a, F&& to_json) {
  if (!a.is_ok()) return error_reply(a.error());
  return reply(200, to_json(a.value()));
}

// The body of a request that carries a schema (register, lookup, compatibility): 42201 when it
// is not a JSON object with a "schema" string, well-formed references and integer id/version.
struct SchemaRequest {
  std::string schema;
  std::string schema_type = "AVRO";
  std::vector<Reference> references;
  ImportedIds imported;
};
Answer<SchemaRequest> parse_body(const http::HttpRequest& r);

// Whether query parameter `name` is "true".
bool flag(const http::HttpRequest& r, const std::string& name);
std::string query(const http::HttpRequest& r, const std::string& name);

// The context of a request: the {context} of "/contexts/{context}/..." routes, else ".".
std::string context(const http::HttpRequest& r);
// The request's {subject}, qualified with the request's context.
std::string subject(const http::HttpRequest& r);
// A subject prefix for listings: the request's context's prefix followed by subjectPrefix.
std::string subject_prefix(const http::HttpRequest& r);

// Adds `pattern` and, with the same handler, "/contexts/{context}" + `pattern`: Confluent's base
// context path, so a client configured with http://host/contexts/.ctx works in context .ctx.
void add_with_context_prefix(http::Router& router, const std::string& method, const std::string& pattern, http::Handler handler,
                             const std::string& summary);

void add_subject_routes(http::Router& router, SchemaRegistry& registry);
void add_settings_routes(http::Router& router, SchemaRegistry& registry);

}  // namespace careflow::registry::rest
