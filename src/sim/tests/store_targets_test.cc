// The simulator's targets and the dimension topics from a real, freshly migrated PostgreSQL: the
// seeded insulin pump, what happens when a prescription for another metric is added to a device by
// hand (issue 22: the device stopped sending its other metrics), and the dimension seed appending
// only what is missing or changed.

#include "sim/store_targets.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "common/clock.h"
#include "log/embedded_log.h"
#include "sim/dimension_follower.h"
#include "sim/dimension_seed.h"
#include "sim/simulator.h"
#include "store/local_postgres.h"
#include "store/migrations.h"
#include "store/tests/test_postgres.h"

namespace careflow::sim {
namespace {

class StoreTargetsTest : public store::testing::PostgresTest {
 protected:
  void SetUp() override {
    PostgresTest::SetUp();
    auto pg = store::LocalPostgres::start(options_);
    ASSERT_TRUE(pg.is_ok()) << pg.status().to_string();
    pg_ = std::move(pg).value();
    auto db = store::Database::open(pg_->conninfo(), 2);
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    db_ = std::move(db).value();
    ASSERT_TRUE(store::migrate(*db_).is_ok());
  }
  void TearDown() override {
    db_.reset();
    pg_.reset();
    PostgresTest::TearDown();
  }
  // Metric name -> target of one device, now.
  std::map<std::string, double> targets_of(const std::string& device) {
    auto all = load_targets_from_store(*db_, wall_clock_ms());
    EXPECT_TRUE(all.is_ok()) << all.status().to_string();
    std::map<std::string, double> out;
    for (const DeviceTarget& t : *all) {
      if (t.device_id != device) continue;
      EXPECT_EQ(t.invalid, "");
      for (const auto& m : t.metrics) out[m.name] = m.target;
    }
    return out;
  }

  std::unique_ptr<store::LocalPostgres> pg_;
  std::unique_ptr<store::Database> db_;
};

TEST_F(StoreTargetsTest, TheSeededInsulinPumpReportsGlucoseAndTakesAGlucoseSpike) {
  // Its rule (threshold, maximum dose, lockout) configures the pump; it is not a metric.
  EXPECT_EQ(targets_of("DEV-P006"), (std::map<std::string, double>{{"BloodGlucose", 120}}));
  Simulator sim({std::chrono::milliseconds(1000), 4}, [this] { return load_targets_from_store(*db_, wall_clock_ms()); },
                [](const std::vector<Reading>&) { return Status::ok(); });
  ASSERT_TRUE(sim.trigger_defect("DEV-P006", "glucose_spike").is_ok());
  double peak = 0;
  for (int t = 0; t < 10; ++t) {
    auto readings = sim.tick(t);
    ASSERT_TRUE(readings.is_ok());
    for (const Reading& r : *readings) {
      if (r.device_id == "DEV-P006") peak = std::max(peak, r.metric_value);
    }
  }
  EXPECT_GT(peak, 250);  // past the seeded BolusThreshold
}

// Reproduces the report: a BloodGlucose prescription added by hand to DEV-P001 (as POST
// /prescriptions does, starting now, after the CPAP prescription) used to replace the CPAP one as
// "the current prescription", and the device sent BloodGlucose only.
TEST_F(StoreTargetsTest, AHandAddedPrescriptionAddsItsMetricAndKeepsTheOthers) {
  const std::map<std::string, double> cpap = {{"Pressure", 11}, {"FlowRate", 2.7}, {"FlowLevel", 60}};
  EXPECT_EQ(targets_of("DEV-P001"), cpap);
  const int64_t now = wall_clock_ms();
  ASSERT_TRUE(db_->exec("INSERT INTO prescriptions (prescription_id, patient_id, device_id, medication_or_therapy, "
                        "start_date, end_date, parameters) VALUES ('RX-DEV-P001-GLUC', 'P001', 'DEV-P001', 'insulin', $1, "
                        "NULL, '[{\"parameter_name\":\"BloodGlucose\",\"parameter_value\":110,\"parameter_tolerance\":40}]')",
                        {std::to_string(now - 1000)})
                  .is_ok());
  std::map<std::string, double> with_glucose = cpap;
  with_glucose["BloodGlucose"] = 110;
  EXPECT_EQ(targets_of("DEV-P001"), with_glucose);
  // A newer prescription naming Pressure wins for Pressure only.
  ASSERT_TRUE(db_->exec("INSERT INTO prescriptions (prescription_id, patient_id, device_id, medication_or_therapy, "
                        "start_date, end_date, parameters) VALUES ('RX-DEV-P001-PRES', 'P001', 'DEV-P001', 'CPAP', $1, "
                        "NULL, '[{\"parameter_name\":\"Pressure\",\"parameter_value\":14,\"parameter_tolerance\":1}]')",
                        {std::to_string(now - 500)})
                  .is_ok());
  with_glucose["Pressure"] = 14;
  EXPECT_EQ(targets_of("DEV-P001"), with_glucose);
  // A device with no prescription at all still reports its own settings.
  ASSERT_TRUE(db_->exec("DELETE FROM prescriptions WHERE device_id = 'DEV-P002'").is_ok());
  EXPECT_EQ(targets_of("DEV-P002"), (std::map<std::string, double>{{"Pressure", 12}, {"FlowRate", 2.9}, {"FlowLevel", 60}}));
}

// Key -> value JSON of every record on `topic`, in order (duplicates kept).
std::vector<std::pair<std::string, nlohmann::json>> records_on(const log::Topics& topics, const std::string& topic) {
  std::vector<std::pair<std::string, nlohmann::json>> out;
  auto got = topics.fetch({topic, 0}, 0);
  EXPECT_TRUE(got.is_ok()) << got.status().to_string();
  // A tombstone's value is JSON null here.
  for (const log::Record& r : got->records) out.emplace_back(*r.key, r.value ? nlohmann::json::parse(*r.value) : nlohmann::json());
  return out;
}

TEST_F(StoreTargetsTest, DimensionTopicsAreSeededOnceAndOnlyChangesAppended) {
  auto log = log::EmbeddedLog::open((root_ / "log").string());
  ASSERT_TRUE(log.is_ok()) << log.status().to_string();
  auto encoder = DeviceRecordEncoder::json();
  auto first = seed_dimension_topics(*db_, **log, *encoder, {}, 1'000);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_EQ(first->appended, 6 + 6 + 6);  // six devices, six patients, six devices of known models
  EXPECT_EQ((*log)->describe_topic(kCareAreasTopic)->config.cleanup, log::CleanupPolicy::kCompact);

  const auto assignments = records_on(**log, kDeviceAssignmentsTopic);
  ASSERT_EQ(assignments.size(), 6u);
  EXPECT_EQ(assignments[5].first, "DEV-P006");
  // Seeded devices are assigned 30 days before they were created (store migration 5), like the
  // seeded prescriptions: before any story time. The id names the assignment's time.
  const int64_t assigned_at = assignments[5].second["assigned_at"].get<int64_t>();
  EXPECT_LE(assigned_at, wall_clock_ms() - 29ll * 24 * 3600 * 1000);
  EXPECT_EQ(assignments[5].second["assignment_id"], fmt::format("ASG-DEV-P006-P006-{}", assigned_at));
  EXPECT_EQ(assignments[5].second["patient_id"], "P006");
  EXPECT_EQ(assignments[5].second["hw_model"], "InsulinPump-X2");
  const auto areas = records_on(**log, kCareAreasTopic);
  ASSERT_EQ(areas.size(), 6u);
  EXPECT_EQ(areas[0].first, "P001");
  EXPECT_EQ(areas[0].second, (nlohmann::json{{"patient_id", "P001"}, {"center_lat", 41.8781}, {"center_lng", -87.6298},
                                             {"radius_m", 500.0}, {"timezone", "America/New_York"}}));
  // The GPS events' "inside" is within this radius of this centre.
  const GeoPoint inside = care_area_position("P001", true);
  EXPECT_LT(std::abs(inside.lat - 41.8781) * 111000, 500);
  const auto ota = records_on(**log, kOtaAllowlistTopic);
  ASSERT_EQ(ota.size(), 6u);
  EXPECT_EQ(ota[0].second["target_sw_version"], "1.3.0");
  EXPECT_EQ(ota[5].second["target_sw_version"], "2.1.0");

  // A restart with the same store appends nothing.
  auto again = seed_dimension_topics(*db_, **log, *encoder, {}, 2'000);
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again->appended, 0);
  EXPECT_EQ(again->unchanged, 18);
  // A device moved to another patient and a new device: exactly those two assignments (and the new
  // device's allowlist entry) are appended.
  ASSERT_TRUE(db_->exec("UPDATE devices SET patient_id = 'P002' WHERE device_id = 'DEV-P001'").is_ok());
  ASSERT_TRUE(db_->exec("INSERT INTO devices (device_id, patient_id, model_type) VALUES ('DEV-X1', 'P003', 'CPAP-Pro')").is_ok());
  auto changed = seed_dimension_topics(*db_, **log, *encoder, {}, 3'000);
  ASSERT_TRUE(changed.is_ok());
  EXPECT_EQ(changed->appended, 3);
  const auto now = records_on(**log, kDeviceAssignmentsTopic);
  ASSERT_EQ(now.size(), 8u);
  EXPECT_EQ(now[6].first, "DEV-P001");
  const int64_t moved_at = now[6].second["assigned_at"].get<int64_t>();
  EXPECT_GT(moved_at, now[0].second["assigned_at"].get<int64_t>());  // the move is a new assignment, from now
  EXPECT_EQ(now[6].second["assignment_id"], fmt::format("ASG-DEV-P001-P002-{}", moved_at));
  EXPECT_EQ(now[7].first, "DEV-X1");

  // Moved back to its first patient: again a new assignment, with an id of its own. An update that
  // leaves the patient as it is (a firmware update) is no new assignment.
  ASSERT_TRUE(db_->exec("UPDATE devices SET software_version = '1.3.0' WHERE device_id = 'DEV-P002'").is_ok());
  ASSERT_TRUE(db_->exec("UPDATE devices SET patient_id = 'P001' WHERE device_id = 'DEV-P001'").is_ok());
  auto back = seed_dimension_topics(*db_, **log, *encoder, {}, 4'000);
  ASSERT_TRUE(back.is_ok());
  const auto last = records_on(**log, kDeviceAssignmentsTopic);
  ASSERT_EQ(last.size(), 9u);
  EXPECT_EQ(last[8].first, "DEV-P001");
  EXPECT_EQ(last[8].second["patient_id"], "P001");
  EXPECT_GE(last[8].second["assigned_at"].get<int64_t>(), moved_at);
  EXPECT_NE(last[8].second["assignment_id"], now[0].second["assignment_id"]);
  EXPECT_NE(last[8].second["assignment_id"], now[6].second["assignment_id"]);
}

// A device and a patient deleted from the store leave a tombstone (the key, no value) on each topic
// keyed by them, once: a restart with the same store appends nothing, and a device created again
// under the same id gets its records back.
TEST_F(StoreTargetsTest, DeletedDevicesAndPatientsLeaveOneTombstonePerTopic) {
  auto log = log::EmbeddedLog::open((root_ / "log").string());
  ASSERT_TRUE(log.is_ok()) << log.status().to_string();
  auto encoder = DeviceRecordEncoder::json();
  ASSERT_TRUE(seed_dimension_topics(*db_, **log, *encoder, {}, 1'000).is_ok());
  ASSERT_TRUE(db_->exec("INSERT INTO patients (patient_id, name) VALUES ('P100', 'Ada Test')").is_ok());
  ASSERT_TRUE(db_->exec("INSERT INTO devices (device_id, patient_id, model_type) VALUES ('DEV-X1', 'P100', 'CPAP-Pro')").is_ok());
  auto added = seed_dimension_topics(*db_, **log, *encoder, {}, 2'000);
  ASSERT_TRUE(added.is_ok());
  EXPECT_EQ(added->appended, 3);  // the assignment, the allowlist entry, the care area
  EXPECT_EQ(added->tombstones, 0);

  ASSERT_TRUE(db_->exec("DELETE FROM devices WHERE device_id = 'DEV-X1'").is_ok());
  ASSERT_TRUE(db_->exec("DELETE FROM patients WHERE patient_id = 'P100'").is_ok());
  auto deleted = seed_dimension_topics(*db_, **log, *encoder, {}, 3'000);
  ASSERT_TRUE(deleted.is_ok()) << deleted.status().to_string();
  EXPECT_EQ(deleted->appended, 3);
  EXPECT_EQ(deleted->tombstones, 3);
  EXPECT_EQ(deleted->unchanged, 18);
  for (const char* topic : {kDeviceAssignmentsTopic, kOtaAllowlistTopic, kCareAreasTopic}) {
    SCOPED_TRACE(topic);
    const auto records = records_on(**log, topic);
    ASSERT_EQ(records.size(), 8u);
    EXPECT_EQ(records[7].first, records[6].first);  // the key of the record it ends
    EXPECT_TRUE(records[7].second.is_null());
    auto raw = (*log)->fetch({topic, 0}, 7);
    ASSERT_TRUE(raw.is_ok() && !raw->records.empty());
    EXPECT_FALSE(raw->records[0].value.has_value());
    EXPECT_EQ(raw->records[0].timestamp_ms, 3'000);
  }

  // A restart with the same store: no second tombstone.
  auto again = seed_dimension_topics(*db_, **log, *encoder, {}, 4'000);
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again->appended, 0);
  EXPECT_EQ(again->tombstones, 0);
  EXPECT_EQ(records_on(**log, kDeviceAssignmentsTopic).size(), 8u);

  // The same id created again is a device again.
  ASSERT_TRUE(db_->exec("INSERT INTO devices (device_id, patient_id, model_type) VALUES ('DEV-X1', 'P001', 'CPAP-Pro')").is_ok());
  auto back = seed_dimension_topics(*db_, **log, *encoder, {}, 5'000);
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(back->appended, 2);
  const auto assignments = records_on(**log, kDeviceAssignmentsTopic);
  ASSERT_EQ(assignments.size(), 9u);
  EXPECT_EQ(assignments[8].second["patient_id"], "P001");
}

// Polls up to 10 s until `done` holds (the follower runs on the listener's thread).
bool eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 200; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

// While careflow up runs, the dimension topics follow the store: a device moved to another patient
// (by the API, or here by SQL) is a new assignment on hc_raw_device_assignments, stamped with the
// event time of then; a change that leaves the topics' values as they are appends nothing.
TEST_F(StoreTargetsTest, DimensionTopicsFollowTheStoreWhileRunning) {
  auto log = log::EmbeddedLog::open((root_ / "log").string());
  ASSERT_TRUE(log.is_ok()) << log.status().to_string();
  auto encoder = DeviceRecordEncoder::json();
  std::atomic<int64_t> event_time{1'000};
  auto follower = DimensionFollower::start(pg_->conninfo(), *db_, **log, *encoder, {}, [&] { return event_time.load(); });
  ASSERT_TRUE(follower.is_ok()) << follower.status().to_string();
  EXPECT_TRUE((*follower)->health().is_ok());
  EXPECT_EQ((*follower)->state().first.appended, 18);
  ASSERT_EQ(records_on(**log, kDeviceAssignmentsTopic).size(), 6u);

  event_time = 2'000;
  ASSERT_TRUE(db_->exec("UPDATE devices SET patient_id = 'P002' WHERE device_id = 'DEV-P001'").is_ok());
  ASSERT_TRUE(eventually([&] { return records_on(**log, kDeviceAssignmentsTopic).size() == 7; }))
      << records_on(**log, kDeviceAssignmentsTopic).size();
  const auto moved = records_on(**log, kDeviceAssignmentsTopic)[6];
  EXPECT_EQ(moved.first, "DEV-P001");
  EXPECT_EQ(moved.second["patient_id"], "P002");
  auto raw = (*log)->fetch({kDeviceAssignmentsTopic, 0}, 6);
  ASSERT_TRUE(raw.is_ok() && !raw->records.empty());
  EXPECT_EQ(raw->records[0].timestamp_ms, 2'000);

  // A firmware update (what the OTA loop does) runs a round that appends nothing.
  const int rounds = (*follower)->state().rounds;
  ASSERT_TRUE(db_->exec("UPDATE devices SET software_version = '1.3.0' WHERE device_id = 'DEV-P002'").is_ok());
  ASSERT_TRUE(eventually([&] { return (*follower)->state().rounds > rounds; }));
  EXPECT_EQ(records_on(**log, kDeviceAssignmentsTopic).size(), 7u);
  // A patient's new time zone reaches the care areas.
  ASSERT_TRUE(db_->exec("UPDATE patients SET timezone = 'America/Chicago' WHERE patient_id = 'P003'").is_ok());
  ASSERT_TRUE(eventually([&] { return records_on(**log, kCareAreasTopic).size() == 7; }));
  EXPECT_EQ(records_on(**log, kCareAreasTopic)[6].second["timezone"], "America/Chicago");
  EXPECT_EQ((*follower)->state().appended, 18 + 2);
  // A device added and then deleted while running: its records, then its tombstones.
  ASSERT_TRUE(db_->exec("INSERT INTO devices (device_id, patient_id, model_type) VALUES ('DEV-X2', 'P001', 'CPAP-Pro')").is_ok());
  ASSERT_TRUE(eventually([&] { return records_on(**log, kDeviceAssignmentsTopic).size() == 8; }));
  ASSERT_TRUE(db_->exec("DELETE FROM devices WHERE device_id = 'DEV-X2'").is_ok());
  ASSERT_TRUE(eventually([&] { return records_on(**log, kOtaAllowlistTopic).size() == 8; }));
  const auto assignments = records_on(**log, kDeviceAssignmentsTopic);
  ASSERT_EQ(assignments.size(), 9u);
  EXPECT_EQ(assignments[8].first, assignments[7].first);
  EXPECT_TRUE(assignments[8].second.is_null());
  EXPECT_TRUE(records_on(**log, kOtaAllowlistTopic)[7].second.is_null());
}

}  // namespace
}  // namespace careflow::sim
