#pragma once
// The Schema Registry careflow's serializers use, chosen by configuration alone, as the log is:
// schema_registry.url names an external Confluent-compatible registry (Confluent Cloud's with
// schema_registry.api_key / api_secret as basic auth); empty means careflow's embedded registry.
// The subjects careflow writes carry schema_registry.context, as the reference stack's custom
// subject name strategy prefixed them (":.flink-dev:hc_raw_device_metrics-value").

#include <memory>

#include "common/config.h"
#include "registry/registry.h"
#include "serde/confluent_avro.h"
#include "serde/registry_client.h"

namespace careflow::app {

// The external registry when schema_registry.url is set, else a client of `embedded` scoped to
// schema_registry.context (client_implementations.h says how it looks ids up).
// FailedPrecondition naming schema_registry.url when neither is available (a command that does
// not run the embedded registry and has no URL).
Result<std::unique_ptr<serde::RegistryClient>> open_registry_client(const Config& config,
                                                                    registry::SchemaRegistry* embedded);

// The data dir's embedded registry (<data_dir>/registry, where `careflow up` keeps it), for commands
// that run without `careflow up` and without schema_registry.url. Created when missing if `create`;
// else FailedPrecondition saying that `what` needs one and how to name another.
Result<std::unique_ptr<registry::SchemaRegistry>> open_data_dir_registry(const Config& config, bool create,
                                                                         std::string_view what);

// The serializer options the configuration gives: its subject name strategy and context.
serde::SerializerOptions serializer_options(const Config& config, bool is_key);

// Where schemas live, for banners: "<url> (external)" or "embedded".
std::string registry_location(const Config& config);

}  // namespace careflow::app
