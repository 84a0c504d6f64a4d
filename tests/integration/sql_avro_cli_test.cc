// `careflow sql` with Avro tables against a real Schema Registry over real HTTP: careflow's
// registry served by its HTTP server in this process, the careflow binary as a child process
// writing 'avro-confluent' and 'avro-registry' tables and reading them back.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "http/http_server.h"
#include "http/tests/http_client.h"
#include "registry/registry.h"
#include "registry/registry_routes.h"
#include "tests/integration/run_process.h"

namespace careflow::testing {
namespace {

namespace fs = std::filesystem;

class SqlAvroCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("careflow-sql-avro-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto reg = registry::SchemaRegistry::open((dir_ / "registry").string());
    ASSERT_TRUE(reg.is_ok()) << reg.status().to_string();
    registry_ = std::move(reg).value();
    router_ = std::make_unique<http::Router>();
    registry::add_registry_routes(*router_, *registry_);
    http::HttpServerOptions options;
    options.port = 0;
    server_ = std::make_unique<http::HttpServer>(options, *router_);
    ASSERT_TRUE(server_->start().is_ok());
    url_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  void TearDown() override {
    server_->stop();
    server_.reset();
    router_.reset();
    registry_.reset();
    fs::remove_all(dir_);
  }

  ProcessResult careflow(std::vector<std::string> args) {
    args.insert(args.begin(), {"--data-dir", (dir_ / "var").string()});
    return run_process(CAREFLOW_BINARY, args);
  }
  http::testing::Reply get(const std::string& target) { return http::testing::call(server_->port(), "GET", target); }

  fs::path dir_;
  std::unique_ptr<registry::SchemaRegistry> registry_;
  std::unique_ptr<http::Router> router_;
  std::unique_ptr<http::HttpServer> server_;
  std::string url_;
};

TEST_F(SqlAvroCliTest, AvroConfluentTableWritesThroughTheRegistryAndReadsBack) {
  std::string ddl = "CREATE TABLE device_metrics (device_id STRING NOT NULL, metric_name STRING, metric_value DOUBLE, "
                    "ts TIMESTAMP(3)) WITH ('connector' = 'kafka', 'topic' = 'hc_raw_device_metrics', "
                    "'value.format' = 'avro-confluent', 'value.avro-confluent.url' = '" + url_ + "')";
  ProcessResult write = careflow({"sql", "--bounded", "-e", ddl, "-e",
                                  "INSERT INTO device_metrics VALUES ('DEV-P001', 'Pressure', 120.5, TIMESTAMP '2026-12-02 10:00:00.123'), "
                                  "('DEV-P002', CAST(NULL AS STRING), CAST(NULL AS DOUBLE), CAST(NULL AS TIMESTAMP(3)))"});
  ASSERT_EQ(write.exit_code, 0) << write.err;
  // The subject Flink derives, holding the schema Flink's AvroSchemaConverter derives.
  auto registered = get("/subjects/hc_raw_device_metrics-value/versions/latest");
  ASSERT_EQ(registered.status, 200) << registered.body;
  EXPECT_EQ(registered.json()["schema"].get<std::string>(),
            R"({"type":"record","name":"record","namespace":"org.apache.flink.avro.generated","fields":[)"
            R"({"name":"device_id","type":"string"},)"
            R"({"name":"metric_name","type":["null","string"],"default":null},)"
            R"({"name":"metric_value","type":["null","double"],"default":null},)"
            R"({"name":"ts","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null}]})");
  ProcessResult read = careflow({"sql", "--bounded", "-e", ddl, "-e", "SELECT * FROM device_metrics"});
  ASSERT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(read.out, "+I[DEV-P001, Pressure, 120.5, 2026-12-02 10:00:00.123]\n+I[DEV-P002, NULL, NULL, NULL]\n");
  // The records are Confluent's wire format: a JSON consumer sees bytes starting with magic 0.
  ProcessResult consumed = careflow({"topic", "consume", "hc_raw_device_metrics", "--from-beginning", "--format", "json"});
  ASSERT_EQ(consumed.exit_code, 0) << consumed.err;
  EXPECT_NE(consumed.err.find("consumed 2 records"), std::string::npos) << consumed.err;
}

TEST_F(SqlAvroCliTest, AvroRegistryUsesTheConfiguredRegistryAndContext) {
  std::string ddl = "CREATE TABLE hc_src_alerts (alert_id STRING NOT NULL, severity INT, PRIMARY KEY (alert_id) NOT ENFORCED) "
                    "WITH ('value.format' = 'avro-registry')";
  std::vector<std::string> settings = {"--set", "schema_registry.url=" + url_, "--set", "schema_registry.context=.flink-dev"};
  auto with = [&](std::vector<std::string> args) {
    std::vector<std::string> all = settings;
    all.insert(all.end(), args.begin(), args.end());
    return careflow(all);
  };
  ProcessResult write = with({"sql", "--bounded", "-e", ddl, "-e", "INSERT INTO hc_src_alerts VALUES ('A1', 2), ('A2', 3)"});
  ASSERT_EQ(write.exit_code, 0) << write.err;
  // Confluent Cloud's default key format is avro-registry too: both subjects, in the context.
  EXPECT_EQ(get("/subjects/:.flink-dev:hc_src_alerts-value/versions/latest").status, 200);
  EXPECT_EQ(get("/subjects/:.flink-dev:hc_src_alerts-key/versions/latest").status, 200);
  ProcessResult read = with({"sql", "--bounded", "-e", ddl, "-e", "SELECT alert_id, severity FROM hc_src_alerts"});
  ASSERT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(read.out, "+I[A1, 2]\n+I[A2, 3]\n");
  // Without schema_registry.url the session uses the data dir's registry (docs/configuration.md), which
  // does not hold these records' schemas: the error names the table, the record and the schema id.
  ProcessResult none = careflow({"sql", "--bounded", "-e", ddl, "-e", "SELECT * FROM hc_src_alerts"});
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.err.find("reading table 'hc_src_alerts'"), std::string::npos) << none.err;
  EXPECT_NE(none.err.find("record at offset 0: value: schema id"), std::string::npos) << none.err;
  EXPECT_NE(none.err.find("not found"), std::string::npos) << none.err;
}

TEST_F(SqlAvroCliTest, DebeziumAvroConfluentCarriesAnUpdatingQuery) {
  std::string ddl = "CREATE TABLE device_counts (device_id STRING NOT NULL, n BIGINT NOT NULL) WITH ('connector' = 'kafka', "
                    "'value.format' = 'debezium-avro-confluent', 'value.debezium-avro-confluent.url' = '" + url_ + "')";
  ProcessResult write = careflow({"sql", "--bounded", "-e", ddl, "-e",
                                  "INSERT INTO device_counts SELECT device_id, COUNT(*) FROM (VALUES ('DEV-1'), ('DEV-1'), ('DEV-2')) "
                                  "AS t(device_id) GROUP BY device_id"});
  ASSERT_EQ(write.exit_code, 0) << write.err;
  // As Flink writes it: +I and +U as "c" envelopes, -U as "d"; read back as +I and -D.
  ProcessResult read = careflow({"sql", "--bounded", "-e", ddl, "-e", "SELECT * FROM device_counts"});
  ASSERT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(read.out, "+I[DEV-1, 1]\n-D[DEV-1, 1]\n+I[DEV-1, 2]\n+I[DEV-2, 1]\n");
  auto registered = get("/subjects/device_counts-value/versions/latest");
  ASSERT_EQ(registered.status, 200) << registered.body;
  EXPECT_EQ(registered.json()["schema"].get<std::string>().substr(0, 52), R"(["null",{"type":"record","name":"record","namespace")");
}

TEST_F(SqlAvroCliTest, ARecordThatIsNotConfluentAvroFailsTheJobNamingWhereItIs) {
  ASSERT_EQ(careflow({"topic", "create", "hc_raw_bad"}).exit_code, 0);
  ProcessResult produced = run_process(CAREFLOW_BINARY, {"--data-dir", (dir_ / "var").string(), "topic", "produce", "hc_raw_bad",
                                                         "--format", "value"}, "{\"device_id\":\"DEV-1\"}\n");
  ASSERT_EQ(produced.exit_code, 0) << produced.err;
  ProcessResult read = careflow({"sql", "--bounded", "-e",
                                 "CREATE TABLE bad (device_id STRING) WITH ('connector' = 'kafka', 'topic' = 'hc_raw_bad', "
                                 "'format' = 'avro-confluent', 'avro-confluent.url' = '" + url_ + "')",
                                 "-e", "SELECT * FROM bad"});
  EXPECT_EQ(read.exit_code, 1);
  EXPECT_NE(read.err.find("reading table 'bad' from topic 'hc_raw_bad' partition 0: record at offset 0: value:"), std::string::npos)
      << read.err;
  EXPECT_NE(read.err.find("magic byte"), std::string::npos) << read.err;
}

TEST_F(SqlAvroCliTest, AJsonPipelineNeedsNoRegistry) {
  ProcessResult run = careflow({"sql", "--bounded", "-e", "CREATE TABLE j (a INT) WITH ('format' = 'json')", "-e",
                                "INSERT INTO j VALUES (1)"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
}

}  // namespace
}  // namespace careflow::testing
