package careflow.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Entry point: runs careflow's SQL test files (docs/sql-tests.md) on an in-process Flink
 * MiniCluster and reports PASS or a diff per block. Exit status 0 only if every block passed.
 */
public final class FlinkTestRunner {
    private static final String USAGE = String.join("\n",
            "usage: FlinkTestRunner [options] <file.test | directory>...",
            "  --quiet-ms N          extra idle time after a block is through (default 100)",
            "  --start-timeout-ms N  wait for the job's sources to start (default 30000)",
            "  --block-timeout-ms N  give up on one block after this (default 60000)",
            "  --checkpoint-ms N     checkpoint interval; a block counts as processed only after a",
            "                        checkpoint taken after it completes (default 50; 0: quiet time only)",
            "  --end-input           finish the sources after the last block instead of cancelling",
            "                        the job (Flink then flushes end-of-input work, e.g. windows)",
            "  --print               also print Flink's output of every query in file syntax",
            "  --verbose             also print Flink's messages for expected errors",
            "  --explain             also print each query's optimized plan with changelog modes",
            "  --timings             also print where the run's time went, by phase");

    private FlinkTestRunner() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--bench")) { // the engine benchmark (scripts/bench engine)
            careflow.interop.bench.EngineBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("--checkpoint-bench")) { // the checkpoint benchmark (scripts/bench checkpoint)
            careflow.interop.bench.CheckpointBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        long quiet = 100;
        long startTimeout = 30_000;
        long blockTimeout = 60_000;
        long checkpoint = 50;
        boolean endInput = false;
        boolean print = false;
        boolean verbose = false;
        boolean explain = false;
        boolean timings = false;
        List<Path> roots = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quiet-ms" -> quiet = Long.parseLong(args[++i]);
                case "--start-timeout-ms" -> startTimeout = Long.parseLong(args[++i]);
                case "--block-timeout-ms" -> blockTimeout = Long.parseLong(args[++i]);
                case "--checkpoint-ms" -> checkpoint = Long.parseLong(args[++i]);
                case "--end-input" -> endInput = true;
                case "--print" -> print = true;
                case "--verbose" -> verbose = true;
                case "--explain" -> explain = true;
                case "--timings" -> timings = true;
                case "-h", "--help" -> {
                    System.out.println(USAGE);
                    System.exit(0);
                }
                default -> {
                    if (args[i].startsWith("--")) {
                        System.err.println("unknown option " + args[i] + "\n" + USAGE);
                        System.exit(2);
                    }
                    roots.add(Path.of(args[i]));
                }
            }
        }
        List<Path> files = testFiles(roots);
        Report report = new Report(System.out);
        Timings phases = new Timings();
        long t = System.nanoTime();
        // One cluster for the whole run: starting one per job cost about a second of CPU each.
        SharedMiniCluster cluster = new SharedMiniCluster(FlinkSession.jobConfiguration(checkpoint));
        phases.lap("start the MiniCluster", t);
        QueryRunner queries = new QueryRunner(
                new QueryRunner.Options(quiet, startTimeout, blockTimeout, endInput, checkpoint), phases);
        FileRunner runner = new FileRunner(queries, report, print, verbose, explain, cluster, phases);
        for (Path file : files) {
            runner.run(file);
        }
        if (timings) {
            phases.print(report);
        }
        report.summary();
        System.out.flush();
        // MiniCluster leaves non-daemon threads behind; the exit status is the result.
        System.exit(report.failed() == 0 ? 0 : 1);
    }

    /**
     * The given files plus every *.test below the given directories, each in name order. A
     * *.careflow.test file found in a directory is left out: it tests what Apache Flink does not
     * have (Confluent's ML functions in pipelines/), so careflow alone checks it; named on the
     * command line it runs.
     */
    private static List<Path> testFiles(List<Path> roots) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path root : roots) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(p -> p.toString().endsWith(".test") && !p.toString().endsWith(".careflow.test"))
                            .sorted()
                            .forEach(files::add);
                }
            } else if (Files.isRegularFile(root)) {
                files.add(root);
            } else {
                System.err.println("no such file or directory: " + root);
                System.exit(2);
            }
        }
        return files;
    }
}
