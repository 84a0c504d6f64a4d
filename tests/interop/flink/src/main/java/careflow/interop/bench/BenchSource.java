package careflow.interop.bench;

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
        RowData[] rows = BenchData.tables.getOrDefault(table, new RowData[0]);
        BenchData.markFirstEmit();
        Object lock = ctx.getCheckpointLock();
        // No checkpoints run, but take the lock in chunks as a SourceFunction must.
        for (int i = 0; i < rows.length && running; ) {
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
