package careflow.interop;

import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.internal.TableEnvironmentInternal;
import org.apache.flink.table.catalog.CatalogManager;
import org.apache.flink.table.catalog.ContextResolvedTable;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.catalog.UnresolvedIdentifier;
import org.apache.flink.table.types.DataType;

/**
 * One Flink table environment per test file: streaming mode, parallelism 1, session time zone
 * UTC, and the harness catalog as the current catalog ('default_catalog'.'default_database', the
 * names Flink users expect). Each query block still runs as its own job, on the run's one
 * {@link SharedMiniCluster}.
 */
final class FlinkSession {
    private static final Pattern SET = Pattern.compile(
            "(?is)^SET\\s+'([^']+)'\\s*=\\s*'((?:[^']|'')*)'$");

    final SharedMiniCluster cluster;
    final StreamExecutionEnvironment env;
    final StreamTableEnvironment tEnv;

    /**
     * The configuration of every session's jobs (and of the cluster they run on).
     *
     * @param checkpointMillis checkpoint interval; checkpoints tell the harness a block is through (0: off).
     */
    static Configuration jobConfiguration(long checkpointMillis) {
        Configuration conf = new Configuration();
        if (checkpointMillis > 0) {
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(checkpointMillis));
            conf.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, Duration.ZERO);
        }
        // A failed job must fail the block, not restart and replay the input.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        // Flush every record at once: the quiescence wait must not race with network buffers.
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ZERO);
        return conf;
    }

    /** A fresh session (tables, views, SETs) whose jobs run on {@code cluster}. */
    FlinkSession(SharedMiniCluster cluster, Configuration conf) {
        this.cluster = cluster;
        env = cluster.environment(conf);
        EnvironmentSettings settings = EnvironmentSettings.newInstance()
                .inStreamingMode()
                .withBuiltInCatalogName("flink_builtin_catalog")
                .build();
        tEnv = StreamTableEnvironment.create(env, settings);
        tEnv.registerCatalog("default_catalog", new HarnessCatalog("default_catalog", "default_database"));
        tEnv.useCatalog("default_catalog");
        tEnv.useDatabase("default_database");
        tEnv.getConfig().set("table.local-time-zone", "UTC");
        tEnv.getConfig().set("table.exec.resource.default-parallelism", "1");
    }

    /**
     * Runs one statement. SET is applied to the table config here because executeSql's support for
     * it has varied between Flink versions; everything else goes to Flink as written.
     */
    void execute(String sql) {
        Matcher m = SET.matcher(sql.strip());
        if (m.matches()) {
            tEnv.getConfig().set(m.group(1), m.group(2).replace("''", "'"));
            return;
        }
        // A statement that starts a job (a stray INSERT) would never end on our endless sources:
        // it has been planned, which is all a statement can check, so stop it again.
        tEnv.executeSql(sql).getJobClient().ifPresent(job -> job.cancel());
        adoptTemporaryTables();
    }

    /**
     * CREATE TEMPORARY TABLE bypasses the catalog and so its factory: point each new temporary
     * table at the harness connector instead (keeping its schema and other options).
     */
    private void adoptTemporaryTables() {
        CatalogManager catalogs = ((TableEnvironmentInternal) tEnv).getCatalogManager();
        for (String name : tEnv.listTemporaryTables()) {
            ObjectIdentifier id = resolveTable(name);
            catalogs.getTable(id)
                    .filter(t -> t.isTemporary() && t.getResolvedTable() instanceof ResolvedCatalogTable)
                    .map(t -> ((ResolvedCatalogTable) t.getResolvedTable()).getOrigin())
                    .filter(t -> !HarnessTableFactory.IDENTIFIER.equals(t.getOptions().get("connector")))
                    .ifPresent(t -> {
                        Map<String, String> options = new HashMap<>(t.getOptions());
                        options.put("connector", HarnessTableFactory.IDENTIFIER);
                        catalogs.dropTemporaryTable(id, false);
                        catalogs.createTemporaryTable(t.copy(options), id, false);
                    });
        }
    }

    ZoneId sessionZone() {
        return tEnv.getConfig().getLocalTimeZone();
    }

    /**
     * Resolves an input block's table name to its identifier. The name is one identifier, dots
     * included (`healthcare.public.prescriptions` is a table of that name, as careflow reads it),
     * unless it is written with back quotes.
     */
    ObjectIdentifier resolveTable(String name) {
        TableEnvironmentInternal internal = (TableEnvironmentInternal) tEnv;
        String identifier = name.contains("`") ? name : "`" + name + "`";
        UnresolvedIdentifier unresolved = internal.getParser().parseIdentifier(identifier);
        return internal.getCatalogManager().qualifyIdentifier(unresolved);
    }

    /** The physical columns of a table: the fields an input row must give, in order. */
    List<DataType> physicalColumnTypes(ObjectIdentifier id) {
        ContextResolvedTable table = ((TableEnvironmentInternal) tEnv).getCatalogManager()
                .getTable(id)
                .orElseThrow(() -> new ValidationException("input for unknown table " + id.asSummaryString()));
        return table.getResolvedSchema().toPhysicalRowDataType().getChildren();
    }
}
