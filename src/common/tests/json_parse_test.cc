// parse_json: the one parser for JSON from outside, with its nesting limit and strict end.

#include "common/json_parse.h"

#include <gtest/gtest.h>

#include <string>

namespace careflow {
namespace {

std::string nested_arrays(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(ParseJson, ParsesOneValue) {
  auto parsed = parse_json(R"( {"a": [1, 2.5, "x"], "b": null} )");
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().to_string();
  EXPECT_EQ((*parsed)["a"][2], "x");
  EXPECT_EQ(*parse_json("42"), 42);
  auto ordered = parse_ordered_json(R"({"z": 1, "a": 2})");
  ASSERT_TRUE(ordered.is_ok());
  EXPECT_EQ(ordered->dump(), R"({"z":1,"a":2})");
}

TEST(ParseJson, NestingUpToTheLimitIsAccepted) {
  EXPECT_TRUE(parse_json(nested_arrays(64)).is_ok());
  EXPECT_TRUE(parse_json(nested_arrays(5), 5).is_ok());
  // Brackets inside strings are not nesting.
  EXPECT_TRUE(parse_json("[\"" + std::string(1000, '[') + "\\\"{\"]", 2).is_ok());
}

TEST(ParseJson, NestingPastTheLimitNamesTheDepthAndTheByte) {
  auto deep = parse_json(nested_arrays(70000));
  ASSERT_FALSE(deep.is_ok());
  EXPECT_EQ(deep.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(deep.status().message(), "JSON nests deeper than 64 levels at byte 64");
  auto objects = parse_json(R"({"a": {"b": {"c": 1}}})", 2);
  ASSERT_FALSE(objects.is_ok());
  EXPECT_EQ(objects.status().message(), "JSON nests deeper than 2 levels at byte 12");
}

TEST(ParseJson, RefusesANulByteAndTrailingBytes) {
  auto nul = parse_json(std::string("{}\0", 3));
  ASSERT_FALSE(nul.is_ok());
  EXPECT_EQ(nul.status().message(), "JSON has a NUL byte at byte 2");
  auto nul_then_text = parse_json(std::string("{}\0{\"a\":1}", 10));
  EXPECT_FALSE(nul_then_text.is_ok());
  auto trailing = parse_json("{} x");
  ASSERT_FALSE(trailing.is_ok());
  EXPECT_NE(trailing.status().message().find("invalid JSON at byte 3 (line 1, column 4)"), std::string::npos)
      << trailing.status().message();
  EXPECT_TRUE(parse_json("{} \r\n\t").is_ok());
}

TEST(ParseJson, SyntaxErrorsNameTheByte) {
  auto bad = parse_json(R"({"a": tru})");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("invalid JSON at byte"), std::string::npos) << bad.status().message();
  EXPECT_FALSE(parse_json("").is_ok());
  EXPECT_FALSE(parse_json("[1,").is_ok());
  EXPECT_FALSE(parse_json("\"\xff\"").is_ok());  // not UTF-8
}

}  // namespace
}  // namespace careflow
