package careflow.interop.bench;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.table.data.RowData;

/**
 * The Flink side of engine_bench's memory case (bench/engine_state_memory.h): the state bytes per
 * key of a 1-hour TUMBLE window aggregation with its window open, on Flink's default heap state
 * backend (HashMapStateBackend), in this JVM.
 *
 * <p>DIR (engine_bench's DIR/state_tumble_1h) holds setup.sql (table t), query.sql, input.tsv and
 * keys. The rows are parsed before the job; a phased source ({@link PhasedSource}) replays them
 * when released and then waits, so the window never fires. Measured: the JVM heap used after
 * System.gc() (a full, compacting collection) once the job runs and before the source emits,
 * and again after the source's last row has reached the window operator (a checkpoint triggered
 * after it completes: its barrier follows every row); the difference over the keys is the state.
 * The checkpoint's full state size (the same state serialized) is reported beside it. Writes
 * "name TAB value" lines: status, keys, bytes, checkpoint_bytes, note.
 */
final class StateMemoryBench {
    static final String NAME = "state_tumble_1h";

    private StateMemoryBench() {}

    /** Measures, writes `results`; false when the measurement failed. */
    static boolean run(Path dir, Path results) throws Exception {
        String setup = Files.readString(dir.resolve("setup.sql"));
        String sql = Files.readString(dir.resolve("query.sql")).strip();
        long keys = Long.parseLong(Files.readString(dir.resolve("keys")).strip());
        Map<String, String> out = new LinkedHashMap<>();
        out.put("status", "ok");
        out.put("keys", String.valueOf(keys));
        Path scratch = Files.createTempDirectory("careflow-state-memory");
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        // The heap backend's default checkpoint storage is the JobManager's memory, limited to 5 MB a
        // state handle: a directory instead.
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, scratch.toUri().toString());
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build());
        cluster.start();
        try {
            RowData[] rows = CheckpointBench.loadTable(setup, dir.resolve("input.tsv"));
            BenchData.reset();
            BenchData.phases = Map.of("t", List.<RowData[]>of(rows));
            JobID id = cluster.submitJob(CheckpointBench.jobGraph(conf, setup, sql, true, "count", null)).get().getJobID();
            checkpoint(cluster, id); // every task runs, its operators are open, no row is out yet
            long before = heapUsedAfterGc();
            BenchData.releasedPhases.set(1);
            CheckpointBench.waitFor("the source to emit its rows", () -> BenchData.emittedPhases.get() >= 1);
            CompletedCheckpointStats loaded = checkpoint(cluster, id);
            long after = heapUsedAfterGc();
            long fired = BenchData.outputRows;
            cluster.cancelJob(id).get();
            cluster.requestJobResult(id).get();
            out.put("bytes", String.valueOf(after - before));
            out.put("checkpoint_bytes", String.valueOf(loaded.getStateSize()));
            if (fired != 0) {
                out.put("status", "failed");
                out.put("note", "the window fired before the end of input (" + fired + " rows)");
            }
            System.out.printf("flink    %-16s %d keys: %d bytes of heap, %.1f bytes a key (checkpoint: %.1f bytes a key)%n", NAME,
                    keys, after - before, (after - before) / (double) keys, loaded.getStateSize() / (double) keys);
        } catch (Exception e) {
            out.put("status", "failed");
            out.put("note", EngineBench.firstLine(e));
            System.out.printf("flink    %-16s failed: %s%n", NAME, EngineBench.firstLine(e));
        } finally {
            cluster.close();
            CheckpointBench.deleteTree(scratch);
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(results, StandardCharsets.UTF_8))) {
            out.forEach((k, v) -> w.println(k + "\t" + v.replace('\t', ' ').replace('\n', ' ')));
        }
        return out.get("status").equals("ok");
    }

    /** A checkpoint of job `id`, retried while the job's tasks are still being deployed. */
    static CompletedCheckpointStats checkpoint(MiniCluster cluster, JobID id) throws Exception {
        long deadline = System.nanoTime() + CheckpointBench.TIMEOUT.toNanos();
        while (true) {
            try {
                long n = cluster.triggerCheckpoint(id, CheckpointType.CONFIGURED).get();
                return CheckpointBench.completed(cluster, id, n);
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /** Heap bytes in use after full collections, once two in a row agree within 1 %. */
    static long heapUsedAfterGc() throws InterruptedException {
        long previous = -1;
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(100);
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (previous >= 0 && Math.abs(used - previous) <= previous / 100) {
                return Math.min(used, previous);
            }
            previous = used;
        }
        return previous;
    }
}
