#include "values/value_format.h"

#include <gtest/gtest.h>

#include <cmath>

#include "values/datetime.h"

namespace careflow::values {
namespace {

TEST(ValueFormatTest, DoublesPrintAsJavaDoes) {
  EXPECT_EQ(format_double(1.0), "1.0");
  EXPECT_EQ(format_double(10.0), "10.0");
  EXPECT_EQ(format_double(0.1), "0.1");
  EXPECT_EQ(format_double(0.001), "0.001");
  EXPECT_EQ(format_double(0.0001), "1.0E-4");
  EXPECT_EQ(format_double(1234567.0), "1234567.0");
  EXPECT_EQ(format_double(12345678.0), "1.2345678E7");
  EXPECT_EQ(format_double(1e10), "1.0E10");
  EXPECT_EQ(format_double(-2.5), "-2.5");
  EXPECT_EQ(format_double(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(format_double(NAN), "NaN");
  EXPECT_EQ(format_double(-INFINITY), "-Infinity");
  EXPECT_EQ(format_double(0.0), "0.0");
  EXPECT_EQ(format_float(0.1f), "0.1");
  EXPECT_EQ(format_float(1.1f), "1.1");
}

TEST(ValueFormatTest, DecimalsKeepTheirScale) {
  EXPECT_EQ(format_decimal(1050, 2), "10.50");
  EXPECT_EQ(format_decimal(-5, 1), "-0.5");
  EXPECT_EQ(format_decimal(7, 0), "7");
  EXPECT_EQ(format_decimal(3, 3), "0.003");
  int128 u;
  ASSERT_TRUE(parse_decimal("12.345", 10, 2, &u));
  EXPECT_EQ(format_decimal(u, 2), "12.35");  // half-up
  ASSERT_TRUE(parse_decimal("-12.345", 10, 2, &u));
  EXPECT_EQ(format_decimal(u, 2), "-12.35");
  ASSERT_TRUE(parse_decimal("1e3", 10, 1, &u));
  EXPECT_EQ(format_decimal(u, 1), "1000.0");
  EXPECT_FALSE(parse_decimal("123456", 5, 0, &u));
  EXPECT_FALSE(parse_decimal("12a", 5, 0, &u));
  EXPECT_FALSE(parse_decimal("", 5, 0, &u));
}

TEST(ValueFormatTest, DatesAndTimestamps) {
  EXPECT_EQ(format_date(0), "1970-01-01");
  EXPECT_EQ(format_date(-1), "1969-12-31");
  EXPECT_EQ(*parse_date("2024-02-29"), days_from_civil(2024, 2, 29));
  EXPECT_FALSE(parse_date("2023-02-29").has_value());
  int64_t us = *parse_timestamp_micros("2024-01-31 10:00:05.123456");
  EXPECT_EQ(format_timestamp(us, 3), "2024-01-31 10:00:05.123");
  EXPECT_EQ(format_timestamp(us, 0), "2024-01-31 10:00:05");
  EXPECT_EQ(format_timestamp(us, 6), "2024-01-31 10:00:05.123456");
  EXPECT_EQ(format_timestamp(*parse_timestamp_micros("1969-12-31T23:59:59.5"), 1), "1969-12-31 23:59:59.5");
  EXPECT_EQ(format_time(*parse_time_millis("10:00:05.120"), 3), "10:00:05.120");
}

TEST(ValueFormatTest, ParseValueFollowsCastRules) {
  EXPECT_EQ(parse_value(" 42 ", DataType::integer())->as_int(), 42);
  EXPECT_EQ(parse_value("3000000000", DataType::integer()).status().message(), "cannot cast '3000000000' to INT");
  EXPECT_TRUE(parse_value("TRUE", DataType::boolean())->as_bool());
  EXPECT_EQ(parse_value("x", DataType::double_type()).status().message(), "cannot cast 'x' to DOUBLE");
  EXPECT_EQ(format_value(*parse_value("2024-01-31 10:00:05.5", DataType::timestamp(3)), DataType::timestamp(3)),
            "2024-01-31 10:00:05.500");
}

}  // namespace
}  // namespace careflow::values
