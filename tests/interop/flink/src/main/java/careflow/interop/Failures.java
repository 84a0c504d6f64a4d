package careflow.interop;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Short, readable summaries of Flink exceptions, whose useful message may sit at any depth. */
final class Failures {
    private Failures() {}

    /** The first line of the outermost message, then the root cause's, without repeats. */
    static List<String> summary(Throwable t) {
        Set<String> lines = new LinkedHashSet<>();
        lines.add(describe(t));
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        lines.add(describe(root));
        return new ArrayList<>(lines);
    }

    private static String describe(Throwable t) {
        String message = t.getMessage() == null ? "" : t.getMessage().strip();
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline);
        }
        return t.getClass().getSimpleName() + ": " + message;
    }
}
