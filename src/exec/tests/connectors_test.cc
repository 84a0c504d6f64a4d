// Connectors and formats found by identifier in their registries: the filesystem connector reads
// lines through the table's registered format (json, csv or a changelog JSON format), a read-only connector refuses an
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

// Canal / Maxwell / OGG events read as their changelog (tests/sql/formats/filesystem_cdc_json.test
// checks the same on Flink); here what Flink's readers refuse: an unknown type is an error naming
// it, an OGG update without its "before" image one naming the replica identity, and
// '<format>.ignore-parse-errors' skips both and reads the rest.
TEST_F(ConnectorsTest, CanalMaxwellAndOggEventsThatCannotBeReadAreErrorsUnlessIgnored) {
  struct Case {
    const char* format;
    std::string lines;
    const char* error;
  };
  const std::vector<Case> cases = {
      {"canal-json",
       "{\"data\":[{\"id\":\"1\"}],\"type\":\"ALTER\"}\n{\"data\":[{\"id\":\"2\"}],\"type\":\"INSERT\"}\n",
       "Unknown \"type\" value \"ALTER\" in a canal-json event"},
      {"canal-json", "{\"data\":[{\"id\":\"1\"}],\"old\":[],\"type\":\"UPDATE\"}\n{\"data\":[{\"id\":2}],\"type\":\"INSERT\"}\n",
       "an UPDATE's \"old\" is not an array with an element per row"},
      {"maxwell-json", "{\"type\":\"bootstrap-start\",\"data\":{}}\n{\"type\":\"insert\",\"data\":{\"id\":2}}\n",
       "Unknown \"type\" value \"bootstrap-start\" in a maxwell-json event"},
      {"ogg-json", "{\"op_type\":\"U\",\"after\":{\"id\":1}}\n{\"op_type\":\"I\",\"after\":{\"id\":2}}\n",
       "the \"before\" field of UPDATE message is null"},
      {"ogg-json", "[1, 2]\n{\"op_type\":\"I\",\"after\":{\"id\":2}}\n", "ogg-json: the record is not a JSON object"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.lines);
    std::string events = write_file("events.json", c.lines);
    auto table = [&](const std::string& name, const std::string& extra) {
      return "CREATE TABLE " + name + " (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '" + events +
             "', 'format' = '" + c.format + "'" + extra + ")";
    };
    ASSERT_TRUE(session_.execute_script(table("strict", "")).is_ok());
    ASSERT_TRUE(session_.execute_script(table("lenient", std::string(", '") + c.format + ".ignore-parse-errors' = 'true'")).is_ok());
    auto strict = select("SELECT * FROM strict");
    ASSERT_FALSE(strict.is_ok());
    EXPECT_NE(strict.status().message().find(c.error), std::string::npos) << strict.status().message();
    auto lenient = select("SELECT * FROM lenient");
    ASSERT_TRUE(lenient.is_ok()) << lenient.status().to_string();
    EXPECT_EQ(*lenient, (std::vector<std::string>{"+I[2]"}));
    ASSERT_TRUE(session_.execute_script("DROP TABLE strict; DROP TABLE lenient").is_ok());
  }
  std::string events = write_file("canal.json", "{}\n");
  auto bad_filter = session_.execute_script("CREATE TABLE c (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '" + events +
                                            "', 'format' = 'canal-json', 'canal-json.table.include' = 'prod[')");
  ASSERT_TRUE(bad_filter.is_ok());  // options are read when a statement uses the table
  auto used = select("SELECT * FROM c");
  ASSERT_FALSE(used.is_ok());
  EXPECT_NE(used.status().message().find("'canal-json.table.include' is not a regular expression"), std::string::npos)
      << used.status().message();
}

// With 'changelog.mode' = 'append' (Confluent Cloud's reading of a CDC table as its history) every
// image is a +I: an update's after image, a delete's before image, as for the Debezium formats.
TEST_F(ConnectorsTest, ChangelogJsonFormatsInAppendModeGiveEveryImageAsAnInsert) {
  std::string events = write_file(
      "maxwell.json",
      "{\"type\":\"insert\",\"data\":{\"id\":1,\"w\":5}}\n"
      "{\"type\":\"update\",\"data\":{\"id\":1,\"w\":6},\"old\":{\"w\":5}}\n"
      "{\"type\":\"delete\",\"data\":{\"id\":1,\"w\":6}}\n");
  ASSERT_TRUE(session_.execute_script("CREATE TABLE h (id BIGINT, w INT) WITH ('connector' = 'filesystem', 'path' = '" + events +
                                      "', 'format' = 'maxwell-json', 'changelog.mode' = 'append')")
                  .is_ok());
  auto rows = select("SELECT * FROM h");
  ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
  EXPECT_EQ(*rows, (std::vector<std::string>{"+I[1, 5]", "+I[1, 6]", "+I[1, 6]"}));
}

// Written as Flink's serializers write them: +I and +U as an insert of the row, -U and -D as a
// delete of it; each record reads back as that insert or delete.
TEST_F(ConnectorsTest, CanalMaxwellAndOggWriteInsertsAndDeletesAsFlinkDoes) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> expected = {
      {"canal-json", {R"({"data":[{"id":1,"s":"a"}],"type":"INSERT"})", R"({"data":[{"id":1,"s":"a"}],"type":"DELETE"})"}},
      {"maxwell-json", {R"({"data":{"id":1,"s":"a"},"type":"insert"})", R"({"data":{"id":1,"s":"a"},"type":"delete"})"}},
      {"ogg-json",
       {R"({"before":null,"after":{"id":1,"s":"a"},"op_type":"I"})", R"({"before":{"id":1,"s":"a"},"after":null,"op_type":"D"})"}},
  };
  for (const auto& [format, records] : expected) {
    SCOPED_TRACE(format);
    const std::string name = "out_" + format.substr(0, format.find('-'));
    ASSERT_TRUE(session_.execute_script("CREATE TABLE " + name + " (id BIGINT, s STRING) WITH ('format' = '" + format + "')").is_ok());
    const sql::TableDef* table = session_.catalog().table(name);
    ASSERT_NE(table, nullptr);
    auto made = make_record_format(*table);
    ASSERT_TRUE(made.is_ok()) << made.status().to_string();
    for (RowKind kind : {RowKind::kInsert, RowKind::kUpdateBefore, RowKind::kUpdateAfter, RowKind::kDelete}) {
      std::vector<log::Record> written;
      ASSERT_TRUE((*made)->encode(Row{kind, {values::Value::integer(1), values::Value::string("a")}}, &written).is_ok());
      ASSERT_EQ(written.size(), 1u);
      const bool insert = is_accumulate(kind);
      EXPECT_EQ(*written[0].value, records[insert ? 0 : 1]);
      RowBatch read;
      ASSERT_TRUE((*made)->decode(written[0], &read).is_ok());
      ASSERT_EQ(read.size(), 1u);
      EXPECT_EQ(read[0].kind, insert ? RowKind::kInsert : RowKind::kDelete);
    }
  }
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
