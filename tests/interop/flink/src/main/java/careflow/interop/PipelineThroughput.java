package careflow.interop;

import careflow.interop.PipelinePlanCheck.Table;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.ObjectPath;

/**
 * The Apache Flink peer of bench/pipelines/run's throughput run: the pipelines' statements on a
 * local MiniCluster against a running `careflow up` whose topics are already filled (the raw
 * readings the simulator wrote, and what careflow's own jobs wrote into the src / dim / fct
 * topics, which the later layers read).
 *
 * <pre>PipelineThroughput PIPELINES_DIR BOOTSTRAP REGISTRY_URL [--warm-up]</pre>
 *
 * Every DDL runs as written with the options PipelinePlanCheck adds (DeploymentOptions, here with
 * up's real addresses: the real kafka / upsert-kafka connectors and avro-confluent /
 * debezium-avro-confluent formats through careflow's Kafka listener and registry), plus
 * 'scan.bounded.mode' = 'latest-offset' on the Kafka tables so that each source ends at the end
 * of its topic. Each DML writes into a blackhole table LIKE its target instead of the target
 * (careflow's topics stay as they are), and all of them run as one statement set: streaming mode,
 * parallelism 1, checkpoints every 3 s (careflow up's default), Flink's defaults otherwise. Timed
 * from submitting the statement set to the end of the job; the JVM's CPU time over the same
 * span. ML_DETECT_ANOMALIES / ML_FORECAST statements are skipped (Confluent Cloud's). With
 * --warm-up the statement set runs once before the measured run, in the same JVM (its JIT warm).
 *
 * Prints "flink STATEMENTS SECONDS CPU_SECONDS" on its last line (after "flink-warm-up ..." for
 * the warm-up run); exit 1 if the job failed.
 */
public final class PipelineThroughput {
    private static final Pattern INSERT_TARGET = Pattern.compile("(?i)\\bINSERT\\s+INTO\\s+(`[^`]+`|[^\\s(]+)");

    private PipelineThroughput() {}

    public static void main(String[] args) throws Exception {
        boolean warmUp = args.length == 4 && args[3].equals("--warm-up");
        if ((args.length != 3 && !warmUp) || !Files.isDirectory(Path.of(args[0]))) {
            System.err.println("usage: PipelineThroughput PIPELINES_DIR BOOTSTRAP REGISTRY_URL [--warm-up]");
            System.exit(2);
        }
        Path warehouse = Files.createTempDirectory("careflow-throughput-warehouse");
        Configuration conf = new Configuration();
        conf.setString("execution.checkpointing.interval", "3 s");
        conf.setString("restart-strategy.type", "none");  // a failure ends the run with its cause, not a restart loop
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.getConfig().set("table.local-time-zone", "UTC");
        DeploymentOptions deployment = new DeploymentOptions(warehouse.toUri().toString(), args[1], args[2]);

        List<Table> tables = PipelinePlanCheck.tables(Path.of(args[0]));
        // DDL in deploy order; one that names a later table is retried once the others are in.
        List<Table> pending = new ArrayList<>(tables);
        boolean progress = true;
        Exception last = null;
        while (!pending.isEmpty() && progress) {
            progress = false;
            for (Table t : List.copyOf(pending)) {
                try {
                    create(tEnv, deployment, t);
                    pending.remove(t);
                    progress = true;
                } catch (Exception e) {
                    last = e;
                }
            }
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException("DDL failed: " + pending.stream().map(Table::label).toList(), last);
        }

        List<String> inserts = new ArrayList<>();
        for (Table t : tables) {
            if (t.dml().isEmpty()) {
                continue;
            }
            String dml = PipelinePlanCheck.statement(t.dml().get());
            if (PipelinePlanCheck.ML_FUNCTION.matcher(PipelinePlanCheck.LINE_COMMENT.matcher(dml).replaceAll("")).find()) {
                System.out.println("skipped " + t.label() + ": ML functions are Confluent Cloud's");
                continue;
            }
            String sink = t.name() + "__bench_blackhole";
            tEnv.executeSql("CREATE TABLE `" + sink + "` WITH ('connector' = 'blackhole') LIKE `" + t.name()
                    + "` (EXCLUDING ALL)");
            Matcher m = INSERT_TARGET.matcher(dml);
            if (!m.find()) {
                throw new IllegalStateException(t.dml().get() + ": no INSERT INTO");
            }
            inserts.add(dml.substring(0, m.start(1)) + "`" + sink + "`" + dml.substring(m.end(1)));
        }
        if (warmUp) {
            run(tEnv, inserts, "flink-warm-up");
        }
        run(tEnv, inserts, "flink");
        PipelinePlanCheck.deleteTree(warehouse);
        System.out.flush();
        System.exit(0);  // MiniCluster leaves non-daemon threads behind
    }

    /** Runs the INSERTs as one statement set to its end; prints "LABEL STATEMENTS SECONDS CPU_SECONDS". */
    private static void run(StreamTableEnvironment tEnv, List<String> inserts, String label) throws Exception {
        StatementSet set = tEnv.createStatementSet();
        inserts.forEach(set::addInsertSql);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        set.execute().await();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        System.out.printf("%s %d %.3f %.3f%n", label, inserts.size(), seconds, cpu);
        System.out.flush();
    }

    /** Runs a table's DDL, then adds the deployment options it lacks and bounds its Kafka source. */
    private static void create(StreamTableEnvironment tEnv, DeploymentOptions deployment, Table t) throws Exception {
        tEnv.executeSql(PipelinePlanCheck.statement(t.ddl()));
        Catalog catalog = tEnv.getCatalog(tEnv.getCurrentCatalog()).orElseThrow();
        CatalogBaseTable table = catalog.getTable(new ObjectPath(tEnv.getCurrentDatabase(), t.name()));
        if (!(table instanceof CatalogTable)) {
            return;  // a view
        }
        Map<String, String> add = new LinkedHashMap<>(deployment.missing(table.getOptions()));
        String connector = table.getOptions().getOrDefault("connector", "");
        if (connector.equals("kafka") || connector.equals("upsert-kafka")) {
            add.put("scan.bounded.mode", "latest-offset");
        }
        if (add.isEmpty()) {
            return;
        }
        String options = add.entrySet().stream()
                .map(e -> PipelinePlanCheck.quote(e.getKey()) + " = " + PipelinePlanCheck.quote(e.getValue()))
                .collect(Collectors.joining(", "));
        tEnv.executeSql("ALTER TABLE `" + t.name().replace("`", "``") + "` SET (" + options + ")");
    }
}
