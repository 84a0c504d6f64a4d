// Iceberg's partition transforms against the spec: Appendix B's bucket hash vectors for every
// type, the truncate examples, year / month / day / hour of 2017-11-16T22:31:08, human strings of
// partition folders, which types each transform takes, and the 'partition.spec' text form.
#include <gtest/gtest.h>

#include "lake/iceberg_partition.h"
#include "lake/iceberg_transform.h"
#include "values/datetime.h"

namespace careflow::lake::iceberg {
namespace {

using values::DataType;
using values::Value;

const int64_t kDate = values::days_from_civil(2017, 11, 16);                                   // 17486
const int64_t kTimestamp = (kDate * 86'400 + 22 * 3'600 + 31 * 60 + 8) * 1'000'000LL;       // 2017-11-16T22:31:08

Transform parse(const char* text) {
  auto t = Transform::parse(text);
  EXPECT_TRUE(t.is_ok()) << text;
  return t.is_ok() ? *t : Transform{};
}

TEST(IcebergTransform, BucketHashesMatchTheSpecsAppendixB) {
  EXPECT_EQ(bucket_hash(DataType::integer(), Value::integer(34)), 2017239379);
  EXPECT_EQ(bucket_hash(DataType::bigint(), Value::integer(34)), 2017239379);
  EXPECT_EQ(bucket_hash(DataType::decimal(9, 2), Value::decimal(1420)), -500754589);  // 14.20
  EXPECT_EQ(bucket_hash(DataType::date(), Value::integer(kDate)), -653330422);
  EXPECT_EQ(bucket_hash(DataType::timestamp(6), Value::integer(kTimestamp)), -2047944441);
  EXPECT_EQ(bucket_hash(DataType::timestamp_ltz(6), Value::integer(kTimestamp)), -2047944441);  // 14:31:08-08:00
  EXPECT_EQ(bucket_hash(DataType::string(), Value::string("iceberg")), 1210000089);
  EXPECT_EQ(bucket_hash(DataType::bytes(), Value::bytes(std::string("\x00\x01\x02\x03", 4))), -188683207);
  // bucket[N]: (hash & Integer.MAX_VALUE) % N
  EXPECT_EQ(parse("bucket[16]").apply(DataType::integer(), Value::integer(34)).as_int(), 2017239379 % 16);
  EXPECT_EQ(parse("bucket[100]").apply(DataType::string(), Value::string("iceberg")).as_int(), 1210000089 % 100);
  EXPECT_EQ(parse("bucket[7]").apply(DataType::date(), Value::integer(kDate)).as_int(), (-653330422 & 0x7fffffff) % 7);
}

TEST(IcebergTransform, TruncateAsTheSpecSays) {
  const Transform t10 = parse("truncate[10]");
  EXPECT_EQ(t10.apply(DataType::integer(), Value::integer(1)).as_int(), 0);
  EXPECT_EQ(t10.apply(DataType::integer(), Value::integer(-1)).as_int(), -10);
  EXPECT_EQ(t10.apply(DataType::bigint(), Value::integer(-10)).as_int(), -10);
  EXPECT_EQ(parse("truncate[3]").apply(DataType::string(), Value::string("iceberg")).as_string(), "ice");
  EXPECT_EQ(parse("truncate[2]").apply(DataType::string(), Value::string("\xC3\xA9t\xC3\xA9")).as_string(), "\xC3\xA9t");  // code points
  EXPECT_EQ(t10.result_type(DataType::bigint()).id, values::TypeId::kBigInt);
}

TEST(IcebergTransform, TimeTransformsAndTheirFolders) {
  const DataType ts = DataType::timestamp(6);
  struct Case {
    const char* transform;
    int64_t result;
    const char* human;
  } cases[] = {{"year", 47, "2017"}, {"month", 574, "2017-11"}, {"day", 17486, "2017-11-16"}, {"hour", 419686, "2017-11-16-22"}};
  for (const Case& c : cases) {
    const Transform t = parse(c.transform);
    const Value r = t.apply(ts, Value::integer(kTimestamp));
    EXPECT_EQ(r.as_int(), c.result) << c.transform;
    EXPECT_EQ(t.human(ts, r), c.human) << c.transform;
  }
  EXPECT_EQ(parse("month").apply(DataType::date(), Value::integer(kDate)).as_int(), 574);
  EXPECT_EQ(parse("year").apply(ts, Value::integer(-1)).as_int(), -1);  // 1969-12-31T23:59:59.999999
  EXPECT_EQ(parse("hour").apply(ts, Value::integer(-1)).as_int(), -1);
  EXPECT_EQ(parse("month").human(ts, Value::integer(-1)), "1969-12");
  EXPECT_EQ(parse("day").result_type(ts).id, values::TypeId::kDate);
  EXPECT_EQ(parse("hour").result_type(ts).id, values::TypeId::kInt);
}

TEST(IcebergTransform, WhatEachTransformTakes) {
  EXPECT_FALSE(parse("hour").accepts(DataType::date()));
  EXPECT_FALSE(parse("year").accepts(DataType::string()));
  EXPECT_FALSE(parse("truncate[4]").accepts(DataType::double_type()));
  EXPECT_TRUE(parse("bucket[4]").accepts(DataType::decimal(10, 2)));
  for (const char* bad : {"void", "bucket[0]", "bucket[x]", "truncate[]", "bucket[4"}) {
    auto t = Transform::parse(bad);
    EXPECT_FALSE(t.is_ok()) << bad;
    EXPECT_NE(t.status().message().find(bad), std::string::npos) << t.status().message();
  }
  EXPECT_EQ(parse("bucket[16]").to_string(), "bucket[16]");
  EXPECT_EQ(parse("truncate[4]").field_name("name"), "name_trunc");
}

TEST(IcebergTransform, PartitionSpecText) {
  const std::vector<ColumnSpec> columns = {{"id", DataType::bigint(), 1}, {"name", DataType::string(), 2}, {"ts", DataType::timestamp(6), 3}};
  auto spec = parse_partition_spec("hour(ts), bucket(16, id), truncate( 4 , name), name", columns);
  ASSERT_TRUE(spec.is_ok()) << spec.status().to_string();
  ASSERT_EQ(spec->fields.size(), 4u);
  EXPECT_EQ(spec->fields[0].name, "ts_hour");
  EXPECT_EQ(spec->fields[1].transform, "bucket[16]");
  EXPECT_EQ(spec->fields[1].source_id, 1);
  EXPECT_EQ(spec->fields[2].name, "name_trunc");
  EXPECT_EQ(spec->fields[3].transform, "identity");
  EXPECT_EQ(spec->fields[3].field_id, 1003);
  EXPECT_TRUE(check_partition_spec(*spec, columns).is_ok());
  auto row = partition_of(*spec, columns, {Value::integer(34), Value::string("iceberg"), Value::integer(kTimestamp)});
  ASSERT_TRUE(row.is_ok());
  EXPECT_EQ(partition_path(*spec, columns, *row), "ts_hour=2017-11-16-22/id_bucket=" + std::to_string(2017239379 % 16) +
                                                     "/name_trunc=iceb/name=iceberg");
  EXPECT_TRUE(parse_partition_spec("", columns)->unpartitioned());
  for (const char* bad : {"hour(nope)", "hour(name)", "bucket(id)", "week(ts)", "day(ts),"}) {
    auto s = parse_partition_spec(bad, columns);
    EXPECT_FALSE(s.is_ok()) << bad;
    EXPECT_NE(s.status().message().find(bad), std::string::npos) << s.status().message();
  }
}

}  // namespace
}  // namespace careflow::lake::iceberg
