package careflow.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the sqllogictest-like format of docs/sql-tests.md. A block ends at a blank line; {@code #}
 * lines before a block's header are comments. A line {@code include <file>} inside a block stands
 * for that file's text, the path relative to the test file's folder (how a pipeline table's tests
 * run its ddl/dml scripts, docs/pipelines.md).
 */
final class TestFileParser {
    private TestFileParser() {}

    static TestFile parse(Path path) throws IOException {
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        List<TestFile.Block> blocks = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            // Skip blank lines and comment lines between blocks.
            if (lines.get(i).isBlank() || lines.get(i).startsWith("#")) {
                i++;
                continue;
            }
            int start = i;
            List<String> body = new ArrayList<>();
            while (i < lines.size() && !lines.get(i).isBlank()) {
                body.add(stripCr(lines.get(i)));
                i++;
            }
            blocks.add(parseBlock(start + 1, expandIncludes(path, body)));
        }
        return new TestFile(path, blocks);
    }

    private static List<String> expandIncludes(Path path, List<String> body) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : body) {
            if (!line.startsWith("include ")) {
                out.add(line);
                continue;
            }
            Path file = path.toAbsolutePath().getParent().resolve(line.substring("include ".length()).trim()).normalize();
            for (String included : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                // A blank line ends a block in the format; inside an included script it is only SQL layout.
                if (!included.isBlank()) {
                    out.add(stripCr(included));
                }
            }
        }
        return out;
    }

    private static String stripCr(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static TestFile.Block parseBlock(int line, List<String> body) {
        String header = body.get(0).trim();
        List<String> rest = body.subList(1, body.size());
        if (header.equals("statement ok") || header.equals("statement error")) {
            return parseStatement(line, header.endsWith("error"), rest);
        }
        if (header.startsWith("input ")) {
            return new TestFile.Input(line, header.substring("input ".length()).trim(), List.copyOf(rest));
        }
        if (header.equals("query") || header.equals("query bounded")) {
            return parseQuery(line, rest, header.equals("query bounded"));
        }
        if (header.equals("explain")) {
            return new TestFile.CareflowOnly(line, header);
        }
        return new TestFile.Malformed(line, "unknown block header: " + header);
    }

    private static TestFile.Block parseStatement(int line, boolean expectError, List<String> rest) {
        int sep = indexOfSeparator(rest, "----");
        List<String> sqlLines = sep < 0 ? rest : rest.subList(0, sep);
        String message = sep < 0 ? null : String.join("\n", rest.subList(sep + 1, rest.size())).trim();
        if (sqlLines.isEmpty()) {
            return new TestFile.Malformed(line, "statement without SQL");
        }
        return new TestFile.Statement(line, sql(sqlLines), expectError, message);
    }

    private static TestFile.Block parseQuery(int line, List<String> rest, boolean bounded) {
        int i = 0;
        List<String> sqlLines = new ArrayList<>();
        while (i < rest.size() && !rest.get(i).startsWith("----")) {
            sqlLines.add(rest.get(i++));
        }
        if (sqlLines.isEmpty()) {
            return new TestFile.Malformed(line, "query without SQL");
        }
        List<String> changelog = null;
        List<String> finalRows = null;
        String error = null;
        while (i < rest.size()) {
            String section = rest.get(i++).substring(4).trim();
            List<String> content = new ArrayList<>();
            while (i < rest.size() && !rest.get(i).startsWith("----")) {
                content.add(rest.get(i++).strip());
            }
            switch (section) {
                case "changelog" -> changelog = content;
                case "final" -> finalRows = content;
                case "error" -> error = String.join("\n", content);
                default -> {
                    return new TestFile.Malformed(line, "unknown query section: ---- " + section);
                }
            }
        }
        if (changelog == null && finalRows == null && error == null) {
            return new TestFile.Malformed(line, "query without ---- changelog, ---- final or ---- error");
        }
        return new TestFile.Query(line, sql(sqlLines), changelog, finalRows, error, bounded);
    }

    private static int indexOfSeparator(List<String> lines, String sep) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals(sep)) {
                return i;
            }
        }
        return -1;
    }

    /** Joins SQL lines and drops one trailing ';' (the format does not need it, Flink rejects it). */
    private static String sql(List<String> lines) {
        String s = String.join("\n", lines).strip();
        return s.endsWith(";") ? s.substring(0, s.length() - 1).strip() : s;
    }
}
