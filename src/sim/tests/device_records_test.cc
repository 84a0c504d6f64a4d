// The records the simulator and the device-event route write, decoded back as a consumer would:
// Confluent's wire format through careflow's embedded registry, subjects in the configured
// context, and no silent JSON when the registry does not answer.

#include "sim/device_records.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "registry/client_implementations.h"
#include "serde/wire_format.h"
#include "sim/device_schemas.h"
#include "store/tests/test_postgres.h"

namespace careflow::sim {
namespace {

namespace fs = std::filesystem;
using serde::avro::Datum;

const Reading kReading{"DEV-P001", "P001", 1800000000123, "Pressure", 11.27, "1.2.0"};

serde::SerializerOptions flink_dev() {
  serde::SerializerOptions o;
  o.context = ".flink-dev";
  return o;
}

class DeviceRecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("careflow-sim-records-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    registry_ = std::move(registry::SchemaRegistry::open(dir_.string())).value();
    client_ = registry::embedded_client(*registry_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::unique_ptr<registry::SchemaRegistry> registry_;
  std::unique_ptr<serde::RegistryClient> client_;
};

TEST_F(DeviceRecordsTest, AReadingIsFramedAvroUnderTheContextsSubjectsAndDecodesBack) {
  auto encoder = DeviceRecordEncoder::avro(*client_, flink_dev());
  auto record = encoder->reading("hc_raw_device_metrics", kReading);
  ASSERT_TRUE(record.is_ok()) << record.status().to_string();
  EXPECT_EQ(record->timestamp_ms, kReading.ts);

  const std::vector<std::string> subjects = registry_->subjects("", false);
  EXPECT_NE(std::find(subjects.begin(), subjects.end(), ":.flink-dev:hc_raw_device_metrics-value"), subjects.end());
  EXPECT_NE(std::find(subjects.begin(), subjects.end(), ":.flink-dev:hc_raw_device_metrics-key"), subjects.end());
  EXPECT_EQ(subjects.size(), 2u);

  // Magic byte 0, then the big-endian id the registry gave the value subject.
  const std::string& value = *record->value;
  ASSERT_GE(value.size(), 5u);
  EXPECT_EQ(value[0], '\0');
  auto wire = serde::parse_wire(value);
  ASSERT_TRUE(wire.is_ok()) << wire.status().to_string();
  auto registered = client_->latest(":.flink-dev:hc_raw_device_metrics-value");
  ASSERT_TRUE(registered.is_ok()) << registered.status().to_string();
  EXPECT_EQ(wire->schema_id, registered->id);

  // Decoded in the context, as a consumer configured with it does.
  auto in_context = registry::embedded_client(*registry_, ".flink-dev");
  serde::AvroDeserializer values(*in_context);
  auto decoded = values.deserialize(value);
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  EXPECT_EQ(values.last_writer()->root().fullname, "careflow.healthcare.DeviceMetric");
  EXPECT_EQ(*decoded, Datum::list({Datum::text("DEV-P001"), Datum::text("P001"), Datum::integer(1800000000123),
                                   Datum::text("Pressure"), Datum::real(11.27), Datum::text("1.2.0")}));
  auto key = values.deserialize(*record->key);
  ASSERT_TRUE(key.is_ok()) << key.status().to_string();
  EXPECT_EQ(*key, Datum::text("DEV-P001"));

  // The id is cached: a second reading registers nothing and carries the same id.
  Reading other = kReading;
  other.metric_name = "FlowRate";
  auto second = encoder->reading("hc_raw_device_metrics", other);
  ASSERT_TRUE(second.is_ok());
  EXPECT_EQ(serde::parse_wire(*second->value)->schema_id, wire->schema_id);
  EXPECT_EQ(registry_->subjects("", false).size(), 2u);
}

TEST_F(DeviceRecordsTest, TheDefaultContextAndTheRecordNameStrategyNameOtherSubjects) {
  auto plain = DeviceRecordEncoder::avro(*client_, {});
  ASSERT_TRUE(plain->reading("hc_raw_device_metrics", kReading).is_ok());
  serde::SerializerOptions by_record = flink_dev();
  by_record.strategy = serde::SubjectNameStrategy::kRecordName;
  auto named = DeviceRecordEncoder::avro(*client_, by_record);
  ASSERT_TRUE(named->reading("hc_raw_device_metrics", kReading).is_ok());
  std::vector<std::string> subjects = registry_->subjects("", false);
  std::sort(subjects.begin(), subjects.end());
  // The key keeps the topic name strategy: a string has no record name.
  EXPECT_EQ(subjects, (std::vector<std::string>{":.flink-dev:careflow.healthcare.DeviceMetric",
                                                ":.flink-dev:hc_raw_device_metrics-key", "hc_raw_device_metrics-key",
                                                "hc_raw_device_metrics-value"}));
}

TEST_F(DeviceRecordsTest, AnEventIsTheReferencesValueKeyedByItsIdWithNullsForTheFieldsItsTypeHasNot) {
  auto encoder = DeviceRecordEncoder::avro(*client_, flink_dev());
  DeviceEvent power;
  power.event_id = "pow-0123456789ab";
  power.device_id = "DEV-P004";
  power.patient_id = "P004";
  power.event_type = kPowerStatus;
  power.battery_level = 15;
  power.plugged = false;
  power.sw_version = "1.2.0";
  power.event_ts = 1800000000000;
  auto record = encoder->event("hc_raw_device_events", power);
  ASSERT_TRUE(record.is_ok()) << record.status().to_string();
  auto in_context = registry::embedded_client(*registry_, ".flink-dev");
  serde::AvroDeserializer values(*in_context);
  auto decoded = values.deserialize(*record->value);
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  const Datum none = Datum::branch(0, Datum::null());
  EXPECT_EQ(*decoded, Datum::list({Datum::text("pow-0123456789ab"), Datum::text("DEV-P004"), Datum::text("P004"),
                                   Datum::text("POWER_STATUS"), none, none, Datum::branch(1, Datum::integer(15)),
                                   Datum::branch(1, Datum::boolean(false)), none, Datum::branch(1, Datum::text("1.2.0")),
                                   Datum::integer(1800000000000)}));
  auto key = values.deserialize(*record->key);
  ASSERT_TRUE(key.is_ok()) << key.status().to_string();
  EXPECT_EQ(*key, Datum::list({Datum::text("pow-0123456789ab")}));  // the reference's key record {event_id}
  EXPECT_EQ(record->timestamp_ms, 1800000000000);
  EXPECT_TRUE(registry_->get_version(":.flink-dev:hc_raw_device_events-value", "latest", false).is_ok());
  EXPECT_TRUE(registry_->get_version(":.flink-dev:hc_raw_device_events-key", "latest", false).is_ok());

  auto json = DeviceRecordEncoder::json()->event("hc_raw_device_events", power);
  ASSERT_TRUE(json.is_ok());
  EXPECT_EQ(json->key, "pow-0123456789ab");
  EXPECT_EQ(nlohmann::json::parse(*json->value), power.to_json());
  EXPECT_TRUE(nlohmann::json::parse(*json->value)["lat"].is_null());
}

TEST(DeviceEvent, IdsAreUniqueAndPrefixedByTheirTypeAndPositionsFollowTheCareArea) {
  const std::string a = new_event_id(kButtonPressed);
  EXPECT_TRUE(a.starts_with("but-")) << a;
  EXPECT_EQ(a.size(), 4u + 12u);
  EXPECT_NE(a, new_event_id(kButtonPressed));
  EXPECT_TRUE(new_event_id(kGps).starts_with("gps-"));
  const GeoPoint inside = care_area_position("P002", true);
  const GeoPoint outside = care_area_position("P002", false);
  EXPECT_NEAR(inside.lat, 41.9214 + 0.0005, 1e-9);
  EXPECT_NEAR(outside.lng, -87.6513 + 0.05, 1e-9);
}

TEST_F(DeviceRecordsTest, JsonKeepsTheDeviceIdKeyAndTheJsonValue) {
  auto encoder = DeviceRecordEncoder::json();
  auto record = encoder->reading("hc_raw_device_metrics", kReading);
  ASSERT_TRUE(record.is_ok());
  EXPECT_EQ(record->key, "DEV-P001");
  EXPECT_EQ(nlohmann::json::parse(*record->value), kReading.to_json());
  EXPECT_TRUE(registry_->subjects("", false).empty());
  EXPECT_EQ(parse_record_format("avro").value(), RecordFormat::kAvro);
  EXPECT_EQ(parse_record_format("json").value(), RecordFormat::kJson);
  auto unknown = parse_record_format("protobuf");
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("simulator.format"), std::string::npos);
}

TEST_F(DeviceRecordsTest, ARegistryThatDoesNotAnswerIsAnErrorNotJson) {
  // A port nothing listens on.
  const int port = store::testing::free_port();
  auto unreachable = registry::http_client("http://127.0.0.1:" + std::to_string(port) + "/");
  ASSERT_TRUE(unreachable.is_ok()) << unreachable.status().to_string();
  auto encoder = DeviceRecordEncoder::avro(**unreachable, flink_dev());
  auto record = encoder->reading("hc_raw_device_metrics", kReading);
  ASSERT_FALSE(record.is_ok());
  EXPECT_EQ(record.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(record.status().to_string().find(std::to_string(port)), std::string::npos) << record.status().to_string();
}

}  // namespace
}  // namespace careflow::sim
