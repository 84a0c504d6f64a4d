// Issue 15 ("Trust"), end to end with the real binary: inputs that crashed careflow or were
// accepted wrongly now get a clear error, and the process lives on.
//   - `careflow sql`: deep nesting in every form is a line:column error; a chain just under the
//     limit runs through the whole engine (parser, planner, evaluator, printer, destructor).
//   - `careflow up`'s REST API and Schema Registry: nesting limits on JSON bodies and Avro schemas,
//     numbers and dates checked where they enter, database errors named by field, a NUL byte
//     after a body refused; a device stored with an out-of-range setting (written straight into
//     PostgreSQL, as rows from before these checks are) is skipped by the simulator, not a crash.
//   - `careflow topic produce/consume`: a value's bytes kept as they are, binary values round trip
//     through --format json.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "http/tests/http_client.h"
#include "store/local_postgres.h"
#include "store/pg_connection.h"
#include "store/tests/test_postgres.h"
#include "tests/integration/run_process.h"

namespace careflow::testing {
namespace {

namespace fs = std::filesystem;
using http::testing::call;

std::string repeat(std::string_view s, int n) {
  std::string out;
  out.reserve(s.size() * n);
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

class LimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = careflow::testing::fresh_test_dir("limits-" + careflow::testing::current_test_name());
  }
  void TearDown() override {
    if (up_.pid > 0 && wait_exit(up_.pid, std::chrono::milliseconds(0)) == -1) {
      kill(up_.pid, SIGKILL);
      wait_exit(up_.pid, std::chrono::seconds(10));
    }
    postgres_.reset();
    fs::remove_all(dir_);
  }

  ProcessResult careflow(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--data-dir", (dir_ / "var").string()});
    return run_process(CAREFLOW_BINARY, args, input);
  }
  std::string write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  // `careflow sql -f` on `sql`; the process must exit on its own (no signal).
  ProcessResult sql(const std::string& text) { return careflow({"sql", "-f", write("q.sql", text)}); }

  // `careflow up` on a PostgreSQL of the test's own, which the test also writes to directly.
  void start_up() {
    store::LocalPostgresOptions options;
    options.dir = (dir_ / "pg").string();
    options.port = store::testing::free_port();
    auto server = store::LocalPostgres::start(options);
    ASSERT_TRUE(server.is_ok()) << server.status().to_string();
    postgres_ = std::move(*server);
    port_ = store::testing::free_port();
    const std::string failed = start_careflow_up(
        CAREFLOW_BINARY,
        {"--data-dir", (dir_ / "var").string(), "--set", "http.port=" + std::to_string(port_), "--set", "simulator.tick_ms=100",
         "--set", "simulator.format=json", "--set", "kafka_listener.port=0", "up"},
        (dir_ / "up.out").string(), (dir_ / "up.err").string(), &up_, {"DATABASE_URL=" + postgres_->url()});
    ASSERT_EQ(failed, "");
  }
  // The process is still serving.
  void expect_alive() {
    ASSERT_EQ(wait_exit(up_.pid, std::chrono::milliseconds(0)), -1) << "careflow up died: " << read_file(up_.err_path);
    EXPECT_EQ(call(port_, "GET", "/health").status, 200);
  }
  // Peak resident memory of careflow up, in MB (VmHWM).
  int64_t peak_rss_mb() {
    std::ifstream status("/proc/" + std::to_string(up_.pid) + "/status");
    for (std::string line; std::getline(status, line);) {
      if (line.starts_with("VmHWM:")) return std::stoll(line.substr(6)) / 1024;
    }
    return -1;
  }

  fs::path dir_;
  Background up_;
  int port_ = 0;
  std::unique_ptr<store::LocalPostgres> postgres_;
};

void expect_nesting_error(const ProcessResult& run, const std::string& where) {
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find(where), std::string::npos) << run.err.substr(0, 2000);
  EXPECT_NE(run.err.find(": the statement nests deeper than 1000 levels"), std::string::npos) << run.err.substr(0, 2000);
}

TEST_F(LimitsTest, SqlNestingPastTheLimitIsALineColumnErrorNotACrash) {
  expect_nesting_error(sql("SELECT " + repeat("(", 10000) + "1" + repeat(")", 10000) + ";"), "/q.sql:1:");
  expect_nesting_error(sql("SELECT 1" + repeat(" + 1", 10000) + ";"), "/q.sql:1:");
  expect_nesting_error(sql("SELECT " + repeat("- ", 20000) + "1;"), "/q.sql:1:");
  expect_nesting_error(sql("SELECT * FROM " + repeat("(SELECT * FROM ", 5000) + "t" + repeat(")", 5000) + ";"), "/q.sql:1:");
  expect_nesting_error(sql("SELECT x" + repeat(" OR x", 3000) + " FROM t;"), "/q.sql:1:");
  expect_nesting_error(sql("SELECT CAST(NULL AS " + repeat("ARRAY<", 3000) + "INT" + repeat(">", 3000) + ");"), "/q.sql:1:");
}

TEST_F(LimitsTest, SqlJustUnderTheLimitRunsThroughTheWholeEngine) {
  // 900 chained '+' (a left-deep tree 900 levels deep) and 400 parentheses around 400 unary minuses.
  ProcessResult chain = sql("SELECT 1" + repeat(" + 1", 900) + " AS n;");
  ASSERT_EQ(chain.exit_code, 0) << chain.err;
  EXPECT_NE(chain.out.find("901"), std::string::npos) << chain.out;
  ProcessResult nested = sql("SELECT " + repeat("(-", 400) + "1" + repeat(")", 400) + " AS n;");
  ASSERT_EQ(nested.exit_code, 0) << nested.err;
  EXPECT_NE(nested.out.find("1"), std::string::npos) << nested.out;
}

TEST_F(LimitsTest, ApiBodiesHaveANestingLimitAndNothingAfterTheValue) {
  start_up();
  auto deep = call(port_, "POST", "/prescriptions",
                   R"({"patientId": "P001", "deviceId": "DEV-P001", "medicationOrTherapy": "x", "startDate": 1, "parameters": )" +
                       repeat("[", 70000) + repeat("]", 70000) + "}");
  EXPECT_EQ(deep.status, 400) << deep.body.substr(0, 500);
  EXPECT_NE(deep.body.find("JSON nests deeper than 64 levels at byte"), std::string::npos) << deep.body.substr(0, 500);
  auto type = call(port_, "POST", "/simulation/start", R"({"simulation_type": )" + repeat("{\"a\":", 80000) + "1" + repeat("}", 80000) + "}");
  EXPECT_EQ(type.status, 400) << type.body.substr(0, 500);
  auto nul = call(port_, "POST", "/patients", std::string(R"({"patientId": "P900", "name": "N"})") + std::string(1, '\0'));
  EXPECT_EQ(nul.status, 400) << nul.body;
  EXPECT_NE(nul.body.find("NUL byte"), std::string::npos) << nul.body;
  EXPECT_EQ(call(port_, "GET", "/patients/P900").status, 404);
  expect_alive();
}

TEST_F(LimitsTest, NumbersAndDatesAreCheckedWhereTheyEnterAndNamedByField) {
  start_up();
  auto tiny = call(port_, "POST", "/devices", R"({"deviceId": "DEV-X", "patientId": "P001", "pressureSetting": 1e-320})");
  EXPECT_EQ(tiny.status, 422) << tiny.body;
  EXPECT_EQ(tiny.json()["error"]["field"], "pressureSetting") << tiny.body;
  EXPECT_NE(tiny.body.find("pressureSetting must be between 0 and 100 (cmH2O)"), std::string::npos) << tiny.body;
  auto huge = call(port_, "POST", "/prescriptions",
                   R"({"patientId": "P001", "deviceId": "DEV-P001", "medicationOrTherapy": "x", "startDate": 1,
                       "parameters": [{"parameter_name": "FlowRate", "parameter_value": 1e300, "parameter_tolerance": 1}]})");
  EXPECT_EQ(huge.status, 422) << huge.body;
  EXPECT_EQ(huge.json()["error"]["field"], "parameters") << huge.body;
  auto year0 = call(port_, "POST", "/patients", R"({"patientId": "P900", "name": "N", "birthDate": "0000-01-01"})");
  EXPECT_EQ(year0.status, 422) << year0.body;
  EXPECT_EQ(year0.json()["error"]["field"], "birthDate") << year0.body;
  EXPECT_EQ(year0.json()["error"]["message"], "birthDate must be in years 0001 to 9999 (there is no year 0), got '0000-01-01'");
  auto future = call(port_, "PUT", "/patients/P001", R"({"birthDate": "2999-01-01"})");
  EXPECT_EQ(future.status, 422) << future.body;
  EXPECT_EQ(future.json()["error"]["field"], "birthDate") << future.body;
  auto far = call(port_, "POST", "/prescriptions",
                  R"({"patientId": "P001", "deviceId": "DEV-P001", "medicationOrTherapy": "x", "startDate": 99999999999999999,
                      "parameters": [{"parameter_name": "FlowRate", "parameter_value": 2, "parameter_tolerance": 1}]})");
  EXPECT_EQ(far.status, 422) << far.body;
  EXPECT_EQ(far.json()["error"]["field"], "startDate") << far.body;
  // A broken reference is still named by its own field, not the key's.
  auto orphan = call(port_, "POST", "/devices", R"({"deviceId": "DEV-Y", "patientId": "P404"})");
  EXPECT_EQ(orphan.json()["error"]["field"], "patientId") << orphan.body;
  auto start = call(port_, "POST", "/simulation/start", R"({"simulation_type": "all"})");
  EXPECT_EQ(start.status, 200) << start.body;
  expect_alive();
}

TEST_F(LimitsTest, AStoredOutOfRangeSettingIsSkippedAndReportedNotACrash) {
  start_up();
  // Written straight into PostgreSQL, as a row from before the API checked ranges would be.
  auto conn = store::PgConnection::connect(postgres_->conninfo());
  ASSERT_TRUE(conn.is_ok()) << conn.status().to_string();
  ASSERT_TRUE((*conn)->exec("INSERT INTO devices (device_id, patient_id, pressure_setting) VALUES ('DEV-BAD', 'P001', 1e-320)").is_ok());
  for (int run = 0; run < 2; ++run) {  // and again: the row stays, every start must survive it
    auto start = call(port_, "POST", "/simulation/start", R"({"simulation_type": "all"})");
    ASSERT_EQ(start.status, 200) << start.body;
    nlohmann::json status;
    for (int i = 0; i < 100; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      status = call(port_, "GET", "/simulation/status").json();
      if (status.value("ticks", 0) >= 2) break;
    }
    EXPECT_GE(status.value("ticks", 0), 2) << status.dump();
    EXPECT_GT(status.value("readings", 0), 0) << status.dump();  // the other devices go on
    ASSERT_TRUE(status["skippedDevices"].contains("DEV-BAD")) << status.dump();
    EXPECT_NE(status["skippedDevices"]["DEV-BAD"].get<std::string>().find("pressure_setting must be between 0 and 100"),
              std::string::npos);
    EXPECT_EQ(call(port_, "POST", "/simulation/stop").status, 200);
    expect_alive();
  }
  EXPECT_NE(read_file(up_.err_path).find("device skipped: a stored value is out of range"), std::string::npos);
}

TEST_F(LimitsTest, AvroSchemasHaveANestingLimitAndDeepOnesCostLittleMemory) {
  start_up();
  const auto nested_records = [](int levels) {
    std::string schema;
    for (int i = 0; i < levels; ++i) schema += fmt::format(R"({{"type":"record","name":"r{}","fields":[{{"name":"f","type":)", i);
    schema += "\"int\"";
    for (int i = 0; i < levels; ++i) schema += "}]}";
    return nlohmann::json{{"schema", schema}}.dump();
  };
  // Nested arrays: the shortest nesting type, so 30,000 levels still fit the API's 1 MiB body limit.
  const auto nested_arrays = [](int levels) {
    return nlohmann::json{{"schema", repeat(R"({"type":"array","items":)", levels) + "\"int\"" + repeat("}", levels)}}.dump();
  };
  const int64_t before = peak_rss_mb();
  for (int levels : {15000, 30000}) {
    auto deep = call(port_, "POST", "/subjects/deep/versions", nested_arrays(levels));
    EXPECT_EQ(deep.status, 422) << deep.body.substr(0, 500);
    EXPECT_EQ(deep.json()["error_code"], 42201) << deep.body.substr(0, 500);
    EXPECT_NE(deep.body.find("nests deeper than"), std::string::npos) << deep.body.substr(0, 500);
  }
  auto array = call(port_, "POST", "/subjects/deep/versions",
                    nlohmann::json{{"schema", repeat(R"({"type":"array","items":)", 150) + "\"int\"" + repeat("}", 150)}}.dump());
  EXPECT_EQ(array.status, 422);
  EXPECT_NE(array.body.find("types nest deeper than 100 levels"), std::string::npos) << array.body.substr(0, 500);
  EXPECT_LT(peak_rss_mb() - before, 100) << "a refused schema must not cost hundreds of MB";
  auto fine = call(port_, "POST", "/subjects/fine/versions", nested_records(30));
  EXPECT_EQ(fine.status, 200) << fine.body;
  expect_alive();
}

TEST_F(LimitsTest, TopicValuesKeepTheirBytesAndBinaryValuesRoundTripAsJson) {
  ASSERT_EQ(careflow({"topic", "create", "bytes"}).exit_code, 0);
  const std::string value = std::string("ends in CR\r", 11);
  ProcessResult produced = careflow({"topic", "produce", "bytes", "--format", "value"}, value + "\n");
  ASSERT_EQ(produced.exit_code, 0) << produced.err;
  ProcessResult hex = careflow({"topic", "consume", "bytes", "--format", "hex"});
  EXPECT_EQ(hex.out, "656e647320696e2043520d\n");
  ProcessResult json_in = careflow({"topic", "produce", "bytes", "--format", "json"},
                                   R"({"key": "k", "value": {"base64": "AAAAAAEC/oA="}})" "\n");
  ASSERT_EQ(json_in.exit_code, 0) << json_in.err;
  ProcessResult json_out = careflow({"topic", "consume", "bytes", "--format", "json"});
  ASSERT_EQ(json_out.exit_code, 0) << json_out.err;
  std::istringstream lines(json_out.out);
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_EQ(nlohmann::json::parse(first)["value"], "ends in CR\r");
  EXPECT_EQ(nlohmann::json::parse(second)["value"], (nlohmann::json{{"base64", "AAAAAAEC/oA="}}));
  // What consume printed, produced again, gives the same bytes.
  ASSERT_EQ(careflow({"topic", "create", "copy"}).exit_code, 0);
  ASSERT_EQ(careflow({"topic", "produce", "copy", "--format", "json"}, json_out.out).exit_code, 0);
  ProcessResult copy = careflow({"topic", "consume", "copy", "--format", "hex"});
  EXPECT_EQ(copy.out, "656e647320696e2043520d\n000000000102fe80\n");
}

}  // namespace
}  // namespace careflow::testing
