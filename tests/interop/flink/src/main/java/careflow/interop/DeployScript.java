package careflow.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The statements of a `careflow pipeline deploy --target flink --dry-run` script, in its order:
 * split at ';' outside strings, quoted names and comments. A comment line "-- file: F" between
 * statements names the file of those that follow; "-- skipped: why" is a statement deploy leaves
 * out (an ML one without --include-ml). Read by PipelinePlanCheck and PipelineThroughput, so both
 * take the options deploy adds from the one place that defines them (src/jobs/deploy_target.h).
 */
final class DeployScript {
    /** pipelines/<layer>/<table>/sql-scripts/<file>: the label is layer/table. */
    private static final Pattern TABLE_FILE = Pattern.compile("([^/]+)/([^/]+)/sql-scripts/[^/]+$");
    private static final Pattern FIRST_WORD = Pattern.compile("^\\s*(\\w+)");
    private static final Pattern SET = Pattern.compile("(?is)SET\\s+'((?:[^']|'')*)'\\s*=\\s*'((?:[^']|'')*)'");

    /** One statement of the script, with the file comment it came under. */
    record Statement(String file, String sql) {
        String label() {
            Matcher m = TABLE_FILE.matcher(file);
            return m.find() ? m.group(1) + "/" + m.group(2) : file;
        }

        /** The statement's first word in upper case (SET, CREATE, INSERT, EXECUTE), "" if none. */
        String keyword() {
            Matcher m = FIRST_WORD.matcher(sql);
            return m.find() ? m.group(1).toUpperCase() : "";
        }

        /** A SET statement's key and value, unquoted; IllegalArgumentException if not SET 'key' = 'value'. */
        Map.Entry<String, String> setting() {
            Matcher m = SET.matcher(sql);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a SET 'key' = 'value': " + sql);
            }
            return Map.entry(m.group(1).replace("''", "'"), m.group(2).replace("''", "'"));
        }
    }

    /** A statement deploy left out: its table's label and the comment's reason. */
    record Skipped(String label, String reason) {}

    final List<Statement> statements = new ArrayList<>();
    final List<Skipped> skipped = new ArrayList<>();

    DeployScript(String script) {
        String file = "(before any -- file: line)";
        StringBuilder current = new StringBuilder();
        boolean started = false;  // current holds more than white space
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            boolean between = !started;
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                int end = script.indexOf('\n', i);
                end = end < 0 ? n : end;
                String comment = script.substring(i, end);
                if (between && comment.startsWith("-- file: ")) {
                    file = comment.substring("-- file: ".length()).strip();
                } else if (between && comment.startsWith("-- skipped: ")) {
                    skipped.add(new Skipped(new Statement(file, "").label(), comment.substring(3)));
                } else if (!between) {
                    current.append(comment);
                }
                i = end;
                continue;
            }
            if (!Character.isWhitespace(c) && c != ';') {
                started = true;
            }
            if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                current.append(script, i, end);
                i = end;
                continue;
            }
            if (c == '\'' || c == '`' || c == '"') {
                int j = i + 1;
                while (j < n) {
                    if (script.charAt(j) == c) {
                        if (j + 1 < n && script.charAt(j + 1) == c) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                int end = Math.min(j + 1, n);
                current.append(script, i, end);
                i = end;
                continue;
            }
            if (c == ';') {
                if (started) {
                    statements.add(new Statement(file, current.toString().strip()));
                }
                current.setLength(0);
                started = false;
                i++;
                continue;
            }
            current.append(c);
            i++;
        }
        if (started) {
            statements.add(new Statement(file, current.toString().strip()));
        }
    }
}
