#include "app/open_registry.h"

#include <fmt/format.h>

#include <filesystem>

#include "registry/client_implementations.h"

namespace careflow::app {

Result<std::unique_ptr<serde::RegistryClient>> open_registry_client(const Config& config,
                                                                    registry::SchemaRegistry* embedded) {
  const std::string& url = config.str("schema_registry.url");
  if (!url.empty()) {
    std::string user_info;
    const std::string& key = config.str("schema_registry.api_key");
    if (!key.empty()) user_info = key + ":" + config.str("schema_registry.api_secret");
    auto client = registry::http_client(url, user_info, config.str("schema_registry.ca_file"));
    if (!client) return client.status().with_context("schema_registry.url");
    return std::move(*client);
  }
  if (!embedded) {
    return Status::failed_precondition(
        "Avro needs a Schema Registry: set schema_registry.url (or SCHEMA_REGISTRY_URL), for example to the "
        "registry of a running `careflow up` (http://127.0.0.1:8000)");
  }
  // Scoped to schema_registry.context, where the simulator and the capture register their schemas:
  // an 'avro-confluent' table without a URL then registers '<topic>-value' there too, and a record's
  // id is looked up in the context that gave it (ids are per context, so the default context may
  // hold the same id for another schema).
  return registry::embedded_client(*embedded, config.str("schema_registry.context"));
}

Result<std::unique_ptr<registry::SchemaRegistry>> open_data_dir_registry(const Config& config, bool create,
                                                                         std::string_view what) {
  const std::string dir = (std::filesystem::path(config.str("data_dir")) / "registry").string();
  if (!create && !std::filesystem::exists(dir)) {
    return Status::failed_precondition(fmt::format(
        "{} needs a Schema Registry: {} holds none (`careflow up` keeps one there); set schema_registry.url for another",
        what, dir));
  }
  return registry::SchemaRegistry::open(dir);
}

serde::SerializerOptions serializer_options(const Config& config, bool is_key) {
  serde::SerializerOptions o;
  // config_keys.cc allows only the three strategies' names, which parse.
  auto strategy = serde::parse_subject_name_strategy(config.str("schema_registry.subject_name_strategy"));
  if (strategy.is_ok()) o.strategy = *strategy;
  const std::string& context = config.str("schema_registry.context");
  o.context = context == "." ? "" : context;
  o.is_key = is_key;
  return o;
}

std::string registry_location(const Config& config) {
  const std::string& url = config.str("schema_registry.url");
  return url.empty() ? "embedded" : fmt::format("{} (external)", url);
}

}  // namespace careflow::app
