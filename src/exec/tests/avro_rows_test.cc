// Flink SQL rows ↔ Avro: the schema Flink's AvroSchemaConverter derives, and values through the
// binary codec and back.
#include <gtest/gtest.h>

#include "exec/formats/avro_rows.h"
#include "serde/avro_binary.h"

namespace careflow::exec {
namespace {

using values::DataType;
using values::Value;

DataType row(std::vector<std::string> names, std::vector<DataType> children) {
  DataType t = DataType::of(values::TypeId::kRow);
  t.field_names = std::move(names);
  t.children = std::move(children);
  return t;
}

TEST(AvroRows, DeviceMetricsSchemaIsWhatFlinkWrites) {
  auto schema = avro_schema_for_row({"device_id", "ts", "metric_value", "amount", "day"},
                                    {DataType::string().with_nullable(false), DataType::timestamp(3), DataType::double_type(),
                                     DataType::decimal(10, 2), DataType::date()});
  ASSERT_TRUE(schema.is_ok()) << schema.status().to_string();
  EXPECT_EQ(schema->dump(),
            R"({"type":"record","name":"record","namespace":"org.apache.flink.avro.generated","fields":[)"
            R"({"name":"device_id","type":"string"},)"
            R"({"name":"ts","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null},)"
            R"({"name":"metric_value","type":["null","double"],"default":null},)"
            R"({"name":"amount","type":["null",{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}],"default":null},)"
            R"({"name":"day","type":["null",{"type":"int","logicalType":"date"}],"default":null}]})");
  EXPECT_TRUE(serde::avro::Schema::from_json(*schema).is_ok());
}

TEST(AvroRows, NestedRowsGetFlinksGeneratedNames) {
  DataType geo = row({"lat", "lon"}, {DataType::double_type().with_nullable(false), DataType::double_type().with_nullable(false)});
  DataType address = row({"city", "geo"}, {DataType::string(), geo});
  auto schema = avro_schema_for_row({"address", "history"}, {address, DataType::array(address.with_nullable(false))});
  ASSERT_TRUE(schema.is_ok()) << schema.status().to_string();
  const auto& nested = (*schema)["fields"][0]["type"][1];
  EXPECT_EQ(nested["name"], "record_address");
  EXPECT_EQ(nested["fields"][1]["type"][1]["name"], "record_address_geo");
  EXPECT_EQ((*schema)["fields"][1]["type"][1]["items"]["name"], "record_history");
  auto parsed = serde::avro::Schema::from_json(*schema);
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().to_string();
  EXPECT_NE(parsed->find_named("org.apache.flink.avro.generated.record_address_geo"), nullptr);
}

TEST(AvroRows, TimestampMappings) {
  AvroRowOptions modern;
  modern.legacy_timestamp_mapping = false;
  auto legacy = avro_schema_for_row({"t"}, {DataType::timestamp(3).with_nullable(false)});
  EXPECT_EQ((*legacy)["fields"][0]["type"]["logicalType"], "timestamp-millis");
  auto local = avro_schema_for_row({"t", "u"}, {DataType::timestamp(6).with_nullable(false), DataType::timestamp_ltz(3).with_nullable(false)}, modern);
  ASSERT_TRUE(local.is_ok());
  EXPECT_EQ((*local)["fields"][0]["type"]["logicalType"], "local-timestamp-micros");
  EXPECT_EQ((*local)["fields"][1]["type"]["logicalType"], "timestamp-millis");
  EXPECT_NE(avro_schema_for_row({"t"}, {DataType::timestamp(6)}).status().message().find("column 't'"), std::string::npos);
  EXPECT_NE(avro_schema_for_row({"t"}, {DataType::timestamp_ltz(3)}).status().message().find("avro.timestamp_mapping.legacy"),
            std::string::npos);
  EXPECT_FALSE(avro_schema_for_row({"m"}, {DataType::map(DataType::integer(), DataType::string())}).is_ok());
}

TEST(AvroRows, ValuesRoundTripThroughTheBinaryCodec) {
  DataType point = row({"x"}, {DataType::integer()});
  std::vector<std::string> names = {"id", "n", "price", "neg", "ts", "tags", "attrs", "p", "missing", "raw", "t"};
  std::vector<DataType> types = {DataType::string(),      DataType::bigint().with_nullable(false), DataType::decimal(10, 2),
                                 DataType::decimal(5, 0), DataType::timestamp(3),                   DataType::array(DataType::string()),
                                 DataType::map(DataType::string(), DataType::double_type()),       point,
                                 DataType::integer(),     DataType::bytes(),                        DataType::time(3)};
  auto json = avro_schema_for_row(names, types);
  ASSERT_TRUE(json.is_ok()) << json.status().to_string();
  auto schema = serde::avro::Schema::from_json(*json);
  ASSERT_TRUE(schema.is_ok()) << schema.status().to_string();
  std::vector<Value> values = {Value::string("DEV-P001"),
                               Value::integer(-42),
                               Value::decimal(1234),
                               Value::decimal(-129),
                               Value::integer(1'764'000'000'123'000),
                               Value::list({Value::string("a"), Value()}),
                               Value::map({{Value::string("k"), Value::real(1.5)}}),
                               Value::list({Value::integer(7)}),
                               Value(),
                               Value::bytes(std::string("\x00\x01", 2)),
                               Value::integer(3'600'000)};
  auto datum = values_to_avro(schema->root(), values, types);
  ASSERT_TRUE(datum.is_ok()) << datum.status().to_string();
  // DECIMAL as Java's BigInteger.toByteArray(): 1234 → 04 d2, -129 → ff 7f; TIMESTAMP(3) as epoch ms.
  EXPECT_EQ(datum->items[2].items[0].s, "\x04\xd2");
  EXPECT_EQ(datum->items[3].items[0].s, "\xff\x7f");
  EXPECT_EQ(datum->items[4].items[0].i, 1'764'000'000'123);
  std::string bytes;
  ASSERT_TRUE(serde::avro::encode(schema->root(), *datum, bytes).is_ok());
  auto back_datum = serde::avro::decode(schema->root(), bytes);
  ASSERT_TRUE(back_datum.is_ok());
  auto back = avro_to_values(schema->root(), *back_datum, types);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(*back, values);

  values[1] = Value();
  EXPECT_EQ(values_to_avro(schema->root(), values, types).status().message(), "field 'n': NULL for the non-nullable Avro type long");
}

}  // namespace
}  // namespace careflow::exec
