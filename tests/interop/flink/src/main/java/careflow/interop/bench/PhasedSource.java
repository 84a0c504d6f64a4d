package careflow.interop.bench;

import java.util.List;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.table.data.RowData;

/**
 * Emits the phases of one table ({@link BenchData#phases}) one at a time, each when the driver has
 * released it, and never ends by itself: the job stays up so that the driver can trigger a
 * checkpoint between phases (the barrier follows every row of the phases emitted before it) and
 * then cancel it.
 */
final class PhasedSource implements SourceFunction<RowData> {
    private static final long serialVersionUID = 1L;
    private final String table;
    private volatile boolean running = true;

    PhasedSource(String table) {
        this.table = table;
    }

    @Override
    public void run(SourceContext<RowData> ctx) throws InterruptedException {
        List<RowData[]> phases = BenchData.phases.getOrDefault(table, List.of());
        Object lock = ctx.getCheckpointLock();
        int next = 0;
        while (running) {
            if (next >= phases.size() || next >= BenchData.releasedPhases.get()) {
                Thread.sleep(1); // outside the lock, so that checkpoints go through while idle
                continue;
            }
            RowData[] rows = phases.get(next);
            BenchData.markFirstEmit();
            for (int i = 0; i < rows.length && running; ) {
                int end = Math.min(rows.length, i + 1000);
                synchronized (lock) {
                    for (; i < end; i++) {
                        ctx.collect(rows[i]);
                    }
                }
            }
            BenchData.emittedPhases.set(++next);
        }
    }

    @Override
    public void cancel() {
        running = false;
    }
}
