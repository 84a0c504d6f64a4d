// Connectors and formats found by identifier in their registries: the filesystem connector reads
// lines through the table's registered format (json, csv or debezium-json), a read-only connector refuses an
// INSERT naming the writable ones, and CREATE TABLE lists the registered connectors and formats.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "exec/connectors/connector.h"
#include "exec/connectors/job_runner.h"
#include "exec/formats/record_format.h"
#include "exec/session.h"

namespace careflow::exec {
namespace {

class ConnectorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("careflow-connectors-" + std::to_string(getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write_file(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  // The changelog of a SELECT over the session's tables, run bounded without a log.
  Result<std::vector<std::string>> select(const std::string& sql) {
    CF_ASSIGN_OR_RETURN(std::vector<StatementResult> results, session_.execute_script(sql));
    std::vector<std::string> rows;
    RunOptions options;
    options.bounded = true;
    options.on_rows = [&](size_t, const RowBatch& batch, const std::vector<values::DataType>& types) {
      for (const Row& r : batch) rows.push_back(format_row(r, types));
    };
    CF_RETURN_IF_ERROR(run_jobs({results.back().job.get()}, nullptr, options).status());
    return rows;
  }

  std::filesystem::path dir_;
  Session session_;
};

TEST_F(ConnectorsTest, FilesystemReadsJsonAndCsvLinesThroughTheRegisteredFormats) {
  std::string json = write_file("readings.json", "{\"device\":\"DEV-P001\",\"pressure\":1.5}\n\n{\"device\":\"DEV-P002\"}\n");
  std::string csv = write_file("readings.csv", "DEV-P003,2.5\n\"DEV,P004\",\n");
  auto created = session_.execute_script(
      "CREATE TABLE j (device STRING, pressure DOUBLE) WITH ('connector' = 'filesystem', 'path' = '" + json +
      "', 'format' = 'json');"
      "CREATE TABLE c (device STRING, pressure DOUBLE) WITH ('connector' = 'filesystem', 'path' = '" + csv +
      "', 'format' = 'csv')");
  ASSERT_TRUE(created.is_ok()) << created.status().to_string();
  auto from_json = select("SELECT * FROM j");
  ASSERT_TRUE(from_json.is_ok()) << from_json.status().to_string();
  EXPECT_EQ(*from_json, (std::vector<std::string>{"+I[DEV-P001, 1.5]", "+I[DEV-P002, NULL]"}));
  auto from_csv = select("SELECT * FROM c");
  ASSERT_TRUE(from_csv.is_ok()) << from_csv.status().to_string();
  EXPECT_EQ(*from_csv, (std::vector<std::string>{"+I[DEV-P003, 2.5]", "+I['DEV,P004', NULL]"}));
}

TEST_F(ConnectorsTest, FilesystemReadsDebeziumJsonEventsAsTheirChangelog) {
  std::string events = write_file(
      "products.json",
      "{\"before\":null,\"after\":{\"id\":1,\"w\":5.18},\"op\":\"c\"}\n"
      "{\"before\":{\"id\":1,\"w\":5.18},\"after\":{\"id\":1,\"w\":5.15},\"op\":\"u\"}\n"
      "{\"before\":{\"id\":1,\"w\":5.15},\"after\":null,\"op\":\"d\"}\n");
  ASSERT_TRUE(session_.execute_script("CREATE TABLE p (id BIGINT, w DOUBLE) WITH ('connector' = 'filesystem', 'path' = '" +
                                      events + "', 'format' = 'debezium-json')")
                  .is_ok());
  auto rows = select("SELECT * FROM p");
  ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
  EXPECT_EQ(*rows, (std::vector<std::string>{"+I[1, 5.18]", "-U[1, 5.18]", "+U[1, 5.15]", "-D[1, 5.15]"}));
}

TEST_F(ConnectorsTest, FlinksOtherChangelogFormatsAreRefusedAsNotYetSupported) {
  std::string events = write_file("canal.json", "{}\n");
  for (const char* f : {"canal-json", "maxwell-json", "ogg-json"}) {
    auto created = session_.execute_script("CREATE TABLE c (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '" +
                                           events + "', 'format' = '" + f + "')");
    ASSERT_FALSE(created.is_ok()) << f;
    EXPECT_NE(created.status().message().find(std::string("table 'c': not supported yet: the format '") + f + "'"),
              std::string::npos)
        << created.status().message();
  }
  auto unknown = session_.execute_script("CREATE TABLE c (id BIGINT) WITH ('format' = 'protobufz')");
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_NE(unknown.status().message().find("unknown format 'protobufz'"), std::string::npos) << unknown.status().message();
}

TEST_F(ConnectorsTest, UpsertKafkaRefusesAChangelogValueFormatAsFlinkDoes) {
  auto r = session_.execute_script(
      "CREATE TABLE u (id INT, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'key.format' = "
      "'json', 'value.format' = 'debezium-json')");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  auto rows = select("SELECT * FROM u");
  ASSERT_FALSE(rows.is_ok());
  EXPECT_NE(rows.status().message().find("'upsert-kafka' connector doesn't support 'debezium-json' as value format, "
                                         "because 'debezium-json' is not in insert-only mode"),
            std::string::npos)
      << rows.status().message();
}

TEST_F(ConnectorsTest, ABadLineNamesTheFileAndLine) {
  std::string json = write_file("bad.json", "{\"device\":\"DEV-P001\"}\nnot json\n");
  ASSERT_TRUE(session_.execute_script("CREATE TABLE j (device STRING) WITH ('connector' = 'filesystem', 'path' = '" + json +
                                      "', 'format' = 'json')")
                  .is_ok());
  auto rows = select("SELECT * FROM j");
  ASSERT_FALSE(rows.is_ok());
  EXPECT_NE(rows.status().message().find(json + ":2: "), std::string::npos) << rows.status().message();
  EXPECT_NE(rows.status().message().find("value is not JSON: not json"), std::string::npos) << rows.status().message();
}

TEST_F(ConnectorsTest, AReadOnlyConnectorRefusesAnInsertNamingTheWritableOnes) {
  auto r = session_.execute_script(
      "CREATE TABLE gen (n INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');"
      "CREATE TABLE out_file (n INT) WITH ('connector' = 'filesystem', 'path' = '" + dir_.string() + "', 'format' = 'csv');"
      "INSERT INTO out_file SELECT n FROM gen");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  RunOptions options;
  options.bounded = true;
  auto ran = run_jobs({r->back().job.get()}, nullptr, options);
  ASSERT_FALSE(ran.is_ok());
  EXPECT_NE(ran.status().message().find("writing to the 'filesystem' connector is not supported; careflow writes 'iceberg', "
                                        "'kafka' and 'upsert-kafka'"),
            std::string::npos)
      << ran.status().message();
}

TEST_F(ConnectorsTest, CreateTableListsTheRegisteredConnectorsAndFormats) {
  auto bad_connector = session_.execute_script("CREATE TABLE t (a INT) WITH ('connector' = 'hbase-2.2')");
  ASSERT_FALSE(bad_connector.is_ok());
  EXPECT_NE(bad_connector.status().message().find("careflow runs 'datagen', 'filesystem', 'iceberg', 'jdbc', 'kafka' and 'upsert-kafka'"),
            std::string::npos)
      << bad_connector.status().message();
  auto bad_key = session_.execute_script("CREATE TABLE t (a INT) WITH ('key.format' = 'debezium-json')");
  ASSERT_FALSE(bad_key.is_ok());
  EXPECT_NE(bad_key.status().message().find("unknown key.format 'debezium-json'; careflow reads 'avro'"), std::string::npos)
      << bad_key.status().message();
  for (const char* f : {"json", "csv", "raw", "debezium-json", "avro", "avro-confluent", "avro-registry",
                        "debezium-avro-confluent", "debezium-avro-registry"}) {
    EXPECT_NE(FormatRegistry::global().find(f), nullptr) << f;
  }
}

}  // namespace
}  // namespace careflow::exec
