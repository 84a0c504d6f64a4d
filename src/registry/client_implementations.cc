// The embedded registry client, the error mapping, and the parsing of an external registry's URL
// (its HTTP transport is in http_registry_client.cc).
#include "registry/client_implementations.h"

#include <fmt/format.h>

#include "registry/http_registry_client.h"

namespace careflow::registry {

Status to_status(const RegistryError& e) {
  std::string message = fmt::format("schema registry: {} (error {})", e.message, e.error_code);
  const int http = e.http_status();
  if (http == 404) return Status::not_found(std::move(message));
  if (http == 409) return Status::failed_precondition(std::move(message));
  if (http == 422) return Status::invalid_argument(std::move(message));
  return Status::unavailable(std::move(message));
}

namespace {

class EmbeddedClient : public RegistryClient {
 public:
  EmbeddedClient(SchemaRegistry& r, std::string context) : registry_(r), context_(std::move(context)) {}
  Result<int> register_typed(const std::string& subject, const std::string& schema, const std::string& schema_type) override {
    auto a = registry_.register_schema(qualify(context_, subject), schema, schema_type, {});
    if (!a.is_ok()) return to_status(a.error());
    return *a;
  }
  Result<RegisteredSchema> lookup_typed(const std::string& subject, const std::string& schema, const std::string& schema_type) override {
    auto a = registry_.lookup(qualify(context_, subject), schema, schema_type, {}, false);
    if (!a.is_ok()) return to_status(a.error());
    return RegisteredSchema{a->schema.id, a->version, a->schema.schema, a->schema.schema_type};
  }
  Result<RegisteredSchema> latest(const std::string& subject) override {
    auto a = registry_.get_version(qualify(context_, subject), "latest", false);
    if (!a.is_ok()) return to_status(a.error());
    return RegisteredSchema{a->schema.id, a->version, a->schema.schema, a->schema.schema_type};
  }
  // Ids are per context, so the same id may name different schemas in two contexts: the client's
  // own context decides, and only an id it does not hold is looked for in the default context,
  // then the others (records that Kafka clients wrote through the registry's plain URL).
  Result<RegisteredSchema> schema_of_id(int id) override {
    auto a = registry_.schema_by_id(id, context_subject(context_));
    if (a.is_ok()) return by_id(*a);
    if (context_ != kDefaultContext) {
      if (auto found = registry_.schema_by_id(id, context_subject(kDefaultContext)); found.is_ok()) return by_id(*found);
    }
    for (const std::string& other : registry_.contexts()) {
      if (other == kDefaultContext || other == context_) continue;
      if (auto found = registry_.schema_by_id(id, context_subject(other)); found.is_ok()) return by_id(*found);
    }
    return to_status(a.error());
  }

 private:
  static RegisteredSchema by_id(const SchemaInfo& info) { return RegisteredSchema{info.id, 0, info.schema, info.schema_type}; }

  SchemaRegistry& registry_;
  std::string context_;
};

}  // namespace

std::unique_ptr<RegistryClient> embedded_client(SchemaRegistry& registry, const std::string& context) {
  return std::make_unique<EmbeddedClient>(registry, normalize_context(context));
}

Result<std::unique_ptr<RegistryClient>> http_client(const std::string& url, const std::string& user_info, const std::string& ca_file) {
  RegistryEndpoint endpoint;
  endpoint.url = url;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    endpoint.tls = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return Status::invalid_argument(fmt::format("schema registry URL '{}' must start with http:// or https://", url));
  }
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  endpoint.prefix = slash == std::string::npos ? "" : rest.substr(slash);
  while (!endpoint.prefix.empty() && endpoint.prefix.back() == '/') endpoint.prefix.pop_back();
  if (auto at = authority.rfind('@'); at != std::string::npos) {
    return Status::invalid_argument(fmt::format("schema registry URL '{}': give the user info separately, not in the URL", url));
  }
  auto colon = authority.rfind(':');
  endpoint.host = colon == std::string::npos ? authority : authority.substr(0, colon);
  endpoint.port = colon == std::string::npos ? (endpoint.tls ? "443" : "80") : authority.substr(colon + 1);
  if (endpoint.host.empty()) return Status::invalid_argument(fmt::format("schema registry URL '{}' has no host", url));
  if (!endpoint.tls && !ca_file.empty()) {
    return Status::invalid_argument(fmt::format("schema registry URL '{}': a CA file is for https URLs only", url));
  }
  return make_http_registry_client(std::move(endpoint), user_info, ca_file);
}

}  // namespace careflow::registry
