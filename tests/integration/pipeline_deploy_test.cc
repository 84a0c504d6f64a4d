// `careflow pipeline deploy --target flink|confluent` (docs/deploy.md): the statements as another
// Flink gets them. --dry-run prints them (the options Apache Flink needs added, the ML statements
// skipped; for Confluent Cloud no connector options, no lake tables); --gateway submits them to a
// Flink SQL Gateway: here a real `careflow up`'s own (it serves Flink's REST API), whose catalog
// then holds the tables and whose GET /jobs lists a RUNNING job per pipeline, named after its table.
// A statement the gateway refuses stops the deploy with the gateway's message and the file; the
// statements after it are not sent. Bad flags are usage errors naming the flag.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/integration/run_process.h"
#include "tests/integration/up_process_test.h"

namespace careflow {
namespace {

namespace fs = std::filesystem;
using careflow::testing::ProcessResult;
using careflow::testing::read_file;

constexpr const char* kToken = "deploy-test-token";

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The statement of `file` in a dry-run script: the text after its "-- file:" line up to the next one.
std::string section_of(const std::string& script, const std::string& file_suffix) {
  const size_t header = script.find(file_suffix + "\n");
  if (header == std::string::npos) return "";
  const size_t begin = script.find('\n', header) + 1;
  const size_t end = script.find("\n-- file: ", begin);
  return script.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

class PipelineDeployTest : public careflow::testing::UpProcessTest {
 protected:
  PipelineDeployTest() : UpProcessTest("pipeline-deploy-", kToken) {}
  std::string pipelines() const { return std::string(CAREFLOW_SOURCE_DIR) + "/pipelines"; }
  // The tables with a DML under `root` that Apache Flink runs (kRuns) and the ones calling an ML
  // function (kMl).
  enum class Dml { kRuns, kMl };
  static std::vector<std::string> dml_tables(const std::string& root, Dml kind) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      const std::string name = e.path().filename().string();
      if (!name.starts_with("dml.")) continue;
      const std::string text = read_file(e.path().string());
      const Dml is = text.find("ML_DETECT_ANOMALIES(") != std::string::npos ? Dml::kMl : Dml::kRuns;
      if (is == kind) out.push_back(name.substr(4, name.size() - 8));
    }
    return out;
  }
};

TEST_F(PipelineDeployTest, FlinkDryRunAddsTheOptionsFlinkNeedsAndSkipsTheMlStatements) {
  ProcessResult r = careflow({"pipeline", "deploy", "--target", "flink", "--dry-run", "--bootstrap-servers", "kafka-1:9092",
                              "--schema-registry-url", "http://registry:8081", "--warehouse", "file:///lake/wh", pipelines()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string& s = r.out;
  EXPECT_EQ(s.find("-- careflow pipeline deploy --target flink"), 0u) << s;
  EXPECT_NE(s.find("\nSET 'table.local-time-zone' = 'UTC';\n"), std::string::npos) << s;

  // A kafka table with avro-confluent values and its own startup mode: servers and registry added.
  const std::string metrics = section_of(s, "ddl.hc_raw_device_metrics.sql");
  EXPECT_NE(metrics.find("'properties.bootstrap.servers' = 'kafka-1:9092'"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("'value.avro-confluent.url' = 'http://registry:8081'"), std::string::npos) << metrics;
  EXPECT_EQ(count_of(metrics, "'scan.startup.mode'"), 1u) << metrics;  // the file's own, not added twice
  EXPECT_NE(metrics.find("WATERMARK FOR event_time"), std::string::npos) << metrics;  // the rest as written
  // A Debezium table gets the debezium format's URL; an upsert-kafka table both key and value URLs
  // and no startup mode (upsert-kafka has none).
  const std::string cdc = section_of(s, "ddl.healthcare.public.prescriptions.sql");
  EXPECT_NE(cdc.find("'value.debezium-avro-confluent.url' = 'http://registry:8081'"), std::string::npos) << cdc;
  const std::string upsert = section_of(s, "ddl.hc_src_patients.sql");
  EXPECT_NE(upsert.find("'connector' = 'upsert-kafka'"), std::string::npos) << upsert;
  EXPECT_NE(upsert.find("'key.avro-confluent.url' = 'http://registry:8081'"), std::string::npos) << upsert;
  EXPECT_NE(upsert.find("'value.avro-confluent.url' = 'http://registry:8081'"), std::string::npos) << upsert;
  EXPECT_EQ(upsert.find("scan.startup.mode"), std::string::npos) << upsert;
  // An Iceberg lake table: a hadoop catalog in the warehouse given.
  const std::string lake = section_of(s, "ddl.hc_lake_drift_events.sql");
  EXPECT_NE(lake.find("'catalog-type' = 'hadoop'"), std::string::npos) << lake;
  EXPECT_NE(lake.find("'warehouse' = 'file:///lake/wh'"), std::string::npos) << lake;

  // careflow up's order: every DDL before the first DML; the view after the versions it reads.
  EXPECT_EQ(s.find("-- file: " + pipelines() + "/raw/"), s.find("-- file: ")) << "a raw table comes first";
  const size_t last_ddl = s.rfind("/sql-scripts/ddl.");
  const size_t first_insert = s.find("/sql-scripts/dml.");
  EXPECT_LT(last_ddl, first_insert);
  EXPECT_LT(s.find("ddl.hc_src_prescription_versions.sql"), s.find("ddl.hc_src_readings_checked.sql"));
  // Every DML but the ML one, each after the SET naming its job.
  for (const std::string& t : dml_tables(pipelines(), Dml::kRuns)) {
    const std::string dml = section_of(s, fmt::format("dml.{}.sql", t));
    EXPECT_EQ(dml.find(fmt::format("SET 'pipeline.name' = '{}';\n", t)), 0u) << t << "\n" << dml;
    EXPECT_NE(dml.find("INSERT INTO"), std::string::npos) << t << "\n" << dml;
  }
  // The CDC topics read as their history: plain kafka tables of the Debezium envelope in
  // avro-confluent, sent with the registry's URL; the DML reading them too.
  for (const char* table : {"hc_raw_prescription_history", "hc_raw_device_history"}) {
    const std::string ddl = section_of(s, fmt::format("ddl.{}.sql", table));
    EXPECT_EQ(ddl.find("-- skipped"), std::string::npos) << table << "\n" << ddl;
    EXPECT_NE(ddl.find("'value.avro-confluent.url' = 'http://registry:8081'"), std::string::npos) << table << "\n" << ddl;
  }
  for (const char* t : {"hc_lake_prescription_changes", "hc_lake_device_first_seen"}) {
    EXPECT_EQ(section_of(s, fmt::format("dml.{}.sql", t)).find(fmt::format("SET 'pipeline.name' = '{}';\n", t)), 0u) << t;
  }
  const std::vector<std::string> ml = dml_tables(pipelines(), Dml::kMl);
  ASSERT_FALSE(ml.empty());
  for (const std::string& t : ml) {
    const std::string dml = section_of(s, fmt::format("dml.{}.sql", t));
    EXPECT_EQ(dml, "-- skipped: calls ML_DETECT_ANOMALIES, a Confluent Cloud function Apache Flink does not have "
                   "(--include-ml sends it)\n") << t;
  }
  // --include-ml sends them too.
  ProcessResult with_ml = careflow({"pipeline", "deploy", "--target", "flink", "--dry-run", "--include-ml", pipelines()});
  ASSERT_EQ(with_ml.exit_code, 0) << with_ml.err;
  EXPECT_NE(section_of(with_ml.out, fmt::format("dml.{}.sql", ml[0])).find("ML_DETECT_ANOMALIES("), std::string::npos);
  // Defaults: localhost's Kafka and registry, earliest offsets, up's warehouse under the data dir.
  EXPECT_NE(with_ml.out.find("'properties.bootstrap.servers' = 'localhost:9092'"), std::string::npos);
  EXPECT_NE(with_ml.out.find("'value.avro-confluent.url' = 'http://localhost:8081'"), std::string::npos);
  EXPECT_NE(with_ml.out.find(fmt::format("'warehouse' = 'file://{}'", (fs::absolute(dir_ / "var") / "warehouse").string())),
            std::string::npos);
}

TEST_F(PipelineDeployTest, ConfluentDryRunKeepsNoConnectorOptionsAndLeavesTheLakeToTableflow) {
  ProcessResult r = careflow({"pipeline", "deploy", "--target", "confluent", "--dry-run", pipelines()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string& s = r.out;
  for (const char* gone : {"'connector' =", "'topic' =", "= 'avro-confluent'", "avro-confluent.url", "properties.bootstrap.servers",
                           "table.local-time-zone"}) {
    EXPECT_EQ(s.find(gone), std::string::npos) << gone << "\n" << s;
  }
  const std::string cdc = section_of(s, "ddl.healthcare.public.prescriptions.sql");
  EXPECT_NE(cdc.find("'value.format' = 'avro-debezium-registry'"), std::string::npos) << cdc;
  EXPECT_NE(cdc.find("'changelog.mode' = 'retract'"), std::string::npos) << cdc;
  EXPECT_NE(cdc.find("'scan.startup.mode' = 'earliest-offset'"), std::string::npos) << cdc;
  const std::string upsert = section_of(s, "ddl.hc_src_patients.sql");
  EXPECT_NE(upsert.find("'changelog.mode' = 'upsert'"), std::string::npos) << upsert;
  // A fact table whose options were all Apache Flink's: no WITH at all.
  const std::string drift = section_of(s, "ddl.hc_fct_drift_events.sql");
  EXPECT_EQ(drift.find("WITH ("), std::string::npos) << drift;
  EXPECT_NE(drift.find("  message STRING\n);\n"), std::string::npos) << drift;  // the statement ends after the columns
  EXPECT_EQ(section_of(s, "ddl.hc_lake_drift_events.sql").rfind("-- skipped: a lake table", 0), 0u) << s;
  EXPECT_EQ(section_of(s, "dml.hc_lake_drift_events.sql").rfind("-- skipped: ", 0), 0u) << s;
  // ML_DETECT_ANOMALIES is Confluent Cloud's own: sent, named like every job.
  const std::string anomaly = section_of(s, "dml.hc_fct_dev_anomaly.sql");
  EXPECT_EQ(anomaly.find("SET 'client.statement-name' = 'careflow-dml-hc-fct-dev-anomaly';"), 0u) << anomaly;
  EXPECT_NE(anomaly.find("ML_DETECT_ANOMALIES("), std::string::npos) << anomaly;

  ProcessResult cli = careflow({"pipeline", "deploy", "--target", "confluent", "--confluent-cli", pipelines()});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(cli.out.find("#!/usr/bin/env bash\n"), 0u);
  EXPECT_NE(cli.out.find("confluent flink statement create careflow-dml-hc-fct-drift-events --compute-pool "
                         "\"$CONFLUENT_COMPUTE_POOL\" --database \"$CONFLUENT_DATABASE\" --wait --sql 'INSERT INTO"),
            std::string::npos)
      << cli.out;
  // A quote inside a statement survives the shell: the script is valid bash.
  const fs::path script = dir_ / "statements.sh";
  std::ofstream(script) << cli.out;
  ProcessResult syntax = careflow::testing::run_process("/bin/bash", {"-n", script.string()});
  EXPECT_EQ(syntax.exit_code, 0) << syntax.err;
}

TEST_F(PipelineDeployTest, BadFlagsAreUsageErrorsNamingTheFlag) {
  const auto expect_usage = [this](std::vector<std::string> args, const std::string& named) {
    ProcessResult r = careflow(args);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find(named), std::string::npos) << named << ": " << r.err;
  };
  expect_usage({"pipeline", "deploy", "--target", "flink", pipelines()}, "--gateway");
  expect_usage({"pipeline", "deploy", "--target", "spark", "--dry-run"}, "--target 'spark'");
  expect_usage({"pipeline", "deploy", "--target", "confluent", pipelines()}, "--dry-run");
  expect_usage({"pipeline", "deploy", "--target", "confluent", "--dry-run", "--warehouse", "/w"}, "--warehouse");
  expect_usage({"pipeline", "deploy", "--target", "flink", "--gateway", "https://flink:8083", pipelines()}, "--gateway 'https://flink:8083'");
  expect_usage({"pipeline", "deploy", "--target", "flink", "--gateway", "flink:8083", pipelines()}, "--gateway 'flink:8083'");
  expect_usage({"pipeline", "deploy", "--target", "flink", "--dry-run", "--startup-mode", "latest"}, "--startup-mode 'latest'");
  expect_usage({"pipeline", "deploy", "--dry-run"}, "--dry-run needs --target");
  ProcessResult missing = careflow({"pipeline", "deploy", "--target", "flink", "--dry-run", (dir_ / "nowhere").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nowhere"), std::string::npos) << missing.err;
  // A gateway that does not answer: a runtime error naming it.
  ProcessResult down = careflow({"pipeline", "deploy", "--target", "flink", "--gateway",
                                 fmt::format("http://127.0.0.1:{}", store::testing::free_port()), pipelines()});
  EXPECT_EQ(down.exit_code, 1) << down.err;
  EXPECT_NE(down.err.find("the SQL gateway at 127.0.0.1:"), std::string::npos) << down.err;
}

// careflow up serves Flink's SQL Gateway API: the deploy runs there as it would on Apache Flink,
// and its statements become careflow jobs (the registry is up's own, through its Flink context,
// with the API token as the basic-auth password; the lake goes to a folder of the test). One up for
// the whole test: its start (PostgreSQL) is most of the time.
TEST_F(PipelineDeployTest, DeploysThroughCareflowUpsOwnFlinkSqlGatewayTheJobsRunAndARefusalStopsIt) {
  start_up({"simulator.tick_ms=200"});
  const std::string base = fmt::format("http://127.0.0.1:{}", http_port_);
  const std::vector<std::string> flags = {"--target", "flink", "--gateway", base, "--gateway-token", kToken,
                                          "--schema-registry-url", base + "/contexts/.flink-dev",
                                          "--schema-registry-user-info", std::string("careflow:") + kToken,
                                          "--warehouse", "file://" + (dir_ / "wh").string()};
  std::vector<std::string> args = {"pipeline", "deploy"};
  args.insert(args.end(), flags.begin(), flags.end());
  args.push_back(pipelines());
  ProcessResult r = careflow(args);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err << read_file((dir_ / "up.err").string());
  const std::vector<std::string> dml = dml_tables(pipelines(), Dml::kRuns);
  // Skipped: the ML statement alone.
  EXPECT_NE(r.out.find(fmt::format("{} jobs started, 1 skipped", dml.size())), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ok   SET 'table.local-time-zone' = 'UTC'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("skip hc_fct_dev_anomaly"), std::string::npos) << r.out;
  // Each job line carries the Flink JobID the gateway answered (careflow's job-N as 32 hex digits).
  EXPECT_TRUE(std::regex_search(r.out, std::regex("ok   job [0-9a-f]{32} hc_fct_drift_events \\(")) ) << r.out;

  // GET /jobs: one job per pipeline, named after its table, running while the simulator feeds them.
  ASSERT_EQ(call("POST", "/simulation/start", R"({"simulation_type":"all"})").status, 200);
  std::map<std::string, std::string> state;
  for (int i = 0; i < 50; ++i) {
    state.clear();
    const nlohmann::json jobs = call("GET", "/jobs").json();
    for (const nlohmann::json& j : jobs["jobs"]) state[j["name"].get<std::string>()] = j["state"].get<std::string>();
    bool all = true;
    for (const std::string& t : dml) all = all && state[t] == "RUNNING";
    if (all) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  for (const std::string& t : dml) EXPECT_EQ(state[t], "RUNNING") << t;
  EXPECT_EQ(state.count("hc_fct_dev_anomaly"), 0u);
  EXPECT_EQ(state.size(), dml.size());
  // Rows go through the registry URL and credentials deploy added: the captured prescriptions
  // (debezium-avro-confluent) and the simulator's readings (avro-confluent) come out as facts; and
  // every job keeps running (a registry or format mistake fails a job at its first row).
  std::map<std::string, int64_t> rows_out;
  for (int i = 0; i < 150; ++i) {
    const nlohmann::json jobs = call("GET", "/jobs").json();
    for (const nlohmann::json& j : jobs["jobs"]) rows_out[j["name"].get<std::string>()] = j.value("rowsOut", int64_t{0});
    if (rows_out["hc_src_prescriptions"] > 0 && rows_out["hc_fct_telemetry_1h"] > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_GT(rows_out["hc_src_prescriptions"], 0);
  EXPECT_GT(rows_out["hc_fct_telemetry_1h"], 0);
  const nlohmann::json jobs = call("GET", "/jobs").json();
  for (const nlohmann::json& j : jobs["jobs"]) EXPECT_EQ(j["state"], "RUNNING") << j.dump();

  // A statement the gateway refuses stops the deploy with the gateway's message, naming its file;
  // nothing after it is sent. A copy of two tables whose second DML names a column that is not there.
  const fs::path root = dir_ / "pipelines";
  fs::create_directories(root / "raw");
  fs::create_directories(root / "fct");
  fs::copy(pipelines() + "/raw/hc_raw_device_metrics", root / "raw/hc_raw_device_metrics", fs::copy_options::recursive);
  fs::copy(pipelines() + "/fct/hc_fct_telemetry_1h", root / "fct/hc_fct_telemetry_1h", fs::copy_options::recursive);
  const fs::path broken_dml = root / "fct/hc_fct_telemetry_1h/sql-scripts/dml.hc_fct_telemetry_1h.sql";
  std::string text = read_file(broken_dml.string());
  const size_t at = text.find("metric_value");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 12, "metric_valeu");
  std::ofstream(broken_dml) << text;
  ProcessResult broken = careflow({"pipeline", "deploy", "--target", "flink", "--gateway", base, "--gateway-token", kToken,
                                   root.string()});
  EXPECT_EQ(broken.exit_code, 1) << broken.out << broken.err;
  EXPECT_NE(broken.err.find(broken_dml.string() + ": the SQL gateway: "), std::string::npos) << broken.err;
  EXPECT_NE(broken.err.find("metric_valeu"), std::string::npos) << broken.err;  // careflow's own message, line:column
  EXPECT_NE(broken.out.find("FAIL hc_fct_telemetry_1h"), std::string::npos) << broken.out;
  EXPECT_NE(broken.out.find("ok   table hc_raw_device_metrics"), std::string::npos) << broken.out;
  EXPECT_EQ(call("GET", "/jobs").json()["jobs"].size(), dml.size());  // no job more
  // Without the token the gateway refuses the session, saying why.
  ProcessResult denied = careflow({"pipeline", "deploy", "--target", "flink", "--gateway", base, root.string()});
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_NE(denied.err.find("api.token"), std::string::npos) << denied.err;
}

}  // namespace
}  // namespace careflow
