// careflow's job ids as Flink JobIDs, and values and types as Flink's SQL Gateway writes them.
#include <gtest/gtest.h>

#include "jobs/flink_job_id.h"
#include "jobs/flink_result_format.h"

namespace careflow::jobs {
namespace {

using nlohmann::ordered_json;
using values::DataType;
using values::Value;

TEST(FlinkJobId, RoundTripsAndLeavesOtherIdsAlone) {
  EXPECT_EQ(flink_job_id("job-7"), "00000000000000000000000000000007");
  EXPECT_EQ(flink_job_id("job-255"), "000000000000000000000000000000ff");
  EXPECT_EQ(careflow_job_id("000000000000000000000000000000ff"), "job-255");
  EXPECT_EQ(careflow_job_id("job-3"), "job-3");
  EXPECT_EQ(careflow_job_id("100000000000000000000000000000ff"), "100000000000000000000000000000ff");  // not one of ours
  EXPECT_EQ(careflow_job_id("0000000000000000000000000000zzzz"), "0000000000000000000000000000zzzz");
  EXPECT_FALSE(flink_job_id("q-1"));
  EXPECT_FALSE(flink_job_id("job-"));
  EXPECT_FALSE(flink_job_id("job-1x"));
}

TEST(FlinkResultFormat, LogicalTypesAsFlinkSerializesThem) {
  EXPECT_EQ(logical_type_json(DataType::string()).dump(), R"({"type":"VARCHAR","nullable":true,"length":2147483647})");
  EXPECT_EQ(logical_type_json(DataType::integer().with_nullable(false)).dump(), R"({"type":"INTEGER","nullable":false})");
  EXPECT_EQ(logical_type_json(DataType::decimal(10, 2)).dump(), R"({"type":"DECIMAL","nullable":true,"precision":10,"scale":2})");
  EXPECT_EQ(logical_type_json(DataType::timestamp_ltz(3)).dump(),
            R"({"type":"TIMESTAMP_WITH_LOCAL_TIME_ZONE","nullable":true,"precision":3})");
  EXPECT_EQ(logical_type_json(DataType::of(values::TypeId::kNull)).dump(), R"({"type":"NULL"})");
  EXPECT_EQ(logical_type_json(DataType::map(DataType::string(), DataType::bigint())).dump(),
            R"({"type":"MAP","nullable":true,"keyType":{"type":"VARCHAR","nullable":true,"length":2147483647},)"
            R"("valueType":{"type":"BIGINT","nullable":true}})");
  DataType row = DataType::of(values::TypeId::kRow);
  row.children = {DataType::integer()};
  row.field_names = {"a"};
  EXPECT_EQ(logical_type_json(row).dump(), R"({"type":"ROW","nullable":true,"fields":[{"name":"a","fieldType":{"type":"INTEGER","nullable":true}}]})");
}

TEST(FlinkResultFormat, RowsInBothFormats) {
  exec::Row row;
  row.kind = exec::RowKind::kUpdateBefore;
  row.fields = {Value::integer(1704103205123000), Value::integer(1704103205000000), Value::string("x"), Value(), Value::bytes("hi")};
  std::vector<DataType> types = {DataType::timestamp_ltz(3), DataType::timestamp(3), DataType::string(), DataType::integer(), DataType::bytes()};
  EXPECT_EQ(row_json(row, types, RowFormat::kJson).dump(),
            R"({"kind":"UPDATE_BEFORE","fields":["2024-01-01T10:00:05.123Z","2024-01-01T10:00:05","x",null,"aGk="]})");
  EXPECT_EQ(row_json(row, types, RowFormat::kPlainText).dump(),
            R"({"kind":"UPDATE_BEFORE","fields":["2024-01-01 10:00:05.123","2024-01-01 10:00:05.000","x",null,"hi"]})");
  RowFormat f;
  EXPECT_TRUE(parse_row_format("plain_text", &f));
  EXPECT_EQ(f, RowFormat::kPlainText);
  EXPECT_FALSE(parse_row_format("CSV", &f));
}

}  // namespace
}  // namespace careflow::jobs
