package careflow.interop;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The table options a self-managed Flink needs beyond what the pipelines' DDL says, because
 * `careflow up` and Confluent Cloud supply them: where Kafka is, where the schema registry is, and
 * where the Iceberg warehouse is, and where a Kafka table starts reading. This list is what `careflow pipeline deploy --target flink` will
 * have to add. An option the DDL gives itself is never replaced.
 */
final class DeploymentOptions {
    /** Nothing connects while planning: the addresses only have to be well-formed. */
    static final String BOOTSTRAP = "localhost:9092";
    static final String REGISTRY = "http://localhost:8081";

    /** Format options, each with the prefix its registry URL takes ('format' has none). */
    private static final Map<String, String> FORMAT_KEYS = Map.of(
            "format", "",
            "key.format", "key.",
            "value.format", "value.");

    private final String warehouse;
    private final String bootstrap;
    private final String registry;

    /** @param warehouse the Iceberg warehouse (a local folder) for tables that name none */
    DeploymentOptions(String warehouse) {
        this(warehouse, BOOTSTRAP, REGISTRY);
    }

    /** With the addresses of a running careflow up (its Kafka listener and registry), to run against it. */
    DeploymentOptions(String warehouse, String bootstrap, String registry) {
        this.warehouse = warehouse;
        this.bootstrap = bootstrap;
        this.registry = registry;
    }

    /** The options to add to a table with these options, in a stable order; empty if none. */
    Map<String, String> missing(Map<String, String> options) {
        Map<String, String> add = new LinkedHashMap<>();
        String connector = options.getOrDefault("connector", "");
        if (connector.equals("kafka") || connector.equals("upsert-kafka")) {
            add.put("properties.bootstrap.servers", bootstrap);
            if (connector.equals("kafka")) {
                // careflow and Confluent Cloud read a topic from its start unless told otherwise;
                // Apache Flink's default, 'group-offsets', needs a 'properties.group.id' and fails
                // a new group at start (no committed offset, no reset policy). upsert-kafka always
                // reads from the start and has no such option.
                add.put("scan.startup.mode", "earliest-offset");
            }
            for (String key : new String[] {"format", "key.format", "value.format"}) {
                String format = options.get(key);
                // avro-confluent -> [prefix]avro-confluent.url, debezium-avro-confluent -> [prefix]debezium-avro-confluent.url
                if (format != null && format.endsWith("avro-confluent")) {
                    add.put(FORMAT_KEYS.get(key) + format + ".url", registry);
                }
            }
        } else if (connector.equals("iceberg")) {
            // Iceberg's Flink connector defaults to a Hive catalog; careflow's default (and what
            // up's warehouse is) is a 'hadoop' catalog: folders under the warehouse.
            add.put("catalog-type", "hadoop");
            add.put("warehouse", warehouse);
        }
        add.keySet().removeIf(options::containsKey);
        return add;
    }
}
