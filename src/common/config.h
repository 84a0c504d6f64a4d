#pragma once
// careflow's configuration: defaults, then one TOML file (careflow.toml), then environment
// variables (CAREFLOW_<SECTION>_<KEY> for every key, plus the names the reference stack uses:
// DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS, ...), then command-line flags. Every effective value
// remembers where it came from. Keys are declared once, in config_keys.cc.
//
// A wrong file is an error naming the file, line and column: "careflow.toml:3:1: unknown key
// 'htp.port' (did you mean 'http.port'?)".

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace careflow {

enum class ConfigType { kString, kInt, kBool, kDouble };

// The values an integer key accepts, both ends included.
struct IntRange {
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = std::numeric_limits<int64_t>::max();
};

struct ConfigKey {
  std::string_view name;           // dotted: "http.port"
  ConfigType type;
  std::string_view default_value;  // as text
  std::vector<std::string_view> env;  // extra environment names (CAREFLOW_* is implied)
  bool secret = false;
  std::string_view description;
  std::vector<std::string_view> allowed = {};  // for enumerations; empty = any
  IntRange range = {};                         // for integers
};

// Every key, in display order.
const std::vector<ConfigKey>& config_keys();
const ConfigKey* find_config_key(std::string_view name);
// "CAREFLOW_HTTP_PORT" for "http.port".
std::string careflow_env_name(std::string_view key);

struct ConfigSources {
  std::optional<std::string> file;  // must exist when given; nullopt = ./careflow.toml if present
  std::map<std::string, std::string> env;  // the environment to read (tests pass their own)
  // (key, value, flag) in command-line order, e.g. ("data_dir", "/x", "--data-dir").
  std::vector<std::tuple<std::string, std::string, std::string>> flags;
};

class Config {
 public:
  // InvalidArgument with file:line:column, variable or flag named on any bad input.
  static Result<Config> load(const ConfigSources& sources);
  // The current process environment as a map.
  static std::map<std::string, std::string> process_env();

  const std::string& str(std::string_view key) const;
  int64_t integer(std::string_view key) const;
  bool boolean(std::string_view key) const;
  double number(std::string_view key) const;
  // "default", "careflow.toml:4", "env DATABASE_URL", "flag --data-dir"
  const std::string& source(std::string_view key) const;
  // The value for display: secrets masked, and the password of a database URL.
  std::string display(std::string_view key) const;
  nlohmann::json to_json() const;  // masked
  // Things worth telling that are not errors, for the caller to log once logging is set up:
  // "environment variable CAREFLOW_HTTP_PROT is not a careflow setting (did you mean CAREFLOW_HTTP_PORT?)".
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  struct Entry {
    std::string value;
    std::string source;
  };
  Status set(const ConfigKey& key, std::string value, std::string source, std::string_view where);
  std::map<std::string, Entry, std::less<>> entries_;
  std::vector<std::string> warnings_;
};

// "postgresql://u:secret@h/db" -> "postgresql://u:****@h/db"; "password=x" -> "password=****".
std::string mask_url_password(std::string_view url);

}  // namespace careflow
