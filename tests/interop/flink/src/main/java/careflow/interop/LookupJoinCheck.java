package careflow.interop;

import java.time.ZoneId;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * The lookup joins of careflow's src/exec/tests/jdbc_lookup_test.cc on Apache Flink, with the real
 * JDBC connector (flink-connector-jdbc) against the PostgreSQL that lookup/run starts and fills
 * from lookup/prescriptions.sql: the same readings, the same SQL, each result printed as a changelog
 * in the test files' syntax (docs/sql-tests.md), so that lookup/run can compare it with what
 * careflow's test expects.
 *
 * <pre>LookupJoinCheck jdbc:postgresql://127.0.0.1:PORT/DB USER</pre>
 */
public final class LookupJoinCheck {
    private LookupJoinCheck() {}

    static final String COLUMNS =
            "id STRING, device_id STRING, target DECIMAL(10, 2), dose INT, small SMALLINT, big BIGINT, ratio DOUBLE,"
                    + " f FLOAT, active BOOLEAN, valid_from TIMESTAMP(3), start_day DATE, dose_time TIME(0),"
                    + " changed TIMESTAMP(3), payload BYTES, notes STRING";

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        run(url, user, "every mapped type",
                List.of("DEV-P001", "DEV-P009", "DEV-P002", "NULL"),
                "SELECT r.device_id, x.id, x.target, x.dose, x.small, x.big, x.ratio, x.f, x.active, x.valid_from,"
                        + " x.start_day, x.dose_time, x.changed, x.payload, x.notes FROM readings AS r JOIN rx FOR SYSTEM_TIME AS OF"
                        + " r.proc AS x ON r.device_id = x.device_id");
        run(url, user, "left join with a condition",
                List.of("DEV-P002", "DEV-P001", "NULL", "x'; DROP TABLE prescriptions; --"),
                "SELECT r.device_id, x.id, x.target FROM readings AS r LEFT JOIN rx FOR SYSTEM_TIME AS OF r.proc AS x"
                        + " ON r.device_id = x.device_id AND x.target > 81");
        System.exit(0);  // MiniCluster leaves non-daemon threads behind
    }

    static void run(String url, String user, String title, List<String> devices, String sql) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.getConfig().set("table.local-time-zone", "UTC");
        Row[] rows = devices.stream()
                .map(d -> Row.of(d.equals("NULL") ? null : d, 1.0))
                .toArray(Row[]::new);
        DataStream<Row> readings = env.fromData(Types.ROW_NAMED(new String[] {"device_id", "val"}, Types.STRING, Types.DOUBLE), rows);
        tEnv.createTemporaryView("readings", tEnv.fromDataStream(readings,
                Schema.newBuilder().columnByExpression("proc", "PROCTIME()").build()));
        tEnv.executeSql("CREATE TABLE rx (" + COLUMNS + ") WITH ('connector' = 'jdbc', 'url' = '" + url
                + "', 'table-name' = 'prescriptions', 'username' = '" + user + "', 'password' = 'trusted')");
        TableResult result = tEnv.executeSql(sql);
        List<LogicalType> types = result.getResolvedSchema().getColumnDataTypes().stream()
                .map(DataType::getLogicalType)
                .toList();
        ValueCodec codec = new ValueCodec(ZoneId.of("UTC"));
        System.out.println("# " + title);
        System.out.println(sql);
        try (CloseableIterator<Row> it = result.collect()) {
            while (it.hasNext()) {
                Row row = it.next();
                System.out.println(row.getKind().shortString() + codec.renderRow(row, types));
            }
        }
        System.out.println();
    }
}
