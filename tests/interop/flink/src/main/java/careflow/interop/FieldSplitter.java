package careflow.interop;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the inside of a bracketed value list into its top-level fields.
 *
 * <p>docs/sql-tests.md: "Fields are separated by `, ` at bracket depth 0 outside quotes." Brackets
 * are [], () and {} (arrays, rows, maps); quotes are single quotes with '' as an escaped quote.
 */
final class FieldSplitter {
    private FieldSplitter() {}

    static List<String> split(String inner) {
        List<String> fields = new ArrayList<>();
        if (inner.isEmpty()) {
            return fields;
        }
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (quoted) {
                if (c == '\'') {
                    if (i + 1 < inner.length() && inner.charAt(i + 1) == '\'') {
                        i++; // '' inside quotes is one literal quote
                    } else {
                        quoted = false;
                    }
                }
            } else if (c == '\'') {
                quoted = true;
            } else if (c == '[' || c == '(' || c == '{') {
                depth++;
            } else if (c == ']' || c == ')' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0 && i + 1 < inner.length() && inner.charAt(i + 1) == ' ') {
                fields.add(inner.substring(start, i));
                start = i + 2;
                i++;
            }
        }
        if (quoted || depth != 0) {
            throw new IllegalArgumentException("unbalanced quotes or brackets in: " + inner);
        }
        fields.add(inner.substring(start));
        return fields;
    }

    /** Returns the text between the outer open/close characters, or throws. */
    static String unwrap(String text, char open, char close) {
        if (text.length() < 2 || text.charAt(0) != open || text.charAt(text.length() - 1) != close) {
            throw new IllegalArgumentException("expected " + open + "..." + close + " but got: " + text);
        }
        return text.substring(1, text.length() - 1);
    }
}
