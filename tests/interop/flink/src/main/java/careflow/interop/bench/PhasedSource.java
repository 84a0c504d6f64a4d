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
        int next = 0;
        while (running) {
            if (next >= phases.size() || next >= BenchData.releasedPhases.get()) {
                Thread.sleep(1); // outside the lock, so that checkpoints go through while idle
                continue;
            }
            BenchData.markFirstEmit();
            BenchSource.emit(ctx, phases.get(next), () -> running);
            BenchData.emittedPhases.set(++next);
        }
    }

    @Override
    public void cancel() {
        running = false;
    }
}
