// The healthcare pipelines (pipelines/) deployed by a real `careflow up` (pipelines.path), fed by
// its simulator, PostgreSQL capture and registry: every DDL goes into the catalog, every DML runs
// as a job named after its table and keeps RUNNING while readings flow, the facts fill (read back
// through the registry by a SELECT beside up), and a restart resumes the jobs instead of starting
// them twice. The pipelines' .test files replace connectors and formats; this is the test that
// runs them with the real ones (a TIMESTAMP_LTZ column through avro-confluent, or a schema id read
// in the wrong registry context, failed 12 of the 18 jobs here and nowhere else).
// A broken pipelines folder: the failing table is reported with its file and line:column while the
// others run; a folder that does not exist stops the start naming pipelines.path.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "http/tests/http_client.h"
#include "store/tests/test_postgres.h"
#include "tests/integration/run_process.h"
#include "tests/integration/up_process_test.h"

namespace careflow {
namespace {

namespace fs = std::filesystem;
using careflow::testing::ProcessResult;
using careflow::testing::read_file;
using careflow::testing::wait_exit;

constexpr const char* kToken = "pipelines-test-token";

int64_t rows_out(const nlohmann::json& t) { return t.contains("rowsOut") ? t["rowsOut"].get<int64_t>() : 0; }
int64_t rows_in(const nlohmann::json& t) { return t.contains("rowsIn") ? t["rowsIn"].get<int64_t>() : 0; }

class PipelinesUpTest : public careflow::testing::UpProcessTest {
 protected:
  PipelinesUpTest() : UpProcessTest("pipelines-up-", kToken) {}
  // Story time at five rounds a second: an hour of event time every 2.4 s, and a glucose spike's
  // 48 rounds at the peak (sim/defects.h) last 9.6 s, room for a bolus through a 3 s checkpoint.
  std::vector<std::string> settings(const std::string& pipelines) const {
    return {"simulator.tick_ms=200", "simulator.seed=7", "pipelines.path=" + pipelines};
  }
  // GET /pipelines's tables by name.
  std::map<std::string, nlohmann::json> tables() {
    std::map<std::string, nlohmann::json> out;
    auto reply = call("GET", "/pipelines");
    EXPECT_EQ(reply.status, 200) << reply.body;
    const nlohmann::json body = reply.json();  // kept: a range-for over a temporary's member would dangle
    if (!body.is_object() || !body.contains("tables")) return out;
    for (const nlohmann::json& t : body["tables"]) out[t["table"].get<std::string>()] = t;
    return out;
  }
  // Polls GET /pipelines up to `seconds` until `done` holds.
  std::map<std::string, nlohmann::json> wait_for(int seconds, const std::function<bool(std::map<std::string, nlohmann::json>&)>& done) {
    std::map<std::string, nlohmann::json> last;
    for (int i = 0; i < seconds * 5; ++i) {
      last = tables();
      if (done(last)) return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    std::string shown;
    for (const auto& [name, t] : last) shown += t.dump() + "\n";
    ADD_FAILURE() << "the pipelines never got there:\n" << shown << read_file((dir_ / "up.err").string());
    return last;
  }

  // Polls `query` beside up (up to 30 s: a checkpoint commits the jobs' rows) until its output has
  // `want`; the last output.
  std::string rows_with(const std::string& query, const std::string& want) {
    ProcessResult r;
    for (int i = 0; i < 60; ++i) {
      r = careflow({"sql", "--bounded", "-e", query});
      if (r.exit_code != 0 || r.out.find(want) != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  // Copies the tables' sql-scripts folders of the repository's pipelines/ into a folder of the test.
  fs::path pipelines_of(const std::vector<std::string>& tables) {
    const fs::path root = dir_ / "pipelines";
    const fs::path source = fs::path(CAREFLOW_SOURCE_DIR) / "pipelines";
    for (const std::string& table : tables) {
      fs::create_directories(root / table);
      fs::copy(source / table / "sql-scripts", root / table / "sql-scripts", fs::copy_options::recursive);
    }
    return root;
  }
  // Waits up to 60 s for every job of the folder to run and hc_src_device_assignments to have written
  // `assignments` rows since it started (a resumed job counts from its resumption).
  void wait_for_running(int64_t assignments) {
    wait_for(60, [assignments](std::map<std::string, nlohmann::json>& t) {
      for (const auto& [name, table] : t) {
        if (table["job"] != "none" && table["state"] != "RUNNING") return false;
      }
      return rows_out(t["hc_src_device_assignments"]) >= assignments;
    });
  }

  // `careflow lake scan table` beside up, polled up to 30 s (a checkpoint commits the lake's
  // snapshot) until its rows have `want`.
  ProcessResult lake_scan(const std::string& table, const std::string& want) {
    ProcessResult r;
    for (int i = 0; i < 60; ++i) {
      r = careflow({"lake", "scan", table});
      if (r.exit_code == 0 && r.out.find(want) != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return r;
  }
};

TEST_F(PipelinesUpTest, EveryPipelineRunsInUpFedByTheSimulatorAndResumesAfterARestart) {
  const std::string pipelines = std::string(CAREFLOW_SOURCE_DIR) + "/pipelines";
  start_up(settings(pipelines));
  EXPECT_NE(read_file((dir_ / "up.out").string()).find("jobs started, 0 already running, 0 failed"), std::string::npos)
      << read_file((dir_ / "up.out").string());
  std::map<std::string, nlohmann::json> deployed = tables();
  size_t with_jobs = 0;
  for (const auto& [name, t] : deployed) {
    EXPECT_EQ(t["ddl"], "created") << t.dump();
    EXPECT_TRUE(t["error"].is_null()) << t.dump();
    if (t["job"] != "none") {
      EXPECT_EQ(t["job"], "started") << t.dump();
      ++with_jobs;
    }
  }
  EXPECT_GE(deployed.size(), 41u);
  EXPECT_GE(with_jobs, 32u);
  for (const char* layer_table : {"hc_raw_device_metrics", "hc_src_readings_checked"}) {
    EXPECT_EQ(deployed[layer_table]["job"], "none") << layer_table;
  }

  // Readings flow; every job stays RUNNING, and the facts that need only readings and the
  // prescriptions (captured from PostgreSQL) fill up.
  ASSERT_EQ(call("POST", "/simulation/start", R"({"simulation_type":"all"})").status, 200);
  auto running = wait_for(90, [](std::map<std::string, nlohmann::json>& t) {
    for (const auto& [name, table] : t) {
      if (table["job"] != "none" && table["state"] != "RUNNING") return false;
    }
    return rows_out(t["hc_src_prescriptions"]) > 0 && rows_out(t["hc_src_prescription_versions"]) > 0 &&
           rows_out(t["hc_dim_patients"]) > 0 && rows_out(t["hc_fct_telemetry_1h"]) > 0 &&
           rows_out(t["hc_fct_compliance_1h"]) > 0 && rows_out(t["hc_src_device_assignments"]) > 0;
  });
  for (const auto& [name, t] : running) {
    if (t["job"] != "none") {
      EXPECT_EQ(t["state"], "RUNNING") << t.dump();
    }
  }

  // GET /health's pipelines component (the header's Pipelines dot) is up while every job runs.
  const nlohmann::json health = call("GET", "/health").json();
  EXPECT_EQ(health["components"]["pipelines"]["status"], "ok") << health.dump();

  // The facts read back beside up, through the registry's context, typed as the DDL says: once a
  // checkpoint has committed them (the jobs are exactly once), so for up to 20 s.
  const auto select_rows = [this](const std::string& query) {
    ProcessResult r;
    for (int i = 0; i < 40; ++i) {
      r = careflow({"sql", "--bounded", "-e", query});
      if (r.exit_code != 0 || r.out.find("+I[DEV-") != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return r;
  };
  ProcessResult facts = select_rows("SELECT device_id, metric_name, window_start, reading_count FROM hc_fct_telemetry_1h "
                                    "WHERE reading_count > 0");
  ASSERT_EQ(facts.exit_code, 0) << facts.err;
  EXPECT_NE(facts.out.find("+I[DEV-"), std::string::npos) << facts.out;
  ProcessResult versions =
      select_rows("SELECT device_id, metric, valid_from FROM hc_src_prescription_versions WHERE valid_from_ms > 0");
  ASSERT_EQ(versions.exit_code, 0) << versions.err;
  EXPECT_NE(versions.out.find("+I[DEV-"), std::string::npos) << versions.out;

  // Button presses are routed by the assignment valid at their event time: the seeded assignments
  // hold from before story time, so DEV-P002's first press verifies its assignment (with the
  // assignment's patient) and the second is an emergency, which the Alerts page's route lists.
  for (int i = 0; i < 2; ++i) ASSERT_EQ(call("POST", "/device/DEV-P002/events/button-press").status, 201);
  ProcessResult routes;
  for (int i = 0; i < 40; ++i) {
    routes = careflow({"sql", "--bounded", "-e", "SELECT device_id, patient_id, route FROM hc_fct_button_routing"});
    if (routes.exit_code != 0 || routes.out.find("EMERGENCY_ALERT") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  ASSERT_EQ(routes.exit_code, 0) << routes.err;
  EXPECT_NE(routes.out.find("+I[DEV-P002, P002, ASSIGNMENT_VERIFIED]"), std::string::npos) << routes.out;
  EXPECT_NE(routes.out.find("+I[DEV-P002, P002, EMERGENCY_ALERT]"), std::string::npos) << routes.out;
  nlohmann::json emergencies;
  for (int i = 0; i < 50; ++i) {
    emergencies = call("GET", "/analytics/alerts?kind=button_emergency").json();
    if (emergencies.contains("data") && !emergencies["data"].empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_TRUE(emergencies.contains("data") && emergencies["data"].size() == 1) << emergencies.dump();
  EXPECT_EQ(emergencies["data"][0]["device_id"], "DEV-P002") << emergencies.dump();

  // The gold facts land in the lakehouse: an Iceberg table per fact topic, committed per checkpoint
  // and read back by careflow's own Iceberg/Parquet readers (the lake tests check pyiceberg's).
  ProcessResult lake = lake_scan("healthcare.hc_fct_telemetry_1h", "DEV-P0");
  EXPECT_EQ(lake.exit_code, 0) << lake.err;
  EXPECT_NE(lake.out.find("DEV-P0"), std::string::npos) << lake.out << lake.err;
  // The dimension is upserted by patient: one row each for the six seeded patients.
  ProcessResult dim = lake_scan("healthcare.hc_dim_patients", "P006");
  EXPECT_NE(dim.out.find("P001"), std::string::npos) << dim.out << dim.err;
  EXPECT_NE(dim.out.find("P006"), std::string::npos) << dim.out << dim.err;
  ProcessResult lake_tables = careflow({"lake", "list"});
  // (An Iceberg table is created by its first rows: these two fill from normal readings alone.)
  for (const char* table : {"healthcare.hc_fct_telemetry_1h", "healthcare.hc_fct_compliance_1h"}) {
    EXPECT_NE(lake_tables.out.find(table), std::string::npos) << table << "\n" << lake_tables.out;
  }

  // The insulin loop, closed: a glucose spike on the pump (DEV-P006) crosses its BolusThreshold (250),
  // the device.commands job doses a bolus, the simulated pump follows the topic and delivers it,
  // and the glucose falls back below the threshold well before the spike's hour at 310 would end.
  ASSERT_EQ(call("POST", "/device/DEV-P006/simulator/glucose_spike").status, 200);
  nlohmann::json sim_status;
  for (int i = 0; i < 150; ++i) {
    sim_status = call("GET", "/simulation/status").json();
    if (sim_status["insulin"].contains("DEV-P006")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_TRUE(sim_status["insulin"].contains("DEV-P006")) << sim_status.dump() << read_file((dir_ / "up.err").string());
  EXPECT_EQ(sim_status["insulin"]["DEV-P006"]["boluses"], 1) << sim_status.dump();
  const double units = sim_status["insulin"]["DEV-P006"]["units"].get<double>();
  EXPECT_GE(units, 0.5);
  EXPECT_LE(units, 4.0);  // the seeded MaxBolusDose
  ProcessResult commands = select_rows("SELECT device_id, command_type, dose_units FROM `device.commands`");
  ASSERT_EQ(commands.exit_code, 0) << commands.err;
  EXPECT_NE(commands.out.find("+I[DEV-P006, INSULIN_BOLUS, "), std::string::npos) << commands.out;
  // The Alerts page's route lists the bolus as an alert of its own kind.
  nlohmann::json boluses;
  for (int i = 0; i < 50; ++i) {
    boluses = call("GET", "/analytics/alerts?kind=insulin_bolus").json();
    if (boluses.contains("data") && !boluses["data"].empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_TRUE(boluses.contains("data") && !boluses["data"].empty()) << boluses.dump();
  EXPECT_EQ(boluses["data"][0]["device_id"], "DEV-P006") << boluses.dump();
  EXPECT_EQ(boluses["data"][0]["metric"], "BloodGlucose") << boluses.dump();
  // The spike is over (the device is back to its normal readings) once insulin brought it down.
  for (int i = 0; i < 100; ++i) {
    sim_status = call("GET", "/simulation/status").json();
    if (!sim_status["activeDefects"].contains("DEV-P006")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_FALSE(sim_status["activeDefects"].contains("DEV-P006")) << sim_status.dump();

  // The OTA loop, closed: DEV-P001 (CPAP-Pro, firmware 1.2.0, allowlisted for 1.3.0) reports it is
  // plugged in with 80 % battery; during its patient's daytime (07:00-18:00 America/New_York, which
  // story time reaches within ~30 s at an hour per 2.4 s) hc_fct_ota_update_commands orders the
  // update, the device follows the topic and installs 1.3.0 in its row. After that its power
  // events report 1.3.0 and no further command comes.
  const auto firmware = [this] { return call("GET", "/devices/DEV-P001").json().value("softwareVersion", std::string()); };
  ASSERT_EQ(firmware(), "1.2.0");
  for (int i = 0; i < 120 && firmware() == "1.2.0"; ++i) {
    ASSERT_EQ(call("POST", "/device/DEV-P001/events/power-status", R"({"battery_level": 80, "plugged": true})").status, 201);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  ASSERT_EQ(firmware(), "1.3.0") << read_file((dir_ / "up.err").string());
  const auto ota_commands = [&] {
    ProcessResult r = select_rows("SELECT device_id, current_sw_version, target_sw_version FROM hc_fct_ota_update_commands");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    size_t n = 0;
    for (size_t at = r.out.find("+I[DEV-P001, 1.2.0, 1.3.0]"); at != std::string::npos; at = r.out.find("+I[DEV-P001", at + 1)) ++n;
    EXPECT_EQ(r.out.find("+I[DEV-P001, 1.3.0"), std::string::npos) << r.out;  // never an update from the new version
    return n;
  };
  // Events posted while the update was on its way may still order it (from 1.2.0, not acted on):
  // counted once a checkpoint (every 3 s; slower under the sanitizers) has committed them.
  std::this_thread::sleep_for(std::chrono::seconds(6));
  const size_t ordered = ota_commands();
  EXPECT_GE(ordered, 1u);
  for (int i = 0; i < 6; ++i) {  // 3 s of power events on the new firmware, then a checkpoint's wait
    ASSERT_EQ(call("POST", "/device/DEV-P001/events/power-status", R"({"battery_level": 90, "plugged": true})").status, 201);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  std::this_thread::sleep_for(std::chrono::seconds(6));
  EXPECT_EQ(ota_commands(), ordered);
  EXPECT_EQ(call("GET", "/health").json()["components"]["ota_updates"]["status"], "ok");

  // The retracting device facts land in the lake too, keyed by event (or command): the presses'
  // routes, the enriched events, the OTA orders.
  for (const auto& [table, want] : std::vector<std::pair<std::string, std::string>>{
           {"healthcare.hc_fct_button_routing", "EMERGENCY_ALERT"},
           {"healthcare.hc_fct_device_events_enriched", "POWER_STATUS"},
           {"healthcare.hc_fct_ota_update_commands", "1.3.0"}}) {
    ProcessResult scanned = lake_scan(table, want);
    EXPECT_NE(scanned.out.find(want), std::string::npos) << table << "\n" << scanned.out << scanned.err;
  }

  // The CLI shows the same, and exits 0 when nothing failed.
  ProcessResult status = careflow({"pipeline", "status"});
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
  EXPECT_NE(status.out.find("hc_fct_drift_events"), std::string::npos) << status.out;

  // A restart resumes the 18 jobs from their checkpoints; deploying again starts none twice.
  call("POST", "/simulation/stop");
  stop_up();
  start_up(settings(pipelines));
  EXPECT_NE(read_file((dir_ / "up.out").string()).find("0 jobs started"), std::string::npos)
      << read_file((dir_ / "up.out").string());
  auto resumed = tables();
  for (const auto& [name, t] : resumed) {
    EXPECT_EQ(t["ddl"], "kept") << t.dump();
    EXPECT_TRUE(t["warning"].is_null()) << t.dump();  // the files have not changed
    if (t["job"] != "none") {
      EXPECT_EQ(t["job"], "running") << t.dump();
    }
  }
  auto again = call("POST", "/pipelines/deploy");
  ASSERT_EQ(again.status, 200) << again.body;
  // Resumed jobs are PENDING while they restore their checkpoints, then RUNNING: up to 30 s.
  nlohmann::json jobs;
  for (int i = 0; i < 150; ++i) {
    jobs = call("GET", "/jobs").json()["jobs"];
    if (std::all_of(jobs.begin(), jobs.end(), [](const nlohmann::json& j) { return j["state"] == "RUNNING"; })) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(jobs.size(), with_jobs);
  for (const nlohmann::json& j : jobs) EXPECT_EQ(j["state"], "RUNNING") << j.dump();
}

// A device moved to another patient through the API while up runs: the move reaches
// hc_raw_device_assignments (the dimension topics follow the store) as an assignment from the
// simulator's story time, so the next press, stamped in story time too, verifies the new
// assignment for the new patient, while the press before the move stays the old patient's. Without
// the story-time stamp the new assignment would start at the wall clock, days after the presses'
// time, and the press would be an emergency of the old patient's; without the follower it would
// never reach the pipelines. The routes land in the lake table keyed by press.
TEST_F(PipelinesUpTest, APressAfterAnApiMoveIsRoutedToTheNewPatient) {
  const fs::path root = pipelines_of({"raw/hc_raw_device_events", "raw/hc_raw_device_assignments", "src/hc_src_device_assignments",
                                      "fct/hc_fct_button_routing", "lake/hc_lake_button_routing"});
  start_up(settings(root.string()));
  wait_for_running(6);  // the seeded devices
  const std::string routes = "SELECT device_id, patient_id, route FROM hc_fct_button_routing";
  // Story time moves (a round every 200 ms, 5 story minutes each): each press has a time of its own,
  // which moves the events' watermark (the newest event's time) and routes it at once.
  ASSERT_EQ(call("POST", "/simulation/start", R"({"simulation_type":"all"})").status, 200);
  const auto story_now = [this] { return call("GET", "/simulation/status").json()["storyTime"]["now"].get<int64_t>(); };

  ASSERT_EQ(call("POST", "/device/DEV-P003/events/button-press").status, 201);
  EXPECT_NE(rows_with(routes, "[DEV-P003, P003, ASSIGNMENT_VERIFIED]").find("[DEV-P003, P003, ASSIGNMENT_VERIFIED]"),
            std::string::npos);

  // What the routing job has read so far: the first press and the seeded assignments.
  const int64_t read_before = rows_in(wait_for(30, [](std::map<std::string, nlohmann::json>& t) {
    return rows_out(t["hc_fct_button_routing"]) >= 1;
  })["hc_fct_button_routing"]);
  const int64_t story_before = story_now();
  auto moved = call("PUT", "/devices/DEV-P003", R"({"patientId":"P004"})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  const int64_t story_after = story_now();
  // The new assignment, from the story's time of the move (not the wall clock, days later),
  // reaches the versioned table the routing joins with...
  const std::string assignments =
      rows_with("SELECT device_id, patient_id, assigned_at_ms FROM hc_src_device_assignments", "DEV-P003, P004, ");
  const size_t found = assignments.find("DEV-P003, P004, ");
  ASSERT_NE(found, std::string::npos) << assignments << read_file((dir_ / "up.err").string());
  const int64_t assigned_at = std::stoll(assignments.substr(found + 16));
  EXPECT_GE(assigned_at, story_before);
  EXPECT_LE(assigned_at, story_after);
  // ... and the routing job has read it (nothing else is written meanwhile): a press made before
  // that would meet the old version, as the temporal join does not revise what it emitted.
  wait_for(30, [read_before](std::map<std::string, nlohmann::json>& t) { return rows_in(t["hc_fct_button_routing"]) > read_before; });

  ASSERT_EQ(call("POST", "/device/DEV-P003/events/button-press").status, 201);
  const std::string after = rows_with(routes, "[DEV-P003, P004, ASSIGNMENT_VERIFIED]");
  EXPECT_NE(after.find("+I[DEV-P003, P004, ASSIGNMENT_VERIFIED]"), std::string::npos) << after;
  EXPECT_EQ(after.find("EMERGENCY_ALERT"), std::string::npos) << after;

  // The lake table has both presses, each with its route, read back by careflow's Iceberg reader.
  ProcessResult lake = lake_scan("healthcare.hc_fct_button_routing", "P004");
  EXPECT_NE(lake.out.find("P004"), std::string::npos) << lake.out << lake.err;
  size_t verified = 0;
  for (size_t at = lake.out.find("ASSIGNMENT_VERIFIED"); at != std::string::npos; at = lake.out.find("ASSIGNMENT_VERIFIED", at + 1)) {
    ++verified;
  }
  EXPECT_EQ(verified, 2u) << lake.out;
}

// A device deleted through the API leaves one tombstone on each dimension topic keyed by it
// (docs/simulator.md "Dimension topics"), which the upsert tables reading them turn into the
// device's delete; a restart adds no second tombstone.
TEST_F(PipelinesUpTest, ADeviceDeletedThroughTheApiIsDeletedFromTheDimensionTablesOnce) {
  const fs::path root = pipelines_of({"raw/hc_raw_device_assignments", "src/hc_src_device_assignments", "raw/hc_raw_ota_allowlist",
                                      "src/hc_src_ota_allowlist"});
  start_up(settings(root.string()));
  wait_for_running(6);  // the seeded devices
  auto created = call("POST", "/devices", R"({"deviceId":"DEV-T1","patientId":"P001","modelType":"CPAP-Pro"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string assignments = "SELECT device_id, patient_id FROM hc_src_device_assignments";
  const std::string allowlist = "SELECT device_id, target_sw_version FROM hc_src_ota_allowlist";
  EXPECT_NE(rows_with(assignments, "+I[DEV-T1, P001]").find("+I[DEV-T1, P001]"), std::string::npos);
  EXPECT_NE(rows_with(allowlist, "+I[DEV-T1, 1.3.0]").find("+I[DEV-T1, 1.3.0]"), std::string::npos);

  auto deleted = call("DELETE", "/devices/DEV-T1");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_NE(rows_with(assignments, "-D[DEV-T1, P001]").find("-D[DEV-T1, P001]"), std::string::npos)
      << read_file((dir_ / "up.err").string());
  EXPECT_NE(rows_with(allowlist, "-D[DEV-T1, 1.3.0]").find("-D[DEV-T1, 1.3.0]"), std::string::npos);

  // Restarted with the same store: the seed at start finds the tombstones there.
  stop_up();
  start_up(settings(root.string()));
  wait_for_running(0);
  stop_up();
  for (const char* topic : {"hc_raw_device_assignments", "hc_raw_ota_allowlist"}) {
    ProcessResult consumed = careflow({"topic", "consume", topic, "--format", "json"});
    ASSERT_EQ(consumed.exit_code, 0) << consumed.err;
    size_t tombstones = 0;
    for (size_t at = consumed.out.find("\"value\":null"); at != std::string::npos; at = consumed.out.find("\"value\":null", at + 1)) {
      ++tombstones;
    }
    EXPECT_EQ(tombstones, 1u) << topic << "\n" << consumed.out;
  }
}

TEST_F(PipelinesUpTest, AFailingPipelineIsReportedWithItsFileAndTheOthersRun) {
  // Two tables of the real pipelines, one of them with a DML that does not parse.
  const fs::path root = dir_ / "pipelines";
  const fs::path source = fs::path(CAREFLOW_SOURCE_DIR) / "pipelines";
  for (const char* table : {"raw/hc_raw_device_metrics", "fct/hc_fct_telemetry_1h", "raw/hc_raw_device_events",
                            "fct/hc_fct_device_event_quality"}) {
    fs::create_directories(root / table);
    fs::copy(source / table / "sql-scripts", root / table / "sql-scripts", fs::copy_options::recursive);
  }
  const fs::path broken = root / "fct/hc_fct_device_event_quality/sql-scripts/dml.hc_fct_device_event_quality.sql";
  {
    std::ofstream out(broken, std::ios::trunc);
    out << "INSERT INTO hc_fct_device_event_quality\nSELECT FROM WHERE;\n";
  }
  start_up(settings(root.string()));
  EXPECT_NE(read_file((dir_ / "up.out").string()).find("1 jobs started, 0 already running, 1 failed"), std::string::npos)
      << read_file((dir_ / "up.out").string());
  auto t = tables();
  EXPECT_EQ(t["hc_fct_telemetry_1h"]["job"], "started");
  EXPECT_EQ(t["hc_fct_device_event_quality"]["job"], "failed");
  const std::string error = t["hc_fct_device_event_quality"]["error"];
  EXPECT_NE(error.find(broken.string() + ": line 2:"), std::string::npos) << error;
  ProcessResult status = careflow({"pipeline", "status"});
  EXPECT_EQ(status.exit_code, 1) << status.out;
  EXPECT_NE(status.out.find("dml.hc_fct_device_event_quality.sql: line 2:"), std::string::npos) << status.out;
  for (const auto& [name, table] : t) EXPECT_TRUE(table["warning"].is_null()) << table.dump();
  const nlohmann::json health = call("GET", "/health").json();
  EXPECT_NE(health["components"]["pipelines"]["status"], "ok") << health.dump();
  EXPECT_NE(health["components"]["pipelines"].value("message", "").find("hc_fct_device_event_quality"), std::string::npos)
      << health.dump();
  stop_up();

  // Files edited between two starts: a comment and new spacing change nothing; a changed column and
  // a changed query are reported (the catalog and the running job keep what they had).
  const fs::path raw_ddl = root / "raw/hc_raw_device_metrics/sql-scripts/ddl.hc_raw_device_metrics.sql";
  const fs::path fct = root / "fct/hc_fct_telemetry_1h/sql-scripts";
  const auto rewrite = [](const fs::path& file, const std::function<std::string(std::string)>& edit) {
    std::string text = read_file(file.string());
    std::ofstream(file, std::ios::trunc) << edit(text);
  };
  rewrite(raw_ddl, [](std::string text) { return "-- edited: only a comment and spacing\n\n" + text + "\n"; });
  rewrite(fct / "ddl.hc_fct_telemetry_1h.sql", [](std::string text) {
    const size_t at = text.find("reading_count BIGINT");
    EXPECT_NE(at, std::string::npos) << text;
    return at == std::string::npos ? text : text.replace(at, 20, "reading_count INT");
  });
  rewrite(fct / "dml.hc_fct_telemetry_1h.sql", [](std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ';')) text.pop_back();
    return text + "\nHAVING COUNT(*) > 1;\n";
  });
  start_up(settings(root.string()));
  t = tables();
  EXPECT_TRUE(t["hc_raw_device_metrics"]["warning"].is_null()) << t["hc_raw_device_metrics"].dump();
  const std::string warning = t["hc_fct_telemetry_1h"]["warning"].is_string() ? t["hc_fct_telemetry_1h"]["warning"].get<std::string>() : "";
  EXPECT_NE(warning.find("ddl.hc_fct_telemetry_1h.sql defines the table differently"), std::string::npos) << warning;
  EXPECT_NE(warning.find("dml.hc_fct_telemetry_1h.sql has changed since job"), std::string::npos) << warning;
  status = careflow({"pipeline", "status"});
  EXPECT_NE(status.out.find("warning: "), std::string::npos) << status.out;
  stop_up();

  // A pipelines.path that is not there stops the start, naming the key.
  ProcessResult gone = careflow({"--set", "http.port=" + std::to_string(http_port_), "--set",
                                 "database.port=" + std::to_string(pg_port_), "--set", "kafka_listener.port=0", "--set",
                                 "pipelines.path=" + (dir_ / "nowhere").string(), "up"});
  EXPECT_NE(gone.exit_code, 0);
  EXPECT_NE(gone.err.find("pipelines.path: pipelines folder '" + (dir_ / "nowhere").string() + "' does not exist"),
            std::string::npos) << gone.err;
}

}  // namespace
}  // namespace careflow
