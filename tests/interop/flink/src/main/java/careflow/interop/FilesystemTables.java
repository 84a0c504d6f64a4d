package careflow.interop;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * A test file's {@code 'connector' = 'filesystem'} table, read by Flink's own filesystem connector
 * and format (flink-connector-files, flink-json, flink-csv) rather than fed by the harness: the
 * file's rows are what the format decodes. A relative {@code 'path'} is relative to the test
 * file's folder (careflow's runner, src/sqltest, resolves it the same way). Such a source is
 * bounded: a query over it alone ends by itself.
 */
final class FilesystemTables {
    private static volatile Path testDirectory = Path.of(".");

    private FilesystemTables() {}

    static void setTestDirectory(Path directory) {
        testDirectory = directory;
    }

    static DynamicTableSource source(DynamicTableFactory.Context context) {
        Map<String, String> options = new HashMap<>(context.getCatalogTable().getOptions());
        String path = options.get("path");
        if (path != null && !path.startsWith("/") && !path.contains(":")) {
            options.put("path", testDirectory.resolve(path).toAbsolutePath().normalize().toString());
        }
        ResolvedCatalogTable table = context.getCatalogTable().copy(options);
        return FactoryUtil.createDynamicTableSource(null, context.getObjectIdentifier(), table, Map.of(),
                context.getConfiguration(), context.getClassLoader(), context.isTemporary());
    }
}
