package careflow.interop;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * Chosen pipelines' queries, as `careflow pipeline deploy --target flink --dry-run` prints them, run
 * on Apache Flink against a running `careflow up` (its Kafka listener and Schema Registry) to the
 * end of the topics, their rows printed: what tests/interop/flink/cdc_history/run compares with
 * careflow's rows over the same topics, so a format reading the records differently shows.
 *
 * <pre>DeployedQueryCheck DEPLOY_SCRIPT LABEL...</pre>
 *
 * LABEL names a pipeline as layer/table (lake/hc_lake_prescription_changes). The script's SETs
 * (not 'pipeline.name') and every CREATE run as printed (Flink's own in-memory catalog, the real
 * connectors and formats); then every Kafka and upsert-kafka table is bounded
 * ('scan.bounded.mode' = 'latest-offset'), and each chosen INSERT runs as its query (the INSERT INTO
 * target removed: careflow's topics and lake stay as they are), streaming, parallelism 1. Prints
 * "LABEL<TAB>+I[...]" per row, values as docs/sql-tests.md renders them (ValueCodec, UTC), or
 * "FAIL LABEL: message" for a query Flink refuses or that fails. Exit 1 on a failure, 2 for usage.
 */
public final class DeployedQueryCheck {
    private static final Pattern INSERT_INTO = Pattern.compile("(?is)^\\s*INSERT\\s+INTO\\s+(`[^`]+`|[^\\s(]+)\\s*");

    private DeployedQueryCheck() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !Files.isRegularFile(Path.of(args[0]))) {
            System.err.println("usage: DeployedQueryCheck DEPLOY_SCRIPT LABEL...  (layer/table of each pipeline to run)");
            System.exit(2);
        }
        DeployScript script = new DeployScript(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8));
        Set<String> labels = new LinkedHashSet<>(Arrays.asList(args).subList(1, args.length));
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "none");  // a failure ends the query with its cause
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);

        Map<String, String> queries = new LinkedHashMap<>();
        for (DeployScript.Statement s : script.statements) {
            switch (s.keyword()) {
                case "SET" -> {
                    Map.Entry<String, String> setting = s.setting();
                    if (!setting.getKey().equals("pipeline.name")) {
                        tEnv.getConfig().set(setting.getKey(), setting.getValue());
                    }
                }
                case "CREATE" -> tEnv.executeSql(s.sql());
                case "INSERT" -> {
                    if (labels.contains(s.label())) {
                        queries.put(s.label(), queryOf(s.sql()));
                    }
                }
                default -> throw new IllegalArgumentException(s.file() + ": unexpected statement: " + s.sql());
            }
        }
        for (String label : labels) {
            if (!queries.containsKey(label)) {
                System.err.println("DeployedQueryCheck: the script has no INSERT of " + label);
                System.exit(2);
            }
        }
        PipelineThroughput.boundKafkaSources(tEnv);

        ValueCodec codec = new ValueCodec(ZoneId.of("UTC"));
        int failed = 0;
        for (Map.Entry<String, String> q : queries.entrySet()) {
            try {
                TableResult result = tEnv.executeSql(q.getValue());
                List<LogicalType> types = result.getResolvedSchema().getColumnDataTypes().stream()
                        .map(DataType::getLogicalType)
                        .toList();
                try (CloseableIterator<Row> it = result.collect()) {
                    while (it.hasNext()) {
                        Row row = it.next();
                        System.out.println(q.getKey() + "\t" + row.getKind().shortString() + codec.renderRow(row, types));
                    }
                }
            } catch (Exception e) {
                failed++;
                Throwable root = e;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                System.out.println("FAIL " + q.getKey() + ": " + e.getMessage() + (root != e ? "\n    caused by " + root : ""));
            }
        }
        System.out.flush();
        System.exit(failed == 0 ? 0 : 1);  // MiniCluster leaves non-daemon threads behind
    }

    /** The INSERT's query: what follows "INSERT INTO target". */
    private static String queryOf(String insert) {
        Matcher m = INSERT_INTO.matcher(insert);
        if (!m.find()) {
            throw new IllegalArgumentException("no INSERT INTO target in: " + insert);
        }
        return insert.substring(m.end());
    }
}
