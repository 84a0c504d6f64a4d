// The simulator's targets from a real, freshly migrated PostgreSQL: the seeded insulin pump and
// what happens when a prescription for another metric is added to a device by hand (issue 22: the
// device stopped sending its other metrics).

#include "sim/store_targets.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "common/clock.h"
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

}  // namespace
}  // namespace careflow::sim
