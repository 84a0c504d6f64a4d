package careflow.interop.bench;

import java.util.ArrayList;
import java.util.List;
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
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;

/**
 * Benchmark tables: as a source a table replays its pre-built rows from {@link BenchData} (bounded,
 * already in Flink's internal RowData, so no conversion is timed); as a sink it counts rows.
 * 'changelog.mode' = 'retract' makes a source emit +I/-U/+U/-D, anything else is insert-only; the
 * sink accepts whatever changelog the query produces (no key, so no upsert materializer).
 * 'replay' = 'phases' makes a source emit its rows phase by phase ({@link PhasedSource}, for the
 * checkpoint benchmark) and 'sink' = 'rows' makes a sink keep the rows it receives ({@link RowsSink}).
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
        String replay = context.getCatalogTable().getOptions().getOrDefault("replay", "once");
        if (!replay.equals("once") && !replay.equals("phases")) {
            throw new ValidationException("benchmark tables replay 'once' or 'phases', not " + replay);
        }
        return new Source(context.getObjectIdentifier().getObjectName(), changelog, replay.equals("phases"));
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        String kind = context.getCatalogTable().getOptions().getOrDefault("sink", "count");
        return switch (kind) {
            case "count" -> new Sink(List.of());
            case "rows" -> {
                List<LogicalType> types = context.getCatalogTable().getResolvedSchema().toPhysicalRowDataType().getChildren()
                        .stream().map(DataType::getLogicalType).toList();
                List<RowData.FieldGetter> getters = new ArrayList<>();
                for (int i = 0; i < types.size(); i++) {
                    getters.add(RowData.createFieldGetter(types.get(i), i));
                }
                yield new Sink(getters);
            }
            default -> throw new ValidationException("benchmark sinks are 'count' or 'rows', not " + kind);
        };
    }

    private record Source(String table, ChangelogMode mode, boolean phased) implements ScanTableSource {
        @Override
        public ChangelogMode getChangelogMode() {
            return mode;
        }

        @Override
        public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
            return phased ? SourceFunctionProvider.of(new PhasedSource(table), false)
                    : SourceFunctionProvider.of(new BenchSource(table), true);
        }

        @Override
        public DynamicTableSource copy() {
            return new Source(table, mode, phased);
        }

        @Override
        public String asSummaryString() {
            return "careflow bench source " + table;
        }
    }

    /** A counting sink without field getters, else one that keeps its rows as text. */
    private record Sink(List<RowData.FieldGetter> fields) implements DynamicTableSink {
        @Override
        public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
            return requestedMode;
        }

        @Override
        public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
            return SinkFunctionProvider.of(fields.isEmpty() ? new CountingSink() : new RowsSink(fields));
        }

        @Override
        public DynamicTableSink copy() {
            return new Sink(fields);
        }

        @Override
        public String asSummaryString() {
            return fields.isEmpty() ? "careflow bench counting sink" : "careflow bench rows sink";
        }
    }
}
