package careflow.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.client.JobCancellationException;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.table.api.Table;
import org.apache.flink.types.Row;

/**
 * Runs one query block as a fresh streaming job and drives its input block by block:
 * release a block, wait until every source has emitted it, until a checkpoint whose barriers follow
 * the block has completed (so every operator and sink has processed all of it), and until the job
 * has been quiet (no source or sink activity) for {@code quietMillis}; then release the next. After the last block the job
 * is cancelled (a live topic never ends, so nothing like end-of-input watermarks should fire),
 * or, with {@code endInput}, the sources finish and Flink flushes what end-of-input flushes.
 */
final class QueryRunner {
    record Options(
            long quietMillis, long startTimeoutMillis, long blockTimeoutMillis, boolean endInput, long checkpointMillis) {
        boolean barrier() {
            return checkpointMillis > 0;
        }
    }

    /** What the job emitted, and why it stopped if it failed ({@code null} when it did not). */
    record Outcome(List<String> changelog, Throwable failure, boolean failedWhilePlanning, List<String> notes) {}

    private final Options options;
    private final Timings timings;

    QueryRunner(Options options, Timings timings) {
        this.options = options;
        this.timings = timings;
    }

    Options options() {
        return options;
    }

    Outcome run(FlinkSession session, String sql, List<Feed.Block> blocks, boolean bounded) throws InterruptedException {
        List<String> notes = new ArrayList<>();
        long t = System.nanoTime();
        // The job before (a query's, or a statement's stray INSERT) must be gone, its tasks ended and
        // its slot free, before this job's sources and sinks meet the new feed.
        if (!session.cluster.awaitIdle(options.blockTimeoutMillis())) {
            notes.add("the previous job did not leave the cluster within " + options.blockTimeoutMillis() + " ms");
        }
        t = timings.lap("await previous job gone", t);
        Feed feed = new Feed(blocks);
        Feed.install(feed);
        JobClient job;
        try {
            job = submit(session, sql);
        } catch (Throwable planningError) {
            timings.lap("plan (rejected)", t);
            return new Outcome(List.of(), planningError, true, notes);
        }
        t = System.nanoTime();
        CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
        try {
            awaitSourcesStarted(feed, result, notes);
            t = timings.lap("deploy until sources run", t);
            for (int b = 0; b < feed.blockCount() && !result.isDone(); b++) {
                feed.release(b);
                awaitBlockProcessed(feed, b, result, notes);
                t = timings.lap("input block through", t);
            }
            if (feed.blockCount() == 0) {
                awaitBlockProcessed(feed, -1, result, notes);
                t = timings.lap("no-input query through", t);
            }
            boolean cancelled = false;
            if (!result.isDone()) {
                if (options.endInput() || bounded) {
                    feed.finish();
                } else if (feed.createdCount() == 0) {
                    // No table fed by the harness (VALUES, constants): the job is bounded and ends by itself.
                } else {
                    job.cancel();
                    cancelled = true;
                }
            }
            Throwable failure = awaitEnd(result, cancelled);
            timings.lap(cancelled ? "cancel until job ended" : "end of input until job ended", t);
            return new Outcome(feed.output(), failure, false, notes);
        } finally {
            if (!result.isDone()) {
                job.cancel();
            }
            Feed.install(new Feed(List.of()));
        }
    }

    /** The SQL from its first token: an included script starts with "--" comment lines. */
    private static String withoutLeadingComments(String sql) {
        String s = sql.stripLeading();
        while (s.startsWith("--")) {
            int end = s.indexOf('\n');
            s = end < 0 ? "" : s.substring(end + 1).stripLeading();
        }
        return s;
    }

    /** Plans the query and submits its job; times planning and submission apart where they are apart. */
    private JobClient submit(FlinkSession session, String sql) throws Exception {
        long t = System.nanoTime();
        String head = withoutLeadingComments(sql).toUpperCase(Locale.ROOT);
        if (head.startsWith("INSERT") || head.startsWith("EXECUTE")) {
            // The harness sink of the target table records what the table receives.
            JobClient job = session.tEnv.executeSql(sql).getJobClient()
                    .orElseThrow(() -> new IllegalStateException("statement started no job"));
            timings.lap("plan and submit an INSERT", t);
            return job;
        }
        Table table = session.tEnv.sqlQuery(sql);
        ChangelogRecorder recorder = new ChangelogRecorder(
                table.getResolvedSchema().getColumnDataTypes(), session.sessionZone());
        // toChangelogStream(table) defaults to ChangelogMode.all(): updates arrive as -U/+U pairs.
        session.tEnv.toChangelogStream(table).addSink(new RowSink(recorder)).name("careflow recorder");
        t = timings.lap("plan a SELECT", t);
        JobClient job = session.env.executeAsync("careflow query");
        timings.lap("submit a SELECT's job", t);
        return job;
    }

    private void awaitSourcesStarted(Feed feed, CompletableFuture<?> result, List<String> notes)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.startTimeoutMillis());
        while (feed.createdCount() > 0 && !feed.allCreatedOpened() && !result.isDone()) {
            if (System.nanoTime() > deadline) {
                notes.add("only " + feed.openedCount() + " of " + feed.createdCount()
                        + " planned sources started; going on without the rest");
                return;
            }
            feed.awaitActivity(10);
        }
    }

    private void awaitBlockProcessed(Feed feed, int block, CompletableFuture<?> result, List<String> notes)
            throws InterruptedException {
        long quietNanos = TimeUnit.MILLISECONDS.toNanos(options.quietMillis());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.blockTimeoutMillis());
        long checkpoint = -1; // the checkpoint that proves the block went through, once all acked
        while (!result.isDone()) {
            if (checkpoint < 0 && feed.allOpenedAcked(block)) {
                checkpoint = feed.nextCheckpoint();
            }
            boolean through = checkpoint >= 0
                    && (!options.barrier() || feed.openedCount() == 0 || feed.hasCompleted(checkpoint));
            if (through && feed.nanosSinceActivity() >= quietNanos) {
                return;
            }
            if (System.nanoTime() > deadline) {
                notes.add("input block " + (block + 1) + " did not go quiet within "
                        + options.blockTimeoutMillis() + " ms");
                return;
            }
            feed.awaitActivity(10);
        }
    }

    /** Waits for the job to end; returns its failure, or null if it ended by our cancel or normally. */
    private Throwable awaitEnd(CompletableFuture<JobExecutionResult> result, boolean cancelled)
            throws InterruptedException {
        try {
            result.get(options.blockTimeoutMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            if (cancelled && isCancellation(e)) {
                return null;
            }
            return e.getCause() != null ? e.getCause() : e;
        } catch (TimeoutException e) {
            return new IllegalStateException("the job did not end within "
                    + options.blockTimeoutMillis() + " ms after its input ended");
        }
    }

    private static boolean isCancellation(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof JobCancellationException) {
                return true;
            }
        }
        return false;
    }

    /** Sink for plain SELECT queries: the changelog of the query result itself. */
    private static final class RowSink implements SinkFunction<Row> {
        private static final long serialVersionUID = 1L;
        private final ChangelogRecorder recorder;

        RowSink(ChangelogRecorder recorder) {
            this.recorder = recorder;
        }

        @Override
        public void invoke(Row value, Context context) {
            recorder.record(value);
        }
    }
}
