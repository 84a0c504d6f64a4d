// The devices' side of the OTA loop over a real embedded log, registry and freshly migrated (and
// seeded) PostgreSQL: update commands written as Flink's debezium-avro-confluent format writes a
// row of pipelines/fct/hc_fct_ota_update_commands install the target firmware in the device's row
// once; a replayed or stale command, a retraction and an unreadable record change nothing, and a
// restarted follower goes on after what its group committed.

#include "sim/ota_updates.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/clock.h"
#include "log/embedded_log.h"
#include "sim/tests/command_topic_fixture.h"
#include "store/local_postgres.h"
#include "store/migrations.h"
#include "store/tests/test_postgres.h"

namespace careflow::sim {
namespace {

using serde::avro::Datum;

// The envelope Flink 1.20 writes for the table (debezium-avro-confluent): the nullable envelope row,
// before and after the row, nullable, every column nullable; op a nullable string.
constexpr const char* kEnvelopeSchema = R"(["null",{"type":"record","name":"record","namespace":"org.apache.flink.avro.generated",
  "fields":[
    {"name":"before","type":["null",{"type":"record","name":"record_before","fields":[
      {"name":"command_id","type":["null","string"],"default":null},
      {"name":"device_id","type":["null","string"],"default":null},
      {"name":"current_sw_version","type":["null","string"],"default":null},
      {"name":"target_sw_version","type":["null","string"],"default":null}]}],"default":null},
    {"name":"after","type":["null",{"type":"record","name":"record_after","fields":[
      {"name":"command_id","type":["null","string"],"default":null},
      {"name":"device_id","type":["null","string"],"default":null},
      {"name":"current_sw_version","type":["null","string"],"default":null},
      {"name":"target_sw_version","type":["null","string"],"default":null}]}],"default":null},
    {"name":"op","type":["null","string"],"default":null}]}])";

Datum nullable(Datum value) { return Datum::branch(1, std::move(value)); }
Datum null() { return Datum::branch(0, Datum::null()); }

Datum row(const std::string& id, const std::string& device, const std::string& from, const std::string& to) {
  return Datum::list({nullable(Datum::text(id)), nullable(Datum::text(device)), nullable(Datum::text(from)),
                      nullable(Datum::text(to))});
}
Datum insert(const Datum& r) { return nullable(Datum::list({null(), nullable(r), nullable(Datum::text("c"))})); }
Datum retract(const Datum& r) { return nullable(Datum::list({nullable(r), null(), nullable(Datum::text("d"))})); }

class OtaUpdatesTest : public store::testing::RunningPostgresTest {
 protected:
  void SetUp() override {
    RunningPostgresTest::SetUp();
    auto db = store::Database::open(pg_->conninfo(), 2);
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    db_ = std::move(db).value();
    ASSERT_TRUE(store::migrate(*db_).is_ok());  // and the seed: its CPAP devices run 1.2.0
  }
  void TearDown() override {
    db_.reset();
    pg_.reset();
    RunningPostgresTest::TearDown();
  }

  void write(const Datum& value) { topic_.write(value); }
  void write_raw(const std::string& bytes) { topic_.write_raw(bytes); }
  std::string version_of(const std::string& device) {
    auto rows = db_->exec("SELECT software_version FROM devices WHERE device_id = $1", {device});
    EXPECT_TRUE(rows.is_ok());
    return rows->rows.at(0).at(0).value_or("NULL");
  }

  std::unique_ptr<store::Database> db_;
  testing::CommandTopic topic_{"careflow-ota-updates", kOtaUpdateCommandsTopic, kEnvelopeSchema};
  log::EmbeddedLog& log_ = topic_.log();
  serde::RegistryClient& client_ = topic_.registry();
};

TEST(OtaUpdateEnvelope, DecodesTheEnvelopeAndNamesWhatIsMissing) {
  const serde::avro::Schema schema = std::move(serde::avro::Schema::parse(kEnvelopeSchema)).value();
  auto update = ota_update_from_envelope(schema.root(), insert(row("OTA-1", "DEV-P001", "1.2.0", "1.3.0")));
  ASSERT_TRUE(update.is_ok()) << update.status().to_string();
  ASSERT_TRUE(update->has_value());
  EXPECT_EQ((*update)->device_id, "DEV-P001");
  EXPECT_EQ((*update)->current_sw_version, "1.2.0");
  EXPECT_EQ((*update)->target_sw_version, "1.3.0");

  auto retraction = ota_update_from_envelope(schema.root(), retract(row("OTA-1", "DEV-P001", "1.2.0", "1.3.0")));
  ASSERT_TRUE(retraction.is_ok());
  EXPECT_FALSE(retraction->has_value());

  Datum no_target = insert(row("OTA-2", "DEV-P001", "1.2.0", "1.3.0"));
  no_target.items[0].items[1].items[0].items[3] = null();
  auto refused = ota_update_from_envelope(schema.root(), no_target);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("target_sw_version"), std::string::npos) << refused.status().to_string();
}

TEST_F(OtaUpdatesTest, InstallsOnceAcrossRestartsAndSkipsWhatItCannotRead) {
  ASSERT_EQ(version_of("DEV-P001"), "1.2.0");  // the seed's CPAP firmware
  {
    OtaUpdateFollower follower(log_, client_, *db_);
    auto none = follower.poll(std::chrono::milliseconds(1));  // no topic yet: nothing, no error
    ASSERT_TRUE(none.is_ok()) << none.status().to_string();
    EXPECT_EQ(*none, 0u);
  }
  ASSERT_TRUE(log_.create_topic(kOtaUpdateCommandsTopic, {}).is_ok());
  write(insert(row("OTA-OLD", "DEV-P002", "1.2.0", "1.3.0")));  // before the devices followed: history
  {
    OtaUpdateFollower follower(log_, client_, *db_);
    ASSERT_TRUE(follower.poll(std::chrono::milliseconds(1)).is_ok());  // positions at the end
    write(insert(row("OTA-1", "DEV-P001", "1.2.0", "1.3.0")));
    write(insert(row("OTA-1", "DEV-P001", "1.2.0", "1.3.0")));  // the same command again: installed already
    write(retract(row("OTA-1", "DEV-P001", "1.2.0", "1.3.0")));
    write_raw("not a framed Avro record");
    write(insert(row("OTA-3", "DEV-P003", "0.9.0", "1.3.0")));  // computed from a version the device does not run
    auto read = follower.poll(std::chrono::milliseconds(1000));
    ASSERT_TRUE(read.is_ok()) << read.status().to_string();
    EXPECT_EQ(*read, 5u);
    const nlohmann::json status = follower.status();
    EXPECT_EQ(status["installed"], 1) << status.dump();
    EXPECT_EQ(status["notActed"], 2);
    EXPECT_EQ(status["retractions"], 1);
    EXPECT_EQ(status["rejected"], 1);
    EXPECT_NE(status["lastRejected"].get<std::string>().find("hc_fct_ota_update_commands-0 offset 4"), std::string::npos)
        << status.dump();
    EXPECT_EQ(status["lastInstalled"]["device"], "DEV-P001");
  }
  EXPECT_EQ(version_of("DEV-P001"), "1.3.0");
  EXPECT_EQ(version_of("DEV-P002"), "1.2.0");
  EXPECT_EQ(version_of("DEV-P003"), "1.2.0");
  {
    // A restarted follower goes on after what the group committed.
    OtaUpdateFollower follower(log_, client_, *db_);
    auto read = follower.poll(std::chrono::milliseconds(1));
    ASSERT_TRUE(read.is_ok());
    EXPECT_EQ(*read, 0u);
    write(insert(row("OTA-4", "DEV-P004", "1.2.0", "1.3.0")));
    read = follower.poll(std::chrono::milliseconds(1000));
    ASSERT_TRUE(read.is_ok());
    EXPECT_EQ(*read, 1u);
    EXPECT_EQ(follower.status()["installed"], 1);
  }
  EXPECT_EQ(version_of("DEV-P004"), "1.3.0");
}

TEST_F(OtaUpdatesTest, ADatabaseThatCannotBeWrittenLeavesTheCommandForTheNextRound) {
  ASSERT_TRUE(log_.create_topic(kOtaUpdateCommandsTopic, {}).is_ok());
  OtaUpdateFollower follower(log_, client_, *db_);
  ASSERT_TRUE(follower.poll(std::chrono::milliseconds(1)).is_ok());
  write(insert(row("OTA-1", "DEV-P001", "1.2.0", "1.3.0")));
  // A failing UPDATE (a lock the follower cannot wait out is hard to stage; a column it writes
  // that is gone is not): the round fails, nothing is committed past the command.
  ASSERT_TRUE(db_->exec("ALTER TABLE devices RENAME COLUMN software_version TO firmware").is_ok());
  auto failed = follower.poll(std::chrono::milliseconds(1000));
  EXPECT_FALSE(failed.is_ok());
  ASSERT_TRUE(db_->exec("ALTER TABLE devices RENAME COLUMN firmware TO software_version").is_ok());
  auto read = follower.poll(std::chrono::milliseconds(1000));
  ASSERT_TRUE(read.is_ok()) << read.status().to_string();
  EXPECT_EQ(*read, 1u);
  EXPECT_EQ(follower.status()["installed"], 1);
  EXPECT_EQ(version_of("DEV-P001"), "1.3.0");
}

}  // namespace
}  // namespace careflow::sim
