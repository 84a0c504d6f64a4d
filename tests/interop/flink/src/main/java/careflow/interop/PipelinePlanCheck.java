package careflow.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.ExplainDetail;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.ObjectPath;

/**
 * Plans the pipelines' real DDL and DML on Apache Flink with the real connectors and formats
 * (Kafka, upsert-kafka, avro-confluent, debezium-avro-confluent, Iceberg), which the pipelines'
 * .test files replace. Flink's own in-memory default catalog, a streaming TableEnvironment, the
 * session time zone UTC. Every DDL runs as written, then gets the options careflow up / Confluent
 * Cloud would supply (DeploymentOptions, printed per table); every DML is explained with
 * JSON_EXECUTION_PLAN, which translates the plan into Flink's runtime operators and so creates the
 * sources' decoders and the sinks' encoders: a column a format cannot carry fails here (the
 * TIMESTAMP_LTZ-through-avro-confluent failure of docs/pipelines.md "Times in the tables").
 *
 * <pre>PipelinePlanCheck PIPELINES_DIR</pre>
 *
 * Closes with "N planned, M skipped, K failed"; exit status 1 if anything failed, 2 for usage.
 */
public final class PipelinePlanCheck {
    /** careflow up's deploy order (docs/pipelines.md "In careflow up"); tables by name within a layer. */
    static final List<String> LAYERS = List.of("raw", "src", "dim", "fct", "alerts", "lake");
    /** Confluent Cloud's ML functions, which Apache Flink does not have. */
    static final Pattern ML_FUNCTION = Pattern.compile("(?i)\\bML_(DETECT_ANOMALIES|FORECAST)\\s*\\(");
    static final Pattern LINE_COMMENT = Pattern.compile("--[^\\n]*");

    record Table(String layer, String name, Path ddl, Optional<Path> dml) {
        String label() {
            return layer + "/" + name;
        }
    }

    private final TableEnvironment tEnv;
    private final DeploymentOptions deployment;
    private int planned;
    private int skipped;
    private int failed;

    private PipelinePlanCheck(Path warehouse) {
        tEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        tEnv.getConfig().set("table.local-time-zone", "UTC");
        deployment = new DeploymentOptions(warehouse.toUri().toString());
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !Files.isDirectory(Path.of(args[0]))) {
            System.err.println("usage: PipelinePlanCheck PIPELINES_DIR  (a folder of <layer>/<table>/sql-scripts/)");
            System.exit(2);
        }
        Path warehouse = Files.createTempDirectory("careflow-plan-warehouse");
        int status;
        try {
            PipelinePlanCheck check = new PipelinePlanCheck(warehouse);
            check.run(tables(Path.of(args[0])));
            status = check.failed == 0 ? 0 : 1;
        } finally {
            deleteTree(warehouse);
        }
        System.out.flush();
        System.exit(status);
    }

    private void run(List<Table> tables) throws IOException {
        // DDL first, in deploy order; a DDL that fails (e.g. a view over a table that comes later)
        // is retried once the others are in, as careflow up does.
        List<Table> pending = new ArrayList<>(tables);
        Map<Table, Exception> errors = new java.util.HashMap<>();
        boolean progress = true;
        while (!pending.isEmpty() && progress) {
            progress = false;
            for (Table t : List.copyOf(pending)) {
                try {
                    createTable(t);
                    pending.remove(t);
                    errors.remove(t);
                    progress = true;
                } catch (Exception e) {
                    errors.put(t, e);
                }
            }
        }
        for (Table t : pending) {
            fail(t, t.ddl(), errors.get(t));
        }
        for (Table t : tables) {
            if (t.dml().isEmpty() || pending.contains(t)) {
                continue;
            }
            Path file = t.dml().get();
            String dml = statement(file);
            if (ML_FUNCTION.matcher(LINE_COMMENT.matcher(dml).replaceAll("")).find()) {
                skipped++;
                System.out.println("SKIP " + t.label() + ": skipped: ML functions are Confluent Cloud's");
                continue;
            }
            try {
                tEnv.explainSql(dml, ExplainDetail.JSON_EXECUTION_PLAN);
                planned++;
                System.out.println("PLANNED " + t.label());
            } catch (Exception e) {
                fail(t, file, e);
            }
        }
        System.out.println(tables.size() + " tables, " + (tables.size() - pending.size()) + " DDL executed, "
                + tables.stream().filter(t -> t.dml().isPresent()).count() + " DML");
        System.out.println(planned + " planned, " + skipped + " skipped, " + failed + " failed");
    }

    /** Runs the DDL as written, then adds the deployment options the table lacks and prints them. */
    private void createTable(Table t) throws Exception {
        tEnv.executeSql(statement(t.ddl()));
        Catalog catalog = tEnv.getCatalog(tEnv.getCurrentCatalog()).orElseThrow();
        ObjectPath path = new ObjectPath(tEnv.getCurrentDatabase(), t.name());
        if (!catalog.tableExists(path)) {
            throw new IllegalStateException("the DDL does not create a table or view named `" + t.name()
                    + "` (the folder's name)");
        }
        CatalogBaseTable table = catalog.getTable(path);
        if (!(table instanceof CatalogTable)) {
            System.out.println("table " + t.label() + ": a view, no options");
            return;
        }
        Map<String, String> add = deployment.missing(table.getOptions());
        if (add.isEmpty()) {
            System.out.println("table " + t.label() + ": no options added");
            return;
        }
        String set = add.entrySet().stream()
                .map(e -> quote(e.getKey()) + " = " + quote(e.getValue()))
                .collect(Collectors.joining(", "));
        tEnv.executeSql("ALTER TABLE `" + t.name().replace("`", "``") + "` SET (" + set + ")");
        System.out.println("table " + t.label() + ": added " + set);
    }

    private void fail(Table t, Path file, Exception e) {
        failed++;
        System.out.println("FAIL " + t.label() + " (" + file + "): " + message(e));
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

    static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** A script's one statement, without the closing semicolon. */
    static String statement(Path file) throws IOException {
        String sql = Files.readString(file, StandardCharsets.UTF_8).strip();
        return sql.endsWith(";") ? sql.substring(0, sql.length() - 1) : sql;
    }

    /** Every table folder, layers in deploy order, tables by name; an unknown layer is an error. */
    static List<Table> tables(Path root) throws IOException {
        List<Table> tables = new ArrayList<>();
        try (Stream<Path> layers = Files.list(root)) {
            for (Path layer : layers.filter(Files::isDirectory).toList()) {
                if (!LAYERS.contains(layer.getFileName().toString())) {
                    System.err.println("unknown layer folder " + layer + " (layers: " + LAYERS + ")");
                    System.exit(2);
                }
            }
        }
        for (String layer : LAYERS) {
            Path dir = root.resolve(layer);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> folders = Files.list(dir)) {
                for (Path folder : folders.filter(Files::isDirectory).sorted().toList()) {
                    String name = folder.getFileName().toString();
                    Path scripts = folder.resolve("sql-scripts");
                    Path ddl = scripts.resolve("ddl." + name + ".sql");
                    Path dml = scripts.resolve("dml." + name + ".sql");
                    if (!Files.isRegularFile(ddl)) {
                        System.err.println("missing " + ddl);
                        System.exit(2);
                    }
                    tables.add(new Table(layer, name, ddl,
                            Files.isRegularFile(dml) ? Optional.of(dml) : Optional.empty()));
                }
            }
        }
        return tables;
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
