// Debezium's default type mapping: values and schemas checked against what the real Debezium
// PostgreSQL connector 3.4 emitted for the same PostgreSQL values (tests/interop/debezium).

#include "cdc/debezium_types.h"

#include <gtest/gtest.h>

namespace careflow::cdc {
namespace {

ColumnSchema col(uint32_t oid, int32_t typmod = -1, bool optional = true, std::optional<std::string> def = std::nullopt) {
  return ColumnSchema{"c", oid, typmod, optional, std::move(def)};
}

std::string value(const ColumnSchema& c, std::string_view text, DecimalHandling d = DecimalHandling::kPrecise) {
  auto v = column_value(c, text, d);
  EXPECT_TRUE(v.is_ok()) << v.status().to_string();
  return v.is_ok() ? v->dump() : "";
}

TEST(DebeziumTypes, ValuesAsDebeziumEmitsThem) {
  EXPECT_EQ(value(col(21), "2"), "2");
  EXPECT_EQ(value(col(20), "3000000000"), "3000000000");
  EXPECT_EQ(value(col(700), "1.5"), "1.5");
  EXPECT_EQ(value(col(701), "13"), "13.0");
  EXPECT_EQ(value(col(16), "t"), "true");
  EXPECT_EQ(value(col(1042), "ab "), "\"ab \"");
  EXPECT_EQ(value(col(1082), "2024-02-29"), "19782");
  EXPECT_EQ(value(col(1082), "1980-05-12"), "3784");
  EXPECT_EQ(value(col(1114), "2024-02-29 12:34:56.789"), "1709210096789000");
  EXPECT_EQ(value(col(1184), "2024-02-29 10:34:56.789+00"), "\"2024-02-29T10:34:56.789000Z\"");
  EXPECT_EQ(value(col(1184), "2024-02-29 12:34:56.789+02"), "\"2024-02-29T10:34:56.789000Z\"");
  EXPECT_EQ(value(col(1184), "2026-01-01 10:00:00+00"), "\"2026-01-01T10:00:00.000000Z\"");
  EXPECT_EQ(value(col(1083), "12:34:56.5"), "45296500000");
  EXPECT_EQ(value(col(3802), "{\"b\": [1, 2]}"), "\"{\\\"b\\\": [1, 2]}\"");
  EXPECT_EQ(value(col(2950), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"");
  EXPECT_EQ(value(col(17), "\\x0102ff"), "\"AQL/\"");
  EXPECT_EQ(value(col(1700, ((10 << 16) | 3) + 4), "12.345"), "\"MDk=\"");
  EXPECT_EQ(value(col(1700), "99.5"), "{\"scale\":1,\"value\":\"A+M=\"}");
  EXPECT_EQ(value(col(1700), "99.5", DecimalHandling::kString), "\"99.5\"");
  EXPECT_EQ(value(col(1700), "99.5", DecimalHandling::kDouble), "99.5");
}

TEST(DebeziumTypes, DecimalsAreTwosComplementLikeBigInteger) {
  const ColumnSchema scale0 = col(1700, ((10 << 16) | 0) + 4);
  EXPECT_EQ(value(scale0, "0"), "\"AA==\"");      // 0x00
  EXPECT_EQ(value(scale0, "127"), "\"fw==\"");    // 0x7f
  EXPECT_EQ(value(scale0, "128"), "\"AIA=\"");    // 0x00 0x80
  EXPECT_EQ(value(scale0, "-1"), "\"/w==\"");     // 0xff
  EXPECT_EQ(value(scale0, "-128"), "\"gA==\"");   // 0x80
  EXPECT_EQ(value(scale0, "-129"), "\"/38=\"");   // 0xff 0x7f
}

TEST(DebeziumTypes, BadTextNamesTheColumn) {
  auto v = column_value(ColumnSchema{"start_date", 20, -1, true, {}}, "soon", DecimalHandling::kPrecise);
  ASSERT_FALSE(v.is_ok());
  EXPECT_NE(v.status().message().find("column start_date: 'soon'"), std::string::npos);
  EXPECT_FALSE(parse_decimal_handling("exact").is_ok());
}

TEST(DebeziumTypes, FieldSchemasWithLogicalNamesAndDefaults) {
  EXPECT_EQ(column_field_schema(ColumnSchema{"timezone", 25, -1, false, "'America/New_York'::text"}, DecimalHandling::kPrecise)
                .dump(),
            R"({"type":"string","optional":false,"default":"America/New_York","field":"timezone"})");
  EXPECT_EQ(column_field_schema(ColumnSchema{"created_at", 1184, -1, false, "now()"}, DecimalHandling::kPrecise).dump(),
            R"({"type":"string","optional":false,"name":"io.debezium.time.ZonedTimestamp","version":1,)"
            R"("default":"1970-01-01T00:00:00.000000Z","field":"created_at"})");
  EXPECT_EQ(column_field_schema(ColumnSchema{"assigned_at", 1184, -1, true, "now()"}, DecimalHandling::kPrecise).dump(),
            R"({"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp","version":1,)"
            R"("default":"1970-01-01T00:00:00.000000Z","field":"assigned_at"})");
  EXPECT_EQ(column_field_schema(ColumnSchema{"n", 1700, ((10 << 16) | 3) + 4, true, {}}, DecimalHandling::kPrecise).dump(),
            R"({"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,)"
            R"("parameters":{"scale":"3","connect.decimal.precision":"10"},"field":"n"})");
  EXPECT_EQ(column_field_schema(ColumnSchema{"nu", 1700, -1, true, {}}, DecimalHandling::kPrecise).dump(),
            R"({"type":"struct","fields":[{"type":"int32","optional":false,"field":"scale"},)"
            R"({"type":"bytes","optional":false,"field":"value"}],"optional":true,)"
            R"("name":"io.debezium.data.VariableScaleDecimal","version":1,"doc":"Variable scaled decimal","field":"nu"})");
  EXPECT_EQ(column_field_schema(ColumnSchema{"p", 3802, -1, false, {}}, DecimalHandling::kPrecise).dump(),
            R"({"type":"string","optional":false,"name":"io.debezium.data.Json","version":1,"field":"p"})");
  EXPECT_EQ(column_field_schema(ColumnSchema{"d", 1082, -1, true, {}}, DecimalHandling::kPrecise).dump(),
            R"({"type":"int32","optional":true,"name":"io.debezium.time.Date","version":1,"field":"d"})");
}

}  // namespace
}  // namespace careflow::cdc
