#pragma once
// Confluent Schema Registry's REST API over careflow's embedded registry, served by careflow's
// HTTP server: /subjects..., /schemas/ids/{id}..., /schemas/types, /config, /mode,
// /compatibility/subjects/{s}/versions/{v}, /contexts. Answers carry Confluent's bodies, and
// errors its shape: {"error_code": 40401, "message": "Subject 'x' not found."}.

#include "http/router.h"
#include "registry/registry.h"

namespace careflow::registry {

void add_registry_routes(http::Router& router, SchemaRegistry& registry);

}  // namespace careflow::registry
