package careflow.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.ExplainDetail;
import org.apache.flink.table.api.TableEnvironment;

/**
 * Sweeps which format each of Flink 1.20's connectors takes, as a source and as a sink, with the
 * real connector and format jars (pom.xml): for every connector × format pair a table is created
 * and {@code SELECT * FROM it} / {@code INSERT INTO it} (from an insert-only and from an updating
 * query) are explained with JSON_EXECUTION_PLAN, which builds the runtime decoders and encoders
 * (nothing connects or reads). Prints one line per pair:
 *
 * <pre>connector format  source=&lt;changelog mode of the scan | refused&gt;  sink(append)=ok|refused  sink(updates)=ok|refused</pre>
 *
 * with Flink's message for each refusal. docs/sql.md "Formats by connector" is this output.
 * {@code tests/interop/flink/run --formats}.
 */
public final class FormatMatrixCheck {
    private static final List<String> CONNECTORS = List.of("filesystem", "kafka", "upsert-kafka");
    private static final List<String> FORMATS = List.of("json", "csv", "raw", "avro", "avro-confluent",
            "debezium-json", "canal-json", "maxwell-json", "ogg-json", "debezium-avro-confluent");
    private static final Pattern SCAN_MODE = Pattern.compile("TableSourceScan\\(table=\\[\\[[^\\]]*\\]\\][^\\n]*changelogMode=\\[([A-Z,]+)\\]");

    private final TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
    private final Path dir;
    private int table;

    private FormatMatrixCheck(Path dir) {
        this.dir = dir;
        tEnv.executeSql("CREATE TEMPORARY TABLE gen (id INT, name STRING) WITH ('connector' = 'datagen')");
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("careflow-format-matrix");
        FormatMatrixCheck check = new FormatMatrixCheck(dir);
        for (String connector : CONNECTORS) {
            for (String format : FORMATS) System.out.println(check.pair(connector, format));
        }
        System.out.flush();
        System.exit(0);
    }

    private String pair(String connector, String format) {
        StringBuilder out = new StringBuilder(String.format("%-12s %-24s", connector, format));
        StringBuilder why = new StringBuilder();
        String source = create(connector, format);
        try {
            String plan = tEnv.explainSql("SELECT * FROM " + source, ExplainDetail.CHANGELOG_MODE);
            tEnv.explainSql("SELECT * FROM " + source, ExplainDetail.JSON_EXECUTION_PLAN);
            Matcher m = SCAN_MODE.matcher(plan);
            out.append(" source=").append(m.find() ? "[" + m.group(1) + "]" : "ok");
        } catch (Throwable e) {
            out.append(" source=refused");
            why.append("\n    source: ").append(message(e));
        }
        String value = format.equals("raw") ? "name" : "id, name";
        for (String kind : List.of("append", "updates")) {
            String sink = create(connector, format);
            String query = kind.equals("append") ? "SELECT " + value + " FROM gen"
                    : "SELECT " + value + " FROM (SELECT id, MAX(name) AS name FROM gen GROUP BY id)";
            try {
                tEnv.explainSql("INSERT INTO " + sink + " " + query, ExplainDetail.JSON_EXECUTION_PLAN);
                out.append(" sink(").append(kind).append(")=ok");
            } catch (Throwable e) {
                out.append(" sink(").append(kind).append(")=refused");
                why.append("\n    sink(").append(kind).append("): ").append(message(e));
            }
        }
        return out.append(why).toString();
    }

    /** A new table on the connector and format with the options each needs to plan. */
    private String create(String connector, String format) {
        String name = "t" + (++table);
        boolean raw = format.equals("raw");
        String columns = raw ? "name STRING" : "id INT, name STRING";
        StringBuilder with = new StringBuilder("'connector' = '" + connector + "'");
        String prefix = "";
        switch (connector) {
            case "filesystem":
                with.append(", 'path' = '").append(dir.resolve(name).toUri()).append("'");
                with.append(", 'format' = '").append(format).append("'");
                break;
            case "kafka":
                with.append(", 'topic' = '").append(name).append("', 'properties.bootstrap.servers' = 'localhost:9092'");
                with.append(", 'scan.startup.mode' = 'earliest-offset', 'format' = '").append(format).append("'");
                break;
            default: // upsert-kafka: a key, and the value format under value.
                columns += raw ? ", PRIMARY KEY (name) NOT ENFORCED" : ", PRIMARY KEY (id) NOT ENFORCED";
                with.append(", 'topic' = '").append(name).append("', 'properties.bootstrap.servers' = 'localhost:9092'");
                with.append(", 'key.format' = '").append(raw ? "raw" : "json").append("'");
                with.append(", 'value.format' = '").append(format).append("'");
                prefix = "value.";
        }
        if (format.endsWith("avro-confluent")) {
            with.append(", '").append(prefix).append(format).append(".url' = 'http://localhost:8081'");
        }
        tEnv.executeSql("CREATE TEMPORARY TABLE " + name + " (" + columns + ") WITH (" + with + ")");
        return name;
    }

    private static String message(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        String last = String.valueOf(root.getMessage()).lines().findFirst().orElse("");
        return first.equals(last) ? first : first + " / " + last;
    }
}
