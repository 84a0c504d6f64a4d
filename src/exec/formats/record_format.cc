#include "exec/formats/record_format.h"

#include <fmt/format.h>

#include <algorithm>

namespace careflow::exec {

PhysicalSchema physical_schema(const sql::TableDef& table) {
  PhysicalSchema s;
  for (const sql::TableColumn& c : table.columns) {
    if (!c.is_physical()) continue;
    for (const std::string& k : table.primary_key) {
      if (k == c.name) s.key.push_back(static_cast<int>(s.names.size()));
    }
    s.names.push_back(c.name);
    s.types.push_back(c.type.without_time_attribute());
  }
  return s;
}

std::string topic_of(const sql::TableDef& table) {
  const std::string* topic = table.option("topic");
  return topic ? *topic : table.name;
}

std::string value_format_of(const sql::TableDef& table) {
  const std::string* f = table.option("value.format");
  if (!f) f = table.option("format");
  return f ? *f : "json";
}

FormatRegistry& FormatRegistry::global() {
  static FormatRegistry registry;
  return registry;
}

std::string FormatRegistry::known(bool keys_only) const {
  return IdentifierRegistry::known([keys_only](const FormatDefinition& f) { return !keys_only || f.key_format; });
}

bool is_confluent_cloud_registry_format(std::string_view format) {
  return format == "avro-registry" || format == "json-registry" || format == "avro-debezium-registry" || format == "debezium-avro-registry";
}

bool is_debezium_avro_format(std::string_view format) {
  return format == "debezium-avro-confluent" || format == "avro-debezium-registry" || format == "debezium-avro-registry";
}

bool needs_session_registry(const sql::TableDef& table) {
  auto needs = [&](const std::string& format, const std::string& prefix) {
    if (is_confluent_cloud_registry_format(format)) return true;
    if (format != "avro-confluent" && format != "debezium-avro-confluent") return false;
    return !table.option(prefix + format + ".url") && !(prefix == "value." && table.option(format + ".url"));
  };
  if (needs(value_format_of(table), "value.")) return true;
  const std::string* key = table.option("key.format");
  return key && needs(*key, "key.");
}

Result<std::unique_ptr<RecordFormat>> make_record_format(const sql::TableDef& table, SchemaRegistryClients* registries) {
  std::string format = value_format_of(table);
  const FormatDefinition* definition = FormatRegistry::global().find(format);
  if (!definition) {
    return Status::invalid_argument(fmt::format("table '{}': unknown format '{}'; careflow reads {}", table.name, format,
                                                FormatRegistry::global().known()));
  }
  return definition->make(table, format, registries);
}

}  // namespace careflow::exec
