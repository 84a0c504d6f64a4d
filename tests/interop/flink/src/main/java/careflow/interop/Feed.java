package careflow.interop;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.flink.types.Row;

/**
 * The meeting point of the harness thread and the Flink tasks of one query run, all in this JVM.
 *
 * <p>The harness releases input blocks one at a time; every source instance emits the rows of a
 * released block that belong to its table and acknowledges the block; the sinks append rendered
 * output lines. Sources and sinks find the current run through the static {@link #current()}
 * because Flink serializes them into the job and we cannot hand them a live object; runs are
 * strictly sequential, so one static slot is enough.
 */
final class Feed {
    /** The rows of one {@code input} block, bound to the table's serializable identifier. */
    record Block(String table, List<Row> rows) {}

    private static volatile Feed current = new Feed(List.of());

    static Feed current() {
        return current;
    }

    static void install(Feed feed) {
        current = feed;
    }

    private final List<Block> blocks;
    private int released = -1;
    private boolean finished;
    private final Set<String> created = new HashSet<>();
    private final Set<String> opened = new HashSet<>();
    private final Map<String, Integer> acked = new HashMap<>();
    private long maxSnapshotted = 0; // checkpoint ids start at 1
    private long maxCompleted = 0;
    private final List<String> output = new ArrayList<>();
    private long lastActivityNanos = System.nanoTime();

    Feed(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    int blockCount() {
        return blocks.size();
    }

    Block block(int index) {
        return blocks.get(index);
    }

    // ------------------------------------------------ called by sources and sinks (Flink threads)

    /** A source function was built by the planner; the harness waits for it to start. */
    synchronized void created(String sourceId) {
        created.add(sourceId);
        notifyAll();
    }

    synchronized void opened(String sourceId) {
        opened.add(sourceId);
        touch();
    }

    synchronized void acked(String sourceId, int block) {
        acked.put(sourceId, block);
        touch();
    }

    synchronized void output(String line) {
        output.add(line);
        touch();
    }

    /** A source took part in checkpoint {@code id}: its barrier follows everything it emitted so far. */
    synchronized void snapshotted(long id) {
        maxSnapshotted = Math.max(maxSnapshotted, id);
    }

    /** Checkpoint {@code id} completed: every operator, sinks included, processed all before it. */
    synchronized void checkpointCompleted(long id) {
        maxCompleted = Math.max(maxCompleted, id);
        notifyAll();
    }

    /** Blocks until the block is released; false if the source was cancelled meanwhile. */
    synchronized boolean awaitRelease(int block, BooleanSupplier running) throws InterruptedException {
        while (released < block) {
            if (!running.getAsBoolean()) {
                return false;
            }
            wait(50);
        }
        return true;
    }

    /** Blocks until the harness ends the input (only in --end-input mode) or the job is cancelled. */
    synchronized void awaitFinish(BooleanSupplier running) throws InterruptedException {
        while (!finished && running.getAsBoolean()) {
            wait(50);
        }
    }

    private void touch() {
        lastActivityNanos = System.nanoTime();
        notifyAll();
    }

    // ------------------------------------------------ called by the harness

    synchronized void release(int block) {
        released = block;
        notifyAll();
    }

    synchronized void finish() {
        finished = true;
        notifyAll();
    }

    synchronized boolean allCreatedOpened() {
        return !created.isEmpty() && opened.containsAll(created);
    }

    synchronized int createdCount() {
        return created.size();
    }

    synchronized int openedCount() {
        return opened.size();
    }

    synchronized boolean allOpenedAcked(int block) {
        for (String id : opened) {
            if (acked.getOrDefault(id, -1) < block) {
                return false;
            }
        }
        return true;
    }

    /**
     * The first checkpoint that no source has snapshotted yet: called after all sources acknowledged
     * a block, its barriers are behind the whole block in every source.
     */
    synchronized long nextCheckpoint() {
        return maxSnapshotted + 1;
    }

    synchronized boolean hasCompleted(long atLeast) {
        return maxCompleted >= atLeast;
    }

    synchronized long nanosSinceActivity() {
        return System.nanoTime() - lastActivityNanos;
    }

    synchronized List<String> output() {
        return List.copyOf(output);
    }

    /** Sleeps until something happens (or the timeout passes), so polling loops do not spin. */
    synchronized void awaitActivity(long millis) throws InterruptedException {
        wait(Math.max(1, millis));
    }
}
