package careflow.interop.bench;

import java.util.function.BooleanSupplier;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.table.data.RowData;

/** Emits the pre-built rows of one table, then ends (a bounded source). */
final class BenchSource implements SourceFunction<RowData> {
    private static final long serialVersionUID = 1L;
    private final String table;
    private volatile boolean running = true;

    BenchSource(String table) {
        this.table = table;
    }

    @Override
    public void run(SourceContext<RowData> ctx) {
        BenchData.markFirstEmit();
        emit(ctx, BenchData.tables.getOrDefault(table, new RowData[0]), () -> running);
    }

    /**
     * Emits `rows` under the checkpoint lock in chunks of 1,000, as a SourceFunction must, so that a
     * checkpoint can come between two chunks; stops early once `running` says no.
     */
    static void emit(SourceContext<RowData> ctx, RowData[] rows, BooleanSupplier running) {
        Object lock = ctx.getCheckpointLock();
        for (int i = 0; i < rows.length && running.getAsBoolean(); ) {
            int end = Math.min(rows.length, i + 1000);
            synchronized (lock) {
                for (; i < end; i++) {
                    ctx.collect(rows[i]);
                }
            }
        }
    }

    @Override
    public void cancel() {
        running = false;
    }
}
