// A real `careflow up` whose simulator and device-event route write Avro through its registry
// (simulator.format = avro, the default): records in Confluent's wire format under the
// ":.flink-dev:" subjects, read back with `careflow topic consume --format hex|avro` once it has
// stopped; JSON when asked; and a registry that does not answer reported, not bypassed.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "http/tests/http_client.h"
#include "store/tests/test_postgres.h"
#include "tests/integration/run_process.h"

namespace careflow::testing {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class SimAvroTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = careflow::testing::fresh_test_dir("simavro-" + careflow::testing::current_test_name());
    http_port_ = store::testing::free_port();
  }
  void TearDown() override {
    if (up_.pid > 0 && wait_exit(up_.pid, std::chrono::milliseconds(0)) == -1) {
      kill(up_.pid, SIGKILL);
      wait_exit(up_.pid, std::chrono::seconds(10));
    }
    fs::remove_all(dir_);
  }

  std::vector<std::string> with_data_dir(std::vector<std::string> args) {
    args.insert(args.begin(), {"--data-dir", (dir_ / "var").string()});
    return args;
  }
  // `careflow up` with a fast simulator, waiting for its banner.
  void start_up(const std::vector<std::string>& settings) {
    std::vector<std::string> args = {"--set", "http.port=" + std::to_string(http_port_), "--set",
                                     "database.port=" + std::to_string(store::testing::free_port()), "--set",
                                     "simulator.tick_ms=100", "--set", "kafka_listener.port=0"};
    for (const std::string& s : settings) args.insert(args.end(), {"--set", s});
    args.push_back("up");
    const std::string failed = start_careflow_up(CAREFLOW_BINARY, with_data_dir(args), (dir_ / "up.out").string(),
                                                 (dir_ / "up.err").string(), &up_);
    if (!failed.empty()) FAIL() << failed;
  }
  void stop_up() {
    ASSERT_EQ(kill(up_.pid, SIGTERM), 0);
    ASSERT_EQ(wait_exit(up_.pid, std::chrono::seconds(30)), 0) << read_file(up_.err_path);
  }
  // Runs P001's simulation until `ticks` ticks have passed.
  nlohmann::json simulate(int ticks) {
    auto started = http::testing::call(http_port_, "POST", "/simulation/start", R"({"simulation_type":"single","patient_id":"P001"})");
    EXPECT_EQ(started.status, 200) << started.body;
    nlohmann::json status;
    for (int i = 0; i < 300; ++i) {
      status = http::testing::call(http_port_, "GET", "/simulation/status").json();
      if (status["ticks"].get<int>() >= ticks) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_GE(status["ticks"].get<int>(), ticks) << status.dump();
    return status;
  }
  ProcessResult consume(const std::string& topic, const std::string& format) {
    return run_process(CAREFLOW_BINARY, with_data_dir({"topic", "consume", topic, "--format", format}));
  }

  fs::path dir_;
  int http_port_ = 0;
  Background up_;
};

TEST_F(SimAvroTest, ReadingsAndEventsAreConfluentAvroUnderTheFlinkDevContext) {
  start_up({});
  EXPECT_NE(read_file(up_.out_path).find("simulator: hc_raw_device_metrics and hc_raw_device_events as Avro, schemas in the "
                                         "embedded registry, context .flink-dev"),
            std::string::npos)
      << read_file(up_.out_path);
  simulate(3);
  auto event = http::testing::call(http_port_, "POST", "/device/DEV-P001/events/power-status", R"({"battery_level":15,"plugged":false})");
  ASSERT_EQ(event.status, 201) << event.body;
  EXPECT_EQ(http::testing::call(http_port_, "POST", "/simulation/stop").status, 200);

  const nlohmann::json subjects = http::testing::call(http_port_, "GET", "/subjects").json();
  const std::set<std::string> listed(subjects.begin(), subjects.end());
  for (const char* s : {":.flink-dev:hc_raw_device_metrics-value", ":.flink-dev:hc_raw_device_metrics-key",
                        ":.flink-dev:hc_raw_device_events-value", ":.flink-dev:hc_raw_device_events-key",
                        ":.flink-dev:hc_raw_device_assignments-value", ":.flink-dev:hc_raw_device_assignments-key",
                        ":.flink-dev:hc_raw_care_areas-value", ":.flink-dev:hc_raw_care_areas-key",
                        ":.flink-dev:hc_raw_ota_allowlist-value", ":.flink-dev:hc_raw_ota_allowlist-key"}) {
    EXPECT_TRUE(listed.count(s)) << s << " not in " << subjects.dump();
  }
  auto latest = http::testing::call(http_port_, "GET", "/subjects/:.flink-dev:hc_raw_device_metrics-value/versions/latest");
  ASSERT_EQ(latest.status, 200) << latest.body;
  const int metrics_id = latest.json()["id"];
  EXPECT_NE(latest.json()["schema"].get<std::string>().find("careflow.healthcare"), std::string::npos) << latest.body;
  auto health = http::testing::call(http_port_, "GET", "/health");
  EXPECT_EQ(health.status, 200) << health.body;
  stop_up();

  // Magic byte 0, then the registry's id in four big-endian bytes, on every record.
  auto hex = consume("hc_raw_device_metrics", "hex");
  ASSERT_EQ(hex.exit_code, 0) << hex.err;
  const std::vector<std::string> framed = lines_of(hex.out);
  ASSERT_GE(framed.size(), 9u) << hex.out;  // 3 ticks x 3 metrics
  for (const std::string& line : framed) EXPECT_TRUE(line.starts_with(fmt::format("00{:08x}", metrics_id))) << line;

  auto decoded = consume("hc_raw_device_metrics", "avro");
  ASSERT_EQ(decoded.exit_code, 0) << decoded.err;
  const std::vector<std::string> readings = lines_of(decoded.out);
  ASSERT_EQ(readings.size(), framed.size());
  std::set<std::string> metrics;
  for (const std::string& line : readings) {
    const nlohmann::json r = nlohmann::json::parse(line);
    EXPECT_EQ(r["device_id"], "DEV-P001") << line;
    EXPECT_EQ(r["patient_id"], "P001") << line;
    EXPECT_TRUE(r["ts"].is_number_integer()) << line;
    EXPECT_TRUE(r["metric_value"].is_number()) << line;
    EXPECT_TRUE(r["software_version"].is_string()) << line;
    metrics.insert(r["metric_name"].get<std::string>());
  }
  EXPECT_EQ(metrics, (std::set<std::string>{"Pressure", "FlowRate", "FlowLevel"}));

  auto events = consume("hc_raw_device_events", "avro");
  ASSERT_EQ(events.exit_code, 0) << events.err;
  const nlohmann::json e = nlohmann::json::parse(events.out);
  // The reference's value (issue 22): event_id .. event_ts, the type in its spelling.
  EXPECT_EQ(e["device_id"], "DEV-P001");
  EXPECT_EQ(e["patient_id"], "P001");
  EXPECT_EQ(e["event_type"], "POWER_STATUS");
  EXPECT_EQ(e["event_id"], event.json()["event_id"]);
  EXPECT_EQ(e["battery_level"], nlohmann::json({{"int", 15}}));
  EXPECT_EQ(e["plugged"], nlohmann::json({{"boolean", false}}));
  EXPECT_TRUE(e["lat"].is_null());
  EXPECT_TRUE(e["event_ts"].is_number_integer());

  // The key: the device id as an Avro string, framed too (its own -key subject's id).
  auto keys = run_process(CAREFLOW_BINARY, with_data_dir({"topic", "consume", "hc_raw_device_metrics", "--format", "json", "--max-records", "1"}));
  ASSERT_EQ(keys.exit_code, 0) << keys.err;
  const std::string key = nlohmann::json::parse(keys.out)["key"];
  EXPECT_EQ(key.substr(5), "\x10" "DEV-P001");  // zigzag length 8, then the bytes

  // The dimension topics, seeded at start in Avro (sim/dimension_seed.h).
  auto areas = consume("hc_raw_care_areas", "avro");
  ASSERT_EQ(areas.exit_code, 0) << areas.err;
  const std::vector<std::string> area_lines = lines_of(areas.out);
  ASSERT_EQ(area_lines.size(), 6u) << areas.out;
  const nlohmann::json p006 = nlohmann::json::parse(area_lines[5]);
  EXPECT_EQ(p006["patient_id"], "P006");
  EXPECT_EQ(p006["radius_m"], 500.0);
  auto assignments = consume("hc_raw_device_assignments", "avro");
  ASSERT_EQ(lines_of(assignments.out).size(), 6u) << assignments.out << assignments.err;
  // An assignment's id names the device, the patient and when it was assigned (epoch ms).
  const nlohmann::json first = nlohmann::json::parse(lines_of(assignments.out)[0]);
  ASSERT_TRUE(first["assigned_at"].is_number_integer()) << first.dump();
  EXPECT_EQ(first["assignment_id"], "ASG-DEV-P001-P001-" + std::to_string(first["assigned_at"].get<int64_t>())) << first.dump();
  EXPECT_EQ(lines_of(consume("hc_raw_ota_allowlist", "avro").out).size(), 6u);
}

TEST_F(SimAvroTest, JsonWhenAskedAndNothingRegistered) {
  start_up({"simulator.format=json", "cdc.format=json"});  // the capture writes Avro by default too
  EXPECT_NE(read_file(up_.out_path).find("hc_raw_device_events as JSON"), std::string::npos) << read_file(up_.out_path);
  simulate(2);
  ASSERT_EQ(http::testing::call(http_port_, "POST", "/device/DEV-P001/events/gps", R"({"inside_geofence":false})").status, 201);
  EXPECT_EQ(http::testing::call(http_port_, "GET", "/subjects").json(), nlohmann::json::array());
  stop_up();
  auto kv = consume("hc_raw_device_metrics", "kv");
  ASSERT_EQ(kv.exit_code, 0) << kv.err;
  const std::vector<std::string> lines = lines_of(kv.out);
  ASSERT_GE(lines.size(), 6u);
  EXPECT_TRUE(lines[0].starts_with("DEV-P001\t{")) << lines[0];
  EXPECT_EQ(nlohmann::json::parse(lines[0].substr(9))["device_id"], "DEV-P001");
  auto events = consume("hc_raw_device_events", "value");
  const nlohmann::json gps = nlohmann::json::parse(events.out);
  EXPECT_EQ(gps["event_type"], "GPS");
  EXPECT_TRUE(gps["lat"].is_number() && gps["lng"].is_number()) << events.out;  // a position outside the care area
  // --format avro on JSON records says where it stopped instead of printing garbage.
  auto not_avro = consume("hc_raw_device_metrics", "avro");
  EXPECT_EQ(not_avro.exit_code, 1);
  EXPECT_NE(not_avro.err.find("partition 0 offset 0: not readable as Confluent Avro"), std::string::npos) << not_avro.err;
}

TEST_F(SimAvroTest, ARegistryThatDoesNotAnswerIsReportedAndNothingIsWrittenAsJson) {
  const int dead_port = store::testing::free_port();  // nothing listens there
  const std::string url = fmt::format("http://127.0.0.1:{}", dead_port);
  start_up({"schema_registry.url=" + url});
  simulate(2);
  auto health = http::testing::call(http_port_, "GET", "/health");
  EXPECT_EQ(health.status, 503) << health.body;
  EXPECT_NE(health.body.find("readings are not being written"), std::string::npos) << health.body;
  EXPECT_NE(health.body.find(std::to_string(dead_port)), std::string::npos) << health.body;
  const nlohmann::json status = http::testing::call(http_port_, "GET", "/simulation/status").json();
  EXPECT_NE(status["lastError"].get<std::string>().find(std::to_string(dead_port)), std::string::npos) << status.dump();
  auto event = http::testing::call(http_port_, "POST", "/device/DEV-P001/events/button-press");
  EXPECT_EQ(event.status, 503) << event.body;
  EXPECT_EQ(http::testing::call(http_port_, "POST", "/simulation/stop").status, 200);
  stop_up();
  // Logged once, not on every tick.
  const std::string log = read_file(up_.err_path);
  EXPECT_NE(log.find("readings not written"), std::string::npos) << log;
  EXPECT_EQ(log.find("readings not written"), log.rfind("readings not written")) << log;
  for (const char* topic : {"hc_raw_device_metrics", "hc_raw_device_events"}) {
    auto none = consume(topic, "value");
    EXPECT_EQ(none.exit_code, 0) << none.err;
    EXPECT_EQ(none.out, "") << topic;
  }
}

// Story time (issue 22) on a real careflow up with the default clock settings (one round a second, 5
// minutes of story time a round, starting three days back): an hour of readings on the topic within
// a minute of wall time, rounds exactly one step apart, device events at the current round's time,
// and after a restart the story goes on after the newest reading instead of starting over.
TEST_F(SimAvroTest, AnHourOfStoryTimeWithinAMinuteOfWallTimeResumedAfterARestart) {
  start_up({"simulator.tick_ms=1000"});
  EXPECT_NE(read_file(up_.out_path).find("5 min per round (simulator.time = story)"), std::string::npos)
      << read_file(up_.out_path);
  const auto wall_start = std::chrono::steady_clock::now();
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
  simulate(13);  // 13 rounds: 12 steps of 5 minutes
  const auto wall = std::chrono::steady_clock::now() - wall_start;
  EXPECT_LT(wall, std::chrono::seconds(60));
  auto event = http::testing::call(http_port_, "POST", "/device/DEV-P001/events/button-press");
  ASSERT_EQ(event.status, 201) << event.body;
  EXPECT_EQ(http::testing::call(http_port_, "POST", "/simulation/stop").status, 200);
  const nlohmann::json story = http::testing::call(http_port_, "GET", "/simulation/status").json()["storyTime"];
  EXPECT_EQ(story["mode"], "story");
  EXPECT_EQ(story["stepMs"], 300000);
  stop_up();

  auto decoded = consume("hc_raw_device_metrics", "avro");
  ASSERT_EQ(decoded.exit_code, 0) << decoded.err;
  std::vector<int64_t> rounds;
  for (const std::string& line : lines_of(decoded.out)) {
    const int64_t ts = nlohmann::json::parse(line)["ts"];
    if (rounds.empty() || rounds.back() != ts) rounds.push_back(ts);
  }
  ASSERT_GE(rounds.size(), 13u) << decoded.out;
  // The default start: three days back, at the start of an hour.
  EXPECT_EQ(rounds[0] % 3600000, 0);
  EXPECT_NEAR(static_cast<double>(now_ms - rounds[0]), 72.0 * 3600000, 3600000.0);
  for (size_t i = 1; i < rounds.size(); ++i) EXPECT_EQ(rounds[i] - rounds[i - 1], 300000) << i;
  EXPECT_GE(rounds.back() - rounds.front(), 3600000);
  EXPECT_EQ(event.json()["event_ts"], rounds.back());  // the event happened in the last round

  start_up({"simulator.tick_ms=100"});
  simulate(2);
  EXPECT_EQ(http::testing::call(http_port_, "POST", "/simulation/stop").status, 200);
  stop_up();
  // Restarted, the dimension topics got nothing new: no duplicates.
  EXPECT_EQ(lines_of(consume("hc_raw_device_assignments", "value").out).size(), 6u);
  auto again = consume("hc_raw_device_metrics", "avro");
  const std::vector<std::string> all = lines_of(again.out);
  ASSERT_GT(all.size(), lines_of(decoded.out).size());
  EXPECT_EQ(nlohmann::json::parse(all.back())["ts"].get<int64_t>() % 300000, rounds.back() % 300000);
  EXPECT_GT(nlohmann::json::parse(all.back())["ts"].get<int64_t>(), rounds.back());
  EXPECT_EQ(nlohmann::json::parse(all[lines_of(decoded.out).size()])["ts"], rounds.back() + 300000);
}

}  // namespace
}  // namespace careflow::testing
