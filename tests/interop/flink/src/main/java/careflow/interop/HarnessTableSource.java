package careflow.interop;

import java.util.EnumSet;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.SourceFunctionProvider;
import org.apache.flink.table.connector.source.abilities.SupportsWatermarkPushDown;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.types.RowKind;

/**
 * The planner-side view of a harness source table. It accepts the table's WATERMARK strategy
 * (watermark push-down) so that the source emits watermarks itself, exactly once at the end of
 * each input block, instead of Flink's periodic timer firing at arbitrary points of a block.
 */
final class HarnessTableSource implements ScanTableSource, SupportsWatermarkPushDown {
    private final String table;
    private final DataType physicalType;
    private final ChangelogMode mode;
    private WatermarkStrategy<RowData> watermarks;

    HarnessTableSource(String table, DataType physicalType, ChangelogMode mode) {
        this.table = table;
        this.physicalType = physicalType;
        this.mode = mode;
    }

    @Override
    public ChangelogMode getChangelogMode() {
        return mode;
    }

    @Override
    public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
        HarnessSourceFunction function = new HarnessSourceFunction(
                table,
                context.createDataStructureConverter(physicalType),
                EnumSet.copyOf(mode.getContainedKinds()),
                watermarks);
        Feed.current().created(function.id());
        // Unbounded: the harness cancels the job after the last block, like a live topic never ends.
        return SourceFunctionProvider.of(function, false);
    }

    @Override
    public void applyWatermark(WatermarkStrategy<RowData> watermarkStrategy) {
        this.watermarks = watermarkStrategy;
    }

    @Override
    public DynamicTableSource copy() {
        HarnessTableSource copy = new HarnessTableSource(table, physicalType, mode);
        copy.watermarks = watermarks;
        return copy;
    }

    @Override
    public String asSummaryString() {
        return "careflow harness source " + table;
    }

    static String kinds(EnumSet<RowKind> kinds) {
        StringBuilder sb = new StringBuilder();
        kinds.forEach(k -> sb.append(sb.length() == 0 ? "" : " ").append(k.shortString()));
        return sb.toString();
    }
}
