package careflow.interop;

import java.util.Optional;
import org.apache.flink.table.catalog.GenericInMemoryCatalog;
import org.apache.flink.table.factories.Factory;

/**
 * An in-memory catalog whose tables are all served by {@link HarnessTableFactory}.
 *
 * <p>Flink asks a table's catalog for a factory before it looks at the 'connector' option, so the
 * test files' CREATE TABLE statements run unchanged ('connector' = 'kafka', no connector at all,
 * 'changelog.mode', ALTER TABLE ...), and every table reads from and writes to the harness.
 */
final class HarnessCatalog extends GenericInMemoryCatalog {
    HarnessCatalog(String name, String defaultDatabase) {
        super(name, defaultDatabase);
    }

    // Tables without a 'connector' option would otherwise be taken for Flink "managed tables",
    // whose factory is not on the classpath; here they are plain harness tables.
    @Override
    public boolean supportsManagedTable() {
        return false;
    }

    @Override
    public Optional<Factory> getFactory() {
        return Optional.of(new HarnessTableFactory());
    }
}
