// The Avro formats of tables ('avro', 'avro-confluent', 'avro-registry', and their Debezium
// variants) against careflow's real embedded Schema Registry: what a table writes, what it reads
// back, what Flink's schema is, and the errors a bad record gets.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <tuple>

#include "exec/formats/avro_rows.h"
#include "exec/formats/record_format.h"
#include "exec/tests/registry_formats_fixture.h"
#include "serde/avro_binary.h"
#include "serde/confluent_avro.h"
#include "serde/wire_format.h"

namespace careflow::exec {
namespace {

using values::DataType;
using values::Value;

class AvroFormatsTest : public test_support::RegistryFormatsTest {};

// Every column type Flink maps to Avro, NULLs in the nullable ones.
const char* kAllTypes =
    "(id STRING NOT NULL, b BOOLEAN, ti TINYINT, si SMALLINT, i INT, bi BIGINT, f FLOAT, d DOUBLE, `dec` DECIMAL(10, 2), "
    "s VARCHAR(20), bin BYTES, `day` DATE, t TIME(3), ts TIMESTAMP(3), tags ARRAY<STRING>, attrs MAP<STRING, DOUBLE>, "
    "p ROW<x INT, y STRING>)";

std::vector<Row> all_type_rows() {
  Row full{RowKind::kInsert,
           {Value::string("DEV-P001"), Value::boolean(true), Value::integer(-7), Value::integer(300), Value::integer(-70000),
            Value::integer(1'764'000'000'000), Value::real(1.5), Value::real(-2.25), Value::decimal(-12345), Value::string("mmHg"),
            Value::bytes(std::string("\x00\x01\xff", 3)), Value::integer(20424), Value::integer(45'296'789),
            Value::integer(1'764'000'000'123'000), Value::list({Value::string("a"), Value()}),
            Value::map({{Value::string("k"), Value::real(0.5)}}), Value::list({Value::integer(1), Value::string("y")})}};
  Row nulls{RowKind::kInsert, std::vector<Value>(17)};
  nulls.fields[0] = Value::string("DEV-P002");
  return {full, nulls};
}

TEST_F(AvroFormatsTest, EveryColumnTypeRoundTripsThroughEachFormat) {
  for (std::string f : {"avro", "avro-confluent", "avro-registry"}) {
    SCOPED_TRACE(f);
    const sql::TableDef& t = table("CREATE TABLE t_" + std::string(f == "avro" ? "a" : f == "avro-confluent" ? "c" : "r") + " " +
                                   kAllTypes + " WITH ('connector' = 'kafka', 'format' = '" + f + "')");
    auto fmt = format(t);
    ASSERT_TRUE(fmt);
    PhysicalSchema schema = physical_schema(t);
    std::vector<Row> rows = all_type_rows();
    auto records = encode(*fmt, rows);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_FALSE(records[0].key);
    EXPECT_EQ(records[0].value->front() == '\0', f != "avro");  // the wire format's magic byte
    RowBatch back = decode(*fmt, records);
    EXPECT_EQ(text(back, schema.types), text(RowBatch(rows.begin(), rows.end()), schema.types));
  }
}

TEST_F(AvroFormatsTest, AvroConfluentWritesFlinksSchemaAndBytes) {
  const sql::TableDef& t = table(std::string("CREATE TABLE metrics ") + kAllTypes +
                                 " WITH ('connector' = 'kafka', 'topic' = 'hc_raw_metrics', 'format' = 'avro-confluent')");
  auto fmt = format(t);
  ASSERT_TRUE(fmt);
  std::vector<Row> rows = all_type_rows();
  auto records = encode(*fmt, rows);
  PhysicalSchema schema = physical_schema(t);
  auto flink = avro_schema_for_row(schema.names, schema.types);
  ASSERT_TRUE(flink.is_ok());
  // Flink registers its derived schema under "<topic>-value" ...
  auto registered = client_->latest("hc_raw_metrics-value");
  ASSERT_TRUE(registered.is_ok()) << registered.status().to_string();
  EXPECT_EQ(registered->schema, flink->dump());
  EXPECT_EQ((*flink)["name"], "record");
  EXPECT_EQ((*flink)["namespace"], "org.apache.flink.avro.generated");
  // ... and frames the Avro binary of the row with that schema's id.
  auto parsed = serde::avro::Schema::from_json(*flink);
  ASSERT_TRUE(parsed.is_ok());
  auto datum = values_to_avro(parsed->root(), rows[0].fields, schema.types);
  ASSERT_TRUE(datum.is_ok());
  std::string expected;
  serde::write_wire_header(registered->id, expected);
  ASSERT_TRUE(serde::avro::encode(parsed->root(), *datum, expected).is_ok());
  EXPECT_EQ(*records[0].value, expected);
}

TEST_F(AvroFormatsTest, SubjectAndUrlOptionsAsFlinkNamesThem) {
  const sql::TableDef& t = table("CREATE TABLE s1 (a INT) WITH ('connector' = 'kafka', 'value.format' = 'avro-confluent', "
                                 "'value.avro-confluent.subject' = 'custom-subject')");
  auto fmt = format(t);
  encode(*fmt, {Row{RowKind::kInsert, {Value::integer(1)}}});
  EXPECT_TRUE(client_->latest("custom-subject").is_ok());
  // A URL of its own: a client per distinct URL from the caller's connector.
  std::vector<std::string> connected;
  SchemaRegistryClients own(nullptr, {}, [&](const std::string& url, const std::string& user_info) -> Result<std::unique_ptr<serde::RegistryClient>> {
    connected.push_back(url + " " + user_info);
    return registry::embedded_client(*registry_);
  });
  const sql::TableDef& u = table("CREATE TABLE s2 (a INT) WITH ('connector' = 'kafka', 'format' = 'avro-confluent', "
                                 "'avro-confluent.url' = 'http://sr:8081', 'avro-confluent.basic-auth.user-info' = 'k:s')");
  ASSERT_TRUE(make_record_format(u, &own).is_ok());
  ASSERT_TRUE(make_record_format(u, &own).is_ok());
  EXPECT_EQ(connected, std::vector<std::string>{"http://sr:8081 k:s"});
}

TEST_F(AvroFormatsTest, AvroRegistryUsesTheSessionsContext) {
  serde::SerializerOptions defaults;
  defaults.context = ".flink-dev";
  registries_ = std::make_unique<SchemaRegistryClients>(client_.get(), defaults, nullptr);
  const sql::TableDef& t = table("CREATE TABLE hc_raw (a INT) WITH ('value.format' = 'avro-registry')");
  auto fmt = format(t);
  auto records = encode(*fmt, {Row{RowKind::kInsert, {Value::integer(5)}}});
  EXPECT_TRUE(client_->latest(":.flink-dev:hc_raw-value").is_ok());
  EXPECT_EQ(text(decode(*fmt, records), {DataType::integer()}), "+I[5]\n");
}

TEST_F(AvroFormatsTest, WithoutARegistryTheErrorSaysWhatToSet) {
  const sql::TableDef& t = table("CREATE TABLE lonely (a INT) WITH ('connector' = 'kafka', 'format' = 'avro-confluent')");
  auto none = make_record_format(t, nullptr);
  ASSERT_FALSE(none.is_ok());
  EXPECT_NE(none.status().message().find("table 'lonely'"), std::string::npos) << none.status().message();
  EXPECT_NE(none.status().message().find("'avro-confluent.url'"), std::string::npos) << none.status().message();
  const sql::TableDef& r = table("CREATE TABLE lonely2 (a INT) WITH ('value.format' = 'avro-registry')");
  auto cloud = make_record_format(r, nullptr);
  ASSERT_FALSE(cloud.is_ok());
  EXPECT_NE(cloud.status().message().find("schema_registry.url"), std::string::npos) << cloud.status().message();
  EXPECT_TRUE(needs_session_registry(t));
  EXPECT_TRUE(needs_session_registry(r));
  EXPECT_FALSE(needs_session_registry(table("CREATE TABLE plain (a INT) WITH ('format' = 'avro')")));
}

TEST_F(AvroFormatsTest, FlinkOptionsCareflowDoesNotHonourAreRefusedByName) {
  const sql::TableDef& t = table("CREATE TABLE tls (a INT) WITH ('connector' = 'kafka', 'value.format' = 'avro-confluent', "
                                 "'value.avro-confluent.ssl.truststore.location' = '/etc/ts.jks')");
  auto f = make_record_format(t, registries_.get());
  ASSERT_FALSE(f.is_ok());
  EXPECT_NE(f.status().message().find("'value.avro-confluent.ssl.truststore.location' is not supported"), std::string::npos)
      << f.status().message();
  const sql::TableDef& j = table("CREATE TABLE avrojson (a INT) WITH ('connector' = 'kafka', 'format' = 'avro', 'avro.encoding' = 'json')");
  EXPECT_FALSE(make_record_format(j, nullptr).is_ok());
  const sql::TableDef& ok = table("CREATE TABLE avrobin (a INT) WITH ('connector' = 'kafka', 'format' = 'avro', 'avro.encoding' = 'binary')");
  EXPECT_TRUE(make_record_format(ok, nullptr).is_ok());
}

TEST_F(AvroFormatsTest, NullInANotNullColumnIsAnEncodingError) {
  const sql::TableDef& t = table("CREATE TABLE nn (id STRING NOT NULL, v INT) WITH ('connector' = 'kafka', 'format' = 'avro-confluent')");
  auto fmt = format(t);
  std::vector<log::Record> out;
  Status s = fmt->encode(Row{RowKind::kInsert, {Value(), Value::integer(1)}}, &out);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("'id'"), std::string::npos) << s.message();
}

TEST_F(AvroFormatsTest, ARecordOfAnOlderSchemaReadsWithDefaultsForNewColumns) {
  // A producer's own record (another name, fewer fields, an int the table reads as BIGINT) written
  // by careflow's serializer; two records, so that the second reuses what the first decoded into.
  const std::string v1 = R"({"type":"record","name":"Reading","namespace":"hc","fields":[)"
                         R"({"name":"device_id","type":"string"},{"name":"value","type":"double"},{"name":"n","type":"int"}]})";
  auto schema = serde::avro::Schema::parse(v1);
  ASSERT_TRUE(schema.is_ok());
  serde::AvroSerializer serializer(*client_, *schema, v1, {});
  std::vector<log::Record> records;
  for (const auto& [device, value, n] : {std::tuple{"DEV-1", 7.5, 3}, std::tuple{"DEVICE-2", 8.5, 4}}) {
    auto bytes = serializer.serialize(
        "readings", serde::avro::Datum::list({serde::avro::Datum::text(device), serde::avro::Datum::real(value), serde::avro::Datum::integer(n)}));
    ASSERT_TRUE(bytes.is_ok()) << bytes.status().to_string();
    records.emplace_back().value = *bytes;
  }
  const sql::TableDef& t = table("CREATE TABLE readings (device_id STRING NOT NULL, `value` DOUBLE, unit STRING, n BIGINT) "
                                 "WITH ('connector' = 'kafka', 'format' = 'avro-confluent')");
  auto fmt = format(t);
  EXPECT_EQ(text(decode(*fmt, records), physical_schema(t).types), "+I[DEV-1, 7.5, NULL, 3]\n+I[DEVICE-2, 8.5, NULL, 4]\n");
  const log::Record& record = records[0];
  // A NOT NULL column the writer lacks cannot be read.
  const sql::TableDef& strict = table("CREATE TABLE readings2 (device_id STRING NOT NULL, unit STRING NOT NULL) "
                                      "WITH ('connector' = 'kafka', 'topic' = 'readings', 'format' = 'avro-confluent')");
  std::string error = decode_error(*format(strict), record);
  EXPECT_NE(error.find("field 'unit'"), std::string::npos) << error;
}

TEST_F(AvroFormatsTest, MalformedRecordsAreClearErrors) {
  const sql::TableDef& t = table("CREATE TABLE m (a INT, s STRING) WITH ('connector' = 'kafka', 'format' = 'avro-confluent')");
  auto fmt = format(t);
  auto records = encode(*fmt, {Row{RowKind::kInsert, {Value::integer(1), Value::string("hello")}}});
  log::Record bad = records[0];
  bad.offset = 41;
  bad.value = "{\"a\":1}";
  std::string magic = decode_error(*fmt, bad);
  EXPECT_NE(magic.find("record at offset 41"), std::string::npos) << magic;
  EXPECT_NE(magic.find("magic byte"), std::string::npos) << magic;
  bad.value = std::string("\0\0\0\x03\xe7", 5) + "xx";
  std::string unknown = decode_error(*fmt, bad);
  EXPECT_NE(unknown.find("999"), std::string::npos) << unknown;
  bad.value = records[0].value->substr(0, records[0].value->size() - 2);
  std::string truncated = decode_error(*fmt, bad);
  EXPECT_NE(truncated.find("record at offset 41"), std::string::npos) << truncated;
  // A huge length claimed by a few bytes allocates nothing huge: an error.
  bad.value = records[0].value->substr(0, 5) + std::string("\x02\x02\xff\xff\xff\xff\x0f", 7);
  EXPECT_NE(decode_error(*fmt, bad).find("record at offset 41"), std::string::npos);
  // Plain Avro: trailing or missing bytes.
  const sql::TableDef& p = table("CREATE TABLE pa (a INT, s STRING) WITH ('connector' = 'kafka', 'format' = 'avro')");
  auto plain = format(p);
  auto written = encode(*plain, {Row{RowKind::kInsert, {Value::integer(1), Value::string("hello")}}});
  written[0].value = *written[0].value + "!";
  EXPECT_NE(decode_error(*plain, written[0]).find("left over"), std::string::npos);
}

TEST_F(AvroFormatsTest, KeyFormatsAndUpsertTombstones) {
  const sql::TableDef& t = table("CREATE TABLE latest (device_id STRING NOT NULL, v DOUBLE, PRIMARY KEY (device_id) NOT ENFORCED) "
                                 "WITH ('connector' = 'upsert-kafka', 'key.format' = 'avro-confluent', "
                                 "'value.format' = 'avro-confluent', 'value.fields-include' = 'EXCEPT_KEY')");
  auto fmt = format(t);
  std::vector<DataType> types = physical_schema(t).types;
  auto records = encode(*fmt, {Row{RowKind::kInsert, {Value::string("D1"), Value::real(1)}},
                               Row{RowKind::kUpdateBefore, {Value::string("D1"), Value::real(1)}},
                               Row{RowKind::kUpdateAfter, {Value::string("D1"), Value::real(2)}},
                               Row{RowKind::kDelete, {Value::string("D1"), Value::real(2)}}});
  ASSERT_EQ(records.size(), 3u);  // -U is not written to an upsert table
  EXPECT_FALSE(records[2].value);
  ASSERT_TRUE(records[2].key);
  EXPECT_EQ(records[2].key->front(), '\0');
  auto key_schema = client_->latest("latest-key");
  ASSERT_TRUE(key_schema.is_ok());
  EXPECT_EQ(key_schema->schema, avro_schema_for_row({"device_id"}, {DataType::string().with_nullable(false)})->dump());
  auto value_schema = client_->latest("latest-value");
  ASSERT_TRUE(value_schema.is_ok());
  EXPECT_EQ(value_schema->schema, avro_schema_for_row({"v"}, {DataType::double_type()})->dump());
  EXPECT_EQ(text(decode(*fmt, records), types), "+I[D1, 1.0]\n+I[D1, 2.0]\n-D[D1, NULL]\n");
  // Confluent Cloud spells it 'except-key'.
  const sql::TableDef& cc = table("CREATE TABLE cc_latest (device_id STRING NOT NULL, v DOUBLE, PRIMARY KEY (device_id) NOT ENFORCED) "
                                  "WITH ('value.format' = 'avro-registry', 'value.fields-include' = 'except-key')");
  auto cc_records = encode(*format(cc), {Row{RowKind::kInsert, {Value::string("D9"), Value::real(9)}}});
  EXPECT_EQ(client_->latest("cc_latest-value")->schema, avro_schema_for_row({"v"}, {DataType::double_type()})->dump());
  EXPECT_EQ(text(decode(*format(cc), cc_records), types), "+I[D9, 9.0]\n");
  // An Avro key over a JSON value.
  const sql::TableDef& mixed = table("CREATE TABLE mixed (k STRING NOT NULL, v INT, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                                     "'connector' = 'upsert-kafka', 'key.format' = 'avro-confluent', 'value.format' = 'json')");
  auto mixed_records = encode(*format(mixed), {Row{RowKind::kInsert, {Value::string("K1"), Value::integer(4)}}});
  EXPECT_EQ(mixed_records[0].key->front(), '\0');
  EXPECT_EQ(*mixed_records[0].value, R"({"k":"K1","v":4})");
  EXPECT_EQ(text(decode(*format(mixed), mixed_records), physical_schema(mixed).types), "+I[K1, 4]\n");
  // Flink's 'key.fields-prefix': the key's Avro fields drop it.
  const sql::TableDef& prefixed = table("CREATE TABLE prefixed (k_id STRING NOT NULL, id STRING, v INT) WITH ("
                                        "'connector' = 'kafka', 'key.format' = 'avro-confluent', 'key.fields' = 'k_id', "
                                        "'key.fields-prefix' = 'k_', 'value.format' = 'avro-confluent', "
                                        "'value.fields-include' = 'EXCEPT_KEY')");
  auto prefixed_records = encode(*format(prefixed), {Row{RowKind::kInsert, {Value::string("A"), Value::string("A"), Value::integer(1)}}});
  EXPECT_EQ(client_->latest("prefixed-key")->schema, avro_schema_for_row({"id"}, {DataType::string().with_nullable(false)})->dump());
  EXPECT_EQ(text(decode(*format(prefixed), prefixed_records), physical_schema(prefixed).types), "+I[A, A, 1]\n");
  // key.fields with a raw key.
  const sql::TableDef& r = table("CREATE TABLE keyed (k STRING, v INT) WITH ('connector' = 'kafka', 'key.format' = 'raw', "
                                 "'key.fields' = 'k', 'value.format' = 'avro')");
  auto raw = encode(*format(r), {Row{RowKind::kInsert, {Value::string("K"), Value::integer(3)}}});
  EXPECT_EQ(*raw[0].key, "K");
}

// A CDC topic read as its history (pipelines/raw/hc_raw_device_history): a plain 'avro-confluent'
// table whose columns are the Debezium envelope's, as Flink reads it: the value and source records
// are read whatever their names (Avro's Java reader), fields the table lacks skipped.
TEST_F(AvroFormatsTest, AvroConfluentReadsADebeziumEnvelopeAsRowColumns) {
  // The schema careflow's CDC registers (cdc/connect_avro.h): Debezium's names, nested records in
  // ["null", record] unions, a required source record, a transaction block.
  const std::string value = R"({"type":"record","name":"Value","namespace":"healthcare.public.devices","fields":[)"
                            R"({"name":"device_id","type":"string"},{"name":"patient_id","type":"string"},)"
                            R"({"name":"software_version","type":["null","string"],"default":null}]})";
  const std::string envelope =
      R"({"type":"record","name":"Envelope","namespace":"healthcare.public.devices","fields":[)"
      R"({"name":"before","type":["null",)" + value + R"(],"default":null},)"
      R"({"name":"after","type":["null","Value"],"default":null},)"
      R"({"name":"source","type":{"type":"record","name":"Source","namespace":"io.debezium.connector.postgresql","fields":[)"
      R"({"name":"version","type":"string"},{"name":"ts_ms","type":"long"},{"name":"lsn","type":["null","long"],"default":null}]}},)"
      R"({"name":"transaction","type":["null",{"type":"record","name":"block","namespace":"event","fields":[)"
      R"({"name":"id","type":"string"}]}],"default":null},)"
      R"({"name":"op","type":"string"},{"name":"ts_ms","type":["null","long"],"default":null}]})";
  auto schema = serde::avro::Schema::parse(envelope);
  ASSERT_TRUE(schema.is_ok()) << schema.status().to_string();
  serde::AvroSerializer serializer(*client_, *schema, envelope, {});
  using D = serde::avro::Datum;
  auto image = [](const char* patient, const char* version) {
    return D::branch(1, D::list({D::text("DEV-1"), D::text(patient), D::branch(1, D::text(version))}));
  };
  const D none = D::branch(0, D::null());
  auto event = [&](D before, D after, const char* op, int64_t ts) {
    D source = D::list({D::text("2.5"), D::integer(ts), D::branch(1, D::integer(ts * 10))});
    auto bytes = serializer.serialize("healthcare.public.devices",
                                      D::list({std::move(before), std::move(after), std::move(source), none, D::text(op),
                                               D::branch(1, D::integer(ts + 1))}));
    EXPECT_TRUE(bytes.is_ok()) << bytes.status().to_string();
    log::Record r;
    r.value = *bytes;
    return r;
  };
  std::vector<log::Record> events = {event(none, image("P1", "1.2.0"), "r", 100),
                                     event(image("P1", "1.2.0"), image("P1", "1.3.0"), "u", 200),
                                     event(image("P1", "1.3.0"), none, "d", 300), log::Record{}};  // and Debezium's tombstone
  const sql::TableDef& t = table(
      "CREATE TABLE devices_history (before ROW<device_id STRING, patient_id STRING, software_version STRING>, "
      "after ROW<device_id STRING, patient_id STRING, software_version STRING>, op STRING, ts_ms BIGINT, "
      "source ROW<ts_ms BIGINT, lsn BIGINT>) "
      "WITH ('connector' = 'kafka', 'topic' = 'healthcare.public.devices', 'value.format' = 'avro-confluent')");
  auto fmt = format(t);
  ASSERT_TRUE(fmt);
  EXPECT_EQ(text(decode(*fmt, events), physical_schema(t).types),
            "+I[NULL, (DEV-1, P1, 1.2.0), r, 101, (100, 1000)]\n"
            "+I[(DEV-1, P1, 1.2.0), (DEV-1, P1, 1.3.0), u, 201, (200, 2000)]\n"
            "+I[(DEV-1, P1, 1.3.0), NULL, d, 301, (300, 3000)]\n");
  // A column of a type the image's field cannot be read as is an error naming it.
  const sql::TableDef& wrong = table(
      "CREATE TABLE devices_wrong (after ROW<device_id INT>, op STRING) "
      "WITH ('connector' = 'kafka', 'topic' = 'healthcare.public.devices', 'value.format' = 'avro-confluent')");
  std::string error = decode_error(*format(wrong), events[0]);
  EXPECT_NE(error.find("field 'after'"), std::string::npos) << error;
  EXPECT_NE(error.find("field 'device_id'"), std::string::npos) << error;
}

TEST_F(AvroFormatsTest, DebeziumAvroReadsDebeziumsEnvelopeAndWritesFlinks) {
  // A Debezium-shaped writer: its own record names, extra fields (source, ts_ms).
  const std::string value = R"({"type":"record","name":"Value","namespace":"pg.public.rx","fields":[)"
                            R"({"name":"id","type":"string"},{"name":"dose","type":["null","double"],"default":null}]})";
  const std::string envelope = R"({"type":"record","name":"Envelope","namespace":"pg.public.rx","fields":[)"
                               R"({"name":"before","type":["null",)" + value + R"(],"default":null},)"
                               R"({"name":"after","type":["null","Value"],"default":null},)"
                               R"({"name":"source","type":"string"},{"name":"op","type":"string"},)"
                               R"({"name":"ts_ms","type":["null","long"],"default":null}]})";
  auto schema = serde::avro::Schema::parse(envelope);
  ASSERT_TRUE(schema.is_ok()) << schema.status().to_string();
  serde::AvroSerializer serializer(*client_, *schema, envelope, {});
  using D = serde::avro::Datum;
  auto row = [](const char* id, double dose) { return D::branch(1, D::list({D::text(id), D::branch(1, D::real(dose))})); };
  auto event = [&](D before, D after, const char* op) {
    auto bytes = serializer.serialize("rx", D::list({std::move(before), std::move(after), D::text("postgres"), D::text(op), D::branch(0, D::null())}));
    EXPECT_TRUE(bytes.is_ok()) << bytes.status().to_string();
    log::Record r;
    r.value = *bytes;
    return r;
  };
  std::vector<log::Record> events = {event(D::branch(0, D::null()), row("RX1", 5), "r"), event(row("RX1", 5), row("RX1", 6), "u"),
                                     event(row("RX1", 6), D::branch(0, D::null()), "d"), log::Record{}};
  const sql::TableDef& t = table("CREATE TABLE rx (id STRING NOT NULL, dose DOUBLE) WITH ('connector' = 'kafka', "
                                 "'value.format' = 'debezium-avro-confluent')");
  auto fmt = format(t);
  std::vector<DataType> types = physical_schema(t).types;
  RowBatch rows = decode(*fmt, events);
  EXPECT_EQ(text(rows, types), "+I[RX1, 5.0]\n-U[RX1, 5.0]\n+U[RX1, 6.0]\n-D[RX1, 6.0]\n");
  // An update without its before image is an error that says why.
  log::Record no_before = event(D::branch(0, D::null()), row("RX1", 6), "u");
  no_before.offset = 9;
  std::string error = decode_error(*fmt, no_before);
  EXPECT_NE(error.find("record at offset 9"), std::string::npos) << error;
  EXPECT_NE(error.find("REPLICA IDENTITY FULL"), std::string::npos) << error;

  // Written as Flink's DebeziumAvroSerializationSchema does, and read back.
  const sql::TableDef& out = table("CREATE TABLE rx_out (id STRING NOT NULL, dose DOUBLE) WITH ('connector' = 'kafka', "
                                   "'value.format' = 'debezium-avro-registry')");
  auto writer = format(out);
  auto written = encode(*writer, std::vector<Row>(rows.begin(), rows.end()));
  ASSERT_EQ(written.size(), 4u);
  auto registered = client_->latest("rx_out-value");
  ASSERT_TRUE(registered.is_ok());
  DataType r = DataType::of(values::TypeId::kRow);
  r.field_names = {"id", "dose"};
  r.children = types;
  // Flink's envelope type is a nullable ROW: its schema is ["null", record], each record a union.
  nlohmann::ordered_json envelope_schema = nlohmann::ordered_json::array({"null", *avro_schema_for_row({"before", "after", "op"}, {r, r, DataType::string()})});
  EXPECT_EQ(registered->schema, envelope_schema.dump());
  EXPECT_EQ(written[0].value->substr(5, 1), "\x02");  // union branch 1: the envelope record
  EXPECT_NE(registered->schema.find(R"("name":"record_before")"), std::string::npos) << registered->schema;
  EXPECT_EQ(text(decode(*writer, written), types), "+I[RX1, 5.0]\n-D[RX1, 5.0]\n+I[RX1, 6.0]\n-D[RX1, 6.0]\n");

  // Keys: none for Flink's name without 'key.format' (as debezium-json); Confluent Cloud's name
  // keys a table with a primary key in avro-registry, as there.
  const sql::TableDef& keyed = table("CREATE TABLE rx_keyed (id STRING NOT NULL, dose DOUBLE, PRIMARY KEY (id) NOT ENFORCED) "
                                     "WITH ('connector' = 'kafka', 'value.format' = 'debezium-avro-confluent')");
  EXPECT_FALSE(encode(*format(keyed), {rows[0]})[0].key);
  const sql::TableDef& cloud = table("CREATE TABLE rx_cloud (id STRING NOT NULL, dose DOUBLE, PRIMARY KEY (id) NOT ENFORCED) "
                                     "WITH ('value.format' = 'debezium-avro-registry')");
  auto cloud_records = encode(*format(cloud), {rows[0]});
  ASSERT_TRUE(cloud_records[0].key);
  EXPECT_EQ(cloud_records[0].key->front(), '\0');
  EXPECT_TRUE(client_->latest("rx_cloud-key").is_ok());
}

}  // namespace
}  // namespace careflow::exec
