package careflow.interop.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableDescriptor;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.types.RowKind;

/**
 * The Flink side of the streaming SQL engine benchmark (bench/engine_bench.cc writes the input):
 *
 * <pre>EngineBench DIR [--only name,...]</pre>
 *
 * For each query directory DIR/NAME (setup.sql, query.sql, input.tsv) it runs the same DDL and
 * SELECT on Flink 1.20: streaming mode, parallelism 1, a local MiniCluster, Flink's defaults
 * otherwise (object reuse off, mini-batch off, heap state backend, no checkpoints, buffer timeout
 * 100 ms). The input rows are parsed into RowData before the job; bounded sources replay them and
 * a counting sink takes the result (INSERT INTO a sink table that accepts any changelog). One
 * warm-up run, then three measured runs, each a new job; the median is reported. The time is from
 * the first row a source emits to the end of input at the sink; the CPU time of the whole JVM over
 * that span is reported too (Flink runs each task of the job in its own thread). Writes DIR/flink.tsv, one line a query:
 * name, status (ok | unavailable | failed), input rows, output rows, seconds, CPU seconds, note. The queries are
 * those DIR/queries.txt lists (engine_bench writes it), in its order. Then, when DIR/state_tumble_1h is there (and
 * --only does not leave it out), the memory case: {@link StateMemoryBench} writes DIR/flink_memory.tsv.
 */
public final class EngineBench {
    /** Measured runs per query after the warm-up; the median is reported (the machine is shared and noisy). */
    static final int RUNS = 3;

    private EngineBench() {}

    record Outcome(String status, long inputRows, long outputRows, double seconds, double cpuSeconds, String note) {
        String line(String name) {
            return String.format("%s\t%s\t%d\t%d\t%.6f\t%.6f\t%s", name, status, inputRows, outputRows, seconds, cpuSeconds,
                    note.replace('\t', ' ').replace('\n', ' '));
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = null;
        List<String> only = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--only")) {
                only.addAll(List.of(args[++i].split(",")));
            } else {
                dir = Path.of(args[i]);
            }
        }
        if (dir == null) {
            System.err.println("usage: EngineBench DIR [--only name,...]");
            System.exit(2);
        }
        boolean failed = false;
        List<String> queries = Files.readAllLines(dir.resolve("queries.txt"), StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(name -> !name.isEmpty()).toList();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(dir.resolve("flink.tsv"), StandardCharsets.UTF_8))) {
            for (String name : queries) {
                Path qdir = dir.resolve(name);
                if (!Files.isDirectory(qdir) || (!only.isEmpty() && !only.contains(name))) {
                    continue;
                }
                Outcome o = runQuery(qdir);
                out.println(o.line(name));
                out.flush();
                if (o.status.equals("ok")) {
                    System.out.printf("flink    %-16s %9d rows in %.2f s: %10.0f rows/s, %d output rows, %.2f cores busy%n",
                            name, o.inputRows, o.seconds, o.inputRows / o.seconds, o.outputRows, o.cpuSeconds / o.seconds);
                } else {
                    System.out.printf("flink    %-16s %s: %s%n", name, o.status.equals("unavailable") ? "not available" : o.status, o.note);
                    failed |= o.status.equals("failed");
                }
                System.out.flush();
            }
        }
        Path memory = dir.resolve(StateMemoryBench.NAME);
        if (Files.isDirectory(memory) && (only.isEmpty() || only.contains(StateMemoryBench.NAME))) {
            forgetShared(); // not in the heap the memory case measures
            failed |= !StateMemoryBench.run(memory, dir.resolve("flink_memory.tsv"));
        }
        // MiniCluster leaves non-daemon threads behind.
        System.exit(failed ? 1 : 0);
    }

    static Outcome runQuery(Path qdir) throws IOException {
        String setup = Files.readString(qdir.resolve("setup.sql"));
        String sql = Files.readString(qdir.resolve("query.sql")).strip();
        long inputRows;
        try {
            inputRows = loadShared(setup, qdir.resolve("input.tsv"));
        } catch (Exception e) {
            return new Outcome("failed", 0, 0, 0, 0, "setup: " + firstLine(e));
        }
        List<Outcome> measured = new ArrayList<>();
        for (int run = 0; run < 1 + RUNS; run++) { // warm-up, then the measured runs
            StreamTableEnvironment tEnv = newSession(setup);
            Table query;
            try {
                query = tEnv.sqlQuery(sql);
                tEnv.createTable("bench_sink", TableDescriptor.forConnector("careflow-bench")
                        .schema(Schema.newBuilder().fromResolvedSchema(query.getResolvedSchema()).build())
                        .build());
                // Optimized here, so that a query Flink's planner refuses (Nexmark's q6) is "not
                // available" rather than a failed run.
                query.insertInto("bench_sink").explain();
            } catch (Exception e) {
                return new Outcome("unavailable", inputRows, 0, 0, 0, firstLine(e));
            }
            BenchData.reset();
            try {
                query.insertInto("bench_sink").execute().await();
            } catch (Exception e) {
                return new Outcome("failed", inputRows, 0, 0, 0, firstLine(e));
            }
            double seconds = (BenchData.sinkEndNanos - BenchData.firstEmitNanos.get()) / 1e9;
            double cpu = (BenchData.sinkEndCpuNanos - BenchData.firstEmitCpuNanos.get()) / 1e9;
            long output = BenchData.outputRows;
            // A query windowing on processing time (Nexmark's q12) may end before any window does:
            // Flink does not fire processing-time timers at the end of input. It still took every row.
            boolean proctimeWindows = (setup + sql).toUpperCase().contains("PROCTIME()") && sql.toUpperCase().contains("WINDOW_START");
            if (output == 0 && !proctimeWindows) {
                return new Outcome("failed", inputRows, 0, seconds, cpu, "no output rows");
            }
            if (run > 0) {
                measured.add(new Outcome("ok", inputRows, output, seconds, cpu, ""));
            }
        }
        measured.sort((a, b) -> Double.compare(a.seconds, b.seconds));
        return measured.get(measured.size() / 2);
    }

    static StreamTableEnvironment newSession(String setup) {
        return newSession(setup, localEnvironment(new Configuration()));
    }

    /** A local environment at parallelism 1 configured by `conf`, with restart strategy none. */
    static StreamExecutionEnvironment localEnvironment(Configuration conf) {
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return StreamExecutionEnvironment.createLocalEnvironment(1, conf);
    }

    /** A table session on `env` with the benchmark catalog, the setup DDL run. */
    static StreamTableEnvironment newSession(String setup, StreamExecutionEnvironment env) {
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env, EnvironmentSettings.newInstance()
                .inStreamingMode().withBuiltInCatalogName("flink_builtin_catalog").build());
        tEnv.registerCatalog("default_catalog", new BenchCatalog("default_catalog", "default_database"));
        tEnv.useCatalog("default_catalog");
        tEnv.useDatabase("default_database");
        tEnv.getConfig().set("table.local-time-zone", "UTC");
        tEnv.getConfig().set("table.exec.resource.default-parallelism", "1");
        for (String statement : setup.split(";")) {
            if (!statement.isBlank()) {
                tEnv.executeSql(statement.strip());
            }
        }
        return tEnv;
    }

    /** The input last parsed: the file (its inode: queries sharing an input hard-link one file) and the setup it was parsed by. */
    private static Object loadedKey;
    private static Map<String, RowData[]> loadedTables = new HashMap<>();
    private static long loadedRows;

    /**
     * {@link #load} unless the file is the one parsed last with the same setup (the Nexmark queries read one
     * stream): then the rows parsed then, which the jobs never change (object reuse is off: operators get copies).
     */
    static long loadShared(String setup, Path file) throws IOException {
        Object inode = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        Object key = List.of(inode != null ? inode : file.toRealPath(), setup);
        if (!key.equals(loadedKey)) {
            loadedKey = null;
            loadedTables = new HashMap<>(); // the previous rows may go before the next are parsed
            BenchData.tables = loadedTables;
            loadedRows = load(newSession(setup), file);
            loadedTables = BenchData.tables;
            loadedKey = key;
        }
        BenchData.tables = loadedTables;
        return loadedRows;
    }

    /** Lets the rows {@link #loadShared} keeps go. */
    static void forgetShared() {
        loadedKey = null;
        loadedTables = new HashMap<>();
        BenchData.tables = new HashMap<>();
    }

    /** Parses input.tsv ("table, kind, fields" a line) by each table's physical column types into BenchData. */
    static long load(StreamTableEnvironment tEnv, Path file) throws IOException {
        Map<String, LogicalType[]> types = new HashMap<>();
        Map<String, List<RowData>> rows = new HashMap<>();
        long n = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split("\t", -1);
                LogicalType[] t = types.computeIfAbsent(f[0], table -> tEnv.from(table).getResolvedSchema()
                        .toPhysicalRowDataType().getChildren().stream().map(DataType::getLogicalType).toArray(LogicalType[]::new));
                GenericRowData row = new GenericRowData(kind(f[1]), t.length);
                for (int i = 0; i < t.length; i++) {
                    row.setField(i, parse(f[i + 2], t[i]));
                }
                rows.computeIfAbsent(f[0], k -> new ArrayList<>()).add(row);
                n++;
            }
        }
        Map<String, RowData[]> tables = new HashMap<>();
        rows.forEach((table, list) -> tables.put(table, list.toArray(new RowData[0])));
        BenchData.tables = tables;
        return n;
    }

    static RowKind kind(String symbol) {
        return switch (symbol) {
            case "+I" -> RowKind.INSERT;
            case "-U" -> RowKind.UPDATE_BEFORE;
            case "+U" -> RowKind.UPDATE_AFTER;
            case "-D" -> RowKind.DELETE;
            default -> throw new IllegalArgumentException("bad row kind " + symbol);
        };
    }

    static Object parse(String text, LogicalType type) {
        if (text.equals("\\N")) {
            return null;
        }
        return switch (type.getTypeRoot()) {
            case INTEGER -> Integer.parseInt(text);
            case BIGINT -> Long.parseLong(text);
            case DOUBLE -> Double.parseDouble(text);
            case VARCHAR, CHAR -> StringData.fromString(text);
            // engine_bench writes a ROW's fields joined by the unit separator (U+001F).
            case ROW -> {
                List<LogicalType> fields = type.getChildren();
                String[] parts = text.split("\\u001f", -1); // a regex matching the unit separator
                if (parts.length != fields.size()) {
                    throw new IllegalArgumentException(parts.length + " fields for " + type);
                }
                GenericRowData row = new GenericRowData(fields.size());
                for (int i = 0; i < parts.length; i++) {
                    row.setField(i, parse(parts[i], fields.get(i)));
                }
                yield row;
            }
            // engine_bench writes a TIMESTAMP as its microseconds since the epoch.
            case TIMESTAMP_WITHOUT_TIME_ZONE -> {
                long micros = Long.parseLong(text);
                yield TimestampData.fromEpochMillis(Math.floorDiv(micros, 1000), (int) Math.floorMod(micros, 1000) * 1000);
            }
            default -> throw new IllegalArgumentException("unsupported column type " + type);
        };
    }

    static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        String r = String.valueOf(root.getMessage()).lines().findFirst().orElse("");
        return root == e || m.equals(r) ? m : m + " (" + r + ")";
    }
}
