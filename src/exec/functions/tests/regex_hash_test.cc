// Regular expression functions and STR_TO_MAP; examples from
// https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/dev/table/functions/systemfunctions/#string-functions

#include "exec/functions/tests/test_util.h"

namespace careflow::exec::fn::testing {
namespace {

TEST(RegexFunctions, Regexp) {
  EXPECT_EQ(text("REGEXP", {S("foothebar"), S("the")}), "TRUE");
  EXPECT_EQ(text("REGEXP", {S("foothebar"), S("^the")}), "FALSE");
  EXPECT_EQ(text("REGEXP", {S("foo"), S("")}), "FALSE");
  EXPECT_EQ(text("REGEXP", {S("foo"), S("(")}), "FALSE");  // invalid pattern
  EXPECT_EQ(text("REGEXP", {Col(S("größe")), Col(S("^gr.ße$"))}), "TRUE");  // . is one code point
  EXPECT_EQ(text("REGEXP", {Null(DataType::string()), S("a")}), "NULL");
  EXPECT_EQ(result_type("REGEXP", {S("a"), S("a")}), "BOOLEAN NOT NULL");
}

TEST(RegexFunctions, RegexpExtract) {
  EXPECT_EQ(text("REGEXP_EXTRACT", {S("foothebar"), S("foo(.*?)(bar)"), I(2)}), "bar");
  EXPECT_EQ(text("REGEXP_EXTRACT", {S("foothebar"), S("foo(.*?)(bar)"), I(1)}), "the");
  EXPECT_EQ(text("REGEXP_EXTRACT", {S("foothebar"), S("foo(.*?)(bar)")}), "foothebar");
  EXPECT_EQ(text("REGEXP_EXTRACT", {S("foothebar"), S("foo(.*?)(bar)"), I(3)}), "NULL");
  EXPECT_EQ(text("REGEXP_EXTRACT", {S("foothebar"), S("xyz")}), "NULL");
  EXPECT_EQ(text("REGEXP_EXTRACT", {S("a1b22"), S("[0-9]+")}), "1");
  EXPECT_EQ(text("REGEXP_EXTRACT", {S("abc"), S("[")}), "NULL");
}

TEST(RegexFunctions, RegexpReplace) {
  EXPECT_EQ(text("REGEXP_REPLACE", {S("foobar"), S("oo|ar"), S("")}), "fb");
  EXPECT_EQ(text("REGEXP_REPLACE", {S("a1b22c"), S("[0-9]+"), S("#")}), "a#b#c");
  EXPECT_EQ(text("REGEXP_REPLACE", {S("abc"), S("x*"), S("-")}), "-a-b-c-");
  EXPECT_EQ(text("REGEXP_REPLACE", {S("abc"), S("b"), S("$1\\")}), "a$1\\c");  // replacement is literal
  EXPECT_EQ(text("REGEXP_REPLACE", {S("abc"), S("("), S("x")}), "NULL");
  EXPECT_EQ(text("REGEXP_REPLACE", {Col(S("abc")), Col(S("B")), S("x")}), "abc");
}

TEST(RegexFunctions, StrToMap) {
  auto entries = [](const Value& v) {
    std::string out;
    for (const auto& [k, val] : v.as_map()) {
      out += k.as_string() + "=" + (val.is_null() ? "NULL" : val.as_string()) + ";";
    }
    return out;
  };
  EXPECT_EQ(entries(call("STR_TO_MAP", {S("a=1,b=2,c")})), "a=1;b=2;c=NULL;");
  EXPECT_EQ(entries(call("STR_TO_MAP", {S("a:1;b:2:3"), S(";"), S(":")})), "a=1;b=2:3;");
  EXPECT_EQ(entries(call("STR_TO_MAP", {S("a=1|b=2"), S("\\|"), S("=")})), "a=1;b=2;");
  EXPECT_EQ(entries(call("STR_TO_MAP", {S("a=1,a=2,,")})), "a=2;");
  EXPECT_EQ(entries(call("STR_TO_MAP", {S("")})), "");
  EXPECT_EQ(result_type("STR_TO_MAP", {S("a=1")}), "MAP<STRING, STRING> NOT NULL");
  EXPECT_EQ(bind_error("STR_TO_MAP", {S("a"), S(",")}), "STR_TO_MAP expects 1 or 3 arguments, got 2");
}

}  // namespace
}  // namespace careflow::exec::fn::testing
