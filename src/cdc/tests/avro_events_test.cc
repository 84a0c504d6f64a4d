// Change events in Avro (cdc.format = avro) against careflow's embedded registry: the schemas are
// named as Confluent's AvroConverter names Debezium's (<topic>.Key, .Value, .Envelope,
// io.debezium.connector.postgresql.Source, connect.name / connect.version / connect.parameters),
// registered under <topic>-key / <topic>-value (with the context), and every op's event decoded
// back holds what the JSON event holds.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "cdc/avro_events.h"
#include "cdc/connect_avro.h"
#include "cdc/debezium_envelope.h"
#include "common/base64.h"
#include "registry/client_implementations.h"
#include "serde/wire_format.h"

namespace careflow::cdc {
namespace {

using serde::avro::Datum;

// The Connect value a datum of `schema` stands for, in JsonConverter's form (the inverse of
// connect_value_to_avro), to compare with the JSON event.
Json to_connect(const Json& schema, const Datum& d) {
  const bool optional = schema.value("optional", false);
  const bool has_default = schema.contains("default") && !schema["default"].is_null();
  const Datum* v = &d;
  if (optional) {
    const int64_t null_branch = schema["type"] == "struct" || !has_default ? 0 : 1;
    if (d.i == null_branch) return nullptr;
    v = &d.items.at(0);
  }
  const std::string type = schema["type"];
  if (type == "struct") {
    Json out = Json::object();
    const auto& fields = schema["fields"];
    for (size_t i = 0; i < fields.size(); ++i) out[fields[i]["field"].get<std::string>()] = to_connect(fields[i], v->items.at(i));
    return out;
  }
  if (type == "boolean") return v->i != 0;
  if (type.starts_with("int")) return v->i;
  if (type == "float" || type == "double") return std::isnan(v->d) ? Json("NaN") : Json(v->d);
  if (type == "bytes") return base64_encode(v->s);
  return v->s;
}

class AvroEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / fmt::format("careflow-cdc-avro-{}", getpid());
    std::filesystem::remove_all(dir_);
    registry_ = std::move(registry::SchemaRegistry::open(dir_.string())).value();
    client_ = registry::embedded_client(*registry_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static TableSchema prescriptions() {
    TableSchema t;
    t.schema = "public";
    t.table = "prescriptions";
    auto c = [](std::string name, uint32_t oid, int32_t typmod = -1, bool optional = true,
                std::optional<std::string> def = std::nullopt) {
      return ColumnSchema{std::move(name), oid, typmod, optional, std::move(def)};
    };
    t.columns = {c("prescription_id", 23, -1, false), c("patient_id", 1043, 24, false), c("dose", 1700, ((10 << 16) | 3) + 4),
                 c("amount", 1700),                   c("active", 16, -1, false, "true"), c("refills", 21),
                 c("ratio", 700),                     c("weight", 701),                c("started", 1082),
                 c("created_at", 1184, -1, false, "now()"), c("taken_at", 1114), c("details", 3802),
                 c("scan", 17),                       c("route", 25, -1, false, "'oral'::text"), c("token", 2950)};
    t.key_columns = {0};
    return t;
  }

  // A value in every column.
  static Tuple full_row() {
    auto t = [](std::string s) { return TupleValue{TupleValue::Kind::kText, std::move(s)}; };
    return {t("7"),    t("P-1"),        t("12.345"), t("99.5"),  t("t"),
            t("-3"),   t("1.5"),        t("-0.25"),  t("2024-02-29"), t("2024-02-29 12:34:56.789+02"),
            t("2024-02-29 12:34:56.789"), t("{\"a\": 1}"), t("\\x00ff10"), t("iv"), t("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")};
  }

  std::filesystem::path dir_;
  std::unique_ptr<registry::SchemaRegistry> registry_;
  std::unique_ptr<serde::RegistryClient> client_;
};

TEST_F(AvroEventsTest, SchemasAreNamedAsAvroConverterNamesThem) {
  EnvelopeOptions o;
  o.database = "careflow";
  TableEvents events(prescriptions(), o);
  const Tuple row = full_row();
  const Json key = Json::parse(**events.key(row))["schema"];
  auto key_avro = connect_schema_to_avro(key);
  ASSERT_TRUE(key_avro.is_ok()) << key_avro.status().to_string();
  EXPECT_EQ(*key_avro, R"({"type":"record","name":"Key","namespace":"healthcare.public.prescriptions","fields":[)"
                       R"({"name":"prescription_id","type":"int"}],"connect.name":"healthcare.public.prescriptions.Key"})");

  SourceInfo source;
  const Json value = Json::parse(*events.value(Op::kCreate, nullptr, &row, source, 0))["schema"];
  auto avro = connect_schema_to_avro(value);
  ASSERT_TRUE(avro.is_ok()) << avro.status().to_string();
  const std::string& s = *avro;
  // The envelope, its row record written once and then referenced by its name in the namespace.
  EXPECT_TRUE(s.starts_with(R"({"type":"record","name":"Envelope","namespace":"healthcare.public.prescriptions","fields":[)"
                            R"({"name":"before","type":["null",{"type":"record","name":"Value","fields":[)"))
      << s;
  EXPECT_NE(s.find(R"({"name":"after","type":["null","Value"],"default":null})"), std::string::npos) << s;
  EXPECT_TRUE(s.ends_with(R"("connect.version":2,"connect.name":"healthcare.public.prescriptions.Envelope"})")) << s;
  for (const char* part : {
           R"({"name":"prescription_id","type":"int"})",
           R"({"name":"patient_id","type":"string"})",
           R"({"name":"dose","type":["null",{"type":"bytes","scale":3,"precision":10,"connect.version":1,)"
           R"("connect.parameters":{"scale":"3","connect.decimal.precision":"10"},)"
           R"("connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}],"default":null})",
           R"({"name":"amount","type":["null",{"type":"record","name":"VariableScaleDecimal","namespace":"io.debezium.data",)"
           R"("fields":[{"name":"scale","type":"int"},{"name":"value","type":"bytes"}],"connect.doc":"Variable scaled decimal",)"
           R"("connect.version":1,"connect.name":"io.debezium.data.VariableScaleDecimal"}],"default":null})",
           R"({"name":"active","type":{"type":"boolean","connect.default":true},"default":true})",
           R"({"name":"refills","type":["null",{"type":"int","connect.type":"int16"}],"default":null})",
           R"({"name":"ratio","type":["null","float"],"default":null})",
           R"({"name":"started","type":["null",{"type":"int","connect.version":1,"connect.name":"io.debezium.time.Date"}],"default":null})",
           R"({"name":"created_at","type":{"type":"string","connect.version":1,"connect.default":"1970-01-01T00:00:00.000000Z",)"
           R"("connect.name":"io.debezium.time.ZonedTimestamp"},"default":"1970-01-01T00:00:00.000000Z"})",
           R"({"name":"details","type":["null",{"type":"string","connect.version":1,"connect.name":"io.debezium.data.Json"}],"default":null})",
           R"({"name":"route","type":{"type":"string","connect.default":"oral"},"default":"oral"})",
           R"({"name":"source","type":{"type":"record","name":"Source","namespace":"io.debezium.connector.postgresql","fields":[)",
           R"({"name":"snapshot","type":[{"type":"string","connect.version":1,"connect.parameters":{"allowed":)"
           R"("true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"},"connect.default":"false",)"
           R"("connect.name":"io.debezium.data.Enum"},"null"],"default":"false"})",
           R"("connect.version":1,"connect.name":"io.debezium.connector.postgresql.Source"}})",
           R"({"name":"transaction","type":["null",{"type":"record","name":"block","namespace":"event","fields":[)",
           R"({"name":"op","type":"string"})",
           R"({"name":"ts_ms","type":["null","long"],"default":null})",
       }) {
    EXPECT_NE(s.find(part), std::string::npos) << part << "\nin " << s;
  }
  EXPECT_TRUE(serde::avro::Schema::parse(s).is_ok()) << serde::avro::Schema::parse(s).status().to_string();
}

TEST_F(AvroEventsTest, EveryOpDecodesBackToTheJsonEventUnderTopicSubjects) {
  for (const std::string context : {"", ".flink-dev"}) {
    EnvelopeOptions o;
    o.database = "careflow";
    TableEvents events(prescriptions(), o);
    serde::SerializerOptions key_options, value_options;
    key_options.context = value_options.context = context;
    AvroEventEncoder encoder(*client_, key_options, value_options);
    auto t = [](std::string s) { return TupleValue{TupleValue::Kind::kText, std::move(s)}; };
    const Tuple full = full_row();
    Tuple sparse(15);
    sparse[0] = t("8");
    sparse[1] = t("P-2");
    sparse[4] = t("f");
    sparse[6] = t("NaN");
    sparse[9] = t("2026-01-01 00:00:00+00");
    sparse[13] = TupleValue{TupleValue::Kind::kUnchangedToast, ""};
    SourceInfo source;
    source.ts_us = 1'764'000'000'000'000;
    source.lsn = 123456;
    source.last_commit_lsn = 123000;
    source.tx_id = 900;
    struct Case {
      Op op;
      const Tuple* before;
      const Tuple* after;
      const char* snapshot;
    };
    for (const Case& c : {Case{Op::kRead, nullptr, &full, "last"}, Case{Op::kCreate, nullptr, &sparse, "false"},
                          Case{Op::kUpdate, &full, &sparse, "false"}, Case{Op::kDelete, &sparse, nullptr, "false"},
                          Case{Op::kTruncate, nullptr, nullptr, "false"}}) {
      source.snapshot = c.snapshot;
      auto json_value = events.value(c.op, c.before, c.after, source, 1'764'000'000'123'456);
      ASSERT_TRUE(json_value.is_ok()) << json_value.status().to_string();
      auto framed = encoder.encode(events.topic(), *json_value, false);
      ASSERT_TRUE(framed.is_ok()) << framed.status().to_string();
      serde::AvroDeserializer reader(*client_);
      auto datum = reader.deserialize(*framed);
      ASSERT_TRUE(datum.is_ok()) << datum.status().to_string();
      const Json json = Json::parse(*json_value);
      EXPECT_EQ(to_connect(json["schema"], *datum), json["payload"]) << "op " << static_cast<char>(c.op);
      // The writer schema is the registered one, named as the converter names it.
      EXPECT_EQ(reader.last_writer()->root().fullname, "healthcare.public.prescriptions.Envelope");

      if (c.op == Op::kTruncate) continue;
      auto json_key = events.key(c.after ? *c.after : *c.before);
      ASSERT_TRUE(json_key.is_ok());
      auto framed_key = encoder.encode(events.topic(), **json_key, true);
      ASSERT_TRUE(framed_key.is_ok()) << framed_key.status().to_string();
      auto key = reader.deserialize(*framed_key);
      ASSERT_TRUE(key.is_ok()) << key.status().to_string();
      const Json k = Json::parse(**json_key);
      EXPECT_EQ(to_connect(k["schema"], *key), k["payload"]);
    }
    const std::string prefix = context.empty() ? "" : ":" + context + ":";
    const auto subjects = registry_->subjects(prefix, false);
    EXPECT_NE(std::find(subjects.begin(), subjects.end(), prefix + "healthcare.public.prescriptions-key"), subjects.end())
        << fmt::format("{}", fmt::join(subjects, ", "));
    EXPECT_NE(std::find(subjects.begin(), subjects.end(), prefix + "healthcare.public.prescriptions-value"), subjects.end())
        << fmt::format("{}", fmt::join(subjects, ", "));
  }
}

TEST_F(AvroEventsTest, RecordsWithoutSchemaOrNotFittingItAreErrorsNamingThem) {
  AvroEventEncoder encoder(*client_, {}, {});
  auto bare = encoder.encode("healthcare.public.patients", R"({"patient_id":"P-1"})", true);
  ASSERT_FALSE(bare.is_ok());
  EXPECT_NE(bare.status().message().find("healthcare.public.patients"), std::string::npos) << bare.status().to_string();
  auto missing = encoder.encode(
      "t", R"({"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false,"name":"t.Key"},"payload":{"id":null}})",
      true);
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("id: null in a required field"), std::string::npos) << missing.status().to_string();
}

}  // namespace
}  // namespace careflow::cdc
