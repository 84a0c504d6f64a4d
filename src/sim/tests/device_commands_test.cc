// The pump's side of the insulin loop over a real embedded log and registry: commands written as
// Flink's avro-confluent format writes a row of pipelines/alerts/device.commands, read by the
// simulator's follower, which delivers boluses once, skips what it cannot read, and resumes after a
// restart without giving a bolus twice.

#include "sim/device_commands.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/clock.h"
#include "log/embedded_log.h"
#include "sim/tests/command_topic_fixture.h"

namespace careflow::sim {
namespace {

namespace fs = std::filesystem;
using serde::avro::Datum;

// The value schema Flink 1.20 derives for the device.commands DDL: every column nullable.
constexpr const char* kCommandSchema = R"({"type":"record","name":"record","namespace":"org.apache.flink.avro.generated",
  "fields":[
    {"name":"command_id","type":["null","string"],"default":null},
    {"name":"device_id","type":["null","string"],"default":null},
    {"name":"patient_id","type":["null","string"],"default":null},
    {"name":"command_type","type":["null","string"],"default":null},
    {"name":"dose_units","type":["null","double"],"default":null},
    {"name":"issued_at","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null}]})";

Datum nullable(Datum value) { return Datum::branch(1, std::move(value)); }

Datum command(const std::string& id, const std::string& device, const std::string& type, std::optional<double> units,
              int64_t issued_at_ms) {
  return Datum::list({nullable(Datum::text(id)), nullable(Datum::text(device)), nullable(Datum::text("P006")),
                      nullable(Datum::text(type)), units ? nullable(Datum::real(*units)) : Datum::branch(0, Datum::null()),
                      nullable(Datum::integer(issued_at_ms))});
}

std::vector<DeviceTarget> pump() { return {{"DEV-P006", "P006", "2.0.1", {{"BloodGlucose", 120.0, 60.0}}}}; }

class DeviceCommandsTest : public ::testing::Test {
 protected:
  DeviceCommandsTest() : topic_("careflow-device-commands", kDeviceCommandsTopic, kCommandSchema) {}

  void write(const Datum& value) { topic_.write(value); }
  void write_raw(const std::string& bytes) { topic_.write_raw(bytes); }
  double glucose_after_tick(Simulator& sim) {
    auto readings = sim.tick(wall_clock_ms());
    EXPECT_TRUE(readings.is_ok());
    return readings->at(0).metric_value;
  }

  testing::CommandTopic topic_;
  log::EmbeddedLog& log_ = topic_.log();
  serde::RegistryClient& client_ = topic_.registry();
  const serde::avro::Schema& schema_ = topic_.schema();
};

TEST_F(DeviceCommandsTest, DecodesAFlinkRowAndNamesWhatIsMissing) {
  auto decoded = command_from_avro(schema_.root(), command("BOLUS-DEV-P006-1", "DEV-P006", "INSULIN_BOLUS", 2.8, 1234));
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  EXPECT_EQ(decoded->command_id, "BOLUS-DEV-P006-1");
  EXPECT_EQ(decoded->device_id, "DEV-P006");
  EXPECT_EQ(decoded->command_type, "INSULIN_BOLUS");
  EXPECT_EQ(decoded->dose_units, 2.8);
  EXPECT_EQ(decoded->issued_at_ms, 1234);

  Datum no_device = command("C1", "DEV-P006", "INSULIN_BOLUS", 1, 0);
  no_device.items[1] = Datum::branch(0, Datum::null());
  auto refused = command_from_avro(schema_.root(), no_device);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("device_id"), std::string::npos) << refused.status().to_string();
}

TEST_F(DeviceCommandsTest, BolusesAreDeliveredOnceAcrossRestartsAndBadRecordsAreSkipped) {
  Simulator sim({std::chrono::milliseconds(1000), 7}, [] { return Result<std::vector<DeviceTarget>>(pump()); },
                [](const std::vector<Reading>&) { return Status::ok(); });
  {
    DeviceCommandFollower follower(log_, client_, sim);
    // No topic yet: nothing to read, no error.
    auto none = follower.poll(std::chrono::milliseconds(1));
    ASSERT_TRUE(none.is_ok()) << none.status().to_string();
    EXPECT_EQ(*none, 0u);
  }
  ASSERT_TRUE(log_.create_topic(kDeviceCommandsTopic, {}).is_ok());
  const int64_t before_spike = wall_clock_ms() - 1000;
  write(command("OLD", "DEV-P006", "INSULIN_BOLUS", 4, before_spike));  // before the follower ever followed: history

  ASSERT_TRUE(sim.trigger_defect("DEV-P006", "glucose_spike").is_ok());
  for (int i = 0; i < 5; ++i) glucose_after_tick(sim);  // 140 .. 260
  const int64_t now = wall_clock_ms();
  {
    DeviceCommandFollower follower(log_, client_, sim);
    ASSERT_TRUE(follower.poll(std::chrono::milliseconds(1)).is_ok());  // positions at the end
    write_raw("not a framed Avro record");
    write(command("STALE", "DEV-P006", "INSULIN_BOLUS", 4, before_spike));  // from readings before the spike
    write(command("OTA-1", "DEV-P006", "OTA_UPDATE", std::nullopt, now));
    write(command("BOLUS-1", "DEV-P006", "INSULIN_BOLUS", 2.8, now));
    auto read = follower.poll(std::chrono::milliseconds(1000));
    ASSERT_TRUE(read.is_ok()) << read.status().to_string();
    EXPECT_EQ(*read, 4u);
    const nlohmann::json status = follower.status();
    EXPECT_EQ(status["boluses"], 1) << status.dump();
    EXPECT_EQ(status["notActed"], 1);
    EXPECT_EQ(status["ignored"], 1);
    EXPECT_EQ(status["rejected"], 1);
    EXPECT_NE(status["lastRejected"].get<std::string>().find("device.commands-0 offset 1"), std::string::npos)
        << status.dump();
  }
  EXPECT_DOUBLE_EQ(sim.status()["insulin"]["DEV-P006"]["units"].get<double>(), 2.8);
  EXPECT_DOUBLE_EQ(glucose_after_tick(sim), 220);  // 260 - 40: the bolus acts
  {
    // A restarted follower goes on after what the group committed: nothing is delivered twice.
    DeviceCommandFollower follower(log_, client_, sim);
    auto read = follower.poll(std::chrono::milliseconds(1));
    ASSERT_TRUE(read.is_ok());
    EXPECT_EQ(*read, 0u);
    write(command("BOLUS-2", "DEV-P006", "INSULIN_BOLUS", 1, now));
    read = follower.poll(std::chrono::milliseconds(1000));
    ASSERT_TRUE(read.is_ok());
    EXPECT_EQ(*read, 1u);
    EXPECT_EQ(follower.status()["boluses"], 1);
  }
  // Once the spike is over a bolus has nothing to act on.
  for (int i = 0; i < 30 && sim.status()["activeDefects"].contains("DEV-P006"); ++i) glucose_after_tick(sim);
  ASSERT_FALSE(sim.status()["activeDefects"].contains("DEV-P006"));
  {
    DeviceCommandFollower follower(log_, client_, sim);
    write(command("BOLUS-3", "DEV-P006", "INSULIN_BOLUS", 1, wall_clock_ms()));
    auto read = follower.poll(std::chrono::milliseconds(1000));
    ASSERT_TRUE(read.is_ok());
    EXPECT_EQ(*read, 1u);
    EXPECT_EQ(follower.status()["notActed"], 1);
  }
  EXPECT_EQ(sim.status()["insulin"]["DEV-P006"]["boluses"], 2);
  EXPECT_DOUBLE_EQ(sim.status()["insulin"]["DEV-P006"]["units"].get<double>(), 3.8);
}

}  // namespace
}  // namespace careflow::sim
