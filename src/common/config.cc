#include "common/config.h"
#include "common/numbers.h"
#include "common/suggest.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <regex>

#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

extern char** environ;

namespace careflow {
namespace {

std::string did_you_mean(const std::string& name) { return name.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", name); }

std::string suggestion(std::string_view unknown) {
  return did_you_mean(nearest(unknown, config_keys(), 3, [](const ConfigKey& k) { return k.name; }));
}

// Unknown CAREFLOW_* variables close to a key's name are probably typos; others (CAREFLOW_BENCH_DIR,
// say) belong to tools and scripts and are none of the configuration's business.
bool is_careflow_env_name(const std::string& variable) {
  for (const ConfigKey& k : config_keys()) {
    if (careflow_env_name(k.name) == variable) return true;
  }
  return false;
}

std::optional<std::string> env_typo_warning(const std::string& variable) {
  if (!variable.starts_with("CAREFLOW_")) return std::nullopt;
  if (is_careflow_env_name(variable)) return std::nullopt;
  // Farther than 2 edits is somebody else's variable.
  const std::string best = nearest(variable, config_keys(), 2, [](const ConfigKey& k) { return careflow_env_name(k.name); });
  if (best.empty()) return std::nullopt;
  return fmt::format("environment variable {} is not a careflow setting (did you mean {}?); it is ignored", variable, best);
}

// "http" for "http.port": the sections a file may have.
bool is_section(std::string_view name) {
  for (const ConfigKey& k : config_keys()) {
    if (k.name.size() > name.size() && k.name.starts_with(name) && k.name[name.size()] == '.') return true;
  }
  return false;
}

std::string section_suggestion(std::string_view unknown) {
  std::vector<std::string_view> sections;
  for (const ConfigKey& k : config_keys()) {
    if (const size_t dot = k.name.rfind('.'); dot != std::string_view::npos) sections.push_back(k.name.substr(0, dot));
  }
  return did_you_mean(nearest(unknown, sections, 2, [](std::string_view section) { return section; }));
}

std::string_view type_name(ConfigType type) {
  switch (type) {
    case ConfigType::kString: return "a string";
    case ConfigType::kInt: return "an integer";
    case ConfigType::kBool: return "true or false";
    case ConfigType::kDouble: return "a number";
  }
  return "?";
}

std::string range_message(const ConfigKey& key, int64_t value) {
  constexpr IntRange kAny;
  if (key.range.max == kAny.max) return fmt::format("key '{}' must be at least {}, got {}", key.name, key.range.min, value);
  return fmt::format("key '{}' must be between {} and {}, got {}", key.name, key.range.min, key.range.max, value);
}

// Checks text against the key's type; returns the canonical text.
Result<std::string> check_text(const ConfigKey& key, std::string text) {
  switch (key.type) {
    case ConfigType::kString:
      break;
    case ConfigType::kInt: {
      int64_t v;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || end != text.data() + text.size()) {
        return Status::invalid_argument(fmt::format("key '{}' must be an integer, got '{}'", key.name, text));
      }
      if (v < key.range.min || v > key.range.max) return Status::invalid_argument(range_message(key, v));
      break;
    }
    case ConfigType::kBool:
      if (text == "1" || text == "yes" || text == "on") text = "true";
      if (text == "0" || text == "no" || text == "off") text = "false";
      if (text != "true" && text != "false") {
        return Status::invalid_argument(fmt::format("key '{}' must be true or false, got '{}'", key.name, text));
      }
      break;
    case ConfigType::kDouble: {
      // The same parse as number() reads it back with.
      if (!parse_number<double>(text)) {
        return Status::invalid_argument(fmt::format("key '{}' must be a number, got '{}'", key.name, text));
      }
      break;
    }
  }
  if (!key.allowed.empty() && std::find(key.allowed.begin(), key.allowed.end(), text) == key.allowed.end()) {
    std::string allowed;
    for (auto a : key.allowed) allowed += (allowed.empty() ? "" : ", ") + std::string(a);
    return Status::invalid_argument(fmt::format("key '{}' must be one of {}, got '{}'", key.name, allowed, text));
  }
  return text;
}

std::string toml_location(const std::string& file, const toml::source_region& region) {
  return fmt::format("{}:{}:{}", file, region.begin.line, region.begin.column);
}

// Reads one TOML node's value as text if its TOML type fits the key.
std::optional<std::string> toml_text(const ConfigKey& key, const toml::node& node) {
  switch (key.type) {
    case ConfigType::kString:
      if (auto v = node.value<std::string>(); v && node.is_string()) return *v;
      return std::nullopt;
    case ConfigType::kInt:
      if (node.is_integer()) return std::to_string(*node.value<int64_t>());
      return std::nullopt;
    case ConfigType::kBool:
      if (node.is_boolean()) return *node.value<bool>() ? "true" : "false";
      return std::nullopt;
    case ConfigType::kDouble:
      if (node.is_number()) return fmt::format("{}", *node.value<double>());
      return std::nullopt;
  }
  return std::nullopt;
}

std::string_view toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::array: return "array";
    case toml::node_type::table: return "table";
    default: return "date/time";
  }
}

}  // namespace

const ConfigKey* find_config_key(std::string_view name) {
  for (const ConfigKey& k : config_keys()) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::string careflow_env_name(std::string_view key) {
  std::string out = "CAREFLOW_";
  for (char c : key) out.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return out;
}

std::map<std::string, std::string> Config::process_env() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    const size_t eq = entry.find('=');
    if (eq != std::string_view::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

Status Config::set(const ConfigKey& key, std::string value, std::string source, std::string_view where) {
  auto checked = check_text(key, std::move(value));
  if (!checked) return Status::invalid_argument(fmt::format("{}: {}", where, checked.status().message()));
  entries_[std::string(key.name)] = {std::move(checked).value(), std::move(source)};
  return Status::ok();
}

Result<Config> Config::load(const ConfigSources& sources) {
  Config config;
  for (const ConfigKey& k : config_keys()) config.entries_[std::string(k.name)] = {std::string(k.default_value), "default"};

  std::optional<std::string> file = sources.file;
  if (!file && std::filesystem::exists("careflow.toml")) file = "careflow.toml";
  if (file) {
    if (!std::filesystem::exists(*file)) return Status::invalid_argument(fmt::format("config file {} does not exist", *file));
    toml::table table;
    try {
      table = toml::parse_file(*file);
    } catch (const toml::parse_error& e) {
      return Status::invalid_argument(fmt::format("{}: {}", toml_location(*file, e.source()), e.description()));
    }
    // Walk every leaf with its dotted name.
    Status failure;
    auto visit = [&](auto&& self, const toml::table& t, const std::string& prefix) -> void {
      for (const auto& [k, node] : t) {
        if (!failure.is_ok()) return;
        const std::string name = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
        const ConfigKey* key = find_config_key(name);
        if (!key && node.is_table()) {  // a section: its leaves are checked (and named) one by one
          const toml::table& section = *node.as_table();
          if (section.empty() && !is_section(name)) {  // nothing inside to name, so name the section
            failure = Status::invalid_argument(fmt::format("{}: unknown section '{}'{}", toml_location(*file, node.source()),
                                                           name, section_suggestion(name)));
            return;
          }
          self(self, section, name);
          continue;
        }
        const std::string where = toml_location(*file, node.source());
        if (!key) {
          failure = Status::invalid_argument(fmt::format("{}: unknown key '{}'{}", toml_location(*file, k.source()), name, suggestion(name)));
          return;
        }
        auto text = toml_text(*key, node);
        if (!text) {
          failure = Status::invalid_argument(
              fmt::format("{}: key '{}' must be {}, got {}", where, name, type_name(key->type), toml_type_name(node)));
          return;
        }
        failure = config.set(*key, *text, fmt::format("{}:{}", *file, node.source().begin.line), where);
      }
    };
    visit(visit, table, "");
    CF_RETURN_IF_ERROR(failure);
  }

  for (const ConfigKey& k : config_keys()) {
    // The reference stack's names first, then CAREFLOW_*: the more specific name wins.
    std::vector<std::string> names(k.env.begin(), k.env.end());
    names.push_back(careflow_env_name(k.name));
    for (const std::string& name : names) {
      auto it = sources.env.find(name);
      if (it == sources.env.end()) continue;
      CF_RETURN_IF_ERROR(config.set(k, it->second, "env " + name, "environment variable " + name));
    }
  }

  for (const auto& [variable, value] : sources.env) {
    if (auto warning = env_typo_warning(variable)) config.warnings_.push_back(std::move(*warning));
  }

  for (const auto& [name, value, flag] : sources.flags) {
    const ConfigKey* key = find_config_key(name);
    if (!key) return Status::invalid_argument(fmt::format("{}: unknown key '{}'{}", flag, name, suggestion(name)));
    CF_RETURN_IF_ERROR(config.set(*key, value, "flag " + flag, flag));
  }
  return config;
}

const std::string& Config::str(std::string_view key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    static const std::string empty;
    return empty;
  }
  return it->second.value;
}

// Values were checked against their key's type when they were set; an unset key reads as 0.
int64_t Config::integer(std::string_view key) const { return parse_number<int64_t>(str(key)).value_or(0); }
bool Config::boolean(std::string_view key) const { return str(key) == "true"; }
double Config::number(std::string_view key) const { return parse_number<double>(str(key)).value_or(0.0); }

const std::string& Config::source(std::string_view key) const {
  auto it = entries_.find(key);
  static const std::string unknown = "unknown";
  return it == entries_.end() ? unknown : it->second.source;
}

std::string mask_url_password(std::string_view url) {
  static const std::regex kUrlPassword(R"(^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@]*):[^@/]*@)");
  static const std::regex kKeyword(R"((password\s*=\s*)('[^']*'|\S+))");
  std::string out = std::regex_replace(std::string(url), kUrlPassword, "$1:****@");
  return std::regex_replace(out, kKeyword, "$1****");
}

std::string Config::display(std::string_view key) const {
  const ConfigKey* k = find_config_key(key);
  const std::string& value = str(key);
  if (!k || value.empty()) return value;
  if (key == "database.url") return mask_url_password(value);
  return k->secret ? "****" : value;
}

nlohmann::json Config::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const ConfigKey& k : config_keys()) {
    nlohmann::json entry = {{"key", k.name}, {"source", source(k.name)}, {"secret", k.secret}};
    const std::string shown = display(k.name);
    if (k.type == ConfigType::kInt && !shown.empty()) entry["value"] = integer(k.name);
    else if (k.type == ConfigType::kBool) entry["value"] = boolean(k.name);
    else entry["value"] = shown;
    out.push_back(entry);
  }
  return out;
}

}  // namespace careflow
