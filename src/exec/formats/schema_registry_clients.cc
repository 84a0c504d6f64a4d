#include "exec/formats/schema_registry_clients.h"

namespace careflow::exec {

Result<serde::RegistryClient*> SchemaRegistryClients::for_url(const std::string& url, const std::string& user_info) {
  std::lock_guard<std::mutex> lock(mu_);
  auto key = std::make_pair(url, user_info);
  auto it = clients_.find(key);
  if (it != clients_.end()) return it->second.get();
  if (!connect_) return Status::failed_precondition("this command cannot connect to a Schema Registry by URL");
  CF_ASSIGN_OR_RETURN(std::unique_ptr<serde::RegistryClient> client, connect_(url, user_info));
  serde::RegistryClient* raw = client.get();
  clients_.emplace(std::move(key), std::move(client));
  return raw;
}

}  // namespace careflow::exec
