package careflow.interop;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * Apache Flink's own Kafka connector (flink-connector-kafka) against `careflow up`'s Kafka listener:
 * a bounded Kafka source reads the readings kafka_listener/run produced, an exactly-once Kafka sink
 * (transactions committed on Flink's checkpoints) writes them doubled, and a read_committed Kafka
 * source reads the result back. Prints one "+I[device, value]" line per row read back, sorted, for
 * kafka_listener/run to compare.
 *
 * <pre>KafkaConnectorCheck BOOTSTRAP INPUT_TOPIC OUTPUT_TOPIC</pre>
 */
public final class KafkaConnectorCheck {
    private KafkaConnectorCheck() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String input = args[1];
        String output = args[2];
        Configuration conf = new Configuration();
        conf.setString("execution.checkpointing.interval", "300 ms");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.getConfig().set("table.local-time-zone", "UTC");
        String common = "'connector' = 'kafka', 'properties.bootstrap.servers' = '" + bootstrap + "', 'format' = 'json'";
        String bounded = ", 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'";
        tEnv.executeSql("CREATE TABLE readings (device_id STRING, metric_value DOUBLE) WITH (" + common
                + ", 'topic' = '" + input + "', 'properties.group.id' = 'it-flink-reader'" + bounded + ")");
        // As on a real Kafka broker, the producer's transaction timeout must not exceed the broker's
        // transaction.max.timeout.ms (15 minutes); Flink's default is one hour.
        tEnv.executeSql("CREATE TABLE doubled (device_id STRING, metric_value DOUBLE) WITH (" + common
                + ", 'topic' = '" + output + "', 'sink.delivery-guarantee' = 'exactly-once',"
                + " 'sink.transactional-id-prefix' = 'it-flink-sink', 'properties.transaction.timeout.ms' = '600000')");
        tEnv.executeSql("INSERT INTO doubled SELECT device_id, metric_value * 2 FROM readings").await();
        tEnv.executeSql("CREATE TABLE doubled_back (device_id STRING, metric_value DOUBLE) WITH (" + common
                + ", 'topic' = '" + output + "', 'properties.group.id' = 'it-flink-checker',"
                + " 'properties.isolation.level' = 'read_committed'" + bounded + ")");
        TableResult result = tEnv.executeSql("SELECT device_id, metric_value FROM doubled_back");
        List<String> lines = new ArrayList<>();
        try (CloseableIterator<Row> it = result.collect()) {
            while (it.hasNext()) {
                Row row = it.next();
                lines.add(row.getKind().shortString() + "[" + row.getField(0) + ", " + row.getField(1) + "]");
            }
        }
        Collections.sort(lines);
        lines.forEach(System.out::println);
        System.exit(0);  // MiniCluster leaves non-daemon threads behind
    }
}
