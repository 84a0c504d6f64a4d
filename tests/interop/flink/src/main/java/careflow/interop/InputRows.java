package careflow.interop;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.types.DataType;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;

/** Turns an input block's lines ({@code +I[1, apple]}) into Rows typed by the table's physical columns. */
final class InputRows {
    private InputRows() {}

    static List<Row> parse(List<String> lines, List<DataType> columnTypes, ValueCodec codec) {
        List<Row> rows = new ArrayList<>();
        for (String line : lines) {
            String text = line.strip();
            if (text.startsWith("#")) {
                continue; // a commented-out input row
            }
            try {
                rows.add(parseRow(text, columnTypes, codec));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("bad input row '" + text + "': " + e.getMessage(), e);
            }
        }
        return rows;
    }

    static RowKind kind(String shortString) {
        for (RowKind k : RowKind.values()) {
            if (k.shortString().equals(shortString)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown row kind " + shortString + " (use +I, -U, +U or -D)");
    }

    private static Row parseRow(String text, List<DataType> columnTypes, ValueCodec codec) {
        if (text.length() < 4) {
            throw new IllegalArgumentException("expected <kind>[fields]");
        }
        RowKind kind = kind(text.substring(0, 2));
        List<String> fields = FieldSplitter.split(FieldSplitter.unwrap(text.substring(2), '[', ']'));
        if (fields.size() != columnTypes.size()) {
            throw new IllegalArgumentException("the table has " + columnTypes.size()
                    + " physical columns but the row has " + fields.size() + " fields");
        }
        Row row = new Row(kind, fields.size());
        for (int i = 0; i < fields.size(); i++) {
            row.setField(i, codec.parse(fields.get(i), columnTypes.get(i).getLogicalType()));
        }
        return row;
    }
}
