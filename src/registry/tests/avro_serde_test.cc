// careflow's Confluent Avro serializer/deserializer against its registry, both in process and over
// real HTTP through the external-registry client: subject name strategies, contexts,
// auto-register off, use-latest-version, schema evolution on read.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "http/http_server.h"
#include "registry/client_implementations.h"
#include "registry/registry_routes.h"
#include "serde/confluent_avro.h"
#include "serde/wire_format.h"

namespace careflow::registry {
namespace {

using serde::AvroDeserializer;
using serde::AvroSerializer;
using serde::parse_subject_name_strategy;
using serde::SerializerOptions;
using serde::SubjectNameStrategy;
using serde::avro::Datum;

const std::string kReading =
    R"({"type":"record","name":"Reading","namespace":"hc","fields":[{"name":"device_id","type":"string"},{"name":"value","type":"double"}]})";
const std::string kReadingV2 =
    R"({"type":"record","name":"Reading","namespace":"hc","fields":[{"name":"device_id","type":"string"},{"name":"value","type":"double"},)"
    R"({"name":"unit","type":"string","default":"mmHg"}]})";

class AvroSerdeTest : public ::testing::TestWithParam<bool> {  // true: over HTTP
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("careflow-serde-" + std::to_string(getpid()) + "-" + std::to_string(GetParam()));
    std::filesystem::remove_all(dir_);
    registry_ = std::move(SchemaRegistry::open(dir_.string())).value();
    add_registry_routes(router_, *registry_);
    http::HttpServerOptions options;
    options.port = 0;
    server_ = std::make_unique<http::HttpServer>(options, router_);
    ASSERT_TRUE(server_->start().is_ok());
    if (GetParam()) {
      auto c = http_client("http://127.0.0.1:" + std::to_string(server_->port()) + "/", "key:secret");
      ASSERT_TRUE(c.is_ok()) << c.status().to_string();
      client_ = std::move(c).value();
    } else {
      client_ = embedded_client(*registry_);
    }
  }
  void TearDown() override {
    server_->stop();
    std::filesystem::remove_all(dir_);
  }
  static serde::avro::Schema schema(const std::string& text) { return *serde::avro::Schema::parse(text); }

  std::filesystem::path dir_;
  std::unique_ptr<SchemaRegistry> registry_;
  http::Router router_;
  std::unique_ptr<http::HttpServer> server_;
  std::unique_ptr<RegistryClient> client_;
};

TEST_P(AvroSerdeTest, RoundTripWithEachStrategyAndAContext) {
  Datum reading = Datum::list({Datum::text("DEV-P001"), Datum::real(120.5)});
  struct Case {
    SubjectNameStrategy strategy;
    std::string context;
    std::string subject;
  };
  const Case cases[] = {{SubjectNameStrategy::kTopicName, "", "metrics-value"},
                        {SubjectNameStrategy::kRecordName, "", "hc.Reading"},
                        {SubjectNameStrategy::kTopicRecordName, "", "metrics-hc.Reading"},
                        {SubjectNameStrategy::kTopicName, ".flink-dev", ":.flink-dev:metrics-value"}};
  for (const auto& c : cases) {
    SerializerOptions options;
    options.strategy = c.strategy;
    options.context = c.context;
    AvroSerializer serializer(*client_, schema(kReading), kReading, options);
    auto framed = serializer.serialize("metrics", reading);
    ASSERT_TRUE(framed.is_ok()) << framed.status().to_string();
    auto wire = serde::parse_wire(*framed);
    ASSERT_TRUE(wire.is_ok());
    auto registered = registry_->get_version(c.subject, "latest", false);
    ASSERT_TRUE(registered.is_ok()) << c.subject;
    EXPECT_EQ(wire->schema_id, registered->schema.id);
    AvroDeserializer deserializer(*client_);
    auto back = deserializer.deserialize(*framed);
    ASSERT_TRUE(back.is_ok()) << back.status().to_string();
    EXPECT_EQ(*back, reading);
  }
  SerializerOptions key;
  key.is_key = true;
  AvroSerializer key_serializer(*client_, schema(R"("string")"), R"("string")", key);
  ASSERT_TRUE(key_serializer.serialize("metrics", Datum::text("DEV-P001")).is_ok());
  EXPECT_TRUE(registry_->get_version("metrics-key", "1", false).is_ok());
  SerializerOptions by_record;
  by_record.strategy = SubjectNameStrategy::kRecordName;
  AvroSerializer unnamed(*client_, schema(R"("string")"), R"("string")", by_record);
  EXPECT_NE(unnamed.serialize("t", Datum::text("x")).status().message().find("needs a named schema"), std::string::npos);
}

TEST_P(AvroSerdeTest, AutoRegisterOffAndUseLatestVersion) {
  SerializerOptions no_register;
  no_register.auto_register = false;
  AvroSerializer strict(*client_, schema(kReading), kReading, no_register);
  auto missing = strict.serialize("metrics", Datum::list({Datum::text("d"), Datum::real(1)}));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound) << missing.status().to_string();
  ASSERT_TRUE(registry_->register_schema("metrics-value", kReading, "AVRO", {}).is_ok());
  EXPECT_TRUE(strict.serialize("metrics", Datum::list({Datum::text("d"), Datum::real(1)})).is_ok());

  ASSERT_TRUE(registry_->register_schema("metrics-value", kReadingV2, "AVRO", {}).is_ok());
  SerializerOptions latest;
  latest.use_latest_version = true;
  AvroSerializer writer(*client_, schema(kReadingV2), kReadingV2, latest);
  auto framed = writer.serialize("metrics", Datum::list({Datum::text("d"), Datum::real(2), Datum::text("bar")}));
  ASSERT_TRUE(framed.is_ok()) << framed.status().to_string();
  EXPECT_EQ(serde::parse_wire(*framed)->schema_id, 2);

  // An old reader reads the new record, and a new reader the old one (default filled in).
  AvroDeserializer old_reader(*client_, schema(kReading));
  EXPECT_EQ(*old_reader.deserialize(*framed), Datum::list({Datum::text("d"), Datum::real(2)}));
  auto old_record = strict.serialize("metrics", Datum::list({Datum::text("e"), Datum::real(3)}));
  AvroDeserializer new_reader(*client_, schema(kReadingV2));
  EXPECT_EQ(*new_reader.deserialize(*old_record), Datum::list({Datum::text("e"), Datum::real(3), Datum::text("mmHg")}));

  AvroDeserializer any(*client_);
  EXPECT_EQ(any.deserialize(std::string("\x00\x00\x00\x00\x63", 5)).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(any.deserialize("{}").is_ok());
  std::string trailing = *framed + "x";
  EXPECT_NE(any.deserialize(trailing).status().message().find("1 bytes left over"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(EmbeddedAndHttp, AvroSerdeTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) { return p.param ? "Http" : "Embedded"; });

TEST(RegistryClient, UrlsItCannotUseAreClearErrors) {
  EXPECT_NE(http_client("ftp://x").status().message().find("must start with http:// or https://"), std::string::npos);
  EXPECT_NE(http_client("https://psrc.example", "", "/nonexistent/ca.pem").status().message().find("/nonexistent/ca.pem"), std::string::npos);
  EXPECT_NE(http_client("http://psrc.example", "", "/tmp/ca.pem").status().message().find("https URLs only"), std::string::npos);
  auto down = http_client("http://127.0.0.1:1");
  ASSERT_TRUE(down.is_ok());
  EXPECT_EQ((*down)->schema_by_id(1).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(*parse_subject_name_strategy("io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"),
            SubjectNameStrategy::kTopicRecordName);
  EXPECT_FALSE(parse_subject_name_strategy("Nope").is_ok());
}

}  // namespace
}  // namespace careflow::registry
