package careflow.interop;

import java.time.ZoneId;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.RuntimeConverter;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkFunctionProvider;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.types.Row;

/**
 * The sink of {@code INSERT INTO t}: declares t's changelog mode (so Flink plans exactly as it
 * would for that table: an append table rejects updates, an upsert table receives +I/+U/-D and no
 * -U) and records every row it receives, rendered by t's column types.
 */
final class HarnessTableSink implements DynamicTableSink {
    private final String table;
    private final DataType physicalType;
    private final ChangelogMode mode;
    private final ZoneId zone;

    HarnessTableSink(String table, DataType physicalType, ChangelogMode mode, ZoneId zone) {
        this.table = table;
        this.physicalType = physicalType;
        this.mode = mode;
        this.zone = zone;
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
        return mode;
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
        return SinkFunctionProvider.of(new Recorder(
                context.createDataStructureConverter(physicalType),
                new ChangelogRecorder(physicalType.getChildren(), zone)));
    }

    @Override
    public DynamicTableSink copy() {
        return new HarnessTableSink(table, physicalType, mode, zone);
    }

    @Override
    public String asSummaryString() {
        return "careflow harness sink " + table;
    }

    private static final class Recorder extends RichSinkFunction<RowData> {
        private static final long serialVersionUID = 1L;
        private final DataStructureConverter converter;
        private final ChangelogRecorder recorder;

        Recorder(DataStructureConverter converter, ChangelogRecorder recorder) {
            this.converter = converter;
            this.recorder = recorder;
        }

        @Override
        public void open(Configuration parameters) {
            converter.open(RuntimeConverter.Context.create(getRuntimeContext().getUserCodeClassLoader()));
        }

        @Override
        public void invoke(RowData value, Context context) {
            recorder.record((Row) converter.toExternal(value));
        }
    }
}
