// parse_number: whole-text, non-throwing number parsing.

#include "common/numbers.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace careflow {
namespace {

TEST(ParseNumber, ParsesWholeIntegers) {
  EXPECT_EQ(parse_number<int64_t>("-42"), -42);
  EXPECT_EQ(parse_number<int32_t>("2147483647"), 2147483647);
  EXPECT_EQ(parse_number<uint32_t>("ff", 16), 255u);
  EXPECT_FALSE(parse_number<int32_t>("2147483648"));  // does not fit
  EXPECT_FALSE(parse_number<int64_t>("99999999999999999999"));
  EXPECT_FALSE(parse_number<int64_t>(""));
  EXPECT_FALSE(parse_number<int64_t>("12x"));
  EXPECT_FALSE(parse_number<int64_t>(" 12"));
  EXPECT_FALSE(parse_number<uint64_t>("-1"));
}

TEST(ParseNumber, ParsesFiniteDoubles) {
  EXPECT_EQ(parse_number<double>("2.5"), 2.5);
  EXPECT_EQ(parse_number<double>("-1e3"), -1000.0);
  // std::stod threw std::out_of_range on this subnormal; it is a (tiny) number.
  ASSERT_TRUE(parse_number<double>("1e-320"));
  EXPECT_GT(*parse_number<double>("1e-320"), 0.0);
  EXPECT_FALSE(parse_number<double>("1e400"));
  EXPECT_FALSE(parse_number<double>("1e-400"));
  EXPECT_FALSE(parse_number<double>("Infinity"));
  EXPECT_FALSE(parse_number<double>("NaN"));
  EXPECT_FALSE(parse_number<double>("1.5 "));
}

}  // namespace
}  // namespace careflow
