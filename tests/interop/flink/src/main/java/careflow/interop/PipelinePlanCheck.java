package careflow.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.ExplainDetail;
import org.apache.flink.table.api.TableEnvironment;

/**
 * Plans what `careflow pipeline deploy --target flink` sends to a Flink SQL Gateway, on Apache
 * Flink with the real connectors and formats (Kafka, upsert-kafka, avro-confluent,
 * debezium-avro-confluent, Iceberg), which the pipelines' .test files replace. Its input is that
 * command's --dry-run output, so the options deploy adds (bootstrap servers, startup mode, registry
 * URLs, Iceberg catalog and warehouse) are defined once, in careflow (src/jobs/deploy_target.h), and
 * checked here as they are sent: Flink's own in-memory default catalog, a streaming
 * TableEnvironment; every SET applied, every DDL executed in the script's order, every INSERT
 * explained with JSON_EXECUTION_PLAN, which translates the plan into Flink's runtime operators and
 * so creates the sources' decoders and the sinks' encoders: a column a format cannot carry fails
 * here (the TIMESTAMP_LTZ-through-avro-confluent failure of docs/pipelines.md "Times in the
 * tables").
 *
 * <pre>PipelinePlanCheck DEPLOY_SCRIPT</pre>
 *
 * Closes with "N planned, M skipped, K failed"; exit status 1 if anything failed, 2 for usage.
 */
public final class PipelinePlanCheck {
    private final TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
    private int ddl;
    private int planned;
    private int skipped;
    private int failed;

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !Files.isRegularFile(Path.of(args[0]))) {
            System.err.println("usage: PipelinePlanCheck DEPLOY_SCRIPT  (careflow pipeline deploy --target flink --dry-run)");
            System.exit(2);
        }
        PipelinePlanCheck check = new PipelinePlanCheck();
        check.run(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8));
        System.out.flush();
        System.exit(check.failed == 0 ? 0 : 1);
    }

    private void run(String script) {
        DeployScript parsed = new DeployScript(script);
        for (DeployScript.Skipped s : parsed.skipped) {
            skipped++;
            System.out.println("SKIP " + s.label() + ": " + s.reason());
        }
        List<DeployScript.Statement> statements = parsed.statements;
        if (statements.isEmpty()) {
            System.out.println("FAIL the script has no statements");
            failed++;
        }
        for (DeployScript.Statement s : statements) {
            try {
                switch (s.keyword()) {
                    case "SET" -> {
                        Map.Entry<String, String> setting = s.setting();
                        tEnv.getConfig().set(setting.getKey(), setting.getValue());
                    }
                    case "CREATE" -> {
                        tEnv.executeSql(s.sql());
                        ddl++;
                    }
                    case "INSERT", "EXECUTE" -> {
                        tEnv.explainSql(s.sql(), ExplainDetail.JSON_EXECUTION_PLAN);
                        planned++;
                        System.out.println("PLANNED " + s.label());
                    }
                    default -> throw new IllegalArgumentException("unexpected statement: " + s.sql());
                }
            } catch (Exception e) {
                failed++;
                System.out.println("FAIL " + s.label() + " (" + s.file() + "): " + message(e));
            }
        }
        System.out.println(ddl + " DDL executed, " + planned + " DML planned");
        System.out.println(planned + " planned, " + skipped + " skipped, " + failed + " failed");
    }

    /** Flink's outermost message and, when different, the root cause's: what says what went wrong. */
    private static String message(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String outer = String.valueOf(e.getMessage()).strip();
        String inner = root.getClass().getSimpleName() + ": " + String.valueOf(root.getMessage()).strip();
        return root == e || outer.contains(String.valueOf(root.getMessage()))
                ? outer
                : outer + "\n    caused by " + inner;
    }
}
