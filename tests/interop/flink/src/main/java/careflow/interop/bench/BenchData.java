package careflow.interop.bench;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.table.data.RowData;

/**
 * What the job's sources and sink share with the driver in the same JVM: the rows of each table
 * (built before the job starts) and the measurements. The clock starts when the first source emits
 * its first row and stops when the sink has seen the end of its input, so JVM start, planning,
 * MiniCluster start and job deployment are not timed.
 */
final class BenchData {
    private BenchData() {}

    static volatile Map<String, RowData[]> tables = new HashMap<>();

    /**
     * Tables replayed in phases ('replay' = 'phases', {@link PhasedSource}): the driver releases one
     * phase at a time (to checkpoint between them) and the source reports each phase it has emitted.
     */
    static volatile Map<String, List<RowData[]>> phases = new HashMap<>();
    static final AtomicInteger releasedPhases = new AtomicInteger();
    static final AtomicInteger emittedPhases = new AtomicInteger();

    /** A row a 'sink' = 'rows' table received, as "kind,field,field..." text, and when (System.nanoTime). */
    record SinkRow(String text, long nanos) {}

    static final ConcurrentLinkedQueue<SinkRow> sinkRows = new ConcurrentLinkedQueue<>();

    static final AtomicLong firstEmitNanos = new AtomicLong(Long.MAX_VALUE);
    static final AtomicLong firstEmitCpuNanos = new AtomicLong();
    static volatile long sinkEndNanos;
    static volatile long sinkEndCpuNanos;
    static volatile long outputRows;

    static void reset() {
        firstEmitNanos.set(Long.MAX_VALUE);
        firstEmitCpuNanos.set(0);
        sinkEndNanos = 0;
        sinkEndCpuNanos = 0;
        outputRows = 0;
        releasedPhases.set(0);
        emittedPhases.set(0);
        sinkRows.clear();
    }

    static void markFirstEmit() {
        long now = System.nanoTime();
        long cpu = processCpuNanos();
        if (firstEmitNanos.compareAndSet(Long.MAX_VALUE, now)) {
            firstEmitCpuNanos.set(cpu);
        }
    }

    /** CPU time of the whole JVM (every task thread, GC and JIT). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
