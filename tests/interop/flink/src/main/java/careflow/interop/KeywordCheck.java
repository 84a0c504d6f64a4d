package careflow.interop;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.calcite.sql.parser.SqlAbstractParserImpl;
import org.apache.flink.sql.parser.impl.FlinkSqlParserImpl;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.internal.TableEnvironmentInternal;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * Asks Apache Flink, word by word, which of its SQL parser's keywords it takes as a bare (unquoted)
 * identifier. The words are every keyword token of Flink's parser (FlinkSqlParserImpl's metadata:
 * Calcite's keywords plus flink-sql-parser's own); each is tried, in lower case, in three places:
 *
 * <ul>
 *   <li>{@code column}: {@code CREATE TABLE t (<kw> INT)} parses;
 *   <li>{@code select}: {@code SELECT <kw> FROM t}, where t has the column {@code `<kw>` INT},
 *       plans and gives that INT column ({@code other}: it plans as something else, a niladic
 *       function such as CURRENT_DATE);
 *   <li>{@code qualified}: {@code SELECT t.<kw> FROM t} gives the column.
 * </ul>
 *
 * Verdicts are {@code ok}, {@code refused} or {@code other}. careflow's parser must give the same
 * ones (src/sql/tests/keywords_test.cc walks the file).
 *
 * <pre>KeywordCheck --write FILE    (re)generate the committed list
 * KeywordCheck FILE            check that Flink still gives the committed verdicts</pre>
 *
 * Closes with "N passed, M failed"; exit status 1 on any difference, 2 for usage.
 */
public final class KeywordCheck {
    private static final String HEADER = String.join("\n",
            "# Flink 1.20 keywords and whether Flink takes each, unquoted, as an identifier.",
            "# Generated on Apache Flink by tests/interop/flink/src/main/java/careflow/interop/KeywordCheck.java",
            "# (tests/interop/flink/run --keywords --write); `run --keywords` checks that Flink still agrees and",
            "# src/sql/tests/keywords_test.cc that careflow does. Columns: the keyword, then the verdict for",
            "#   column:    CREATE TABLE t (<kw> INT)",
            "#   select:    SELECT <kw> FROM t    (t has the column `<kw>` INT; other = it means something else)",
            "#   qualified: SELECT t.<kw> FROM t",
            "# keyword column select qualified");

    private final TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());

    public static void main(String[] args) throws IOException {
        boolean write = args.length == 2 && args[0].equals("--write");
        if (!(write || args.length == 1)) {
            System.err.println("usage: KeywordCheck [--write] FILE");
            System.exit(2);
        }
        Path file = Path.of(args[args.length - 1]);
        KeywordCheck check = new KeywordCheck();
        Map<String, String> flink = new LinkedHashMap<>();
        for (String keyword : keywords()) flink.put(keyword, check.verdicts(keyword.toLowerCase()));
        if (write) {
            StringBuilder out = new StringBuilder(HEADER).append('\n');
            flink.forEach((k, v) -> out.append(k).append(' ').append(v).append('\n'));
            Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
            System.out.println("wrote " + flink.size() + " keywords to " + file);
            System.exit(0);
        }
        Map<String, String> committed = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int space = line.indexOf(' ');
            committed.put(line.substring(0, space), line.substring(space + 1));
        }
        int passed = 0;
        int failed = 0;
        TreeSet<String> all = new TreeSet<>(flink.keySet());
        all.addAll(committed.keySet());
        for (String keyword : all) {
            String expected = committed.get(keyword);
            String actual = flink.get(keyword);
            if (expected != null && expected.equals(actual)) {
                passed++;
                continue;
            }
            failed++;
            System.out.println("FAIL " + keyword + ": " + file.getFileName() + " says "
                    + (expected == null ? "nothing (not listed)" : expected) + ", Flink says "
                    + (actual == null ? "nothing (not a keyword)" : actual));
        }
        System.out.println("keywords: " + passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }

    /** Every keyword token of Flink's SQL parser, upper case, sorted. */
    private static List<String> keywords() {
        SqlAbstractParserImpl.Metadata metadata = new FlinkSqlParserImpl(new StringReader("")).getMetadata();
        TreeSet<String> words = new TreeSet<>();
        for (String token : metadata.getTokens()) {
            if (token.matches("[A-Z][A-Z0-9_]*") && metadata.isKeyword(token)) words.add(token);
        }
        return new ArrayList<>(words);
    }

    private String verdicts(String kw) {
        return column(kw) + " " + select(kw, kw) + " " + select(kw, "t." + kw);
    }

    private String column(String kw) {
        try {
            ((TableEnvironmentInternal) tEnv).getParser().parse("CREATE TABLE t (" + kw + " INT)");
            return "ok";
        } catch (RuntimeException e) {
            return "refused";
        }
    }

    /** SELECT {@code ref} FROM t, over a table t whose one column is `kw` INT. */
    private String select(String kw, String ref) {
        tEnv.executeSql("CREATE TEMPORARY TABLE t (`" + kw + "` INT) WITH ('connector' = 'datagen')");
        try {
            Table result = tEnv.sqlQuery("SELECT " + ref + " FROM t");
            ResolvedSchema schema = result.getResolvedSchema();
            Column only = schema.getColumns().get(0);
            boolean column = schema.getColumnCount() == 1 && only.getName().equals(kw)
                    && only.getDataType().getLogicalType().getTypeRoot() == LogicalTypeRoot.INTEGER;
            return column ? "ok" : "other";
        } catch (RuntimeException e) {
            return "refused";
        } finally {
            tEnv.executeSql("DROP TEMPORARY TABLE t");
        }
    }
}
