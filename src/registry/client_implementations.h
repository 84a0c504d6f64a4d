#pragma once
// The two implementations of serde::RegistryClient: careflow's embedded registry (in process) and
// an external Confluent-compatible registry over HTTP or HTTPS (URL plus optional basic-auth user
// info "key:secret", as Confluent's clients take it).
//
// Errors map Confluent's codes onto careflow's: 404xx → NotFound, 409 → FailedPrecondition,
// 422xx → InvalidArgument, anything else (or no answer) → Unavailable; the message keeps the
// registry's own words and code, and names the registry's URL when it could not be reached.

#include <memory>
#include <string>

#include "common/status.h"
#include "registry/registry.h"
#include "serde/registry_client.h"

namespace careflow::registry {

using serde::RegisteredSchema;
using serde::RegistryClient;

// schema_by_id over HTTP: in the URL's context only; with none, in the default context first,
// then in the others in name order. serde's interface passes no subject, and this is what
// Confluent's deserializers get from the registry when they pass their topic's unqualified subject.

// The embedded registry, called directly. With a `context` (".flink-dev") it acts as an external
// client configured with http://host/contexts/.flink-dev would for subjects (qualified with it);
// ids are looked up in it first, then in the default context and the others in name order, so
// that careflow's own readers also find records that Kafka clients wrote through the plain URL.
std::unique_ptr<RegistryClient> embedded_client(SchemaRegistry& registry, const std::string& context = ".");

// An external registry: "http://host:port[/prefix]" or "https://host[:port][/prefix]" (Confluent
// Cloud's registries are https). A prefix such as /contexts/.flink-dev is kept in front of every
// path. `user_info` is "user:password" for basic auth, or empty.
//
// https always verifies the server: its certificate must chain to a trusted CA — the system's CAs,
// or only those in the PEM file `ca_file` when given — and name the URL's host (which is also sent
// as SNI). There is no switch to turn verification off. A failed verification is Unavailable
// naming the URL and OpenSSL's reason. InvalidArgument for a URL it cannot use or a CA file it
// cannot read. The client keeps one connection open between calls and is safe to share between
// threads (calls are serialized).
Result<std::unique_ptr<RegistryClient>> http_client(const std::string& url, const std::string& user_info = "",
                                                    const std::string& ca_file = "");

Status to_status(const RegistryError& e);

}  // namespace careflow::registry
