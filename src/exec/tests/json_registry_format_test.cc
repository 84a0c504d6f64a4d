// 'json-registry' (Confluent Cloud's JSON Schema format) against careflow's real embedded Schema
// Registry: the JSON Schema a table registers (Confluent Cloud's mapping), the records it writes
// and reads back, keys, records from other JSON Schema producers, and the errors a bad record or
// an unsupported column type gets. Also the Confluent Cloud spelling 'avro-debezium-registry'.
#include <gtest/gtest.h>

#include "exec/formats/json_convert.h"
#include "exec/tests/registry_formats_fixture.h"
#include "serde/wire_format.h"

namespace careflow::exec {
namespace {

using values::DataType;
using values::Value;

class JsonRegistryFormatTest : public test_support::RegistryFormatsTest {
 protected:
  std::string registered(const std::string& subject) {
    auto latest = client_->latest(subject);
    EXPECT_TRUE(latest.is_ok()) << latest.status().to_string();
    return latest.is_ok() ? latest->schema : "";
  }
  // A record framed as confluent-kafka's JSONSerializer frames one: schema registered as JSON.
  log::Record framed(const std::string& subject, const std::string& schema, const std::string& document) {
    auto id = client_->register_typed(subject, schema, "JSON");
    EXPECT_TRUE(id.is_ok()) << id.status().to_string();
    log::Record r;
    std::string bytes;
    serde::write_wire_header(id.is_ok() ? *id : 0, bytes);
    r.value = bytes + document;
    r.offset = 7;
    return r;
  }
};

const char* kAllTypes =
    "(id STRING NOT NULL, b BOOLEAN, ti TINYINT, si SMALLINT, i INT, bi BIGINT, f FLOAT, d DOUBLE, `dec` DECIMAL(10, 2), "
    "s VARCHAR(20), c CHAR(3), bin BYTES, `day` DATE, t TIME(3), ts TIMESTAMP(3), ltz TIMESTAMP_LTZ(3), tags ARRAY<STRING>, "
    "attrs MAP<STRING, DOUBLE>, codes MAP<INT, STRING>, p ROW<x INT NOT NULL, y STRING>)";

std::vector<Row> all_type_rows() {
  Row full{RowKind::kInsert,
           {Value::string("DEV-P001"), Value::boolean(true), Value::integer(-7), Value::integer(300), Value::integer(-70000),
            Value::integer(1'764'000'000'000), Value::real(1.5), Value::real(-2.25), Value::decimal(-12345), Value::string("mmHg"),
            Value::string("abc"), Value::bytes(std::string("\x00\x01\xff", 3)), Value::integer(20424), Value::integer(45'296'789),
            Value::integer(1'764'000'000'123'000), Value::integer(1'764'000'000'456'000), Value::list({Value::string("a"), Value()}),
            Value::map({{Value::string("k"), Value::real(0.5)}}), Value::map({{Value::integer(3), Value::string("three")}}),
            Value::list({Value::integer(1), Value::string("y")})}};
  Row nulls{RowKind::kInsert, std::vector<Value>(20)};
  nulls.fields[0] = Value::string("DEV-P002");
  return {full, nulls};
}

TEST_F(JsonRegistryFormatTest, EveryColumnTypeRoundTrips) {
  const sql::TableDef& t = table(std::string("CREATE TABLE all_types ") + kAllTypes + " WITH ('value.format' = 'json-registry')");
  auto fmt = format(t);
  ASSERT_TRUE(fmt);
  PhysicalSchema schema = physical_schema(t);
  std::vector<Row> rows = all_type_rows();
  auto records = encode(*fmt, rows);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].value->front(), '\0');  // the wire format's magic byte
  EXPECT_EQ(text(decode(*fmt, records), schema.types), text(RowBatch(rows.begin(), rows.end()), schema.types));
}

TEST_F(JsonRegistryFormatTest, WritesConfluentCloudsJsonSchemaAndConnectValues) {
  const sql::TableDef& t = table(
      "CREATE TABLE readings (device_id STRING NOT NULL, v DOUBLE, n BIGINT NOT NULL, amount DECIMAL(6, 2), `day` DATE, "
      "ts TIMESTAMP(3), ltz TIMESTAMP_LTZ(3), t TIME(0), `raw` BYTES, pos ROW<lat DOUBLE>) WITH ('value.format' = 'json-registry')");
  auto fmt = format(t);
  auto records = encode(*fmt, {Row{RowKind::kInsert,
                                    {Value::string("DEV-P001"), Value(), Value::integer(42), Value::decimal(1250), Value::integer(1),
                                     Value::integer(1'000'500), Value::integer(2'000'000), Value::integer(3000), Value::bytes("hi"),
                                     Value::list({Value::real(1.5)})}}});
  Json schema = nlohmann::json::parse(registered("readings-value"));
  EXPECT_EQ(schema["type"], "object");
  EXPECT_EQ(schema["title"], "Record");
  EXPECT_EQ(schema["required"], nlohmann::json::array({"device_id", "n"}));
  const Json& p = schema["properties"];
  EXPECT_EQ(p["device_id"], nlohmann::json::parse(R"({"type":"string","connect.index":0})"));
  EXPECT_EQ(p["v"], nlohmann::json::parse(R"({"oneOf":[{"type":"null"},{"type":"number","connect.type":"float64"}],"connect.index":1})"));
  EXPECT_EQ(p["n"], nlohmann::json::parse(R"({"type":"number","connect.type":"int64","connect.index":2})"));
  EXPECT_EQ(p["amount"]["oneOf"][1], nlohmann::json::parse(R"({"type":"number","title":"org.apache.kafka.connect.data.Decimal","connect.type":"bytes",
      "connect.parameters":{"connect.decimal.precision":"6","scale":"2"}})"));
  EXPECT_EQ(p["day"]["oneOf"][1], nlohmann::json::parse(R"({"type":"number","title":"org.apache.kafka.connect.data.Date","connect.type":"int32"})"));
  EXPECT_EQ(p["ts"]["oneOf"][1], nlohmann::json::parse(R"({"type":"number","connect.type":"int64","flink.type":"timestamp","flink.version":"1"})"));
  EXPECT_EQ(p["ltz"]["oneOf"][1],
            nlohmann::json::parse(R"({"type":"number","title":"org.apache.kafka.connect.data.Timestamp","connect.type":"int64"})"));
  EXPECT_EQ(p["t"]["oneOf"][1], nlohmann::json::parse(R"({"type":"number","connect.type":"int32","title":"org.apache.kafka.connect.data.Time",
      "flink.precision":0,"flink.version":"1"})"));
  EXPECT_EQ(p["raw"]["oneOf"][1], nlohmann::json::parse(R"({"type":"string","connect.type":"bytes"})"));
  EXPECT_EQ(p["pos"]["oneOf"][1]["title"], "Record_pos");
  auto message = serde::parse_wire(*records[0].value);
  ASSERT_TRUE(message.is_ok());
  EXPECT_EQ(message->schema_id, client_->latest("readings-value")->id);
  EXPECT_EQ(nlohmann::json::parse(message->payload), nlohmann::json::parse(R"({"device_id":"DEV-P001","v":null,"n":42,"amount":12.5,"day":1,
      "ts":1000,"ltz":2000,"t":3000,"raw":"aGk=","pos":{"lat":1.5}})"));
}

TEST_F(JsonRegistryFormatTest, ReadsAnyJsonSchemaProducersRecordsByPropertyName) {
  const sql::TableDef& t = table("CREATE TABLE produced (name STRING, score INT, extra STRING) WITH ('value.format' = 'json-registry')");
  auto fmt = format(t);
  log::Record r = framed("other-value", R"({"type":"object","properties":{"score":{"type":"integer"},"name":{"type":"string"}}})",
                         R"({"score": 9, "name": "ann", "unknown": [1]})");
  EXPECT_EQ(text(decode(*fmt, {r}), physical_schema(t).types), "+I[ann, 9, NULL]\n");
}

TEST_F(JsonRegistryFormatTest, KeysAndSchemaContext) {
  const sql::TableDef& t = table(
      "CREATE TABLE latest (device_id STRING NOT NULL, v DOUBLE, PRIMARY KEY (device_id) NOT ENFORCED) WITH ("
      "'key.format' = 'json-registry', 'value.format' = 'json-registry', 'value.fields-include' = 'except-key', "
      "'key.json-registry.schema-context' = '.team', 'value.json-registry.schema-context' = 'team')");
  auto fmt = format(t);
  auto records = encode(*fmt, {Row{RowKind::kInsert, {Value::string("DEV-P001"), Value::real(2.5)}},
                               Row{RowKind::kDelete, {Value::string("DEV-P001"), Value()}}});
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(serde::parse_wire(*records[0].key)->payload), nlohmann::json::parse(R"({"device_id":"DEV-P001"})"));
  EXPECT_EQ(nlohmann::json::parse(serde::parse_wire(*records[0].value)->payload), nlohmann::json::parse(R"({"v":2.5})"));
  EXPECT_FALSE(records[1].value);  // an upsert table's delete is a tombstone
  EXPECT_NE(registered(":.team:latest-key"), "");
  EXPECT_NE(registered(":.team:latest-value"), "");
  EXPECT_EQ(text(decode(*fmt, records), physical_schema(t).types), "+I[DEV-P001, 2.5]\n-D[DEV-P001, NULL]\n");
  // Without 'key.format' a Confluent Cloud table's key is 'avro-registry', as there.
  const sql::TableDef& d = table("CREATE TABLE dflt (id INT NOT NULL, PRIMARY KEY (id) NOT ENFORCED) WITH ('value.format' = 'json-registry')");
  encode(*format(d), {Row{RowKind::kInsert, {Value::integer(1)}}});
  EXPECT_EQ(client_->latest("dflt-key")->schema_type, "AVRO");
  EXPECT_EQ(client_->latest("dflt-value")->schema_type, "JSON");
}

TEST_F(JsonRegistryFormatTest, BadRecordsAreClearErrors) {
  const sql::TableDef& t = table("CREATE TABLE m (a INT NOT NULL, s STRING) WITH ('value.format' = 'json-registry')");
  auto fmt = format(t);
  auto records = encode(*fmt, {Row{RowKind::kInsert, {Value::integer(1), Value::string("hello")}}});
  log::Record bad = records[0];
  bad.offset = 41;
  bad.value = R"({"a":1})";
  std::string magic = decode_error(*fmt, bad);
  EXPECT_NE(magic.find("record at offset 41"), std::string::npos) << magic;
  EXPECT_NE(magic.find("magic byte"), std::string::npos) << magic;
  bad.value = std::string("\0\0\0\x03\xe7", 5) + "{}";
  std::string unknown = decode_error(*fmt, bad);
  EXPECT_NE(unknown.find("schema id 999"), std::string::npos) << unknown;
  auto avro_id = client_->register_schema("avro-value", R"("string")");
  bad.value = std::string("\0\0\0\0", 4) + static_cast<char>(*avro_id) + "{}";
  std::string avro = decode_error(*fmt, bad);
  EXPECT_NE(avro.find("is a AVRO schema"), std::string::npos) << avro;
  bad.value = records[0].value->substr(0, records[0].value->size() - 2);
  EXPECT_NE(decode_error(*fmt, bad).find("the JSON document"), std::string::npos);
  bad.value = records[0].value->substr(0, 5) + R"({"a":"one"})";
  std::string wrong = decode_error(*fmt, bad);
  EXPECT_NE(wrong.find("property 'a'"), std::string::npos) << wrong;
  bad.value = records[0].value->substr(0, 5) + R"({"s":"x"})";
  std::string missing = decode_error(*fmt, bad);
  EXPECT_NE(missing.find("NOT NULL"), std::string::npos) << missing;
  // Writing a NULL into a NOT NULL column is refused, naming it.
  std::vector<log::Record> out;
  Status null_write = fmt->encode(Row{RowKind::kInsert, {Value(), Value()}}, &out);
  EXPECT_NE(null_write.message().find("column 'a'"), std::string::npos) << null_write.message();
}

TEST_F(JsonRegistryFormatTest, TypesWithoutAJsonSchemaAndUnknownOptionsAreRefusedByName) {
  auto micro = make_record_format(table("CREATE TABLE micro (ts TIMESTAMP(6)) WITH ('value.format' = 'json-registry')"), registries_.get());
  ASSERT_FALSE(micro.is_ok());
  EXPECT_NE(micro.status().message().find("column 'ts'"), std::string::npos) << micro.status().message();
  EXPECT_NE(micro.status().message().find("precision 3"), std::string::npos) << micro.status().message();
  auto option = make_record_format(
      table("CREATE TABLE opt (a INT) WITH ('value.format' = 'json-registry', 'value.json-registry.url' = 'http://x')"), registries_.get());
  ASSERT_FALSE(option.is_ok());
  EXPECT_NE(option.status().message().find("'value.json-registry.url' is not supported"), std::string::npos) << option.status().message();
  auto none = make_record_format(table("CREATE TABLE lonely (a INT) WITH ('value.format' = 'json-registry')"), nullptr);
  ASSERT_FALSE(none.is_ok());
  EXPECT_NE(none.status().message().find("schema_registry.url"), std::string::npos) << none.status().message();
}

TEST_F(JsonRegistryFormatTest, AvroDebeziumRegistryIsConfluentCloudsNameAndTheOldSpellingStaysAnAlias) {
  for (std::string f : {"avro-debezium-registry", "debezium-avro-registry"}) {
    SCOPED_TRACE(f);
    const std::string name = f == "avro-debezium-registry" ? "cdc_new" : "cdc_old";
    const sql::TableDef& t = table("CREATE TABLE " + name + " (id INT, v STRING) WITH ('value.format' = '" + f + "')");
    EXPECT_EQ(t.changelog_mode(), sql::ChangelogMode::kRetract);
    EXPECT_TRUE(needs_session_registry(t));
    auto fmt = format(t);
    ASSERT_TRUE(fmt);
    auto records = encode(*fmt, {Row{RowKind::kInsert, {Value::integer(1), Value::string("a")}}});
    EXPECT_EQ(text(decode(*fmt, records), physical_schema(t).types), "+I[1, a]\n");
  }
}

}  // namespace
}  // namespace careflow::exec
