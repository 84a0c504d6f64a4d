// Migrations, seed data and the table repositories against a real PostgreSQL.

#include "store/repository.h"

#include <gtest/gtest.h>

#include <map>

#include "common/clock.h"

#include <condition_variable>
#include <mutex>
#include <regex>
#include <set>
#include <stdexcept>

#include "store/change_listener.h"
#include "store/device_assignment.h"
#include "store/migrations.h"
#include "store/prescription_id.h"
#include "store/tests/test_postgres.h"

namespace careflow::store {
namespace {

class RepositoryTest : public testing::PostgresTest {
 protected:
  void SetUp() override {
    PostgresTest::SetUp();
    auto pg = LocalPostgres::start(options_);
    ASSERT_TRUE(pg.is_ok()) << pg.status().to_string();
    pg_ = std::move(pg).value();
    auto db = Database::open(pg_->conninfo(), 2);
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    db_ = std::move(db).value();
    auto applied = migrate(*db_);
    ASSERT_TRUE(applied.is_ok()) << applied.status().to_string();
    ASSERT_EQ(*applied, static_cast<int>(all_migrations().size()));
  }
  void TearDown() override {
    db_.reset();
    pg_.reset();
    PostgresTest::TearDown();
  }

  std::unique_ptr<LocalPostgres> pg_;
  std::unique_ptr<Database> db_;
};

TEST_F(RepositoryTest, SeedsTheDemonstrationOnceAndMigratesOnlyOnce) {
  Repository patients(*db_, patients_table());
  auto all = patients.list();
  ASSERT_TRUE(all.is_ok()) << all.status().to_string();
  ASSERT_EQ(all->size(), 6u);
  EXPECT_EQ((*all)[0]["patient_id"], "P001");
  EXPECT_EQ((*all)[0]["name"], "Alice Smith");
  EXPECT_EQ((*all)[0]["birth_date"], "1980-05-12");
  EXPECT_EQ((*all)[3]["name"], "Lindsay Lee");
  EXPECT_EQ((*all)[4]["zip_code"], "15232");
  EXPECT_EQ((*all)[4]["timezone"], "America/New_York");

  Repository devices(*db_, devices_table());
  auto dev2 = devices.get("DEV-P002");
  ASSERT_TRUE(dev2.is_ok());
  EXPECT_DOUBLE_EQ((*dev2)["pressure_setting"].get<double>(), 12.0);
  EXPECT_DOUBLE_EQ((*dev2)["flow_rate_setting"].get<double>(), 2.9);
  EXPECT_EQ((*dev2)["serial_number"], "SN002");

  Repository prescriptions(*db_, prescriptions_table());
  auto rx = prescriptions.list();
  ASSERT_TRUE(rx.is_ok());
  ASSERT_EQ(rx->size(), 6u);
  EXPECT_TRUE(std::regex_match((*rx)[0]["prescription_id"].get<std::string>(), std::regex("RX-DEV-P001-[A-Za-z0-9]{4}")));
  const auto& params = (*rx)[0]["parameters"];
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(params[0]["parameter_name"], "Pressure");
  EXPECT_DOUBLE_EQ(params[0]["parameter_value"].get<double>(), 11.0);
  EXPECT_DOUBLE_EQ(params[1]["parameter_tolerance"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(params[2]["parameter_value"].get<double>(), 60.0);
  // Valid from 30 days back: the simulator's story time starts days back.
  EXPECT_LT((*rx)[0]["start_date"].get<int64_t>(), wall_clock_ms() - 29ll * 24 * 3600 * 1000);

  // P006's insulin pump: glucose only, its prescription a BloodGlucose target and the bolus rule.
  auto pump = devices.get("DEV-P006");
  ASSERT_TRUE(pump.is_ok());
  EXPECT_EQ((*pump)["patient_id"], "P006");
  EXPECT_EQ((*pump)["model_type"], "InsulinPump-X2");
  EXPECT_TRUE((*pump)["pressure_setting"].is_null());
  const auto& insulin = (*rx)[5];
  EXPECT_EQ(insulin["device_id"], "DEV-P006");
  std::map<std::string, double> rule;
  for (const auto& p : insulin["parameters"]) rule[p["parameter_name"]] = p["parameter_value"];
  EXPECT_EQ(rule, (std::map<std::string, double>{{"BloodGlucose", 120}, {"BolusThreshold", 250}, {"MaxBolusDose", 4},
                                                 {"BolusLockout", 30}}));

  // A deleted seed row does not come back: migrating again applies nothing.
  ASSERT_TRUE(prescriptions.remove((*rx)[4]["prescription_id"]).is_ok());
  auto again = migrate(*db_);
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(*again, 0);
  EXPECT_EQ(prescriptions.list()->size(), 5u);
}

TEST_F(RepositoryTest, InsertUpdateDeleteWithReferencesChecked) {
  Repository patients(*db_, patients_table());
  auto created = patients.insert({{"patient_id", "P100"}, {"name", "Robert'); DROP TABLE patients;--"}});
  ASSERT_TRUE(created.is_ok()) << created.status().to_string();
  EXPECT_EQ((*created)["name"], "Robert'); DROP TABLE patients;--");  // stored literally
  EXPECT_EQ((*created)["timezone"], "America/New_York");                // the default applied

  auto dup = patients.insert({{"patient_id", "P100"}, {"name", "x"}});
  ASSERT_FALSE(dup.is_ok());
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(dup.status().message().find("P100"), std::string::npos);

  auto updated = patients.update("P100", {{"zip_code", "15000"}});
  ASSERT_TRUE(updated.is_ok()) << updated.status().to_string();
  EXPECT_EQ((*updated)["zip_code"], "15000");
  EXPECT_EQ((*updated)["name"], "Robert'); DROP TABLE patients;--");
  EXPECT_EQ(patients.update("P404", {{"zip_code", "1"}}).status().code(), StatusCode::kNotFound);

  Repository devices(*db_, devices_table());
  auto orphan = devices.insert({{"device_id", "DEV-X"}, {"patient_id", "P999"}});
  ASSERT_FALSE(orphan.is_ok());
  EXPECT_EQ(orphan.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(orphan.status().message().find("patient_id 'P999' does not exist"), std::string::npos)
      << orphan.status().message();

  Status referenced = patients.remove("P001");
  EXPECT_EQ(referenced.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(referenced.message().find("still referenced"), std::string::npos) << referenced.message();
  EXPECT_TRUE(patients.remove("P100").is_ok());
  EXPECT_EQ(patients.remove("P100").code(), StatusCode::kNotFound);
  EXPECT_EQ(patients.get("P100").status().code(), StatusCode::kNotFound);
}

TEST_F(RepositoryTest, PrescriptionsListByDeviceAndKeepJsonParameters) {
  Repository prescriptions(*db_, prescriptions_table());
  const std::string id = new_prescription_id("DEV-P003");
  nlohmann::json params = nlohmann::json::array(
      {{{"parameter_name", "FlowRate"}, {"parameter_value", 3.25}, {"parameter_tolerance", 0.25}, {"unit", "L/min"}}});
  auto created = prescriptions.insert({{"prescription_id", id},
                                       {"patient_id", "P003"},
                                       {"device_id", "DEV-P003"},
                                       {"medication_or_therapy", "CPAP"},
                                       {"start_date", 1700000000000},
                                       {"end_date", nullptr},
                                       {"parameters", params}});
  ASSERT_TRUE(created.is_ok()) << created.status().to_string();
  EXPECT_EQ((*created)["start_date"], 1700000000000);
  EXPECT_TRUE((*created)["end_date"].is_null());
  EXPECT_EQ((*created)["parameters"], params);
  auto for_device = prescriptions.list_where("device_id", "DEV-P003");
  ASSERT_TRUE(for_device.is_ok());
  EXPECT_EQ(for_device->size(), 2u);
  EXPECT_EQ(prescriptions.list_where("nope", "x").status().code(), StatusCode::kInvalidArgument);
}

// devices.assigned_at in epoch milliseconds.
int64_t assigned_at_ms(Database& db, const std::string& device) {
  auto rows = db.exec("SELECT (extract(epoch FROM assigned_at) * 1000)::bigint FROM devices WHERE device_id = $1", {device});
  EXPECT_TRUE(rows.is_ok() && rows->rows.size() == 1) << (rows.is_ok() ? "no row" : rows.status().to_string());
  return rows.is_ok() && !rows->rows.empty() ? std::stoll(rows->rows[0][0].value_or("0")) : 0;
}

// A writer on a clock of its own (careflow up's API: story time) sets when a device's assignment
// starts; the trigger keeps that time, and gives now() only to a move that sets none (psql).
TEST_F(RepositoryTest, AMoveKeepsTheAssignmentTimeItsStatementSets) {
  Repository devices(*db_, devices_table());
  const int64_t seeded = assigned_at_ms(*db_, "DEV-P001");
  const int64_t story = wall_clock_ms() - 3ll * 24 * 3600 * 1000 + 123;  // days back, milliseconds kept
  auto at = moved_assignment_time(*db_, "DEV-P001", story);
  ASSERT_TRUE(at.is_ok()) << at.status().to_string();
  ASSERT_TRUE(devices.update("DEV-P001", {{"patient_id", "P002"}, {"assigned_at", *at}}).is_ok());
  EXPECT_EQ(assigned_at_ms(*db_, "DEV-P001"), story);
  // Moved back while the story clock stands still: 1 ms after the assignment it ends, a version of
  // its own.
  at = moved_assignment_time(*db_, "DEV-P001", story);
  ASSERT_TRUE(at.is_ok()) << at.status().to_string();
  ASSERT_TRUE(devices.update("DEV-P001", {{"patient_id", "P001"}, {"assigned_at", *at}}).is_ok());
  EXPECT_EQ(assigned_at_ms(*db_, "DEV-P001"), story + 1);
  // A move that sets no time (psql) is assigned now, as before; a clock behind the current
  // assignment gives 1 ms after it.
  const int64_t before = wall_clock_ms();
  ASSERT_TRUE(db_->exec("UPDATE devices SET patient_id = 'P003' WHERE device_id = 'DEV-P001'").is_ok());
  const int64_t now = assigned_at_ms(*db_, "DEV-P001");
  EXPECT_GE(now, before - 1000);
  at = moved_assignment_time(*db_, "DEV-P001", seeded);
  ASSERT_TRUE(at.is_ok());
  ASSERT_TRUE(devices.update("DEV-P001", {{"patient_id", "P001"}, {"assigned_at", *at}}).is_ok());
  EXPECT_EQ(assigned_at_ms(*db_, "DEV-P001"), now + 1);
  // A new device at the writer's time.
  at = new_assignment_time(*db_, story);
  ASSERT_TRUE(at.is_ok());
  ASSERT_TRUE(devices.insert({{"device_id", "DEV-X1"}, {"patient_id", "P004"}, {"assigned_at", *at}}).is_ok());
  EXPECT_EQ(assigned_at_ms(*db_, "DEV-X1"), story);
  auto missing = moved_assignment_time(*db_, "DEV-NONE", story);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "device_id 'DEV-NONE' not found");
}

TEST(PrescriptionId, HasTheReferenceShapeAndVaries) {
  std::set<std::string> ids;
  for (int i = 0; i < 50; ++i) {
    std::string id = new_prescription_id("DEV-P001");
    EXPECT_TRUE(std::regex_match(id, std::regex("RX-DEV-P001-[A-Za-z0-9]{4}"))) << id;
    ids.insert(id);
  }
  EXPECT_GT(ids.size(), 45u);
}

}  // namespace
}  // namespace careflow::store

namespace careflow::store {
namespace {

// The tables a ChangeListener reported, in order; `throw_on_first` makes its first call throw.
class HeardTables {
 public:
  explicit HeardTables(bool throw_on_first = false) : throw_on_first_(throw_on_first) {}
  ChangeListener::Callback callback() {
    return [this](const std::string& table) {
      std::lock_guard lock(mutex_);
      heard_.push_back(table);
      changed_.notify_all();
      if (throw_on_first_ && heard_.size() == 1) throw std::runtime_error("the cache broke");
    };
  }
  // The first `n` tables heard, or fewer when they did not come within 5 seconds.
  std::vector<std::string> wait_for(size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(5), [&] { return heard_.size() >= n; });
    return heard_;
  }

 private:
  const bool throw_on_first_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> heard_;
};

TEST_F(RepositoryTest, ListenerHearsChangesFromAnyConnection) {
  HeardTables heard;
  auto listener = ChangeListener::start(pg_->conninfo(), heard.callback());
  ASSERT_TRUE(listener.is_ok()) << listener.status().to_string();
  // A change made outside the repositories, as psql would.
  auto other = PgConnection::connect(pg_->conninfo());
  ASSERT_TRUE(other.is_ok());
  ASSERT_TRUE((*other)->exec("UPDATE devices SET software_version = '1.2.1' WHERE device_id = 'DEV-P001'").is_ok());
  ASSERT_TRUE((*other)->exec("DELETE FROM prescriptions WHERE device_id = 'DEV-P005'").is_ok());
  EXPECT_EQ(heard.wait_for(2), (std::vector<std::string>{"devices", "prescriptions"}));
}

// A callback that throws ends neither the process nor the listener: the next change is heard.
TEST_F(RepositoryTest, AThrowingChangeCallbackIsLoggedAndTheListenerGoesOn) {
  HeardTables heard(/*throw_on_first=*/true);
  auto listener = ChangeListener::start(pg_->conninfo(), heard.callback());
  ASSERT_TRUE(listener.is_ok()) << listener.status().to_string();
  auto other = PgConnection::connect(pg_->conninfo());
  ASSERT_TRUE(other.is_ok());
  ASSERT_TRUE((*other)->exec("UPDATE devices SET software_version = '1.2.2' WHERE device_id = 'DEV-P001'").is_ok());
  ASSERT_EQ(heard.wait_for(1).size(), 1u);
  ASSERT_TRUE((*other)->exec("DELETE FROM prescriptions WHERE device_id = 'DEV-P005'").is_ok());
  EXPECT_EQ(heard.wait_for(2), (std::vector<std::string>{"devices", "prescriptions"})) << "the listener stopped";
}

}  // namespace
}  // namespace careflow::store
