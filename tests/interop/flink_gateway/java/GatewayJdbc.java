// Flink's JDBC driver against careflow up's SQL Gateway: prints what it read, one fact a line, for
// the run script to compare with what Flink's own gateway would answer.
//   java -cp flink-sql-jdbc-driver-bundle.jar:. GatewayJdbc jdbc:flink://127.0.0.1:PORT TOPIC_SUFFIX
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;

public class GatewayJdbc {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        String t = args[1];
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE jdbc_in_" + t + " (device STRING, n INT) WITH ('connector' = 'kafka', "
                    + "'topic' = 'jdbc_in_" + t + "', 'value.format' = 'json', 'scan.bounded.mode' = 'latest-offset')");
            statement.execute("CREATE TABLE jdbc_out_" + t + " (device STRING, n INT) WITH ('connector' = 'kafka', "
                    + "'topic' = 'jdbc_out_" + t + "', 'value.format' = 'json')");
            // A bounded INSERT from VALUES: a job, its id back as the result set's only row.
            boolean hasRows = statement.execute("INSERT INTO jdbc_in_" + t
                    + " VALUES ('d1', 1), ('d1', 2), ('d2', 5)");
            ResultSet job = statement.getResultSet();
            job.next();
            System.out.println("insert: result set " + hasRows + ", column '" + job.getMetaData().getColumnName(1)
                    + "', job id of 32 hex digits: " + job.getString(1).matches("[0-9a-f]{32}"));
            String jobId = job.getString(1);
            job.close();
            waitForRows(statement, "SELECT COUNT(*) FROM jdbc_in_" + t, 3);

            // A SELECT reading a GROUP BY's changelog: the driver gives the rows (without their kinds).
            try (ResultSet rs = statement.executeQuery(
                    "SELECT device, SUM(n) AS total FROM jdbc_in_" + t + " GROUP BY device")) {
                ResultSetMetaData meta = rs.getMetaData();
                System.out.println("select columns: " + meta.getColumnName(1) + " " + meta.getColumnTypeName(1) + ", "
                        + meta.getColumnName(2) + " " + meta.getColumnTypeName(2));
                StringBuilder rows = new StringBuilder();
                while (rs.next()) rows.append(" ").append(rs.getString(1)).append("=").append(rs.getInt(2));
                System.out.println("select rows:" + rows);
            }

            // A streaming job (its source unbounded: it runs until stopped), listed and stopped through the gateway.
            statement.execute("CREATE TABLE jdbc_live_" + t + " (device STRING, n INT) WITH ('connector' = 'kafka', "
                    + "'topic' = 'jdbc_in_" + t + "', 'value.format' = 'json')");
            statement.execute("INSERT INTO jdbc_out_" + t + " SELECT device, n * 10 FROM jdbc_live_" + t);
            ResultSet running = statement.getResultSet();
            running.next();
            String streaming = running.getString(1);
            running.close();
            System.out.println("second job differs from the first: " + !streaming.equals(jobId));
            // SHOW JOBS is not a query (isQueryResult false, as in Flink): execute() and its result set.
            statement.execute("SHOW JOBS");
            try (ResultSet jobs = statement.getResultSet()) {
                boolean listed = false;
                while (jobs.next()) listed |= jobs.getString(1).equals(streaming);
                System.out.println("show jobs lists it: " + listed);
            }
            statement.execute("STOP JOB '" + streaming + "'");
            statement.execute("SHOW JOBS");
            try (ResultSet jobs = statement.getResultSet()) {
                String status = "";
                while (jobs.next()) if (jobs.getString(1).equals(streaming)) status = jobs.getString(3);
                System.out.println("after stop job: " + status);
            }
        }
    }

    // The INSERT job runs in the background: wait (at most 20 s) until its rows are there.
    private static void waitForRows(Statement statement, String query, long want) throws Exception {
        long got = -1;
        for (int i = 0; i < 100 && got < want; i++) {
            try (ResultSet rs = statement.executeQuery(query)) {
                while (rs.next()) got = rs.getLong(1);
            }
            if (got < want) Thread.sleep(200);
        }
        System.out.println("rows written by the job: " + got);
    }
}
