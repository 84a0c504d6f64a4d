#include "exec/connectors/connector.h"

#include <fmt/format.h>

#include "exec/connectors/lookup_cache.h"
#include "exec/formats/record_format.h"

namespace careflow::exec {

ConnectorRegistry& ConnectorRegistry::global() {
  static ConnectorRegistry registry;
  return registry;
}

const ConnectorDefinition* ConnectorRegistry::for_table(const sql::TableDef& table) const {
  if (const std::string* c = table.option("connector")) return find(*c);
  return find_if([](const ConnectorDefinition& c) { return c.is_default; });
}

std::string ConnectorRegistry::known(bool sinks_only) const {
  return IdentifierRegistry::known([sinks_only](const ConnectorDefinition& c) { return !sinks_only || c.make_sink; });
}

namespace {

Result<const ConnectorDefinition*> connector_of(const sql::TableDef& table) {
  const ConnectorDefinition* c = ConnectorRegistry::global().for_table(table);
  if (!c) {
    const std::string* name = table.option("connector");
    return Status::invalid_argument(fmt::format("table '{}': unknown connector '{}'; careflow runs {}", table.name,
                                                name ? *name : "", ConnectorRegistry::global().known()));
  }
  return c;
}

}  // namespace

Result<std::unique_ptr<Source>> make_source(const sql::TableDef& table, const ConnectorContext& context) {
  CF_ASSIGN_OR_RETURN(const ConnectorDefinition* c, connector_of(table));
  if (!c->make_source) {
    return Status::invalid_argument(fmt::format("table '{}': the '{}' connector cannot be read", table.name, c->identifier));
  }
  return c->make_source(table, context);
}

Result<std::unique_ptr<Sink>> make_sink(const sql::TableDef& table, const ConnectorContext& context) {
  CF_ASSIGN_OR_RETURN(const ConnectorDefinition* c, connector_of(table));
  if (!c->make_sink) {
    return Status::invalid_argument(fmt::format("table '{}': writing to the '{}' connector is not supported; careflow "
                                                "writes {} (or no connector: a topic of the log)",
                                                table.name, c->identifier, ConnectorRegistry::global().known(true)));
  }
  return c->make_sink(table, context);
}

Result<std::unique_ptr<LookupSource>> make_lookup_source(const sql::TableDef& table,
                                                        const std::vector<int>& lookup_columns) {
  CF_ASSIGN_OR_RETURN(const ConnectorDefinition* c, connector_of(table));
  if (!c->make_lookup) {
    return Status::invalid_argument(fmt::format("table '{}': the '{}' connector cannot be looked up by key", table.name,
                                                c->identifier));
  }
  CF_ASSIGN_OR_RETURN(LookupCacheOptions cache, lookup_cache_options(table));
  CF_ASSIGN_OR_RETURN(std::unique_ptr<LookupSource> source, c->make_lookup(table, lookup_columns));
  return with_lookup_cache(std::move(source), cache);
}

bool is_lookup_only(const sql::TableDef& table) {
  const ConnectorDefinition* c = ConnectorRegistry::global().for_table(table);
  return c && c->make_lookup && !c->make_source;
}

Result<std::vector<int64_t>> Source::position() const {
  return Status::failed_precondition("this source cannot resume from a checkpoint");
}

Status Source::seek(const std::vector<int64_t>&) {
  return Status::failed_precondition("this source cannot resume from a checkpoint");
}

}  // namespace careflow::exec
