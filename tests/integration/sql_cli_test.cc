// `careflow sql` and `careflow explain` as a user runs them: the real binary, a real data
// directory, Debezium change events in a topic, the example pipeline, and the changelog it prints
// (the same changelog Apache Flink 1.20.4 gives for tests/sql/pipelines/prescriptions_unnest.test).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/run_process.h"

namespace careflow::testing {
namespace {

namespace fs = std::filesystem;

class SqlCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("careflow-sql-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  ProcessResult careflow(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--data-dir", (dir_ / "var").string()});
    return run_process(CAREFLOW_BINARY, args, input);
  }
  std::string write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  static std::string read(const fs::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  fs::path dir_;
  fs::path examples_ = fs::path(CAREFLOW_SOURCE_DIR) / "examples" / "prescriptions";
};

TEST_F(SqlCliTest, ThePrescriptionsPipelineRunsOnDebeziumEventsAndPrintsFlinksChangelog) {
  ASSERT_EQ(careflow({"topic", "create", "healthcare.public.prescriptions"}).exit_code, 0);
  ProcessResult produced = careflow({"topic", "produce", "healthcare.public.prescriptions", "--format", "value"},
                                    read(examples_ / "cdc.jsonl"));
  ASSERT_EQ(produced.exit_code, 0) << produced.err;
  ProcessResult run = careflow({"sql", "-f", (examples_ / "pipeline.sql").string(), "--bounded"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "+I[DEV-P001, Pressure, 120.0, 5.0]\n"
            "+I[DEV-P001, FlowRate, 2.5, 0.2]\n"
            "+I[DEV-P002, FlowLevel, 80.0, 10.0]\n"
            "-U[DEV-P001, Pressure, 120.0, 5.0]\n"
            "-U[DEV-P001, FlowRate, 2.5, 0.2]\n"
            "+U[DEV-P001, Pressure, 125.0, 5.0]\n"
            "+U[DEV-P001, FlowRate, 2.5, 0.2]\n"
            "-D[DEV-P002, FlowLevel, 80.0, 10.0]\n");
  EXPECT_NE(run.err.find("2 jobs ran: 13 rows read, 8 records written"), std::string::npos) << run.err;
  // The INSERT's table is a topic any consumer can read: 8 JSON rows with their kind in a header.
  ProcessResult consumed = careflow({"topic", "consume", "hc_src_prescriptions", "--from-beginning", "--format", "json"});
  ASSERT_EQ(consumed.exit_code, 0) << consumed.err;
  EXPECT_NE(consumed.out.find(R"("headers":{"op":"-D"})"), std::string::npos) << consumed.out;
  EXPECT_NE(consumed.err.find("consumed 8 records"), std::string::npos) << consumed.err;
  // Running it again reads the same topics from the start: the same answer.
  ProcessResult again = careflow({"sql", "-e", "CREATE TABLE hc_src_prescriptions (prescription_id STRING, patient_id "
                                              "STRING, device_id STRING, parameter_name STRING, target DOUBLE, tolerance "
                                              "DOUBLE, unit STRING) WITH ('changelog.mode' = 'retract')",
                                  "-e", "SELECT device_id, SUM(target) AS total FROM hc_src_prescriptions GROUP BY device_id",
                                  "--bounded"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out,
            "+I[DEV-P001, 120.0]\n-U[DEV-P001, 120.0]\n+U[DEV-P001, 122.5]\n+I[DEV-P002, 80.0]\n"
                "-U[DEV-P001, 122.5]\n+U[DEV-P001, 2.5]\n-D[DEV-P001, 2.5]\n+I[DEV-P001, 125.0]\n"
                "-U[DEV-P001, 125.0]\n+U[DEV-P001, 127.5]\n-D[DEV-P002, 80.0]\n");
}

TEST_F(SqlCliTest, FilesDatagenCtasAndExplain) {
  std::string data = write("m.csv", "D1,Pressure,101.5\nD2,Pressure,99\nD1,Pressure,103\n");
  std::string script = write("p.sql",
                             "CREATE TABLE m (device STRING, metric STRING, val DOUBLE)\n"
                             "  WITH ('connector' = 'filesystem', 'path' = '" + data + "', 'format' = 'csv');\n"
                             "CREATE TABLE peaks WITH ('changelog.mode' = 'retract') AS\n"
                             "  SELECT device, MAX(val) AS peak FROM m GROUP BY device;\n"
                             "CREATE TABLE g (n BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '5',\n"
                             "  'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '5');\n"
                             "SELECT SUM(n) FROM g;\n");
  ProcessResult run = careflow({"sql", "-f", script});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.substr(run.out.rfind('\n', run.out.size() - 2) + 1), "+U[15]\n") << run.out;
  ProcessResult peaks = careflow({"sql", "-e", "CREATE TABLE peaks (device STRING, peak DOUBLE) WITH ('changelog.mode' = 'retract')",
                                  "-e", "SELECT * FROM peaks", "--bounded"});
  ASSERT_EQ(peaks.exit_code, 0) << peaks.err;
  EXPECT_EQ(peaks.out, "+I[D1, 101.5]\n+I[D2, 99.0]\n-U[D1, 101.5]\n+U[D1, 103.0]\n");

  ProcessResult plan = careflow({"explain", "-f", (examples_ / "pipeline.sql").string()});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("Correlate(invocation=[UNNEST(JSON_QUERY(parameters, '$'))], joinType=[INNER])"),
            std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("Sink(table=[hc_src_prescriptions]"), std::string::npos) << plan.out;
}

TEST_F(SqlCliTest, ErrorsNameTheStatementLineAndColumn) {
  std::string script = write("bad.sql", "CREATE TABLE t (a INT);\n\nSELECT b\n  FROM t;\n");
  ProcessResult run = careflow({"sql", "-f", script});
  EXPECT_EQ(run.exit_code, 1);
  // One form everywhere, FILE:LINE:COL as compilers print it: for DDL, queries and EXPLAIN alike.
  EXPECT_NE(run.err.find("/bad.sql:3:8: column 'b' not found; did you mean 'a'?"), std::string::npos) << run.err;
  ProcessResult plan = careflow({"explain", "-f", script});
  EXPECT_EQ(plan.exit_code, 1);
  EXPECT_NE(plan.err.find("/bad.sql:3:8: column 'b' not found; did you mean 'a'?"), std::string::npos) << plan.err;
  std::string ddl = write("ddl.sql", "CREATE TABLE ok (a INT);\nCREATE TABLE t (a INT)\n  WITH ('connector' = 'nope');\n");
  ProcessResult bad_ddl = careflow({"sql", "-f", ddl});
  EXPECT_EQ(bad_ddl.exit_code, 1);
  EXPECT_NE(bad_ddl.err.find("/ddl.sql:2:1: table 't': unknown connector 'nope'"), std::string::npos) << bad_ddl.err;
  ProcessResult explain_ddl = careflow({"explain", "-f", ddl});
  EXPECT_NE(explain_ddl.err.find("/ddl.sql:2:1: table 't': unknown connector 'nope'"), std::string::npos)
      << explain_ddl.err;
  // A statement that starts inside a line: the column counts from the line's start.
  std::string inline_query = write("inline.sql", "CREATE TABLE t (a INT); SELECT b FROM t;\n");
  ProcessResult inline_plan = careflow({"explain", "-f", inline_query});
  EXPECT_NE(inline_plan.err.find("inline.sql:1:32: column 'b' not found"), std::string::npos) << inline_plan.err;
  ProcessResult parse = careflow({"sql", "-e", "SELEC 1"});
  EXPECT_EQ(parse.exit_code, 1);
  EXPECT_NE(parse.err.find("careflow: error: -e:1:1: unexpected 'SELEC', expected a statement"), std::string::npos) << parse.err;
  ProcessResult both = careflow({"sql", "-f", script, "-e", "SELECT 1"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("-f and -e cannot be combined"), std::string::npos) << both.err;
  ProcessResult missing = careflow({"sql", "-f", (dir_ / "nope.sql").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nope.sql: cannot read the file"), std::string::npos) << missing.err;
  ProcessResult runtime = careflow({"sql", "-e", "SELECT CAST('x' AS INT)"});
  EXPECT_EQ(runtime.exit_code, 1);
  EXPECT_NE(runtime.err.find("the job failed: cannot cast 'x' to INT"), std::string::npos) << runtime.err;
  // Without a running careflow up there are no jobs to show: said at the statement's place.
  ProcessResult jobs = careflow({"sql", "-e", "SHOW JOBS"});
  EXPECT_EQ(jobs.exit_code, 1);
  EXPECT_NE(jobs.err.find("careflow: error: -e:1:1: jobs run inside `careflow up`"), std::string::npos) << jobs.err;
  ProcessResult server = careflow({"sql", "--server", "nowhere", "-e", "SELECT 1"});
  EXPECT_EQ(server.exit_code, 2);
  EXPECT_NE(server.err.find("--server 'nowhere': expected HOST:PORT"), std::string::npos) << server.err;
}

// A bare NULL in INSERT ... VALUES takes the type of the column it fills, as Confluent Cloud types
// it (issue 23). Apache Flink 1.20 refuses it ("Illegal use of 'NULL'"), so this lives here and not
// in tests/sql, whose files both engines must pass.
TEST_F(SqlCliTest, ABareNullInInsertValuesTakesTheTargetColumnsType) {
  const std::string ddl = "CREATE TABLE readings (device STRING, pressure DOUBLE, note STRING, ts TIMESTAMP(3))";
  ProcessResult wrote = careflow({"sql", "--bounded", "-e", ddl, "-e",
                                  "INSERT INTO readings VALUES ('DEV-P001', NULL, 'no pressure yet', NULL), "
                                  "('DEV-P003', NULL, NULL, TIMESTAMP '2024-01-31 10:00:00')",
                                  "-e", "INSERT INTO readings (note, device) VALUES (NULL, 'DEV-P004')"});
  ASSERT_EQ(wrote.exit_code, 0) << wrote.err;
  ProcessResult read = careflow({"sql", "--bounded", "-e", ddl, "-e", "SELECT * FROM readings"});
  ASSERT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(read.out,
            "+I[DEV-P001, NULL, no pressure yet, NULL]\n"
            "+I[DEV-P003, NULL, NULL, 2024-01-31 10:00:00.000]\n"
            "+I[DEV-P004, NULL, NULL, NULL]\n");
}

// docs/configuration.md: an empty schema_registry.url means the built-in registry. Offline, that is
// the data dir's, where `careflow up` keeps it: Confluent Cloud's Avro tables write and read there.
TEST_F(SqlCliTest, OfflineAvroRegistryTablesUseTheDataDirsRegistry) {
  const std::string ddl = "CREATE TABLE a (x INT, s STRING) WITH ('value.format' = 'avro-registry');";
  ProcessResult wrote = careflow({"sql", "-e", ddl, "-e", "INSERT INTO a VALUES (1, 'one'), (2, CAST(NULL AS STRING))", "--bounded"});
  ASSERT_EQ(wrote.exit_code, 0) << wrote.err;
  ProcessResult read = careflow({"sql", "-e", ddl, "-e", "SELECT * FROM a", "--bounded"});
  ASSERT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(read.out, "+I[1, one]\n+I[2, NULL]\n");
  // The records are Confluent's wire format with a schema of the data dir's registry, in careflow's context.
  ProcessResult consumed = careflow({"topic", "consume", "a", "--format", "avro"});
  ASSERT_EQ(consumed.exit_code, 0) << consumed.err;
  EXPECT_NE(consumed.out.find("\"x\""), std::string::npos) << consumed.out;
  EXPECT_TRUE(fs::exists(dir_ / "var" / "registry")) << "the registry lives in the data dir";
}

// Confluent Cloud's $rowtime (issue 23): a hidden system column of topic tables that reads the
// record's timestamp; not in SELECT *, listed by DESCRIBE EXTENDED only. Real Flink has none.
TEST_F(SqlCliTest, RowtimeIsTheRecordTimestampAndHiddenFromSelectStar) {
  const std::string ddl = "CREATE TABLE t (a INT) WITH ('format' = 'json')";
  ASSERT_EQ(careflow({"sql", "-e", ddl, "-e", "INSERT INTO t VALUES (1)", "--bounded"}).exit_code, 0);
  ProcessResult run = careflow({"sql", "-e", ddl, "-e", "SELECT * FROM t", "-e",
                                "SELECT a, `$rowtime` > TIMESTAMP_LTZ '2020-01-01 00:00:00' AS stamped FROM t",
                                "-e", "DESCRIBE t", "-e", "DESCRIBE EXTENDED t", "--bounded"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("+I[1]\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("+I[1, TRUE]\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("| $rowtime | TIMESTAMP_LTZ(3) | FALSE |     | METADATA VIRTUAL, SYSTEM |"), std::string::npos)
      << run.out;
  EXPECT_EQ(run.out.find("$rowtime"), run.out.rfind("$rowtime")) << "only DESCRIBE EXTENDED lists it:\n" << run.out;
}

}  // namespace
}  // namespace careflow::testing
