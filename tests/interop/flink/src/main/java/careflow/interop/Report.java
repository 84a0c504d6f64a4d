package careflow.interop;

import java.io.PrintStream;
import java.util.List;

/** Prints one line per checked block (with details for failures) and the closing summary. */
final class Report {
    private final PrintStream out;
    private int passed;
    private int failed;

    Report(PrintStream out) {
        this.out = out;
    }

    void pass(String where, String what) {
        passed++;
        out.println("PASS " + where + " " + what);
    }

    void fail(String where, String what, List<String> details) {
        failed++;
        out.println("FAIL " + where + " " + what);
        for (String d : details) {
            out.println("    " + d);
        }
    }

    void note(String where, String text) {
        out.println("NOTE " + where + " " + text);
    }

    /** Free-form output (the --print mode), kept apart from the PASS/FAIL lines. */
    void raw(String text) {
        out.println(text);
    }

    int failed() {
        return failed;
    }

    void summary() {
        out.println((passed + failed) + " blocks, " + passed + " passed, " + failed + " failed");
    }
}
