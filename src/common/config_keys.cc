// Every configuration key careflow knows. Adding a key touches only this table (docs/configuration.md
// lists them for people). A row: dotted name, type, default, environment names besides the implied
// CAREFLOW_<SECTION>_<KEY>, secret, description, allowed values (enumerations), range (integers).

#include "common/config.h"

namespace careflow {

const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys = {
      {"data_dir", ConfigType::kString, "./var", {}, false, "where careflow keeps its log, database and lake"},
      {"log.level", ConfigType::kString, "info", {}, false, "trace, debug, info, warn or error",
       {"trace", "debug", "info", "warn", "error"}},
      {"http.host", ConfigType::kString, "127.0.0.1", {}, false, "address the API and web app listen on"},
      {"http.port", ConfigType::kInt, "8000", {}, false, "port of the API and web app; 0 = any free port", {}, {0, 65535}},
      {"api.token", ConfigType::kString, "", {}, true, "when set, changes through the API need 'Authorization: Bearer <token>'"},
      {"database.url", ConfigType::kString, "", {"DATABASE_URL"}, true,
       "PostgreSQL to use; empty = careflow runs its own under <data_dir>/pg"},
      {"database.port", ConfigType::kInt, "5433", {}, false, "port of careflow's own PostgreSQL", {}, {1, 65535}},
      {"log.backend", ConfigType::kString, "embedded", {}, false,
       "where topics live: embedded (careflow's own log under <data_dir>/log) or kafka (kafka.bootstrap_servers)",
       {"embedded", "kafka"}},
      {"kafka.bootstrap_servers", ConfigType::kString, "", {"KAFKA_BOOTSTRAP_SERVERS"}, false,
       "Kafka brokers, host:port[,host:port...]; used when log.backend = kafka"},
      {"kafka.api_key", ConfigType::kString, "", {"KAFKA_API_KEY"}, false, "SASL username (Confluent Cloud API key)"},
      {"kafka.api_secret", ConfigType::kString, "", {"KAFKA_API_SECRET"}, true, "SASL password (Confluent Cloud API secret)"},
      {"kafka.security_protocol", ConfigType::kString, "", {}, false,
       "plaintext, ssl, sasl_plaintext or sasl_ssl; empty = sasl_ssl when kafka.api_key is set, else plaintext"},
      {"kafka.sasl_mechanism", ConfigType::kString, "PLAIN", {}, false, "SASL mechanism (Confluent Cloud: PLAIN)"},
      {"kafka.compression", ConfigType::kString, "lz4", {}, false, "compression of produced record batches",
       {"none", "gzip", "snappy", "lz4", "zstd"}},
      {"kafka.client_id", ConfigType::kString, "careflow", {}, false, "client.id careflow's Kafka clients send"},
      {"kafka.transactional_id", ConfigType::kString, "", {}, false,
       "transactional.id of the producer behind exactly-once writes; empty = careflow-<host>-<pid>"},
      {"kafka.timeout_ms", ConfigType::kInt, "15000", {}, false,
       "bound on every Kafka round trip (connecting, admin calls, acknowledgements, fetches)", {}, {1000}},
      {"schema_registry.url", ConfigType::kString, "", {"SCHEMA_REGISTRY_URL"}, false,
       "Schema Registry; empty = careflow's built-in one"},
      {"schema_registry.api_key", ConfigType::kString, "", {"SCHEMA_REGISTRY_API_KEY"}, false, "Schema Registry API key"},
      {"schema_registry.api_secret", ConfigType::kString, "", {"SCHEMA_REGISTRY_API_SECRET"}, true,
       "Schema Registry API secret"},
      {"schema_registry.ca_file", ConfigType::kString, "", {}, false,
       "PEM file of the CAs an https registry must chain to; empty = the system's CAs"},
      {"schema_registry.context", ConfigType::kString, ".flink-dev", {"SCHEMA_REGISTRY_CONTEXT"}, false,
       "context prefixed to every subject careflow writes (:.flink-dev:<topic>-value); \".\" = the default context"},
      {"schema_registry.subject_name_strategy", ConfigType::kString, "TopicNameStrategy", {}, false,
       "how careflow's serializers name subjects",
       {"TopicNameStrategy", "RecordNameStrategy", "TopicRecordNameStrategy"}},
      {"topics.partitions", ConfigType::kInt, "1", {}, false, "partitions of a new topic", {}, {1, 10000}},
      {"topics.flush_policy", ConfigType::kString, "interval", {}, false, "fsync every-batch, on an interval, or never",
       {"every-batch", "interval", "never"}},
      {"topics.flush_ms", ConfigType::kInt, "1000", {}, false, "fsync interval of the interval policy", {}, {1}},
      {"topics.segment_bytes", ConfigType::kInt, "67108864", {}, false, "segment size before a new one starts", {}, {1024}},
      {"topics.retention_ms", ConfigType::kInt, "604800000", {}, false, "how long records are kept; -1 = forever", {}, {-1}},
      {"simulator.tick_ms", ConfigType::kInt, "1000", {}, false, "time between two readings of a simulated device", {}, {1}},
      {"simulator.seed", ConfigType::kInt, "0", {}, false, "seed of the simulator's noise; 0 = random", {}, {0}},
      {"simulator.format", ConfigType::kString, "avro", {}, false,
       "how readings and device events are written: Avro in Confluent's wire format, or JSON", {"avro", "json"}},
      {"cdc.enabled", ConfigType::kBool, "true", {}, false, "capture database changes as Debezium events (careflow up)"},
      {"cdc.topic_prefix", ConfigType::kString, "healthcare", {}, false, "Debezium's topic.prefix: topics <prefix>.<schema>.<table>"},
      {"cdc.tables", ConfigType::kString, "public.patients,public.devices,public.prescriptions", {}, false,
       "Debezium's table.include.list: schema.table, comma-separated, in snapshot order"},
      {"cdc.slot", ConfigType::kString, "careflow", {}, false, "logical replication slot (Debezium's slot.name)"},
      {"cdc.publication", ConfigType::kString, "careflow", {}, false, "publication (Debezium's publication.name)"},
      {"cdc.snapshot_mode", ConfigType::kString, "initial", {}, false, "Debezium's snapshot.mode",
       {"initial", "never", "when_needed"}},
      {"cdc.schemas_enable", ConfigType::kBool, "true", {}, false, "JSON events carry their Connect schema (schemas.enable)"},
      {"cdc.decimal_handling_mode", ConfigType::kString, "precise", {}, false, "Debezium's decimal.handling.mode",
       {"precise", "double", "string"}},
      {"cdc.skipped_operations", ConfigType::kString, "none", {}, false,
       "Debezium's skipped.operations: none, or t to drop truncate events", {"none", "t"}},
      {"cdc.heartbeat_ms", ConfigType::kInt, "10000", {}, false,
       "heartbeat.interval.ms: lets an idle capture release WAL; 0 = off", {}, {0}},
  };
  return keys;
}

}  // namespace careflow
