// The real `careflow` binary, driven as a user would: configuration, the topic commands and
// `careflow up` with its PostgreSQL, API and shutdown.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "http/tests/http_client.h"
#include "log/embedded_log.h"
#include "store/local_postgres.h"
#include "store/tests/test_postgres.h"
#include "tests/integration/run_process.h"

namespace careflow::testing {
namespace {

namespace fs = std::filesystem;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = careflow::testing::fresh_test_dir("cli-" + careflow::testing::current_test_name());
  }
  void TearDown() override { fs::remove_all(dir_); }

  ProcessResult careflow(std::vector<std::string> args, const std::string& input = "", const std::vector<std::string>& env = {}) {
    args.insert(args.begin(), {"--data-dir", (dir_ / "var").string()});
    return run_process(CAREFLOW_BINARY, args, input, env);
  }
  std::vector<nlohmann::json> json_lines(const std::string& text) {
    std::vector<nlohmann::json> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
    return out;
  }

  fs::path dir_;
};

TEST_F(CliTest, VersionHelpAndUsageErrors) {
  auto version = careflow({"version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_TRUE(version.out.starts_with("careflow 0.1.0")) << version.out;
  auto help = run_process(CAREFLOW_BINARY, {"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* sub : {"version", "config", "topic", "up"}) EXPECT_NE(help.out.find(sub), std::string::npos) << sub;
  auto topic_help = run_process(CAREFLOW_BINARY, {"topic", "--help"});
  EXPECT_NE(topic_help.out.find("produce"), std::string::npos);
  auto unknown = run_process(CAREFLOW_BINARY, {"bogus"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown command 'bogus'"), std::string::npos) << unknown.err;
  auto bad_flag = careflow({"topic", "consume", "t", "--offset", "-2"});
  EXPECT_EQ(bad_flag.exit_code, 2);
  EXPECT_NE(bad_flag.err.find("--offset: must be 0 or more, got -2"), std::string::npos) << bad_flag.err;
  auto bad_timestamp = careflow({"topic", "produce", "t", "--timestamp-ms", "-5"});
  EXPECT_EQ(bad_timestamp.exit_code, 2);
  EXPECT_NE(bad_timestamp.err.find("--timestamp-ms: must be 0 or more, got -5"), std::string::npos) << bad_timestamp.err;
  auto bad_partitions = careflow({"topic", "create", "t", "--partitions", "0"});
  EXPECT_EQ(bad_partitions.exit_code, 2);
  EXPECT_NE(bad_partitions.err.find("--partitions"), std::string::npos) << bad_partitions.err;
  auto no_name = careflow({"topic", "create"});
  EXPECT_EQ(no_name.exit_code, 2);
  EXPECT_NE(no_name.err.find("name is required"), std::string::npos) << no_name.err;
}

TEST_F(CliTest, ConfigShowTellsValuesAndSourcesWithSecretsMasked) {
  const fs::path file = dir_ / "careflow.toml";
  std::ofstream(file) << "[http]\nport = 9001\n[kafka]\napi_secret = \"file-secret\"\n";
  auto shown = run_process(CAREFLOW_BINARY, {"--config", file.string(), "--set", "topics.partitions=4", "config", "show"}, "",
                           {"DATABASE_URL=postgresql://app:pa55@db:5432/h", "CAREFLOW_LOG_LEVEL=debug"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_TRUE(std::regex_search(shown.out, std::regex("http.port +=  ?9001 +# " + file.string() + ":2"))) << shown.out;
  EXPECT_TRUE(std::regex_search(shown.out, std::regex(R"(database.url += "postgresql://app:\*\*\*\*@db:5432/h" +# env DATABASE_URL)")))
      << shown.out;
  EXPECT_TRUE(std::regex_search(shown.out, std::regex(R"(log.level += "debug" +# env CAREFLOW_LOG_LEVEL)"))) << shown.out;
  EXPECT_TRUE(std::regex_search(shown.out, std::regex(R"(topics.partitions += 4 +# flag --set)"))) << shown.out;
  EXPECT_TRUE(std::regex_search(shown.out, std::regex(R"(kafka.api_secret += "\*\*\*\*")"))) << shown.out;
  EXPECT_EQ(shown.out.find("pa55"), std::string::npos);
  EXPECT_EQ(shown.out.find("file-secret"), std::string::npos);

  auto json = run_process(CAREFLOW_BINARY, {"--config", file.string(), "config", "show", "--json"}, "",
                          {"CAREFLOW_SCHEMA_REGISTRY_API_KEY=not-utf8-\xff"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out.find("file-secret"), std::string::npos);
  const auto entries = nlohmann::json::parse(json.out);
  ASSERT_TRUE(entries.is_array());
  std::map<std::string, nlohmann::json> by_key;
  for (const auto& e : entries) by_key[e["key"]] = e;
  EXPECT_EQ(by_key.size(), entries.size());
  EXPECT_EQ(by_key["http.port"]["value"], 9001);
  EXPECT_EQ(by_key["http.port"]["source"], file.string() + ":2");
  EXPECT_EQ(by_key["kafka.api_secret"]["value"], "****");
  EXPECT_EQ(by_key["kafka.api_secret"]["secret"], true);
  EXPECT_EQ(by_key["data_dir"]["source"], "default");
  EXPECT_EQ(by_key["schema_registry.api_key"]["source"], "env CAREFLOW_SCHEMA_REGISTRY_API_KEY");

  // A CAREFLOW_ variable that is almost a setting's name is a warning, not silence.
  auto typo = run_process(CAREFLOW_BINARY, {"config", "show"}, "", {"CAREFLOW_HTTP_PROT=9002"});
  EXPECT_EQ(typo.exit_code, 0);
  EXPECT_NE(typo.err.find("WARN  config environment variable CAREFLOW_HTTP_PROT is not a careflow setting (did you mean "
                          "CAREFLOW_HTTP_PORT?)"),
            std::string::npos)
      << typo.err;

  std::ofstream(file) << "[http]\nport = 9001\nhots = \"x\"\n";
  auto bad = run_process(CAREFLOW_BINARY, {"--config", file.string(), "config", "show"});
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.err.find(file.string() + ":3:1: unknown key 'http.hots' (did you mean 'http.host'?)"), std::string::npos) << bad.err;
  auto bad_env = run_process(CAREFLOW_BINARY, {"config", "show"}, "", {"CAREFLOW_HTTP_PORT=eighty"});
  EXPECT_EQ(bad_env.exit_code, 3);
  EXPECT_NE(bad_env.err.find("CAREFLOW_HTTP_PORT"), std::string::npos) << bad_env.err;
}

TEST_F(CliTest, EveryConfigurationErrorExitsWith3AndNamesItsSource) {
  const fs::path file = dir_ / "careflow.toml";
  std::ofstream(file) << "[http]\nport = \"eighty\"\n";
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--config", file.string()}, {}, file.string() + ":2:8: key 'http.port' must be an integer, got string"},
      {{"--config", (dir_ / "missing.toml").string()}, {}, "config file " + (dir_ / "missing.toml").string() + " does not exist"},
      {{"--set", "http.prot=1"}, {}, "--set: unknown key 'http.prot' (did you mean 'http.port'?)"},
      {{"--set", "http.port"}, {}, "--set http.port: expected key=value"},
      {{"--set", "http.port=70000"}, {}, "--set: key 'http.port' must be between 0 and 65535, got 70000"},
      {{"--log-level", "loud"}, {}, "--log-level: key 'log.level' must be one of trace, debug, info, warn, error, got 'loud'"},
      {{}, {"CAREFLOW_TOPICS_FLUSH_POLICY=sometimes"}, "environment variable CAREFLOW_TOPICS_FLUSH_POLICY"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = c.args;
    args.insert(args.end(), {"config", "show"});
    auto r = run_process(CAREFLOW_BINARY, args, "", c.env);
    EXPECT_EQ(r.exit_code, 3) << c.message << ": " << r.err;
    EXPECT_NE(r.err.find("careflow: configuration error: " + c.message), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }
  std::ofstream(file) << "[http\nport = 1\n";
  auto syntax = run_process(CAREFLOW_BINARY, {"--config", file.string(), "version"});
  EXPECT_EQ(syntax.exit_code, 3);
  EXPECT_NE(syntax.err.find(file.string() + ":1:"), std::string::npos) << syntax.err;
}

TEST_F(CliTest, TopicRoundTripInEveryLineFormat) {
  ASSERT_EQ(careflow({"topic", "create", "readings", "--partitions", "2", "--config", "retention.ms=-1"}).exit_code, 0);
  auto produced = careflow({"topic", "produce", "readings", "--partition", "0", "--timestamp-ms", "1000"},
                           "plain value\nDEV-1\tkeyed value\n"
                           R"({"key":"DEV-2","value":null,"headers":{"source":"test"},"timestamp":5000})" "\n");
  ASSERT_EQ(produced.exit_code, 0) << produced.err;
  EXPECT_NE(produced.err.find("produced 3 records to readings"), std::string::npos);

  auto consumed = careflow({"topic", "consume", "readings", "--partition", "0", "--format", "json"});
  ASSERT_EQ(consumed.exit_code, 0) << consumed.err;
  auto records = json_lines(consumed.out);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0]["value"], "plain value");
  EXPECT_TRUE(records[0]["key"].is_null());
  EXPECT_EQ(records[0]["timestamp"], 1000);
  EXPECT_EQ(records[1]["key"], "DEV-1");
  EXPECT_EQ(records[1]["value"], "keyed value");
  EXPECT_TRUE(records[2]["value"].is_null());
  EXPECT_EQ(records[2]["headers"]["source"], "test");
  EXPECT_EQ(records[2]["offset"], 2);

  // A group resumes where it stopped, across two invocations.
  auto first = careflow({"topic", "consume", "readings", "--group", "g", "--max-records", "2", "--partition", "0"});
  EXPECT_EQ(first.out, "plain value\nkeyed value\n");
  auto second = careflow({"topic", "consume", "readings", "--group", "g", "--partition", "0", "--format", "kv"});
  EXPECT_EQ(second.out, "DEV-2\t\n");
  auto third = careflow({"topic", "consume", "readings", "--group", "g", "--partition", "0"});
  EXPECT_EQ(third.out, "");

  // In auto mode only a JSON object made of record fields is an envelope; any other document is a value.
  ASSERT_EQ(careflow({"topic", "produce", "readings", "--partition", "1", "--timestamp-ms", "1000"},
                     R"({"device_id":"DEV-P001","metric_value":11.2})" "\n" R"({"value":"enveloped","partition":1})" "\n")
                .exit_code,
            0);
  EXPECT_EQ(careflow({"topic", "consume", "readings", "--partition", "1"}).out,
            "{\"device_id\":\"DEV-P001\",\"metric_value\":11.2}\nenveloped\n");

  auto from_time = careflow({"topic", "consume", "readings", "--from-timestamp", "2000", "--format", "kv"});
  EXPECT_EQ(from_time.out, "DEV-2\t\n");

  auto described = careflow({"topic", "describe", "readings", "--json"});
  ASSERT_EQ(described.exit_code, 0);
  auto d = nlohmann::json::parse(described.out);
  EXPECT_EQ(d["config"]["retention.ms"], "-1");
  EXPECT_EQ(d["partitions"][0]["end_offset"], 3);
  EXPECT_EQ(d["partitions"][1]["end_offset"], 2);

  auto listed = careflow({"topic", "list"});
  EXPECT_TRUE(std::regex_search(listed.out, std::regex(R"(readings +2 +5  3,2\n)"))) << listed.out;
  ASSERT_EQ(careflow({"topic", "delete", "readings"}).exit_code, 0);
  auto gone = careflow({"topic", "consume", "readings"});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_NE(gone.err.find("topic 'readings' does not exist"), std::string::npos);
}

// Reads a file the running child writes to.
std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Polls `path` until it contains `wanted` (or 20 s pass).
bool wait_for_text(const std::string& path, const std::string& wanted) {
  for (int i = 0; i < 200; ++i) {
    if (read_text(path).find(wanted) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

TEST_F(CliTest, FollowPrintsNewRecordsUntilInterruptedAndCommitsItsGroup) {
  ASSERT_EQ(careflow({"topic", "create", "live", "--partitions", "2"}).exit_code, 0);
  ASSERT_EQ(careflow({"topic", "produce", "live"}, "k1\tbefore\n").exit_code, 0);
  const std::string out = (dir_ / "follow.out").string(), err = (dir_ / "follow.err").string();
  Background follower = start_process(CAREFLOW_BINARY,
                                      {"--data-dir", (dir_ / "var").string(), "topic", "consume", "live", "--follow", "--group", "g"},
                                      out, err);
  ASSERT_TRUE(wait_for_text(out, "before\n")) << read_text(out) << read_text(err);
  // The follower holds the log, as `careflow up` would; a producer is refused with a clear message.
  auto refused = careflow({"topic", "produce", "live"}, "k2\tafter\n");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("in use by another running careflow"), std::string::npos) << refused.err;
  EXPECT_EQ(wait_exit(follower.pid, std::chrono::milliseconds(300)), -1) << "--follow must keep waiting";
  ASSERT_EQ(kill(follower.pid, SIGINT), 0);
  EXPECT_EQ(wait_exit(follower.pid, std::chrono::seconds(10)), 0) << read_text(err);
  EXPECT_NE(read_text(err).find("consumed 1 record from live"), std::string::npos) << read_text(err);
  // The group committed what it printed: a new record is all the next run sees.
  ASSERT_EQ(careflow({"topic", "produce", "live"}, "k2\tafter\n").exit_code, 0);
  EXPECT_EQ(careflow({"topic", "consume", "live", "--group", "g"}).out, "after\n");
}

TEST_F(CliTest, KeyedRecordsLandWhereKafkaWouldPutThem) {
  ASSERT_EQ(careflow({"topic", "create", "keyed", "--partitions", "3"}).exit_code, 0);
  ASSERT_EQ(careflow({"topic", "produce", "keyed"}, "foobar\tx\n21\ty\nabc\tz\n").exit_code, 0);
  auto records = json_lines(careflow({"topic", "consume", "keyed", "--format", "json"}).out);
  ASSERT_EQ(records.size(), 3u);
  // Java: (murmur2(key) & 0x7fffffff) % 3 — foobar -> 0, 21 -> 0, abc -> 2.
  std::map<std::string, int> partition;
  for (const auto& r : records) partition[r["key"]] = r["partition"];
  EXPECT_EQ(partition["foobar"], (-790332482 & 0x7fffffff) % 3);
  EXPECT_EQ(partition["21"], (-973932308 & 0x7fffffff) % 3);
  EXPECT_EQ(partition["abc"], (479470107 & 0x7fffffff) % 3);
}

TEST_F(CliTest, BadTopicInputIsNamed) {
  ASSERT_EQ(careflow({"topic", "create", "t", "--partitions", "2"}).exit_code, 0);
  struct Case {
    std::vector<std::string> args;
    std::string input;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"topic", "create", "bad/name"}, "", "invalid character '/'"},
      {{"topic", "create", std::string(250, 'x')}, "", "250 characters long; at most 249"},
      {{"topic", "create", "t"}, "", "topic 't' already exists"},
      {{"topic", "create", "u", "--config", "cleanup.policy=shred"}, "", "cleanup.policy=shred"},
      {{"topic", "describe", "nope"}, "", "topic 'nope' does not exist"},
      {{"topic", "produce", "t", "--partition", "5"}, "x\n", "--partition 5: topic 't' has 2 partitions (0..1)"},
      {{"topic", "produce", "t", "--format", "json"}, "{\"value\":1}\nnot json\n", "stdin line 2"},
      {{"topic", "consume", "t", "--offset", "10", "--partition", "1"}, "", "offset 10 is past the end of t/1 (end offset 0)"},
  };
  for (const Case& c : cases) {
    auto r = careflow(c.args, c.input);
    EXPECT_EQ(r.exit_code, 1) << c.args[1] << " " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_TRUE(r.err.starts_with("careflow: error: ")) << r.err;
  }
  // The lines before a bad one are written, as a producer sends each line it reads; none after.
  auto consumed = careflow({"topic", "consume", "t", "--partition", "0", "--format", "value"});
  EXPECT_EQ(consumed.exit_code, 0) << consumed.err;
  EXPECT_EQ(consumed.out, "1\n");
}

// Starts `careflow up` in the background and waits for its banner.
Background start_up(const fs::path& dir, const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
  Background up;
  const std::string failed =
      start_careflow_up(CAREFLOW_BINARY, args, (dir / "up.out").string(), (dir / "up.err").string(), &up, env);
  if (!failed.empty()) ADD_FAILURE() << failed;
  return up;
}

// A short-lived command (cdc status, topic list on a stopped instance) holds the log's lock for
// a moment; a `careflow up` starting meanwhile waits for it instead of failing.
TEST_F(CliTest, UpWaitsForACommandThatHoldsTheLogForAMoment) {
  const std::string data = (dir_ / "var").string();
  auto held = log::EmbeddedLog::open((fs::path(data) / "log").string(), {});
  ASSERT_TRUE(held.is_ok()) << held.status().to_string();
  const int http_port = store::testing::free_port();
  Background up = start_process(CAREFLOW_BINARY,
                                {"--data-dir", data, "--set", "http.port=" + std::to_string(http_port), "--set",
                                 "database.port=" + std::to_string(store::testing::free_port()), "--set", "kafka_listener.port=0", "up"},
                                (dir_ / "up.out").string(), (dir_ / "up.err").string());
  // Released only once up has found the directory held (and said so), so the wait is exercised.
  bool waiting = false;
  for (int i = 0; i < 600 && !waiting; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    waiting = read_file((dir_ / "up.err").string()).find("the log directory is held by another careflow process") !=
              std::string::npos;
  }
  ASSERT_TRUE(waiting) << read_file((dir_ / "up.err").string());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  held->reset();
  bool banner = false;
  for (int i = 0; i < 600 && !banner; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    banner = read_file((dir_ / "up.out").string()).find("Press Ctrl-C") != std::string::npos;
    if (!banner && wait_exit(up.pid, std::chrono::milliseconds(0)) != -1) break;
  }
  ASSERT_TRUE(banner) << read_file((dir_ / "up.err").string());
  EXPECT_EQ(http::testing::call(http_port, "GET", "/health").status, 200);
  ASSERT_EQ(kill(up.pid, SIGTERM), 0);
  EXPECT_EQ(wait_exit(up.pid, std::chrono::seconds(20)), 0);
}

TEST_F(CliTest, UpRunsTheApiRefusesASecondInstanceStopsOnSigtermAndKeepsItsData) {
  const int http_port = store::testing::free_port();
  const std::string data = (dir_ / "var").string();
  std::vector<std::string> args = {"--data-dir", data, "--set", "http.port=" + std::to_string(http_port), "--set",
                                   "database.port=" + std::to_string(store::testing::free_port()), "--set", "kafka_listener.port=0", "up"};
  Background up = start_up(dir_, args);
  std::ifstream banner_file(up.out_path);
  const std::string banner((std::istreambuf_iterator<char>(banner_file)), std::istreambuf_iterator<char>());
  const std::string data_abs = fs::absolute(data).lexically_normal().string();
  ASSERT_NE(banner.find(fmt::format("careflow is up: data in {}; web app http://127.0.0.1:{}/", data_abs, http_port)),
            std::string::npos)
      << banner;
  EXPECT_NE(banner.find("  topic log: " + data_abs + "/log (embedded)"), std::string::npos) << banner;
  EXPECT_TRUE(std::regex_search(banner, std::regex(R"(\n  kafka: +127\.0\.0\.1:[0-9]+ )"))) << banner;
  // Logging goes to stderr as "<UTC time> LEVEL component message key=value".
  std::ifstream log_file(up.err_path);
  const std::string log_text((std::istreambuf_iterator<char>(log_file)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(std::regex_search(log_text, std::regex(fmt::format(R"((^|\n)\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z INFO  api listening )"
                                                                 R"(url=http://127\.0\.0\.1:{}/\n)",
                                                                 http_port))))
      << log_text;

  auto health = http::testing::call(http_port, "GET", "/health");
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(health.json()["status"], "ok");
  EXPECT_EQ(http::testing::call(http_port, "GET", "/patients").json().size(), 6u);
  auto created = http::testing::call(http_port, "POST", "/prescriptions",
                                    R"({"patientId":"P003","deviceId":"DEV-P003","medicationOrTherapy":"CPAP","startDate":1,)"
                                    R"("parameters":[{"parameter_name":"FlowLevel","parameter_value":55,"parameter_tolerance":5,"unit":"%"}]})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["prescriptionId"];
  // The Schema Registry's REST API is served on the same port.
  auto registered = http::testing::call(http_port, "POST", "/subjects/hc_raw_device_metrics-value/versions", R"({"schema":"\"string\""})");
  EXPECT_EQ(registered.status, 200) << registered.body;
  EXPECT_EQ(registered.json()["id"], 1);

  auto second = careflow({"--set", "http.port=" + std::to_string(store::testing::free_port()), "--set", "kafka_listener.port=0", "up"});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("in use by another running careflow"), std::string::npos) << second.err;

  // Beside the running `up`, the topic commands reach its log through its Kafka listener.
  auto listed = careflow({"topic", "list"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("hc_raw_device_metrics"), std::string::npos) << listed.out;
  EXPECT_NE(listed.err.find("using its Kafka listener"), std::string::npos) << listed.err;
  ASSERT_EQ(careflow({"topic", "create", "beside.up", "--partitions", "2"}).exit_code, 0);
  ASSERT_EQ(careflow({"topic", "produce", "beside.up"}, "k1\tv1\nk2\tv2\n").exit_code, 0);
  auto consumed = careflow({"topic", "consume", "beside.up", "--format", "kv"});
  EXPECT_EQ(consumed.exit_code, 0) << consumed.err;
  EXPECT_EQ(consumed.out, "k1\tv1\nk2\tv2\n");

  ASSERT_EQ(kill(up.pid, SIGTERM), 0);
  EXPECT_EQ(wait_exit(up.pid, std::chrono::seconds(20)), 0);
  std::ifstream out(up.out_path);
  const std::string all((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  EXPECT_NE(all.find("careflow stopped"), std::string::npos);
  auto topics = careflow({"topic", "list"});
  EXPECT_NE(topics.out.find("hc_raw_device_metrics"), std::string::npos) << topics.out << topics.err;
  EXPECT_EQ(topics.err.find("Kafka listener"), std::string::npos) << "stopped: the log is opened directly";
  EXPECT_FALSE(fs::exists(fs::path(data) / "kafka-listener.addr"));
  // What the commands wrote through the listener is in the log itself.
  EXPECT_EQ(careflow({"topic", "consume", "beside.up", "--format", "kv"}).out, "k1\tv1\nk2\tv2\n");

  // A restart finds the same database: the prescription is still there, the seed not repeated.
  Background again = start_up(dir_, args);
  auto kept = http::testing::call(http_port, "GET", "/prescriptions/" + id);
  EXPECT_EQ(kept.status, 200) << kept.body;
  EXPECT_EQ(kept.json()["parameters"][0]["parameter_value"], 55);
  EXPECT_EQ(http::testing::call(http_port, "GET", "/prescriptions").json().size(), 7u);
  EXPECT_EQ(http::testing::call(http_port, "GET", "/subjects/hc_raw_device_metrics-value/versions/latest").json()["id"], 1);
  kill(again.pid, SIGINT);
  EXPECT_EQ(wait_exit(again.pid, std::chrono::seconds(20)), 0);
}

TEST_F(CliTest, UpUsesTheServerInDatabaseUrl) {
  // An existing PostgreSQL (with wal_level=logical), as a user's own server would be.
  store::LocalPostgresOptions external;
  external.dir = (dir_ / "external-pg").string();
  external.port = store::testing::free_port();
  auto server = store::LocalPostgres::start(external);
  ASSERT_TRUE(server.is_ok()) << server.status().to_string();
  const int http_port = store::testing::free_port();
  Background up = start_up(dir_, {"--data-dir", (dir_ / "var").string(), "--set", "http.port=" + std::to_string(http_port), "--set", "kafka_listener.port=0", "up"},
                           {"DATABASE_URL=" + (*server)->url()});
  std::ifstream banner_file(up.out_path);
  const std::string banner((std::istreambuf_iterator<char>(banner_file)), std::istreambuf_iterator<char>());
  EXPECT_NE(banner.find("database:  PostgreSQL at " + (*server)->url()), std::string::npos) << banner;
  EXPECT_EQ(http::testing::call(http_port, "GET", "/health").status, 200);
  EXPECT_EQ(http::testing::call(http_port, "GET", "/patients").json().size(), 6u);  // migrated and seeded there
  EXPECT_FALSE(fs::exists(dir_ / "var" / "pg")) << "careflow started its own PostgreSQL despite DATABASE_URL";
  kill(up.pid, SIGTERM);
  EXPECT_EQ(wait_exit(up.pid, std::chrono::seconds(20)), 0);
}

}  // namespace
}  // namespace careflow::testing
