package careflow.interop.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.contrib.streaming.state.RocksDBOptions;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableDescriptor;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamStatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;

/**
 * The Flink side of the checkpoint benchmark (bench/checkpoint_bench.cc writes the input and the
 * SQL into DIR, scripts/bench checkpoint drives both):
 *
 * <pre>CheckpointBench DIR</pre>
 *
 * The same GROUP BY (DIR/query.sql over DIR/setup.sql's table t) on Flink 1.20 with the
 * EmbeddedRocksDBStateBackend and incremental checkpoints into a local directory, on one
 * MiniCluster (one task manager, one slot, parallelism 1), three measurements:
 *
 * <ol>
 *   <li>throughput over DIR/throughput.tsv with a checkpoint every second against none: one
 *       warm-up, then three interleaved pairs, medians; timed from the first row the source emits
 *       to the end of input at the sink (as EngineBench);
 *   <li>1 M keys (DIR/million.tsv), a checkpoint, then each of DIR/delta-N.tsv (rows touching 1 %
 *       of the keys) followed by a checkpoint, each triggered by hand once the source has emitted
 *       the phase (the barrier follows all of it): duration (Flink's end-to-end duration) and
 *       "checkpointed data size" (what this checkpoint wrote) against "full state size", from
 *       Flink's checkpoint statistics;
 *   <li>restore: the job cancelled, its last checkpoint retained, a fresh job from it; timed from
 *       submission until a probe row for one key comes out of the aggregate carrying the restored
 *       count (so the state is loaded and the job runs), next to the same job without state.
 * </ol>
 *
 * Writes DIR/flink.tsv, "name TAB value" a line.
 */
public final class CheckpointBench {
    static final int RUNS = 3;
    static final Duration TIMEOUT = Duration.ofMinutes(10);

    private CheckpointBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: CheckpointBench DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        String setup = Files.readString(dir.resolve("setup.sql"));
        String sql = Files.readString(dir.resolve("query.sql")).strip();
        Path scratch = dir.resolve("flink-scratch");
        deleteTree(scratch);
        Files.createDirectories(scratch);

        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, scratch.resolve("checkpoints").toUri().toString());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(RocksDBOptions.LOCAL_DIRECTORIES, scratch.resolve("rocksdb").toString());
        // RocksDB lives in managed memory; the MiniCluster's default is small for 1 M keys.
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("512m"));

        Map<String, String> results = new LinkedHashMap<>();
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build());
        cluster.start();
        try {
            throughput(cluster, conf, setup, sql, dir, results);
            incrementalAndRestore(cluster, conf, setup, sql, dir, results);
        } finally {
            cluster.close();
        }
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(dir.resolve("flink.tsv"), StandardCharsets.UTF_8))) {
            results.forEach((k, v) -> out.println(k + "\t" + v));
        }
        deleteTree(scratch);
        // MiniCluster leaves non-daemon threads behind.
        System.exit(0);
    }

    // ---- 1. throughput, checkpoints every second against none --------------------------------

    record Run(double rowsPerSecond, double cpuBusy, long checkpoints) {}

    static void throughput(MiniCluster cluster, Configuration base, String setup, String sql, Path dir,
            Map<String, String> results) throws Exception {
        RowData[] rows = loadTable(setup, dir.resolve("throughput.tsv"));
        List<Run> off = new ArrayList<>();
        List<Run> on = new ArrayList<>();
        runThroughput(cluster, base, setup, sql, rows, null); // warm-up
        for (int i = 0; i < RUNS; i++) {
            off.add(runThroughput(cluster, base, setup, sql, rows, null));
            on.add(runThroughput(cluster, base, setup, sql, rows, Duration.ofSeconds(1)));
        }
        Run o = median(off);
        Run c = median(on);
        System.out.printf("flink    GROUP BY, %d rows: %.0f rows/s without checkpoints, %.0f rows/s with one every second "
                + "(%d per run): %.1f %% cost%n", rows.length, o.rowsPerSecond, c.rowsPerSecond, c.checkpoints,
                100 * (1 - c.rowsPerSecond / o.rowsPerSecond));
        results.put("throughput_rows", String.valueOf(rows.length));
        results.put("throughput_off_rows_per_second", String.format("%.0f", o.rowsPerSecond));
        results.put("throughput_on_rows_per_second", String.format("%.0f", c.rowsPerSecond));
        results.put("throughput_on_checkpoints", String.valueOf(c.checkpoints));
        results.put("throughput_off_cpu_busy", String.format("%.2f", o.cpuBusy));
        results.put("throughput_on_cpu_busy", String.format("%.2f", c.cpuBusy));
    }

    static Run runThroughput(MiniCluster cluster, Configuration base, String setup, String sql, RowData[] rows,
            Duration interval) throws Exception {
        Configuration conf = new Configuration(base);
        if (interval != null) {
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
        }
        BenchData.reset();
        BenchData.tables = Map.of("t", rows);
        JobGraph job = jobGraph(conf, setup, sql, false, "count", null);
        JobID id = cluster.submitJob(job).get().getJobID();
        JobResult result = cluster.requestJobResult(id).get();
        if (!result.isSuccess()) {
            throw new IllegalStateException("throughput job failed", result.getSerializedThrowable().get()
                    .deserializeError(CheckpointBench.class.getClassLoader()));
        }
        if (BenchData.outputRows == 0) {
            throw new IllegalStateException("throughput job produced no output");
        }
        double seconds = (BenchData.sinkEndNanos - BenchData.firstEmitNanos.get()) / 1e9;
        double cpu = (BenchData.sinkEndCpuNanos - BenchData.firstEmitCpuNanos.get()) / 1e9;
        long checkpoints = cluster.getArchivedExecutionGraph(id).get().getCheckpointStatsSnapshot().getCounts()
                .getNumberOfCompletedCheckpoints();
        System.out.printf("flink    throughput, checkpoints %s: %.0f rows/s, %.2f cores busy, %d checkpoints%n",
                interval == null ? "off" : "every " + interval.toMillis() + " ms", rows.length / seconds, cpu / seconds,
                checkpoints);
        return new Run(rows.length / seconds, cpu / seconds, checkpoints);
    }

    static Run median(List<Run> runs) {
        List<Run> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(Run::rowsPerSecond));
        return sorted.get(sorted.size() / 2);
    }

    // ---- 2. incremental checkpoints of 1 M keys, 3. restore ----------------------------------

    static void incrementalAndRestore(MiniCluster cluster, Configuration base, String setup, String sql, Path dir,
            Map<String, String> results) throws Exception {
        List<RowData[]> phases = new ArrayList<>();
        phases.add(loadTable(setup, dir.resolve("million.tsv")));
        for (int n = 1; Files.exists(dir.resolve("delta-" + n + ".tsv")); n++) {
            phases.add(loadTable(setup, dir.resolve("delta-" + n + ".tsv")));
        }
        if (phases.size() < 2) {
            throw new IllegalStateException(dir + " has no delta-1.tsv");
        }
        // No periodic checkpoints: each one is triggered by hand between two phases.
        BenchData.reset();
        BenchData.phases = Map.of("t", phases);
        JobID id = cluster.submitJob(jobGraph(base, setup, sql, true, "count", null)).get().getJobID();
        List<CompletedCheckpointStats> taken = new ArrayList<>();
        for (int phase = 1; phase <= phases.size(); phase++) {
            BenchData.releasedPhases.set(phase);
            final int released = phase;
            waitFor("the source to emit phase " + phase, () -> BenchData.emittedPhases.get() >= released);
            long checkpoint = cluster.triggerCheckpoint(id, CheckpointType.CONFIGURED).get();
            CompletedCheckpointStats stats = completed(cluster, id, checkpoint);
            taken.add(stats);
            System.out.printf("flink    checkpoint %d after %s: %.3f s, %d bytes written, full state %d bytes%n", checkpoint,
                    phase == 1 ? "1 M keys" : "delta " + (phase - 1), stats.getEndToEndDuration() / 1e3,
                    stats.getCheckpointedSize(), stats.getStateSize());
        }
        String retained = taken.get(taken.size() - 1).getExternalPath();
        cluster.cancelJob(id).get();
        cluster.requestJobResult(id).get();

        CompletedCheckpointStats full = taken.get(0);
        List<CompletedCheckpointStats> deltas = taken.subList(1, taken.size());
        results.put("keys", String.valueOf(phases.get(0).length));
        results.put("full_seconds", String.format("%.6f", full.getEndToEndDuration() / 1e3));
        results.put("full_bytes", String.valueOf(full.getCheckpointedSize()));
        results.put("delta_seconds", String.format("%.6f", medianOf(deltas.stream().map(s -> s.getEndToEndDuration() / 1e3))));
        results.put("delta_bytes", String.format("%.0f", medianOf(deltas.stream().map(s -> (double) s.getCheckpointedSize()))));
        results.put("delta_full_state_bytes", String.valueOf(deltas.get(deltas.size() - 1).getStateSize()));
        results.put("delta_rounds", String.valueOf(deltas.size()));
        results.put("delta_bytes_max", String.valueOf(deltas.stream().mapToLong(CompletedCheckpointStats::getCheckpointedSize).max().orElse(0)));
        results.put("delta_bytes_total", String.valueOf(deltas.stream().mapToLong(CompletedCheckpointStats::getCheckpointedSize).sum()));

        // The probe: one row for key 0; with the state restored, its count is 1 (million.tsv) plus the
        // deltas' rows for key 0, and the aggregate says so as an update (-U, +U), not a first +I.
        long expected = 0;
        for (RowData[] rows : phases) {
            for (RowData r : rows) {
                expected += r.getLong(0) == 0 ? 1 : 0;
            }
        }
        double restore = probe(cluster, base, setup, sql, retained, "+U,0," + (expected + 1) + ",");
        double fresh = probe(cluster, base, setup, sql, null, "+I,0,1,");
        System.out.printf("flink    restore of %d keys from %s: %.3f s to the first restored result (%.3f s without state)%n",
                phases.get(0).length, retained, restore, fresh);
        results.put("restore_seconds", String.format("%.6f", restore));
        results.put("start_without_state_seconds", String.format("%.6f", fresh));
    }

    /** Seconds from submitting the job (from `checkpoint`, or without state) to the probe's result starting with `expected`. */
    static double probe(MiniCluster cluster, Configuration base, String setup, String sql, String checkpoint, String expected)
            throws Exception {
        BenchData.reset();
        GenericRowData row = new GenericRowData(RowKind.INSERT, 2);
        row.setField(0, 0L);
        row.setField(1, 0L);
        BenchData.phases = Map.of("t", List.<RowData[]>of(new RowData[] {row}));
        BenchData.releasedPhases.set(1);
        JobGraph job = jobGraph(base, setup, sql, true, "rows", checkpoint);
        long start = System.nanoTime();
        JobID id = cluster.submitJob(job).get().getJobID();
        // The aggregate's answer is its +I (no state) or its +U (after the -U of the restored count).
        waitFor("the probe's result", () -> BenchData.sinkRows.stream().anyMatch(CheckpointBench::isAfterImage));
        BenchData.SinkRow answer = BenchData.sinkRows.stream().filter(CheckpointBench::isAfterImage).findFirst().get();
        cluster.cancelJob(id).get();
        cluster.requestJobResult(id).get();
        if (!answer.text().startsWith(expected)) {
            throw new IllegalStateException("the probe gave " + BenchData.sinkRows.stream().map(BenchData.SinkRow::text).toList()
                    + ", not " + expected + "...: the state was not restored as checkpointed");
        }
        return (answer.nanos() - start) / 1e9;
    }

    static boolean isAfterImage(BenchData.SinkRow row) {
        return row.text().startsWith("+I,") || row.text().startsWith("+U,");
    }

    /** The statistics of `checkpoint` once Flink reports it completed. */
    static CompletedCheckpointStats completed(MiniCluster cluster, JobID id, long checkpoint) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            AbstractCheckpointStats s = cluster.getExecutionGraph(id).get().getCheckpointStatsSnapshot().getHistory()
                    .getCheckpointById(checkpoint);
            if (s != null && s.getStatus() == CheckpointStatsStatus.COMPLETED) {
                return (CompletedCheckpointStats) s;
            }
            if (s != null && s.getStatus() == CheckpointStatsStatus.FAILED) {
                throw new IllegalStateException("checkpoint " + checkpoint + " failed");
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("no statistics for checkpoint " + checkpoint + " after " + TIMEOUT);
    }

    // ---- helpers ------------------------------------------------------------------------------

    /**
     * The job graph of INSERT INTO a benchmark sink SELECT ..., on an environment configured by
     * `conf`; `phased` replays table t phase by phase; `checkpoint` is a retained checkpoint to
     * start from (null: none).
     */
    static JobGraph jobGraph(Configuration conf, String setup, String sql, boolean phased, String sink, String checkpoint) {
        StreamExecutionEnvironment env = EngineBench.localEnvironment(new Configuration(conf));
        StreamTableEnvironment tEnv = EngineBench.newSession(setup, env);
        if (phased) {
            tEnv.executeSql("ALTER TABLE t SET ('replay' = 'phases')");
        }
        Table query = tEnv.sqlQuery(sql);
        tEnv.createTable("bench_sink", TableDescriptor.forConnector("careflow-bench")
                .schema(Schema.newBuilder().fromResolvedSchema(query.getResolvedSchema()).build())
                .option("sink", sink)
                .build());
        StreamStatementSet set = tEnv.createStatementSet();
        set.addInsert("bench_sink", query);
        set.attachAsDataStream();
        JobGraph job = env.getStreamGraph().getJobGraph();
        if (checkpoint != null) {
            job.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(checkpoint, false));
        }
        return job;
    }

    /** The rows of table t in `file` ("t TAB +I TAB k TAB x" a line), parsed by the table's types. */
    static RowData[] loadTable(String setup, Path file) throws IOException {
        Map<String, RowData[]> before = BenchData.tables;
        EngineBench.load(EngineBench.newSession(setup), file);
        RowData[] rows = BenchData.tables.getOrDefault("t", new RowData[0]);
        BenchData.tables = before == null ? new HashMap<>() : before;
        return rows;
    }

    static double medianOf(Stream<Double> values) {
        List<Double> v = values.sorted().toList();
        return v.get(v.size() / 2);
    }

    static void waitFor(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
