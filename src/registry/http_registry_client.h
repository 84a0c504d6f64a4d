#pragma once
// Private to src/registry: the external registry client's HTTP(S) transport (Boost.Beast, and
// Boost.Asio's ssl over OpenSSL for https).

#include <memory>
#include <string>

#include "common/status.h"
#include "serde/registry_client.h"

namespace careflow::registry {

struct RegistryEndpoint {
  std::string url;  // as configured, for messages
  bool tls = false;
  std::string host;
  std::string port;
  std::string prefix;  // path in front of every request ("" or "/contexts/.ctx")
};

// InvalidArgument when `ca_file` cannot be loaded.
Result<std::unique_ptr<serde::RegistryClient>> make_http_registry_client(RegistryEndpoint endpoint, const std::string& user_info,
                                                                         const std::string& ca_file);

}  // namespace careflow::registry
