#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cli.h"

namespace careflow::app {

void add_config_command(Cli& cli) {
  auto* config = cli.app().add_subcommand("config", "Inspect the configuration");
  config->require_subcommand(1);
  auto* show = config->add_subcommand("show", "Print the effective configuration, secrets masked, and where each value came from");
  static bool as_json = false;
  show->add_flag("--json", as_json, "Print JSON");
  show->callback([&cli] {
    const Config& c = cli.config();
    if (as_json) {
      // Values come from files and the environment: bytes that are not UTF-8 are replaced, not fatal.
      fmt::print("{}\n", c.to_json().dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
      return;
    }
    size_t key_width = 0, value_width = 0;
    for (const ConfigKey& k : config_keys()) {
      key_width = std::max(key_width, k.name.size());
      value_width = std::max(value_width, c.display(k.name).size() + 2);
    }
    for (const ConfigKey& k : config_keys()) {
      const std::string value = k.type == ConfigType::kString ? "\"" + c.display(k.name) + "\"" : c.display(k.name);
      fmt::print("{:<{}} = {:<{}}  # {}\n", k.name, key_width, value, value_width, c.source(k.name));
    }
  });
}

}  // namespace careflow::app
