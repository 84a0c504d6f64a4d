package careflow.interop.bench;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.table.data.RowData;

/** Keeps every row it receives as text ("+U,7,2,40") with its arrival time, for a driver to wait on. */
final class RowsSink implements SinkFunction<RowData> {
    private static final long serialVersionUID = 1L;
    private final List<RowData.FieldGetter> fields;

    RowsSink(List<RowData.FieldGetter> fields) {
        this.fields = fields;
    }

    @Override
    public void invoke(RowData value, Context context) {
        long now = System.nanoTime();
        String text = value.getRowKind().shortString() + ","
                + fields.stream().map(f -> String.valueOf(f.getFieldOrNull(value))).collect(Collectors.joining(","));
        BenchData.sinkRows.add(new BenchData.SinkRow(text, now));
    }
}
