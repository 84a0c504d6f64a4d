package careflow.interop;

import java.io.Serializable;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Period;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.MultisetType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimeType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.utils.TypeConversions;
import org.apache.flink.types.Row;

/**
 * Parses input fields into Flink's default external Java objects and renders output objects back
 * to text, both by the value table of docs/sql-tests.md (the contract shared with careflow).
 *
 * <p>The objects are the default conversion classes of Flink's DataStructureConverters (String,
 * Integer, BigDecimal, LocalDateTime, Instant for TIMESTAMP_LTZ, arrays, Map, Row), so the same
 * code serves sources (parse, then convert to RowData) and sinks (convert from RowData, then render).
 */
final class ValueCodec implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Session time zone: TIMESTAMP_LTZ values are read and shown as wall-clock time in it. */
    private final ZoneId zone;

    ValueCodec(ZoneId zone) {
        this.zone = zone;
    }

    // ---------------------------------------------------------------- rendering

    String renderRow(Row row, List<LogicalType> types) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < types.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(render(row.getField(i), types.get(i), true));
        }
        return sb.append(']').toString();
    }

    /** @param topLevel strings are quoted (when the rule asks) only as top-level fields. */
    String render(Object v, LogicalType t, boolean topLevel) {
        if (v == null) {
            return "NULL";
        }
        switch (t.getTypeRoot()) {
            case CHAR:
            case VARCHAR:
                return topLevel ? quoteIfNeeded(v.toString()) : v.toString();
            case BOOLEAN:
                return ((Boolean) v) ? "TRUE" : "FALSE";
            case TINYINT:
            case SMALLINT:
            case INTEGER:
            case BIGINT:
                return v.toString();
            case FLOAT:
                return Float.toString((Float) v);
            case DOUBLE:
                return Double.toString((Double) v);
            case DECIMAL:
                return ((BigDecimal) v)
                        .setScale(((DecimalType) t).getScale(), RoundingMode.HALF_UP)
                        .toPlainString();
            case BINARY:
            case VARBINARY:
                return "x'" + HexFormat.of().formatHex((byte[]) v) + "'";
            case DATE:
                return v.toString();
            case TIME_WITHOUT_TIME_ZONE:
                return renderTime((LocalTime) v, ((TimeType) t).getPrecision());
            case TIMESTAMP_WITHOUT_TIME_ZONE:
                return renderTimestamp((LocalDateTime) v, ((TimestampType) t).getPrecision());
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return renderTimestamp(
                        LocalDateTime.ofInstant((Instant) v, zone),
                        ((LocalZonedTimestampType) t).getPrecision());
            case ARRAY:
                return renderArray(v, ((ArrayType) t).getElementType());
            case MAP:
                return renderMap((Map<?, ?>) v, ((MapType) t).getKeyType(), ((MapType) t).getValueType());
            case MULTISET: // no rule in the doc: shown like a MAP of element to count
                return renderMap(
                        (Map<?, ?>) v,
                        ((MultisetType) t).getElementType(),
                        new org.apache.flink.table.types.logical.IntType());
            case ROW:
                return renderNestedRow((Row) v, (RowType) t);
            default: // intervals, RAW, ...: not covered by the doc
                return v.toString();
        }
    }

    static String quoteIfNeeded(String s) {
        boolean quote = s.isEmpty()
                || s.equals("NULL")
                || s.startsWith(" ")
                || s.endsWith(" ")
                || s.startsWith("'")
                || s.chars().anyMatch(c -> ",[](){}".indexOf(c) >= 0);
        return quote ? "'" + s.replace("'", "''") + "'" : s;
    }

    private static String fraction(int nanos, int precision) {
        if (precision <= 0) {
            return "";
        }
        return "." + String.format("%09d", nanos).substring(0, Math.min(precision, 9));
    }

    private static String renderTime(LocalTime t, int precision) {
        return String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond())
                + fraction(t.getNano(), precision);
    }

    private static String renderTimestamp(LocalDateTime ts, int precision) {
        return ts.toLocalDate() + " " + renderTime(ts.toLocalTime(), precision);
    }

    private String renderArray(Object array, LogicalType elementType) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < Array.getLength(array); i++) {
            parts.add(render(Array.get(array, i), elementType, false));
        }
        return "[" + String.join(", ", parts) + "]";
    }

    private String renderMap(Map<?, ?> map, LogicalType keyType, LogicalType valueType) {
        // Sorted by rendered key so the text does not depend on the map's iteration order.
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            sorted.put(render(e.getKey(), keyType, false), render(e.getValue(), valueType, false));
        }
        List<String> parts = new ArrayList<>();
        sorted.forEach((k, val) -> parts.add(k + "=" + val));
        return "{" + String.join(", ", parts) + "}";
    }

    private String renderNestedRow(Row row, RowType t) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < t.getFieldCount(); i++) {
            parts.add(render(row.getField(i), t.getTypeAt(i), false));
        }
        return "(" + String.join(", ", parts) + ")";
    }

    // ---------------------------------------------------------------- parsing

    Object parse(String text, LogicalType t) {
        if (text.equals("NULL")) {
            return null;
        }
        switch (t.getTypeRoot()) {
            case CHAR:
            case VARCHAR:
                return unquote(text);
            case BOOLEAN:
                if (text.equalsIgnoreCase("TRUE")) {
                    return Boolean.TRUE;
                }
                if (text.equalsIgnoreCase("FALSE")) {
                    return Boolean.FALSE;
                }
                throw new IllegalArgumentException("not a BOOLEAN: " + text);
            case TINYINT:
                return Byte.parseByte(text);
            case SMALLINT:
                return Short.parseShort(text);
            case INTEGER:
                return Integer.parseInt(text);
            case BIGINT:
                return Long.parseLong(text);
            case FLOAT:
                return Float.parseFloat(text);
            case DOUBLE:
                return Double.parseDouble(text);
            case DECIMAL:
                // UNNECESSARY: an input with more fraction digits than the scale is a mistake in the file.
                return new BigDecimal(text).setScale(((DecimalType) t).getScale(), RoundingMode.UNNECESSARY);
            case BINARY:
            case VARBINARY:
                return HexFormat.of().parseHex(FieldSplitter.unwrap(text.substring(1), '\'', '\''));
            case DATE:
                return LocalDate.parse(text);
            case TIME_WITHOUT_TIME_ZONE:
                return LocalTime.parse(text);
            case TIMESTAMP_WITHOUT_TIME_ZONE:
                return LocalDateTime.parse(text.replace(' ', 'T'));
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return LocalDateTime.parse(text.replace(' ', 'T')).atZone(zone).toInstant();
            case ARRAY:
                return parseArray(text, (ArrayType) t);
            case MAP:
                return parseMap(text, ((MapType) t).getKeyType(), ((MapType) t).getValueType());
            case ROW:
                return parseRow(text, (RowType) t);
            case INTERVAL_YEAR_MONTH:
                return Period.parse(text);
            case INTERVAL_DAY_TIME:
                return Duration.parse(text);
            default:
                throw new IllegalArgumentException("input of type " + t + " is not supported");
        }
    }

    private static String unquote(String text) {
        if (text.length() >= 2 && text.startsWith("'") && text.endsWith("'")) {
            return text.substring(1, text.length() - 1).replace("''", "'");
        }
        return text;
    }

    private Object parseArray(String text, ArrayType t) {
        List<String> parts = FieldSplitter.split(FieldSplitter.unwrap(text, '[', ']'));
        // The array class must be the default conversion class (e.g. Integer[]) for the converter.
        Class<?> component = TypeConversions.fromLogicalToDataType(t).getConversionClass().getComponentType();
        Object array = Array.newInstance(component, parts.size());
        for (int i = 0; i < parts.size(); i++) {
            Array.set(array, i, parse(parts.get(i), t.getElementType()));
        }
        return array;
    }

    private Map<Object, Object> parseMap(String text, LogicalType keyType, LogicalType valueType) {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (String entry : FieldSplitter.split(FieldSplitter.unwrap(text, '{', '}'))) {
            int eq = topLevelEquals(entry);
            if (eq < 0) {
                throw new IllegalArgumentException("map entry without '=': " + entry);
            }
            map.put(parse(entry.substring(0, eq), keyType), parse(entry.substring(eq + 1), valueType));
        }
        return map;
    }

    private static int topLevelEquals(String entry) {
        boolean quoted = false;
        int depth = 0;
        for (int i = 0; i < entry.length(); i++) {
            char c = entry.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && "[({".indexOf(c) >= 0) {
                depth++;
            } else if (!quoted && "])}".indexOf(c) >= 0) {
                depth--;
            } else if (!quoted && depth == 0 && c == '=') {
                return i;
            }
        }
        return -1;
    }

    private Row parseRow(String text, RowType t) {
        List<String> parts = FieldSplitter.split(FieldSplitter.unwrap(text, '(', ')'));
        if (parts.size() != t.getFieldCount()) {
            throw new IllegalArgumentException(
                    "ROW needs " + t.getFieldCount() + " fields but got " + parts.size() + ": " + text);
        }
        Row row = new Row(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            row.setField(i, parse(parts.get(i), t.getTypeAt(i)));
        }
        return row;
    }
}
