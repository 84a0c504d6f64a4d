package careflow.interop;

import java.time.ZoneId;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.config.TableConfigOptions;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;

/**
 * Makes every catalog table a harness table: as a source it replays the file's input rows, as a
 * sink it records what it receives. Except a {@code 'connector' = 'filesystem'} source, which Flink's
 * own filesystem connector reads ({@link FilesystemTables}), so the files' formats are Flink's. The table's other options (connector, topic, format) are
 * ignored on purpose and never validated. Catalog tables get it from {@link HarnessCatalog};
 * temporary tables, which Flink does not look up through a catalog, name it as their connector
 * ({@link FlinkSession} rewrites them), found through META-INF/services.
 */
public final class HarnessTableFactory implements DynamicTableSourceFactory, DynamicTableSinkFactory {
    static final String IDENTIFIER = "careflow-harness";

    public HarnessTableFactory() {}

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
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
        if ("filesystem".equals(context.getCatalogTable().getOptions().get("connector"))) {
            return FilesystemTables.source(context);
        }
        return new HarnessTableSource(
                context.getObjectIdentifier().asSerializableString(),
                context.getPhysicalRowDataType(),
                changelogMode(context));
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        return new HarnessTableSink(
                context.getObjectIdentifier().asSummaryString(),
                context.getPhysicalRowDataType(),
                sinkChangelogMode(context),
                sessionZone(context));
    }

    /**
     * What a table takes as a sink: its changelog mode, except that Iceberg's Flink sink
     * (FlinkDynamicTableSink.getChangelogMode) accepts every kind it is asked for, so the planner
     * sends it -U as well as +U (it applies them by its key, or by equal rows without one), while
     * its source only appends.
     */
    static ChangelogMode sinkChangelogMode(DynamicTableFactory.Context context) {
        java.util.Map<String, String> options = context.getCatalogTable().getOptions();
        if ("iceberg".equals(options.get("connector")) && !options.containsKey("changelog.mode")) {
            return ChangelogMode.all();
        }
        return changelogMode(context);
    }

    /**
     * careflow's rule (sql/catalog.cc TableDef::changelog_mode), Confluent Cloud's plus the
     * connectors': the 'changelog.mode' option if given; else a Debezium format gives all kinds,
     * 'upsert-kafka' upserts, 'kafka' appends; else upsert when the table has a primary key, else
     * append (insert-only).
     */
    static ChangelogMode changelogMode(DynamicTableFactory.Context context) {
        java.util.Map<String, String> options = context.getCatalogTable().getOptions();
        String mode = options.get("changelog.mode");
        boolean hasKey = context.getCatalogTable().getResolvedSchema().getPrimaryKey().isPresent();
        if (mode == null) {
            String format = options.getOrDefault("value.format", options.get("format"));
            String connector = options.get("connector");
            if (format != null && (format.startsWith("debezium-") || format.equals("canal-json")
                    || format.equals("maxwell-json") || format.equals("ogg-json"))) {
                return ChangelogMode.all();
            }
            if ("upsert-kafka".equals(connector)) {
                return ChangelogMode.upsert();
            }
            if (connector != null && !connector.equals(IDENTIFIER)) {
                return ChangelogMode.insertOnly();
            }
            return hasKey ? ChangelogMode.upsert() : ChangelogMode.insertOnly();
        }
        switch (mode.trim().toLowerCase()) {
            case "append":
                return ChangelogMode.insertOnly();
            case "retract":
                return ChangelogMode.all();
            case "upsert":
                if (!hasKey) {
                    throw new ValidationException("'changelog.mode' = 'upsert' needs a PRIMARY KEY on "
                            + context.getObjectIdentifier().asSummaryString());
                }
                return ChangelogMode.upsert();
            default:
                throw new ValidationException("unknown 'changelog.mode': " + mode);
        }
    }

    static ZoneId sessionZone(DynamicTableFactory.Context context) {
        String zone = context.getConfiguration().get(TableConfigOptions.LOCAL_TIME_ZONE);
        return TableConfigOptions.LOCAL_TIME_ZONE.defaultValue().equals(zone) ? ZoneId.systemDefault() : ZoneId.of(zone);
    }
}
