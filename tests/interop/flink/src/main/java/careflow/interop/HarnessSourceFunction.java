package careflow.interop;

import java.util.EnumSet;
import java.util.UUID;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.source.RichSourceFunction;
import org.apache.flink.table.connector.RuntimeConverter;
import org.apache.flink.table.connector.source.DynamicTableSource.DataStructureConverter;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;

/**
 * Runs inside the Flink job: for each block the harness releases, emits the block's rows if they
 * belong to this table, emits a watermark if the table has one, and acknowledges the block. After
 * the last block it idles until the job is cancelled (or the harness ends the input).
 */
final class HarnessSourceFunction extends RichSourceFunction<RowData>
        implements CheckpointedFunction, CheckpointListener {
    private static final long serialVersionUID = 1L;

    private final String id = UUID.randomUUID().toString();
    private final String table;
    private final DataStructureConverter converter;
    private final EnumSet<RowKind> allowedKinds;
    private final WatermarkStrategy<RowData> watermarks; // null: the table has no WATERMARK
    private volatile boolean running = true;
    // The run this task belongs to, fixed when the task starts: on the shared MiniCluster a task of
    // an earlier job must never report a checkpoint to the next run's feed.
    private transient Feed feed;

    HarnessSourceFunction(
            String table,
            DataStructureConverter converter,
            EnumSet<RowKind> allowedKinds,
            WatermarkStrategy<RowData> watermarks) {
        this.table = table;
        this.converter = converter;
        this.allowedKinds = allowedKinds;
        this.watermarks = watermarks;
    }

    String id() {
        return id;
    }

    @Override
    public void open(Configuration parameters) {
        converter.open(RuntimeConverter.Context.create(getRuntimeContext().getUserCodeClassLoader()));
    }

    @Override
    public void run(SourceContext<RowData> ctx) throws Exception {
        feed.opened(id);
        WatermarkGenerator<RowData> generator = watermarks == null
                ? null
                : watermarks.createWatermarkGenerator(() -> getRuntimeContext().getMetricGroup());
        WatermarkOutput watermarkOutput = new WatermarkOutput() {
            @Override
            public void emitWatermark(Watermark watermark) {
                ctx.emitWatermark(new org.apache.flink.streaming.api.watermark.Watermark(watermark.getTimestamp()));
            }

            @Override
            public void markIdle() {}

            @Override
            public void markActive() {}
        };
        for (int b = 0; b < feed.blockCount(); b++) {
            if (!feed.awaitRelease(b, () -> running)) {
                return;
            }
            Feed.Block block = feed.block(b);
            if (block.table().equals(table)) {
                synchronized (ctx.getCheckpointLock()) {
                    for (Row row : block.rows()) {
                        if (!allowedKinds.contains(row.getKind())) {
                            throw new IllegalArgumentException("input row " + row.getKind().shortString()
                                    + " is not allowed on " + table + ", whose changelog mode allows only "
                                    + HarnessTableSource.kinds(allowedKinds));
                        }
                        RowData data = (RowData) converter.toInternal(row);
                        if (generator != null) {
                            generator.onEvent(data, Long.MIN_VALUE, watermarkOutput);
                        }
                        ctx.collect(data);
                    }
                    if (generator != null) {
                        generator.onPeriodicEmit(watermarkOutput);
                    }
                }
            }
            feed.acked(id, b);
        }
        feed.awaitFinish(() -> running);
    }

    // Checkpoints are how the harness knows a block went all the way through the job: Flink calls
    // snapshotState under the checkpoint lock, so the barrier follows every row emitted before it,
    // and a completed checkpoint means every operator and sink has processed those rows.
    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        feed.snapshotted(context.getCheckpointId());
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        feed = Feed.current();
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        feed.checkpointCompleted(checkpointId);
    }

    @Override
    public void cancel() {
        running = false;
    }
}
