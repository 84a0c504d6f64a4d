package careflow.interop;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.ExplainDetail;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.types.Row;

/**
 * Runs one test file top to bottom in its own Flink session: statements change the session,
 * input blocks extend the file's input history, and each query runs over the history so far.
 */
final class FileRunner {
    private final QueryRunner queries;
    private final Report report;
    private final boolean print;
    private final boolean verbose;
    private final boolean explain;
    private final SharedMiniCluster cluster;
    private final Configuration jobConfiguration;
    private final Timings timings;

    FileRunner(QueryRunner queries, Report report, boolean print, boolean verbose, boolean explain,
            SharedMiniCluster cluster, Timings timings) {
        this.cluster = cluster;
        this.jobConfiguration = FlinkSession.jobConfiguration(queries.options().checkpointMillis());
        this.timings = timings;
        this.explain = explain;
        this.queries = queries;
        this.report = report;
        this.print = print;
        this.verbose = verbose;
    }

    void run(Path path) throws InterruptedException {
        TestFile file;
        try {
            file = TestFileParser.parse(path);
        } catch (Exception e) {
            report.fail(path.toString(), "cannot read file", List.of(String.valueOf(e.getMessage())));
            return;
        }
        FilesystemTables.setTestDirectory(path.toAbsolutePath().getParent());
        long t = System.nanoTime();
        FlinkSession session = new FlinkSession(cluster, jobConfiguration);
        timings.lap("new table environment", t);
        List<Feed.Block> history = new ArrayList<>();
        for (TestFile.Block block : file.blocks()) {
            String where = path + ":" + block.line();
            if (block instanceof TestFile.Malformed m) {
                report.fail(where, "malformed block", List.of(m.problem()));
            } else if (block instanceof TestFile.Statement s) {
                t = System.nanoTime();
                runStatement(session, s, where);
                timings.lap("statement", t);
            } else if (block instanceof TestFile.Input in) {
                addInput(session, in, history, where);
            } else if (block instanceof TestFile.Query q) {
                runQuery(session, q, history, where);
            }
        }
    }

    private void runStatement(FlinkSession session, TestFile.Statement s, String where) {
        String what = s.expectError() ? "statement error" : "statement ok";
        try {
            session.execute(s.sql());
        } catch (Throwable e) {
            if (s.expectError()) {
                report.pass(where, what);
                if (verbose) {
                    report.note(where, "Flink's message: " + String.join(" / ", Failures.summary(e)));
                }
            } else {
                report.fail(where, what, Failures.summary(e));
            }
            return;
        }
        if (s.expectError()) {
            report.fail(where, what, List.of("Flink accepted the statement"));
        } else {
            report.pass(where, what);
        }
    }

    private void addInput(FlinkSession session, TestFile.Input in, List<Feed.Block> history, String where) {
        try {
            ObjectIdentifier id = session.resolveTable(in.table());
            List<Row> rows = InputRows.parse(
                    in.rows(), session.physicalColumnTypes(id), new ValueCodec(session.sessionZone()));
            history.add(new Feed.Block(id.asSerializableString(), rows));
        } catch (Throwable e) {
            // Not a check of its own, but a file whose input cannot be read must not pass.
            report.fail(where, "input " + in.table(), Failures.summary(e));
        }
    }

    private void runQuery(FlinkSession session, TestFile.Query q, List<Feed.Block> history, String where)
            throws InterruptedException {
        if (explain) {
            explain(session, q.sql(), where);
        }
        QueryRunner.Outcome outcome = queries.run(session, q.sql(), history, q.bounded());
        for (String note : outcome.notes()) {
            report.note(where, note);
        }
        Changelog.Materialized materialized = Changelog.materialize(outcome.changelog());
        if (print) {
            printActual(where, outcome, materialized);
        }
        List<String> problems = new ArrayList<>();
        if (q.error() != null) {
            if (outcome.failure() == null) {
                problems.add("expected the job to fail, but it ran and emitted:");
                outcome.changelog().forEach(line -> problems.add("  " + line));
            } else if (verbose) {
                report.note(where, "Flink's failure: " + String.join(" / ", Failures.summary(outcome.failure())));
            }
        } else if (outcome.failure() != null) {
            problems.add(outcome.failedWhilePlanning() ? "Flink rejected the query:" : "the Flink job failed:");
            Failures.summary(outcome.failure()).forEach(line -> problems.add("  " + line));
            if (!outcome.changelog().isEmpty()) {
                problems.add("output before the failure:");
                outcome.changelog().forEach(line -> problems.add("  " + line));
            }
        } else {
            if (q.changelog() != null && !q.changelog().equals(outcome.changelog())) {
                problems.add("changelog differs (- expected, + Flink):");
                Changelog.diff(q.changelog(), outcome.changelog()).forEach(line -> problems.add("  " + line));
            }
            if (q.finalRows() != null && !q.finalRows().equals(materialized.rows())) {
                problems.add("final differs (- expected, + Flink):");
                Changelog.diff(q.finalRows(), materialized.rows()).forEach(line -> problems.add("  " + line));
            }
            if (q.finalRows() != null && !materialized.problems().isEmpty()) {
                problems.add("Flink's changelog does not materialize cleanly:");
                materialized.problems().forEach(line -> problems.add("  " + line));
            }
        }
        String what = "query" + (history.isEmpty() ? "" : " (" + history.size() + " input blocks)");
        if (problems.isEmpty()) {
            report.pass(where, what);
        } else {
            report.fail(where, what, problems);
        }
    }

    /** Prints the optimized plan with each operator's changelog mode: why Flink emits what it emits. */
    private void explain(FlinkSession session, String sql, String where) {
        try {
            report.raw("# Flink plan for the query at " + where);
            report.raw(session.tEnv.explainSql(sql, ExplainDetail.CHANGELOG_MODE));
        } catch (Throwable e) {
            report.raw("# no plan: " + String.join(" / ", Failures.summary(e)));
        }
    }

    /** Shows Flink's output in the file's own syntax, for writing or updating expected sections. */
    private void printActual(String where, QueryRunner.Outcome outcome, Changelog.Materialized materialized) {
        report.raw("# Flink output for the query at " + where);
        if (outcome.failure() != null) {
            report.raw("---- error");
            Failures.summary(outcome.failure()).forEach(report::raw);
            return;
        }
        report.raw("---- changelog");
        outcome.changelog().forEach(report::raw);
        report.raw("---- final");
        materialized.rows().forEach(report::raw);
        materialized.problems().forEach(p -> report.raw("# problem: " + p));
    }
}
