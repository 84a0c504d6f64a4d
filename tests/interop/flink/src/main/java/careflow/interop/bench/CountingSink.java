package careflow.interop.bench;

import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.table.data.RowData;

/** Counts the rows it receives; at the end of its input it stops the clock. */
final class CountingSink implements SinkFunction<RowData> {
    private static final long serialVersionUID = 1L;
    private long count;

    @Override
    public void invoke(RowData value, Context context) {
        count++;
    }

    @Override
    public void finish() {
        BenchData.sinkEndNanos = System.nanoTime();
        BenchData.sinkEndCpuNanos = BenchData.processCpuNanos();
        BenchData.outputRows = count;
    }
}
