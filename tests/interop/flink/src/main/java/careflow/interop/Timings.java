package careflow.interop;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall time spent in each phase of a run, summed over all files and queries (`--timings`): where
 * the harness's time goes, so that speeding it up starts from a measurement.
 */
final class Timings {
    private final Map<String, long[]> phases = new LinkedHashMap<>(); // name -> {nanos, count}

    /** Adds the time since {@code startNanos} to {@code phase}; returns now, the next phase's start. */
    long lap(String phase, long startNanos) {
        long now = System.nanoTime();
        long[] p = phases.computeIfAbsent(phase, k -> new long[2]);
        p[0] += now - startNanos;
        p[1]++;
        return now;
    }

    void print(Report report) {
        report.raw("# timings: phase, total seconds, times, milliseconds each");
        phases.forEach((name, p) -> report.raw(String.format("#   %-28s %8.2f s %6d x %8.1f ms",
                name, p[0] / 1e9, p[1], p[0] / 1e6 / Math.max(1, p[1]))));
    }
}
