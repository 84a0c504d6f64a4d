package careflow.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Pattern SET = Pattern.compile("(?is)SET\\s+'((?:[^']|'')*)'\\s*=\\s*'((?:[^']|'')*)'");
    private static final Pattern FIRST_WORD = Pattern.compile("^\\s*(\\w+)");
    /** pipelines/<layer>/<table>/sql-scripts/<file>: the label is layer/table. */
    private static final Pattern TABLE_FILE = Pattern.compile("([^/]+)/([^/]+)/sql-scripts/[^/]+$");

    /** One statement of the script, with the file comment it came under. */
    private record Statement(String file, String sql) {
        String label() {
            Matcher m = TABLE_FILE.matcher(file);
            return m.find() ? m.group(1) + "/" + m.group(2) : file;
        }
    }

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
        List<Statement> statements = split(script);
        if (statements.isEmpty()) {
            System.out.println("FAIL the script has no statements");
            failed++;
        }
        for (Statement s : statements) {
            Matcher first = FIRST_WORD.matcher(s.sql());
            String word = first.find() ? first.group(1).toUpperCase() : "";
            try {
                switch (word) {
                    case "SET" -> {
                        Matcher m = SET.matcher(s.sql());
                        if (!m.matches()) {
                            throw new IllegalArgumentException("not a SET 'key' = 'value': " + s.sql());
                        }
                        tEnv.getConfig().set(m.group(1).replace("''", "'"), m.group(2).replace("''", "'"));
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

    /**
     * The script's statements, split at ';' outside strings, quoted names and comments. A comment
     * line "-- file: F" between statements names the file of those that follow; "-- skipped: why"
     * counts (and prints) a statement deploy leaves out.
     */
    private List<Statement> split(String script) {
        List<Statement> out = new ArrayList<>();
        String file = "(before any -- file: line)";
        StringBuilder current = new StringBuilder();
        boolean started = false;  // current holds more than white space
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            boolean between = !started;
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                int end = script.indexOf('\n', i);
                end = end < 0 ? n : end;
                String comment = script.substring(i, end);
                if (between && comment.startsWith("-- file: ")) {
                    file = comment.substring("-- file: ".length()).strip();
                } else if (between && comment.startsWith("-- skipped: ")) {
                    skipped++;
                    System.out.println("SKIP " + new Statement(file, "").label() + ": " + comment.substring(3));
                } else if (!between) {
                    current.append(comment);
                }
                i = end;
                continue;
            }
            if (!Character.isWhitespace(c) && c != ';') {
                started = true;
            }
            if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                current.append(script, i, end);
                i = end;
                continue;
            }
            if (c == '\'' || c == '`' || c == '"') {
                int j = i + 1;
                while (j < n) {
                    if (script.charAt(j) == c) {
                        if (j + 1 < n && script.charAt(j + 1) == c) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                int end = Math.min(j + 1, n);
                current.append(script, i, end);
                i = end;
                continue;
            }
            if (c == ';') {
                if (started) {
                    out.add(new Statement(file, current.toString().strip()));
                }
                current.setLength(0);
                started = false;
                i++;
                continue;
            }
            current.append(c);
            i++;
        }
        if (started) {
            out.add(new Statement(file, current.toString().strip()));
        }
        return out;
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
