package careflow.interop;

import java.nio.file.Path;
import java.util.List;

/** A parsed .test file: its blocks in file order (see docs/sql-tests.md). */
record TestFile(Path path, List<Block> blocks) {

    /** One blank-line-delimited block; {@code line} is its 1-based header line, for reports. */
    sealed interface Block permits Statement, Input, Query, Malformed, CareflowOnly {
        int line();
    }

    /** {@code statement ok} / {@code statement error}; message is the text after {@code ----}. */
    record Statement(int line, String sql, boolean expectError, String expectedMessage) implements Block {}

    /** {@code input <table>}: raw row lines such as {@code +I[1, apple]}, parsed later by column type. */
    record Input(int line, String table, List<String> rows) implements Block {}

    /**
     * {@code query}: each section is null when absent. {@code error} is the expected message
     * substring; on Flink only the failure itself is checked. {@code bounded} ({@code query
     * bounded}): the sources end after the last block (Flink's final MAX watermark) instead of the
     * job being cancelled.
     */
    record Query(int line, String sql, List<String> changelog, List<String> finalRows, String error, boolean bounded)
            implements Block {}

    /** A block the parser could not understand; reported as a failure, never silently skipped. */
    record Malformed(int line, String problem) implements Block {}

    /** A block careflow checks alone (explain: Flink's plans differ in detail); skipped here. */
    record CareflowOnly(int line, String kind) implements Block {}
}
