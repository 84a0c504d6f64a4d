#include "registry/registry_http.h"

#include <fmt/format.h>

#include <cstdint>

#include "http/json_body.h"

namespace careflow::registry::rest {

using http::HttpRequest;
using http::HttpResponse;

namespace {
constexpr const char* kContentType = "application/vnd.schemaregistry.v1+json";
// What Confluent's clients (Java, Python, Go) and curl users send with a body.
const http::BodyTypes kRegistryBodyTypes = {"application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json",
                                            "application/json", "application/octet-stream"};
}  // namespace

HttpResponse reply(int status, const nlohmann::json& body) {
  HttpResponse r = HttpResponse::json(status, body);
  r.content_type = kContentType;
  return r;
}

HttpResponse text_reply(const std::string& text) {
  HttpResponse r;
  r.content_type = kContentType;
  r.body = text;
  return r;
}

HttpResponse error_reply(const RegistryError& e) { return reply(e.http_status(), {{"error_code", e.error_code}, {"message", e.message}}); }

Answer<SchemaRequest> parse_body(const HttpRequest& r) {
  auto parsed = careflow::http::parse_json_body(r);
  if (!parsed) return RegistryError{42201, fmt::format("Invalid schema: the request body is not JSON: {}", parsed.status().message())};
  const nlohmann::json& body = *parsed;
  if (!body.is_object()) return RegistryError{42201, "Invalid schema: the request body is not a JSON object"};
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
  for (auto [field, target] : {std::pair{"id", &out.imported.id}, std::pair{"version", &out.imported.version}}) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) continue;
    if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > INT32_MAX) {
      return RegistryError{42201, fmt::format("Invalid schema: \"{}\" must be a non-negative 32-bit integer", field)};
    }
    *target = it->get<int>();
  }
  return out;
}

bool flag(const HttpRequest& r, const std::string& name) { return query(r, name) == "true"; }

std::string query(const HttpRequest& r, const std::string& name) {
  auto it = r.query.find(name);
  return it == r.query.end() ? "" : it->second;
}

std::string context(const HttpRequest& r) {
  auto it = r.params.find("context");
  return it == r.params.end() ? kDefaultContext : normalize_context(it->second);
}

std::string subject(const HttpRequest& r) { return qualify(context(r), r.param("subject")); }

std::string subject_prefix(const HttpRequest& r) {
  const std::string prefix = query(r, "subjectPrefix");
  const std::string ctx = context(r);
  if (ctx == kDefaultContext) return prefix;
  return prefix.rfind(":.", 0) == 0 ? prefix : context_subject(ctx) + prefix;
}

void add_with_context_prefix(http::Router& router, const std::string& method, const std::string& pattern, http::Handler handler,
                             const std::string& summary) {
  router.add(method, pattern, handler, summary, kRegistryBodyTypes);
  router.add(method, "/contexts/{context}" + pattern, std::move(handler), summary + " (in a context)", kRegistryBodyTypes);
}

}  // namespace careflow::registry::rest
