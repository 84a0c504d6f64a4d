// The connector with cdc.format = avro against the real PostgreSQL, the real embedded log and
// careflow's embedded registry, beside a JSON connector on the same database: every event
// (snapshot, insert, update, delete with its tombstone, truncate) decodes back to the JSON event's
// content, and the subjects are <topic>-key / <topic>-value.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "cdc/debezium_types.h"
#include "cdc/tests/cdc_fixture.h"
#include "common/base64.h"
#include "registry/client_implementations.h"
#include "serde/confluent_avro.h"

namespace careflow::cdc {
namespace {

using testing::CdcTest;
using testing::Event;
using testing::kPrescriptions;

// The Connect value (JsonConverter form) an Avro datum of `schema` stands for.
nlohmann::json to_connect(const nlohmann::json& schema, const serde::avro::Datum& d) {
  const bool optional = schema.value("optional", false);
  const bool has_default = schema.contains("default") && !schema["default"].is_null();
  const serde::avro::Datum* v = &d;
  if (optional) {
    if (d.i == (schema["type"] == "struct" || !has_default ? 0 : 1)) return nullptr;
    v = &d.items.at(0);
  }
  const std::string type = schema["type"];
  if (type == "struct") {
    nlohmann::json out = nlohmann::json::object();
    const auto& fields = schema["fields"];
    for (size_t i = 0; i < fields.size(); ++i) out[fields[i]["field"].get<std::string>()] = to_connect(fields[i], v->items.at(i));
    return out;
  }
  if (type == "boolean") return v->i != 0;
  if (type.starts_with("int")) return v->i;
  if (type == "float" || type == "double") return std::isnan(v->d) ? nlohmann::json("NaN") : nlohmann::json(v->d);
  if (type == "bytes") return base64_encode(v->s);
  return v->s;
}

class CdcAvroTest : public CdcTest {
 protected:
  void SetUp() override {
    CdcTest::SetUp();
    auto r = registry::SchemaRegistry::open((root_ / "registry").string());
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    registry_ = std::move(r).value();
    client_ = registry::embedded_client(*registry_);
  }
  void TearDown() override {
    avro_connector_.reset();
    CdcTest::TearDown();
  }

  std::unique_ptr<registry::SchemaRegistry> registry_;
  std::unique_ptr<serde::RegistryClient> client_;
  std::unique_ptr<CdcConnector> avro_connector_;
};

TEST_F(CdcAvroTest, EveryEventDecodesToTheJsonEventsContent) {
  start_cdc(cdc_options());
  CdcOptions o = cdc_options();
  o.slot = o.publication = "careflow_avro";
  o.envelope.topic_prefix = "avrocare";
  o.format = EventFormat::kAvro;
  o.registry = client_.get();
  auto avro = CdcConnector::start(o, *log_);
  ASSERT_TRUE(avro.is_ok()) << avro.status().to_string();
  avro_connector_ = std::move(avro).value();
  ASSERT_TRUE(wait_streaming());
  ASSERT_TRUE(wait_until([&] { return avro_connector_->status().state == "streaming"; }));

  const int64_t seeded = count(kPrescriptions);
  sql("INSERT INTO prescriptions (prescription_id, patient_id, device_id, medication_or_therapy, start_date, parameters, "
      "created_at, updated_at) VALUES ('RX-AVRO', 'P001', 'DEV-P001', 'insulin', 1767225600000, "
      "'[{\"parameter_name\": \"Pressure\", \"parameter_value\": 12}]', '2026-01-01 10:00:00+00', '2026-01-01 10:00:00+00')");
  sql("UPDATE prescriptions SET end_date = 1767312000000 WHERE prescription_id = 'RX-AVRO'");
  sql("DELETE FROM prescriptions WHERE prescription_id = 'RX-AVRO'");
  sql("TRUNCATE prescriptions");
  const std::string avro_topic = "avrocare.public.prescriptions";
  ASSERT_TRUE(wait_until([&] { return count(kPrescriptions) == seeded + 5 && count(avro_topic) == seeded + 5; }));

  auto fetched = log_->fetch({avro_topic, 0}, 0, {.max_records = 100'000, .max_bytes = 1ll << 30});
  ASSERT_TRUE(fetched.is_ok());
  const auto json_events = events(kPrescriptions);
  ASSERT_EQ(fetched->records.size(), json_events.size());
  serde::AvroDeserializer reader(*client_);
  std::string ops;
  for (size_t i = 0; i < json_events.size(); ++i) {
    const Event& j = json_events[i];
    const log::Record& a = fetched->records[i];
    ops += j.op() + " ";
    ASSERT_EQ(a.key.has_value(), j.key.has_value()) << "event " << i;  // a truncate has no key
    if (j.key) {
      auto key = reader.deserialize(*a.key);
      ASSERT_TRUE(key.is_ok()) << key.status().to_string();
      EXPECT_EQ(reader.last_writer()->root().fullname, "avrocare.public.prescriptions.Key");
      EXPECT_EQ(to_connect((*j.key)["schema"], *key), (*j.key)["payload"]);
    }
    if (!j.value) {
      EXPECT_FALSE(a.value.has_value()) << "a tombstone stays a null value, event " << i;
      continue;
    }
    auto value = reader.deserialize(*a.value);
    ASSERT_TRUE(value.is_ok()) << value.status().to_string();
    EXPECT_EQ(reader.last_writer()->root().fullname, "avrocare.public.prescriptions.Envelope");
    nlohmann::json got = to_connect((*j.value)["schema"], *value);
    nlohmann::json want = j.payload();
    // Each connector has its own name, processing time and (for the snapshot) its own slot.
    for (auto* p : {&got, &want}) {
      for (const char* f : {"ts_ms", "ts_us", "ts_ns"}) (*p)[f] = nullptr;
      (*p)["source"]["name"] = nullptr;
      if ((*p)["op"] == "r") {
        for (const char* f : {"ts_ms", "ts_us", "ts_ns", "txId", "lsn", "sequence"}) (*p)["source"][f] = nullptr;
      }
    }
    EXPECT_EQ(got, want) << "event " << i;
  }
  EXPECT_NE(ops.find("c u d tombstone t"), std::string::npos) << ops;
  const auto subjects = registry_->subjects("", false);
  for (const char* s : {"avrocare.public.prescriptions-key", "avrocare.public.prescriptions-value"}) {
    EXPECT_NE(std::find(subjects.begin(), subjects.end(), s), subjects.end()) << s << " in " << fmt::format("{}", fmt::join(subjects, ", "));
  }
}

TEST_F(CdcAvroTest, AvroWithoutARegistryIsRefusedNamingTheSetting) {
  CdcOptions o = cdc_options();
  o.format = EventFormat::kAvro;
  auto c = CdcConnector::start(o, *log_);
  ASSERT_FALSE(c.is_ok());
  EXPECT_NE(c.status().message().find("cdc.format avro needs a schema registry"), std::string::npos) << c.status().to_string();
}

}  // namespace
}  // namespace careflow::cdc
