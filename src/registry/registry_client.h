#pragma once
// The two implementations of serde::RegistryClient: careflow's embedded registry (in process) and
// an external Confluent-compatible registry over HTTP (URL plus optional basic-auth user info
// "key:secret", as Confluent's clients take it).
//
// Errors map Confluent's codes onto careflow's: 404xx → NotFound, 409 → FailedPrecondition,
// 422xx → InvalidArgument, anything else (or no answer) → Unavailable; the message keeps the
// registry's own words and code.

#include <memory>
#include <string>

#include "common/status.h"
#include "registry/registry.h"
#include "serde/registry_client.h"

namespace careflow::registry {

using serde::RegisteredSchema;
using serde::RegistryClient;

// The embedded registry, called directly. With a `context` (".flink-dev") it acts as an external
// client configured with http://host/contexts/.flink-dev would: subjects are qualified with it and
// ids are looked up in it only.
std::unique_ptr<RegistryClient> embedded_client(SchemaRegistry& registry, const std::string& context = ".");

// An external registry: "http://host:port[/prefix]"; `user_info` is "user:password" for basic
// auth, or empty. InvalidArgument for a URL it cannot use (https needs TLS, which this build
// does not have yet).
Result<std::unique_ptr<RegistryClient>> http_client(const std::string& url, const std::string& user_info = "");

Status to_status(const RegistryError& e);

}  // namespace careflow::registry
