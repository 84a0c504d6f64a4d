package careflow.interop;

import java.util.ArrayList;
import java.util.List;

/** Materializing a changelog into its final table, and a line diff for reports. */
final class Changelog {
    private Changelog() {}

    /** The final table together with what could not be applied. */
    record Materialized(List<String> rows, List<String> problems) {}

    /**
     * docs/sql-tests.md: +I/+U add a row, -U/-D remove one equal row; the result is one
     * {@code [f1, f2]} line per row, sorted by the rendered line.
     */
    static Materialized materialize(List<String> changelog) {
        List<String> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String line : changelog) {
            String kind = line.substring(0, 2);
            String row = line.substring(2);
            switch (kind) {
                case "+I", "+U" -> rows.add(row);
                case "-U", "-D" -> {
                    if (!rows.remove(row)) {
                        problems.add(line + " removes a row that is not in the table");
                    }
                }
                default -> problems.add("unknown change kind in: " + line);
            }
        }
        rows.sort(null);
        return new Materialized(rows, problems);
    }

    /**
     * A minimal LCS line diff: "  " both, "- " expected only, "+ " actual only. Test outputs are
     * tens of lines, so the quadratic table is fine.
     */
    static List<String> diff(List<String> expected, List<String> actual) {
        int n = expected.size();
        int m = actual.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = expected.get(i).equals(actual.get(j))
                        ? lcs[i + 1][j + 1] + 1
                        : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && expected.get(i).equals(actual.get(j))) {
                out.add("  " + expected.get(i++));
                j++;
            } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                out.add("- " + expected.get(i++));
            } else {
                out.add("+ " + actual.get(j++));
            }
        }
        return out;
    }
}
