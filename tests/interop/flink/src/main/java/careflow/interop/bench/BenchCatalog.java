package careflow.interop.bench;

import java.util.Optional;
import org.apache.flink.table.catalog.GenericInMemoryCatalog;
import org.apache.flink.table.factories.Factory;

/** An in-memory catalog whose tables are all served by {@link BenchTableFactory} (as HarnessCatalog does for tests). */
final class BenchCatalog extends GenericInMemoryCatalog {
    BenchCatalog(String name, String defaultDatabase) {
        super(name, defaultDatabase);
    }

    @Override
    public boolean supportsManagedTable() {
        return false;
    }

    @Override
    public Optional<Factory> getFactory() {
        return Optional.of(new BenchTableFactory());
    }
}
