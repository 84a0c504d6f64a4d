package careflow.interop;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * <pre>PipelineThroughput DEPLOY_SCRIPT [--warm-up]</pre>
 *
 * DEPLOY_SCRIPT is what `careflow pipeline deploy --target flink --dry-run` prints with up's
 * addresses (--bootstrap-servers its Kafka listener, --schema-registry-url its registry): the
 * statements with the options a self-managed Flink needs, defined there alone. Its SETs and DDL
 * run as printed; this peer then changes only what makes a measurement of it: every Kafka and
 * upsert-kafka table gets 'scan.bounded.mode' = 'latest-offset' (each source ends at the end of
 * its topic); each INSERT writes into a blackhole table LIKE its target instead of the target
 * (careflow's topics stay as they are), and all of them run as one statement set (so the
 * script's per-job 'pipeline.name' is not applied): streaming mode, parallelism 1, checkpoints
 * every 3 s (careflow up's default), no restarts, Flink's defaults otherwise. Timed from
 * submitting the statement set to the end of the job; the JVM's CPU time over the same span.
 * With --warm-up the statement set runs once before the measured run, in the same JVM (its JIT
 * warm).
 *
 * Prints "flink STATEMENTS SECONDS CPU_SECONDS" on its last line (after "flink-warm-up ..." for
 * the warm-up run); exit 1 if the job failed, 2 for usage.
 */
public final class PipelineThroughput {
    private static final Pattern INSERT_TARGET = Pattern.compile("(?i)\\bINSERT\\s+INTO\\s+(`[^`]+`|[^\\s(]+)");
    /** The settings this peer fixes for the measurement; a SET of one in the script is not applied. */
    private static final Map<String, String> PEER_SETTINGS = Map.of(
            "execution.checkpointing.interval", "3 s",
            "restart-strategy.type", "none",  // a failure ends the run with its cause, not a restart loop
            "parallelism.default", "1");
    /** One statement set is one job: the script's name for each job has nothing to name. */
    private static final Set<String> PER_JOB_SETTINGS = Set.of("pipeline.name");

    private PipelineThroughput() {}

    public static void main(String[] args) throws Exception {
        boolean warmUp = args.length == 2 && args[1].equals("--warm-up");
        if ((args.length != 1 && !warmUp) || !Files.isRegularFile(Path.of(args[0]))) {
            System.err.println("usage: PipelineThroughput DEPLOY_SCRIPT [--warm-up]"
                    + "  (careflow pipeline deploy --target flink --dry-run, with up's addresses)");
            System.exit(2);
        }
        DeployScript script = new DeployScript(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8));
        Configuration conf = new Configuration();
        PEER_SETTINGS.forEach(conf::setString);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);

        for (DeployScript.Skipped s : script.skipped) {
            System.out.println("skipped " + s.label() + ": " + s.reason());
        }
        List<String> inserts = new ArrayList<>();
        for (DeployScript.Statement s : script.statements) {
            switch (s.keyword()) {
                case "SET" -> {
                    Map.Entry<String, String> setting = s.setting();
                    if (PEER_SETTINGS.containsKey(setting.getKey())) {
                        System.out.println("kept this peer's " + setting.getKey() + " (" + s.label() + " sets it)");
                    } else if (!PER_JOB_SETTINGS.contains(setting.getKey())) {
                        tEnv.getConfig().set(setting.getKey(), setting.getValue());
                    }
                }
                case "CREATE" -> tEnv.executeSql(s.sql());
                case "INSERT" -> inserts.add(s.sql());
                default -> throw new IllegalArgumentException(s.file() + ": unexpected statement: " + s.sql());
            }
        }
        boundKafkaSources(tEnv);
        List<String> redirected = new ArrayList<>();
        for (String insert : inserts) {
            redirected.add(intoBlackhole(tEnv, insert));
        }
        if (warmUp) {
            run(tEnv, redirected, "flink-warm-up");
        }
        run(tEnv, redirected, "flink");
        System.out.flush();
        System.exit(0);  // MiniCluster leaves non-daemon threads behind
    }

    /** 'scan.bounded.mode' = 'latest-offset' on every Kafka and upsert-kafka table of the current database. */
    static void boundKafkaSources(StreamTableEnvironment tEnv) throws Exception {
        Catalog catalog = tEnv.getCatalog(tEnv.getCurrentCatalog()).orElseThrow();
        for (String name : catalog.listTables(tEnv.getCurrentDatabase())) {
            CatalogBaseTable table = catalog.getTable(new ObjectPath(tEnv.getCurrentDatabase(), name));
            if (!(table instanceof CatalogTable)) {
                continue;  // a view
            }
            String connector = table.getOptions().getOrDefault("connector", "");
            if (connector.equals("kafka") || connector.equals("upsert-kafka")) {
                tEnv.executeSql("ALTER TABLE `" + name.replace("`", "``") + "` SET ('scan.bounded.mode' = 'latest-offset')");
            }
        }
    }

    /** The INSERT writing into a new blackhole table LIKE its target instead of the target. */
    private static String intoBlackhole(StreamTableEnvironment tEnv, String insert) {
        Matcher m = INSERT_TARGET.matcher(insert);
        if (!m.find()) {
            throw new IllegalArgumentException("no INSERT INTO target in: " + insert);
        }
        String target = m.group(1).replace("`", "");
        String sink = target + "__bench_blackhole";
        tEnv.executeSql("CREATE TABLE `" + sink + "` WITH ('connector' = 'blackhole') LIKE `" + target
                + "` (EXCLUDING ALL)");
        return insert.substring(0, m.start(1)) + "`" + sink + "`" + insert.substring(m.end(1));
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
}
