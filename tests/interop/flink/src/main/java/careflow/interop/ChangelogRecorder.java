package careflow.interop;

import java.io.Serializable;
import java.time.ZoneId;
import java.util.List;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.types.Row;

/** Renders each received row as a changelog line ({@code +I[...]}) and hands it to the feed. */
final class ChangelogRecorder implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<LogicalType> types;
    private final ValueCodec codec;

    ChangelogRecorder(List<DataType> columnTypes, ZoneId zone) {
        this.types = columnTypes.stream().map(DataType::getLogicalType).toList();
        this.codec = new ValueCodec(zone);
    }

    void record(Row row) {
        Feed.current().output(row.getKind().shortString() + codec.renderRow(row, types));
    }
}
