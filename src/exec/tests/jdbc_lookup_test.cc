// Lookup joins against a real PostgreSQL (a private server on a free port, as the store tests
// start one): rows found by key through 'connector' = 'jdbc' with the JDBC connector's options,
// every mapped type read back, LEFT joins padding what is missing, keys as parameters (a key that
// looks like SQL is only a value), the PARTIAL cache serving rows PostgreSQL has since changed
// (and no cache reading them fresh), a declared type the mapping refuses, and an unreachable server.
// The rows the first two tests expect are Apache Flink 1.20.4's with flink-connector-jdbc
// 3.3.0-1.20 over the same table (tests/interop/flink/lookup/run prints and checks them).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "exec/session.h"
#include "store/local_postgres.h"
#include "store/pg_connection.h"
#include "store/tests/test_postgres.h"

namespace careflow::exec {
namespace {

using values::Value;

class JdbcLookupTest : public store::testing::RunningPostgresTest {
 protected:
  void SetUp() override {
    RunningPostgresTest::SetUp();
    if (HasFatalFailure()) return;
    auto conn = store::PgConnection::connect(pg_->conninfo());
    ASSERT_TRUE(conn.is_ok()) << conn.status().to_string();
    db_ = std::move(*conn);
    // The same table Flink's check reads (tests/interop/flink/lookup/run).
    std::ifstream data(std::string(CAREFLOW_SOURCE_DIR) + "/tests/interop/flink/lookup/prescriptions.sql");
    ASSERT_TRUE(data) << "tests/interop/flink/lookup/prescriptions.sql";
    std::stringstream text;
    text << data.rdbuf();
    Status loaded = db_->exec_script(text.str());
    ASSERT_TRUE(loaded.is_ok()) << loaded.message();
    run("CREATE TABLE readings (device_id STRING, val DOUBLE, proc AS PROCTIME())");
  }

  std::string jdbc_table(const std::string& name, const std::string& extra_options, const std::string& columns = "") {
    return "CREATE TABLE " + name + " (" +
           (columns.empty() ? "id STRING, device_id STRING, target DECIMAL(10, 2), dose INT, small SMALLINT, big BIGINT, "
                              "ratio DOUBLE, f FLOAT, active BOOLEAN, valid_from TIMESTAMP(3), start_day DATE, dose_time TIME(0), "
                              "changed TIMESTAMP(3), payload BYTES, notes STRING"
                            : columns) +
           ") WITH ('connector' = 'jdbc', 'url' = 'jdbc:postgresql://127.0.0.1:" + std::to_string(pg_->port()) +
           "/careflow', 'table-name' = 'prescriptions', 'username' = 'careflow', 'password' = 'trusted'" + extra_options + ")";
  }

  void run(const std::string& sql) {
    auto r = session_.execute_script(sql);
    ASSERT_TRUE(r.is_ok()) << sql << "\n" << r.status().message();
  }

  std::unique_ptr<Job> job(const std::string& sql) {
    auto r = session_.execute_script(sql);
    EXPECT_TRUE(r.is_ok()) << sql << "\n" << r.status().message();
    if (!r.is_ok()) return nullptr;
    return std::move(r->front().job);
  }

  // The rows `job` gives for readings of these devices, as the test files print them.
  std::vector<std::string> feed(Job& j, const std::vector<std::string>& devices) {
    RowBatch rows;
    for (const std::string& d : devices) {
      rows.push_back(Row{RowKind::kInsert, {d == "NULL" ? Value() : Value::string(d), Value::real(1.0)}});
    }
    Status s = j.push("readings", rows);
    EXPECT_TRUE(s.is_ok()) << s.message();
    std::vector<std::string> out;
    for (const Row& r : j.take_output()) out.push_back(format_row(r, j.result_types()));
    return out;
  }

  std::unique_ptr<store::PgConnection> db_;
  Session session_;
};

TEST_F(JdbcLookupTest, JoinsEachReadingWithTheRowsOfItsKeyAndReadsEveryMappedType) {
  run(jdbc_table("rx", ""));
  auto j = job("SELECT r.device_id, x.id, x.target, x.dose, x.small, x.big, x.ratio, x.f, x.active, x.valid_from, "
               "x.start_day, x.dose_time, x.changed, x.payload, x.notes FROM readings AS r JOIN rx FOR SYSTEM_TIME AS OF r.proc AS x "
               "ON r.device_id = x.device_id");
  ASSERT_TRUE(j);
  EXPECT_EQ(feed(*j, {"DEV-P001", "DEV-P009", "DEV-P002", "NULL"}),
            (std::vector<std::string>{
                "+I[DEV-P001, RX-1, 120.50, 5, 1, 9000000000, 0.25, 1.5, TRUE, 2024-01-01 08:00:00.123, 2024-01-01, "
                "08:30:00, 2024-01-01 07:00:00.000, x'0aff', it's fine]",
                "+I[DEV-P002, RX-2, 80.00, 3, 2, -1, 1.0E-4, 2.0, FALSE, 2024-02-01 00:00:00.000, 2024-02-01, 23:59:59, "
                "2024-02-01 00:00:00.000, x'', NULL]",
                "+I[DEV-P002, RX-3, 82.00, 4, 3, 0, 0.0, 0.0, TRUE, NULL, NULL, NULL, NULL, NULL, second]"}));
}

TEST_F(JdbcLookupTest, LeftJoinPadsMissingKeysAndTheRestOfTheConditionFilters) {
  run(jdbc_table("rx", "", "id STRING, device_id STRING, target DECIMAL(10, 2)"));
  auto j = job("SELECT r.device_id, x.id, x.target FROM readings AS r LEFT JOIN rx FOR SYSTEM_TIME AS OF r.proc AS x "
               "ON r.device_id = x.device_id AND x.target > 81");
  ASSERT_TRUE(j);
  EXPECT_EQ(feed(*j, {"DEV-P002", "DEV-P001", "NULL", "x'; DROP TABLE prescriptions; --"}),
            (std::vector<std::string>{"+I[DEV-P002, RX-3, 82.00]", "+I[DEV-P001, RX-1, 120.50]", "+I[NULL, NULL, NULL]",
                                      "+I[x'; DROP TABLE prescriptions; --, NULL, NULL]"}));
  auto still_there = db_->exec("SELECT count(*) FROM prescriptions");
  ASSERT_TRUE(still_there.is_ok());
  EXPECT_EQ(still_there->rows[0][0], "3");
}

TEST_F(JdbcLookupTest, ThePartialCacheServesRowsUntilTheyExpireAndNoCacheReadsFresh) {
  run(jdbc_table("rx_cached", ", 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '100', "
                              "'lookup.partial-cache.expire-after-write' = '1 h'",
                 "id STRING, device_id STRING, dose INT"));
  run(jdbc_table("rx_fresh", "", "id STRING, device_id STRING, dose INT"));
  auto cached = job("SELECT x.id, x.dose FROM readings AS r JOIN rx_cached FOR SYSTEM_TIME AS OF r.proc AS x "
                    "ON r.device_id = x.device_id");
  auto fresh = job("SELECT x.id, x.dose FROM readings AS r JOIN rx_fresh FOR SYSTEM_TIME AS OF r.proc AS x "
                   "ON r.device_id = x.device_id");
  ASSERT_TRUE(cached && fresh);
  EXPECT_EQ(feed(*cached, {"DEV-P001", "DEV-P003"}), std::vector<std::string>{"+I[RX-1, 5]"});
  EXPECT_EQ(feed(*fresh, {"DEV-P001", "DEV-P003"}), std::vector<std::string>{"+I[RX-1, 5]"});
  ASSERT_TRUE(db_->exec_script("UPDATE prescriptions SET dose = 6 WHERE id = 'RX-1';"
                               "INSERT INTO prescriptions (id, device_id, dose) VALUES ('RX-4', 'DEV-P003', 7);")
                  .is_ok());
  // The cache still has RX-1 at 5 and DEV-P003 missing (missing keys are cached by default).
  EXPECT_EQ(feed(*cached, {"DEV-P001", "DEV-P003"}), std::vector<std::string>{"+I[RX-1, 5]"});
  EXPECT_EQ(feed(*fresh, {"DEV-P001", "DEV-P003"}), (std::vector<std::string>{"+I[RX-1, 6]", "+I[RX-4, 7]"}));
}

TEST_F(JdbcLookupTest, ADeclaredTypeTheMappingRefusesFailsTheJobNamingTheColumn) {
  run(jdbc_table("rx", "", "id STRING, device_id STRING, dose BIGINT"));
  auto j = job("SELECT x.id FROM readings AS r JOIN rx FOR SYSTEM_TIME AS OF r.proc AS x ON r.device_id = x.device_id");
  ASSERT_TRUE(j);
  Status s = j->push("readings", RowBatch{Row{RowKind::kInsert, {Value::string("DEV-P001"), Value::real(1)}}});
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("column 'dose' is declared BIGINT"), std::string::npos) << s.message();
}

TEST_F(JdbcLookupTest, AnUnreachableServerFailsTheJobAfterTheRetries) {
  run("CREATE TABLE rx (id STRING, device_id STRING) WITH ('connector' = 'jdbc', 'url' = "
      "'jdbc:postgresql://127.0.0.1:" + std::to_string(store::testing::free_port()) +
      "/careflow', 'table-name' = 'prescriptions', 'lookup.max-retries' = '1')");
  auto j = job("SELECT x.id FROM readings AS r JOIN rx FOR SYSTEM_TIME AS OF r.proc AS x ON r.device_id = x.device_id");
  ASSERT_TRUE(j);
  Status s = j->push("readings", RowBatch{Row{RowKind::kInsert, {Value::string("DEV-P001"), Value::real(1)}}});
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("table 'rx': the lookup in PostgreSQL (prescriptions) failed after 1 retries"),
            std::string::npos)
      << s.message();
}

TEST_F(JdbcLookupTest, OptionsThatMakeNoSenseFailWhenTheJobIsBuilt) {
  run("CREATE TABLE mysql_rx (id STRING) WITH ('connector' = 'jdbc', 'url' = 'jdbc:mysql://localhost:3306/db', "
      "'table-name' = 'rx')");
  auto r = session_.execute_script(
      "SELECT x.id FROM readings AS r JOIN mysql_rx FOR SYSTEM_TIME AS OF r.proc AS x ON r.device_id = x.id");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("reaches PostgreSQL only"), std::string::npos) << r.status().message();
  run("CREATE TABLE odd (id STRING) WITH ('connector' = 'jdbc', 'url' = 'jdbc:postgresql://localhost/db', "
      "'table-name' = 'rx', 'lookup.caching' = 'yes')");
  r = session_.execute_script("SELECT x.id FROM readings AS r JOIN odd FOR SYSTEM_TIME AS OF r.proc AS x ON r.device_id = x.id");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("unsupported option 'lookup.caching'"), std::string::npos) << r.status().message();
  run("CREATE TABLE instants (id STRING, changed TIMESTAMP_LTZ(3)) WITH ('connector' = 'jdbc', 'url' = "
      "'jdbc:postgresql://localhost/db', 'table-name' = 'rx')");
  r = session_.execute_script(
      "SELECT x.id FROM readings AS r JOIN instants FOR SYSTEM_TIME AS OF r.proc AS x ON r.device_id = x.id");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("column 'changed' is TIMESTAMP_LTZ(3), which careflow's 'jdbc' connector does not read"),
            std::string::npos)
      << r.status().message();
  run("CREATE TABLE half (id STRING) WITH ('connector' = 'jdbc', 'url' = 'jdbc:postgresql://localhost/db', "
      "'table-name' = 'rx', 'username' = 'me')");
  r = session_.execute_script("SELECT x.id FROM readings AS r JOIN half FOR SYSTEM_TIME AS OF r.proc AS x ON r.device_id = x.id");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("give both 'username' and 'password' or neither"), std::string::npos)
      << r.status().message();
  run("CREATE TABLE sneaky (id STRING) WITH ('connector' = 'jdbc', 'url' = 'jdbc:postgresql://localhost/db', "
      "'table-name' = 'rx; DROP TABLE rx')");
  r = session_.execute_script("SELECT x.id FROM readings AS r JOIN sneaky FOR SYSTEM_TIME AS OF r.proc AS x ON r.device_id = x.id");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("is not a plain table name"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace careflow::exec
