package careflow.interop.bench;

import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkFunctionProvider;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.SourceFunctionProvider;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;

/**
 * Benchmark tables: as a source a table replays its pre-built rows from {@link BenchData} (bounded,
 * already in Flink's internal RowData, so no conversion is timed); as a sink it counts rows.
 * 'changelog.mode' = 'retract' makes a source emit +I/-U/+U/-D, anything else is insert-only; the
 * sink accepts whatever changelog the query produces (no key, so no upsert materializer).
 */
public final class BenchTableFactory implements DynamicTableSourceFactory, DynamicTableSinkFactory {
    public BenchTableFactory() {}

    @Override
    public String factoryIdentifier() {
        return "careflow-bench";
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of();
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        String mode = context.getCatalogTable().getOptions().getOrDefault("changelog.mode", "append");
        ChangelogMode changelog;
        switch (mode.trim().toLowerCase()) {
            case "append" -> changelog = ChangelogMode.insertOnly();
            case "retract" -> changelog = ChangelogMode.all();
            default -> throw new ValidationException("benchmark tables are 'append' or 'retract', not " + mode);
        }
        return new Source(context.getObjectIdentifier().getObjectName(), changelog);
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        return new Sink();
    }

    private record Source(String table, ChangelogMode mode) implements ScanTableSource {
        @Override
        public ChangelogMode getChangelogMode() {
            return mode;
        }

        @Override
        public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
            return SourceFunctionProvider.of(new BenchSource(table), true);
        }

        @Override
        public DynamicTableSource copy() {
            return new Source(table, mode);
        }

        @Override
        public String asSummaryString() {
            return "careflow bench source " + table;
        }
    }

    private record Sink() implements DynamicTableSink {
        @Override
        public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
            return requestedMode;
        }

        @Override
        public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
            return SinkFunctionProvider.of(new CountingSink());
        }

        @Override
        public DynamicTableSink copy() {
            return new Sink();
        }

        @Override
        public String asSummaryString() {
            return "careflow bench counting sink";
        }
    }
}
