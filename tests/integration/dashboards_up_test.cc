// The dashboards' routes and live events on a real `careflow up` with every pipeline deployed
// (pipelines.path), its simulator in story time and a defect injected over REST: the aggregates are
// built from the fact, alert and CDC topics as the jobs write them (Avro through the registry's
// context, Debezium envelopes), answer /analytics/*, and new alerts and facts reach the SSE stream;
// after a clean restart on the same data dir the routes answer exactly what they did before.
// One test: the up with all pipelines, restarted once (18 s in a debug build on 2026-12-07).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "http/tests/sse_event_reader.h"
#include "tests/integration/run_process.h"
#include "tests/integration/up_process_test.h"

namespace careflow {
namespace {

constexpr const char* kToken = "dashboards-test-token";
constexpr const char* kDevice = "DEV-P002";

class DashboardsUpTest : public careflow::testing::UpProcessTest {
 protected:
  DashboardsUpTest() : UpProcessTest("dashboards-up-", kToken) {}
  nlohmann::json get(const std::string& path) {
    auto reply = call("GET", path);
    EXPECT_EQ(reply.status, 200) << path << " " << reply.body;
    return reply.status == 200 ? reply.json() : nlohmann::json::object();
  }
  // Polls `path` up to `seconds` until `done` holds; the last answer either way.
  nlohmann::json wait_for(const std::string& path, int seconds, const std::function<bool(const nlohmann::json&)>& done) {
    nlohmann::json last;
    for (int i = 0; i < seconds * 5; ++i) {
      last = get(path);
      if (done(last)) return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ADD_FAILURE() << path << " never got there: " << last.dump().substr(0, 2000) << "\n"
                  << get("/analytics/topics").dump() << "\n"
                  << careflow::testing::read_file((dir_ / "up.err").string()).substr(0, 4000);
    return last;
  }
};

bool has_status(const nlohmann::json& alerts, const char* status) {
  for (const nlohmann::json& a : alerts) {
    if (a["status"] == status) return true;
  }
  return false;
}

TEST_F(DashboardsUpTest, FactsAndAlertsOfTheRunningPipelinesAnswerTheRoutesAndTheStream) {
  start_up({"simulator.tick_ms=100", "simulator.seed=7",
            "pipelines.path=" + std::string(CAREFLOW_SOURCE_DIR) + "/pipelines"});

  // Before the simulator runs, the hourly facts are empty and say why; the prescriptions captured
  // from PostgreSQL already count.
  nlohmann::json counts = get("/analytics/telemetry-1h-counts");
  EXPECT_EQ(counts["available"], false);
  EXPECT_EQ(counts["consumer_enabled"], true);
  EXPECT_NE(counts["message"].get<std::string>().find("hc_fct_telemetry_1h"), std::string::npos) << counts.dump();
  nlohmann::json changes = wait_for("/analytics/config-changes-over-time", 30, [](const nlohmann::json& b) { return b["available"] == true; });
  ASSERT_FALSE(changes["data"].empty());
  EXPECT_GT(changes["data"][0]["count"].get<int>(), 0);
  nlohmann::json devices = wait_for("/analytics/new-devices-over-time", 30, [](const nlohmann::json& b) { return b["available"] == true; });
  int64_t new_devices = 0;
  for (const nlohmann::json& d : devices["data"]) new_devices += d["count"].get<int64_t>();
  EXPECT_GE(new_devices, 5);

  // The live stream, from now on.
  std::mutex mutex;
  std::multiset<std::string> events;  // "alert drift", "fact telemetry_1h", ...
  const int fd = http::testing::connect_sse_stream(http_port_, kToken);
  ASSERT_GE(fd, 0);
  http::testing::SseEventReader reader({fd}, [&](size_t, std::string_view event) {
    const size_t name = event.find("event: ");
    const size_t data = event.find("\ndata: ");
    if (name == std::string_view::npos || data == std::string_view::npos) return;
    const std::string kind(event.substr(name + 7, data - name - 7));
    if (kind != "alert" && kind != "fact") return;
    const nlohmann::json body = nlohmann::json::parse(event.substr(data + 7), nullptr, false);
    if (body.is_discarded()) return;
    std::lock_guard lock(mutex);
    events.insert(kind + " " + body.value(kind == "alert" ? "kind" : "fact", ""));
  });

  // Readings flow; a flow-rate drop on one device drifts at once, is out of range for longer than
  // 5 minutes of event time (a reading every 5 story minutes) and comes back: ALERT, then RESOLVED.
  ASSERT_EQ(call("POST", "/simulation/start", R"({"simulation_type":"all"})").status, 200);
  ASSERT_EQ(call("POST", fmt::format("/device/{}/simulator/flow_rate_down", kDevice)).status, 200);

  nlohmann::json episode = wait_for(fmt::format("/analytics/alerts?kind=non_adherence&device_id={}", kDevice), 120,
                                    [](const nlohmann::json& b) { return has_status(b["data"], "ALERT") && has_status(b["data"], "RESOLVED"); });
  EXPECT_EQ(episode["available"], true);
  for (const nlohmann::json& a : episode["data"]) {
    EXPECT_EQ(a["kind"], "non_adherence");
    EXPECT_EQ(a["device_id"], kDevice);
    EXPECT_EQ(a["metric"], "FlowRate") << a.dump();
    EXPECT_FALSE(a["message"].get<std::string>().empty());
    EXPECT_TRUE(a["row"]["out_since"].is_number()) << a.dump();  // a timestamp-millis read back as ms
  }
  // Newest first.
  for (size_t i = 1; i < episode["data"].size(); ++i) {
    EXPECT_GE(episode["data"][i - 1]["time_ms"].get<int64_t>(), episode["data"][i]["time_ms"].get<int64_t>());
  }

  nlohmann::json drift = wait_for("/analytics/drift-counts", 30, [](const nlohmann::json& b) { return !b["data"].empty(); });
  bool below = false;
  for (const nlohmann::json& d : drift["data"]) {
    EXPECT_EQ(d["count"].get<int64_t>(), d["above"].get<int64_t>() + d["below"].get<int64_t>()) << d.dump();
    if (d["device_id"] == kDevice && d["metric"] == "FlowRate" && d["below"].get<int64_t>() > 0) below = true;
  }
  EXPECT_TRUE(below) << drift.dump();

  // The hourly facts: every device's series, and the reference's counts add up.
  nlohmann::json telemetry = wait_for("/analytics/telemetry-1h?metric=Pressure", 60, [](const nlohmann::json& b) {
    return b["data"].size() >= 5 && b["data"][0]["points"].size() >= 2;
  });
  for (const nlohmann::json& s : telemetry["data"]) {
    EXPECT_EQ(s["metric"], "Pressure");
    for (const nlohmann::json& p : s["points"]) {
      EXPECT_LE(p["min"].get<double>(), p["avg"].get<double>()) << p.dump();
      EXPECT_LE(p["avg"].get<double>(), p["max"].get<double>()) << p.dump();
      EXPECT_GT(p["count"].get<int64_t>(), 0);
    }
  }
  counts = get("/analytics/telemetry-1h-counts");
  EXPECT_EQ(counts["available"], true) << counts.dump();
  int64_t by_device = 0;
  for (const nlohmann::json& d : counts["by_device"]) by_device += d["readings"].get<int64_t>();
  EXPECT_EQ(by_device, counts["total_readings_in_windows"].get<int64_t>());
  EXPECT_GT(counts["windows_received"].get<int64_t>(), 0);
  nlohmann::json compliance = wait_for("/analytics/compliance-1h", 30, [](const nlohmann::json& b) { return !b["data"].empty(); });
  for (const nlohmann::json& s : compliance["data"]) {
    for (const nlohmann::json& p : s["points"]) {
      EXPECT_GE(p["pct"].get<double>(), 0.0);
      EXPECT_LE(p["pct"].get<double>(), 100.0);
      EXPECT_LE(p["in_range"].get<int64_t>(), p["count"].get<int64_t>());
    }
  }

  // Every followed topic was read through the registry without a value skipped.
  nlohmann::json topics = get("/analytics/topics");
  for (const nlohmann::json& t : topics["topics"]) {
    EXPECT_EQ(t["skipped"], 0) << t.dump();
    EXPECT_TRUE(t["last_error"].is_null()) << t.dump();
  }
  nlohmann::json health = get("/health");
  EXPECT_EQ(health["components"]["dashboards"]["status"], "ok") << health.dump();

  // What arrived while the stream was open went out on it.
  for (int i = 0; i < 50; ++i) {
    {
      std::lock_guard lock(mutex);
      if (events.count("alert drift") && events.count("alert non_adherence") && events.count("fact telemetry_1h")) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  reader.stop();
  close(fd);
  {
    std::lock_guard lock(mutex);
    EXPECT_GT(events.count("alert drift"), 0u);
    EXPECT_GT(events.count("alert non_adherence"), 0u);
    EXPECT_GT(events.count("fact telemetry_1h"), 0u);
    EXPECT_GT(events.count("fact compliance_1h"), 0u);
  }

  // A clean restart on the same data dir: the dashboards replay their topics from the first record,
  // so every route answers what it answered before, neither empty nor counted twice. The simulator
  // stops first, and the answers are taken once they hold still for longer than a checkpoint
  // interval (the jobs commit their output every 3 s), so nothing is still on its way when up stops.
  call("POST", "/simulation/stop");
  const std::vector<std::string> routes = {"/analytics/dashboard",         "/analytics/telemetry-1h-counts",
                                           "/analytics/telemetry-1h",      "/analytics/compliance-1h",
                                           "/analytics/drift-counts",      "/analytics/alerts?limit=1000",
                                           "/analytics/topics"};
  const auto answers = [&] {
    std::map<std::string, nlohmann::json> out;
    for (const std::string& route : routes) out[route] = get(route);
    return out;
  };
  std::map<std::string, nlohmann::json> before = answers();
  for (int i = 0; i < 10; ++i) {
    std::this_thread::sleep_for(std::chrono::seconds(4));  // more than a checkpoint interval
    std::map<std::string, nlohmann::json> now = answers();
    if (now == before) break;
    before = std::move(now);
  }
  stop_up();
  start_up({"simulator.tick_ms=100", "simulator.seed=7",
            "pipelines.path=" + std::string(CAREFLOW_SOURCE_DIR) + "/pipelines"});
  // Replayed once every followed topic has given back as many rows as before (up to 60 s); then a
  // checkpoint's wait for anything the restart would add.
  const auto rows_read = [](const nlohmann::json& answer) {
    std::map<std::string, int64_t> rows;
    for (const nlohmann::json& t : answer["topics"]) rows[t["topic"].get<std::string>()] = t["rows"].get<int64_t>();
    return rows;
  };
  const std::map<std::string, int64_t> rows_before = rows_read(before["/analytics/topics"]);
  wait_for("/analytics/topics", 60, [&](const nlohmann::json& t) {
    const std::map<std::string, int64_t> now = rows_read(t);
    return std::all_of(rows_before.begin(), rows_before.end(), [&](const auto& topic_rows) {
      auto there = now.find(topic_rows.first);
      return there != now.end() && there->second >= topic_rows.second;
    });
  });
  std::this_thread::sleep_for(std::chrono::seconds(4));
  const std::map<std::string, nlohmann::json> after = answers();
  for (const std::string& route : routes) {
    EXPECT_EQ(after.at(route), before.at(route)) << route << " after the restart:\n"
                                                 << after.at(route).dump().substr(0, 3000) << "\nbefore:\n"
                                                 << before.at(route).dump().substr(0, 3000);
  }
}

}  // namespace
}  // namespace careflow
