// The dashboards' history series answered from the lake on a real `careflow up`: the lake
// pipelines of the prescriptions' and devices' history (pipelines/raw/hc_raw_*_history, the CDC
// topics' Debezium envelopes read as avro-confluent rows; pipelines/lake/hc_lake_prescription_changes,
// hc_lake_device_first_seen) land every captured version in Iceberg tables, committed per checkpoint; once committed, the routes answer from the
// lake what the CDC topics answered; and after the topics lose their rows (deleted while up is
// stopped, as a short retention would drop them) the restarted up still answers the same history
// from the lake, while the topics alone have nothing left.
// One test: an up, a restart (about 20 s in a debug build).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/integration/run_process.h"
#include "tests/integration/up_process_test.h"

namespace careflow {
namespace {

namespace fs = std::filesystem;
using careflow::testing::ProcessResult;

constexpr const char* kToken = "dashboards-lake-test-token";

class DashboardsLakeUpTest : public careflow::testing::UpProcessTest {
 protected:
  DashboardsLakeUpTest() : UpProcessTest("dashboards-lake-up-", kToken) {}
  nlohmann::json get(const std::string& path) {
    auto reply = call("GET", path);
    EXPECT_EQ(reply.status, 200) << path << " " << reply.body;
    return reply.status == 200 ? reply.json() : nlohmann::json::object();
  }
  // Polls until `done` holds (up to `seconds`); fails the test naming `what` otherwise.
  void wait_until(const char* what, int seconds, const std::function<bool()>& done) {
    for (int i = 0; i < seconds * 5; ++i) {
      if (done()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ADD_FAILURE() << what << " never happened\n" << get("/pipelines").dump().substr(0, 3000) << "\n"
                  << careflow::testing::read_file((dir_ / "up.err").string()).substr(0, 4000);
  }
};

int64_t total(const nlohmann::json& per_day) {
  int64_t n = 0;
  for (const nlohmann::json& d : per_day) n += d["count"].get<int64_t>();
  return n;
}

TEST_F(DashboardsLakeUpTest, HistoryOutlivesTheTopicsRowsInTheLake) {
  const fs::path root = dir_ / "pipelines";
  const fs::path source = fs::path(CAREFLOW_SOURCE_DIR) / "pipelines";
  for (const char* table : {"raw/healthcare.public.prescriptions", "raw/healthcare.public.devices", "raw/hc_raw_prescription_history",
                            "raw/hc_raw_device_history", "lake/hc_lake_prescription_changes", "lake/hc_lake_device_first_seen"}) {
    fs::create_directories(root / table);
    fs::copy(source / table / "sql-scripts", root / table / "sql-scripts", fs::copy_options::recursive);
  }
  const std::vector<std::string> settings = {"pipelines.path=" + root.string()};
  start_up(settings);

  // A prescription created, edited and deleted: three more versions beside the seeded ones.
  auto created = call("POST", "/prescriptions",
                      R"({"patientId":"P002","deviceId":"DEV-P002","medicationOrTherapy":"CPAP","startDate":1700000000000,)"
                      R"("parameters":[{"parameter_name":"Pressure","parameter_value":11,"parameter_tolerance":1,"unit":"cmH2O"}]})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["prescriptionId"];
  ASSERT_EQ(call("PUT", "/prescriptions/" + id, R"({"medicationOrTherapy":"BiPAP"})").status, 200);
  ASSERT_EQ(call("DELETE", "/prescriptions/" + id).status, 200);

  // The topics' answer holds once every captured event is in (the seeded versions and the three),
  // and the lake answers the same once a checkpoint has committed them.
  const std::vector<std::string> routes = {"/analytics/config-changes-over-time", "/analytics/new-devices-over-time"};
  std::map<std::string, nlohmann::json> topics;
  wait_until("the topics' and the lake's answers agreeing", 60, [&] {
    for (const std::string& route : routes) {
      topics[route] = get(route + "?source=topics");
      const nlohmann::json lake = get(route);
      if (topics[route]["available"] != true || lake["source"] != "lake" || lake["data"] != topics[route]["data"]) return false;
    }
    return total(topics[routes[0]]["data"]) >= 4 && total(topics[routes[1]]["data"]) >= 5;
  });
  const nlohmann::json changes = get(routes[0]);
  EXPECT_EQ(changes["source"], "lake");
  EXPECT_EQ(changes["table"], "healthcare.hc_prescription_changes");
  EXPECT_TRUE(changes["snapshot_id"].is_number_integer()) << changes.dump();
  EXPECT_TRUE(changes["committed_at"].is_string()) << changes.dump();
  const nlohmann::json dashboard = get("/analytics/dashboard");
  EXPECT_EQ(dashboard["sources"]["config_changes_over_time"]["source"], "lake") << dashboard.dump();
  EXPECT_EQ(dashboard["sources"]["new_devices_over_time"]["source"], "lake") << dashboard.dump();
  EXPECT_EQ(dashboard["config_changes_over_time"], topics[routes[0]]["data"]);

  // The topics lose every row while up is stopped.
  stop_up();
  for (const char* topic : {"healthcare.public.prescriptions", "healthcare.public.devices"}) {
    ProcessResult deleted = careflow({"topic", "delete", topic});
    ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  }
  start_up(settings);
  for (const std::string& route : routes) {
    const nlohmann::json lake = get(route);
    EXPECT_EQ(lake["source"], "lake") << route << " " << lake.dump();
    EXPECT_EQ(lake["available"], true) << route;
    EXPECT_EQ(lake["data"], topics[route]["data"]) << route << " after the topics lost their rows";
    // The topics alone have nothing of it left.
    const nlohmann::json now = get(route + "?source=topics");
    EXPECT_LT(total(now["data"]), total(topics[route]["data"])) << route << " " << now.dump();
  }
}

}  // namespace
}  // namespace careflow
