// Issue 6's "done when", end to end: every change made through careflow's REST API appears on
// healthcare.public.prescriptions once, in order, as Debezium's envelope — a real `careflow up`
// (its own PostgreSQL, the capture, the API), then the topic read back with `careflow topic consume`.
// Both formats: Avro through the registry (cdc.format's default) and Connect's JSON.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "http/tests/http_client.h"
#include "store/tests/test_postgres.h"
#include "tests/integration/run_process.h"

namespace careflow::testing {
namespace {

namespace fs = std::filesystem;

// Avro's JSON encoding wraps a union's value in {"<branch type>": value}; the envelope's content is
// compared without the wrappers.
nlohmann::json without_union_branches(const nlohmann::json& value) {
  static const std::set<std::string> kPrimitives = {"boolean", "int", "long", "float", "double", "bytes", "string"};
  if (value.is_object() && value.size() == 1) {
    const std::string& branch = value.begin().key();
    if (kPrimitives.count(branch) || branch.find('.') != std::string::npos) return without_union_branches(value.begin().value());
  }
  if (!value.is_object()) return value;
  nlohmann::json out = nlohmann::json::object();
  for (auto it = value.begin(); it != value.end(); ++it) out[it.key()] = without_union_branches(it.value());
  return out;
}

class ApiCdcTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = careflow::testing::fresh_test_dir("api-cdc");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> base_args() const { return {"--data-dir", (dir_ / "var").string()}; }

  // Starts `careflow up` and waits for its banner.
  Background start_up(int http_port) {
    std::vector<std::string> args = base_args();
    args.insert(args.end(), {"--set", fmt::format("http.port={}", http_port), "--set",
                             fmt::format("database.port={}", store::testing::free_port()), "--set",
                             "cdc.format=" + GetParam(), "--set", "kafka_listener.port=0", "up"});
    Background up;
    const std::string failed =
        start_careflow_up(CAREFLOW_BINARY, args, (dir_ / "up.out").string(), (dir_ / "up.err").string(), &up);
    if (!failed.empty()) ADD_FAILURE() << failed;
    return up;
  }

  fs::path dir_;
};

TEST_P(ApiCdcTest, EveryApiChangeToAPrescriptionIsOneDebeziumEventInCommitOrder) {
  const int port = store::testing::free_port();
  Background up = start_up(port);
  // The capture takes its snapshot just after start-up; a change committed before its slot exists
  // belongs to the snapshot (as with Debezium), so the changes below wait for the stream.
  auto cdc_status = [&] { return http::testing::call(port, "GET", "/cdc/status").json(); };
  nlohmann::json status = cdc_status();
  for (int i = 0; i < 600 && status["state"] != "streaming"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    status = cdc_status();
  }
  ASSERT_EQ(status["state"], "streaming") << status;
  const int64_t transactions_before = status["transactions_written"];
  const char* created_body =
      R"({"patientId":"P002","deviceId":"DEV-P002","medicationOrTherapy":"Insulin","startDate":1700000000000,)"
      R"("parameters":[{"parameter_name":"BloodGlucose","parameter_value":110,"parameter_tolerance":15,"unit":"mg/dL"}]})";
  auto created = http::testing::call(port, "POST", "/prescriptions", created_body);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["prescriptionId"];
  auto updated = http::testing::call(port, "PUT", "/prescriptions/" + id,
                                    R"({"parameters":[{"parameter_name":"BloodGlucose","parameter_value":120,)"
                                    R"("parameter_tolerance":10,"unit":"mg/dL"}]})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  auto deleted = http::testing::call(port, "DELETE", "/prescriptions/" + id);
  ASSERT_EQ(deleted.status, 200) << deleted.body;

  // The three transactions are in the log once the capture has written them; then stop (the topic
  // commands need the log to themselves).
  const auto deleted_at = std::chrono::steady_clock::now();
  for (int i = 0; i < 3000 && status["transactions_written"].get<int64_t>() < transactions_before + 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    status = cdc_status();
  }
  EXPECT_EQ(status["transactions_written"].get<int64_t>(), transactions_before + 3) << status;
  const auto seen_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - deleted_at).count();
  ASSERT_EQ(kill(up.pid, SIGTERM), 0);
  ASSERT_EQ(wait_exit(up.pid, std::chrono::seconds(30)), 0) << read_file(up.err_path);

  const bool avro = GetParam() == "avro";
  std::vector<std::string> consume = base_args();
  consume.insert(consume.end(), {"topic", "consume", "healthcare.public.prescriptions", "--format", avro ? "avro" : "json"});
  ProcessResult read = run_process(CAREFLOW_BINARY, consume);
  ASSERT_EQ(read.exit_code, 0) << read.err;

  // This prescription's events in log order (create, update, delete), each followed by what the
  // log holds next: after the delete, its tombstone.
  auto id_of = [](const nlohmann::json& event) {
    const nlohmann::json& row = event["after"].is_null() ? event["before"] : event["after"];
    return row.is_object() ? row.value("prescription_id", "") : "";
  };
  std::vector<nlohmann::json> events;
  std::vector<nlohmann::json> next_records;
  std::vector<std::string> lines;
  std::istringstream in(read.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  for (size_t i = 0; i < lines.size(); ++i) {
    // JSON: {"key": .., "value": "<Connect JSON>"}; Avro: the value in Avro's JSON encoding ("null" for a tombstone).
    nlohmann::json value = nlohmann::json::parse(lines[i]);
    if (!avro) value = value["value"].is_null() ? nlohmann::json() : nlohmann::json::parse(value["value"].get<std::string>())["payload"];
    if (value.is_null()) continue;
    if (avro) value = without_union_branches(value);
    if (id_of(value) != id) continue;
    events.push_back(value);
    nlohmann::json next = i + 1 < lines.size() ? nlohmann::json::parse(lines[i + 1]) : nlohmann::json("(end of topic)");
    next_records.push_back(avro ? next : next["value"]);
  }
  ASSERT_EQ(events.size(), 3u) << read.out.substr(0, 3000);
  EXPECT_TRUE(next_records[2].is_null()) << "a delete is followed by a tombstone: " << next_records[2];

  EXPECT_EQ(events[0]["op"], "c");
  EXPECT_TRUE(events[0]["before"].is_null());
  EXPECT_EQ(events[0]["after"]["device_id"], "DEV-P002");
  EXPECT_EQ(events[0]["after"]["medication_or_therapy"], "Insulin");
  EXPECT_EQ(events[0]["after"]["start_date"], 1700000000000);
  EXPECT_EQ(nlohmann::json::parse(events[0]["after"]["parameters"].get<std::string>())[0]["parameter_value"], 110);

  EXPECT_EQ(events[1]["op"], "u");
  EXPECT_EQ(events[1]["before"], events[0]["after"]) << "REPLICA IDENTITY FULL gives the whole before image";
  EXPECT_EQ(nlohmann::json::parse(events[1]["after"]["parameters"].get<std::string>())[0]["parameter_value"], 120);

  EXPECT_EQ(events[2]["op"], "d");
  EXPECT_EQ(events[2]["before"], events[1]["after"]);
  EXPECT_TRUE(events[2]["after"].is_null());

  // Commit order: three transactions, LSNs rising; source names the table as Debezium does.
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(events[i]["source"]["connector"], "postgresql");
    EXPECT_EQ(events[i]["source"]["schema"], "public");
    EXPECT_EQ(events[i]["source"]["table"], "prescriptions");
    if (i > 0) {
      EXPECT_GT(events[i]["source"]["lsn"].get<int64_t>(), events[i - 1]["source"]["lsn"].get<int64_t>());
      EXPECT_GT(events[i]["source"]["txId"].get<int64_t>(), events[i - 1]["source"]["txId"].get<int64_t>());
    }
  }
  // Commit → event: the envelope's ts_ms (when the capture processed it) against the commit time
  // in source.ts_ms, as Debezium defines both. Reported, not asserted: machines here are noisy and
  // the benchmark owns the target (bench/results/cdc.md).
  int64_t worst = 0;
  for (size_t i = 0; i < 3; ++i) {
    worst = std::max(worst, events[i]["ts_ms"].get<int64_t>() - events[i]["source"]["ts_ms"].get<int64_t>());
  }
  RecordProperty("commit_to_event_ms_max", static_cast<int>(worst));
  std::printf("commit -> event, worst of the three: %lld ms; the DELETE's answer -> in the log: %lld ms\n",
              static_cast<long long>(worst), static_cast<long long>(seen_ms));
}

INSTANTIATE_TEST_SUITE_P(Formats, ApiCdcTest, ::testing::Values("avro", "json"),
                         [](const ::testing::TestParamInfo<std::string>& format) { return format.param; });

}  // namespace
}  // namespace careflow::testing
