#pragma once
// Where the Avro formats (record_format.h) find a Schema Registry:
//   - a table that names one ('avro-confluent.url', 'value.avro-confluent.url', ...) gets a client
//     of that URL, made by `connect` once per distinct URL and user info and shared by every
//     table of the run that names it;
//   - any other table ('avro-registry', Confluent Cloud's implicit registry, or an
//     'avro-confluent' table without a URL) uses the session's registry: the one the caller
//     opened from schema_registry.* (careflow sql), with its subject strategy and context.
// exec does not depend on src/registry (DESIGN.md §2: registry sits above the engine's layers),
// so the caller hands in the way to connect as a function.
//
// Thread-safe: jobs running in background threads (the SQL shell) may ask for clients at once.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "common/status.h"
#include "serde/confluent_avro.h"
#include "serde/registry_client.h"

namespace careflow::exec {

// A client of the registry at `url` with basic-auth `user_info` ("user:password" or "").
using RegistryConnector =
    std::function<Result<std::unique_ptr<serde::RegistryClient>>(const std::string& url, const std::string& user_info)>;

class SchemaRegistryClients {
 public:
  // `session` may be null (no registry configured); `connect` may be empty (URLs cannot be used).
  SchemaRegistryClients(serde::RegistryClient* session, serde::SerializerOptions defaults, RegistryConnector connect)
      : session_(session), defaults_(std::move(defaults)), connect_(std::move(connect)) {}

  serde::RegistryClient* session() const { return session_; }
  // The subject name strategy and context of the session's registry (is_key is false).
  const serde::SerializerOptions& defaults() const { return defaults_; }

  // The client for `url`, made on first use. FailedPrecondition when there is no connector;
  // the connector's error (a URL it cannot use) otherwise.
  Result<serde::RegistryClient*> for_url(const std::string& url, const std::string& user_info);

 private:
  serde::RegistryClient* session_;
  serde::SerializerOptions defaults_;
  RegistryConnector connect_;
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<serde::RegistryClient>> clients_;
};

}  // namespace careflow::exec
