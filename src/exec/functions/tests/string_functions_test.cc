// Examples from https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/dev/table/functions/systemfunctions/#string-functions
// unless marked otherwise (edge cases follow SqlFunctionUtils / BinaryStringDataUtil).

#include "exec/functions/tests/test_util.h"

namespace careflow::exec::fn::testing {
namespace {

CallSyntax trim_mode(std::string mode) {
  CallSyntax s;
  s.trim_mode = std::move(mode);
  return s;
}

TEST(StringFunctions, Lengths) {
  EXPECT_EQ(text("CHAR_LENGTH", {S("hello")}), "5");
  EXPECT_EQ(text("CHARACTER_LENGTH", {S("héllo wörld")}), "11");
  EXPECT_EQ(text("CHAR_LENGTH", {S("")}), "0");
  EXPECT_EQ(text("CHAR_LENGTH", {Null(DataType::string())}), "NULL");
  EXPECT_EQ(result_type("CHAR_LENGTH", {S("x")}), "INT NOT NULL");
  EXPECT_EQ(result_type("CHAR_LENGTH", {Null(DataType::string())}), "INT");
  EXPECT_EQ(bind_error("CHAR_LENGTH", {S("a"), S("b")}), "CHAR_LENGTH expects 1 argument, got 2");
  EXPECT_EQ(bind_error("CHAR_LENGTH", {I(1)}), "CHAR_LENGTH expects STRING as argument 1, got INT NOT NULL");
}

TEST(StringFunctions, Case) {
  EXPECT_EQ(text("UPPER", {S("hello World")}), "HELLO WORLD");
  EXPECT_EQ(text("LOWER", {S("Hello WORLD")}), "hello world");
  EXPECT_EQ(text("UPPER", {S("straße ä")}), "STRAßE Ä");  // ß has no single-character upper case
  EXPECT_EQ(text("LOWER", {S("ÄÖÜ")}), "äöü");
  EXPECT_EQ(result_type("UPPER", {Typed(DataType::varchar(10), Value::string("a"))}), "VARCHAR(10)");
  EXPECT_EQ(text("UPPER", {Null(DataType::string())}), "NULL");
  EXPECT_EQ(text("INITCAP", {S("hello wORLD foo-bar 9lives")}), "Hello World Foo-Bar 9lives");
}

TEST(StringFunctions, Trim) {
  EXPECT_EQ(text("TRIM", {S("  hi  ")}), "hi");
  EXPECT_EQ(text("TRIM", {S("  hi  ")}, trim_mode("LEADING")), "hi  ");
  EXPECT_EQ(text("TRIM", {S("  hi  ")}, trim_mode("TRAILING")), "  hi");
  EXPECT_EQ(text("TRIM", {S("xyhixyx"), S("xy")}, trim_mode("BOTH")), "hi");
  EXPECT_EQ(text("TRIM", {S("\thi ")}), "\thi");  // only spaces by default
  EXPECT_EQ(text("LTRIM", {S(" This is a test String.")}), "This is a test String.");
  EXPECT_EQ(text("RTRIM", {S("This is a test String. ")}), "This is a test String.");
  EXPECT_EQ(text("LTRIM", {S("xxa"), S("x")}), "a");
  EXPECT_EQ(text("TRIM", {Null(DataType::string())}), "NULL");
  EXPECT_EQ(result_type("TRIM", {Typed(DataType::chars(5).with_nullable(false), Value::string("  a  "))}),
            "VARCHAR(5) NOT NULL");
}

TEST(StringFunctions, PositionLocateInstr) {
  EXPECT_EQ(text("POSITION", {S("lo"), S("hello")}), "4");
  EXPECT_EQ(text("POSITION", {S("x"), S("hello")}), "0");
  EXPECT_EQ(text("POSITION", {S("ö"), S("größe ö")}), "3");
  EXPECT_EQ(text("POSITION", {S(""), S("abc")}), "1");
  EXPECT_EQ(text("LOCATE", {S("a"), S("banana")}), "2");
  EXPECT_EQ(text("LOCATE", {S("a"), S("banana"), I(3)}), "4");
  EXPECT_EQ(text("LOCATE", {S("a"), S("banana"), I(7)}), "0");
  EXPECT_EQ(text("LOCATE", {S("a"), Null(DataType::string())}), "NULL");
  EXPECT_EQ(text("INSTR", {S("banana"), S("an")}), "2");
  EXPECT_EQ(text("INSTR", {S("banana"), S("an"), I(1), I(2)}), "4");
  EXPECT_EQ(text("INSTR", {S("banana"), S("an"), I(-1)}), "4");
  EXPECT_EQ(text("INSTR", {S("banana"), S("an"), I(-1), I(2)}), "2");
  EXPECT_EQ(text("INSTR", {S("banana"), S("x")}), "0");
  EXPECT_EQ(eval_error("INSTR", {S("banana"), S("an"), I(1), I(0)}), "INSTR: nthAppearance must be positive, got 0");
}

TEST(StringFunctions, Substring) {
  EXPECT_EQ(text("SUBSTRING", {S("Hello World"), I(7)}), "World");
  EXPECT_EQ(text("SUBSTRING", {S("Hello World"), I(1), I(5)}), "Hello");
  EXPECT_EQ(text("SUBSTR", {S("Hello World"), I(-5)}), "World");
  EXPECT_EQ(text("SUBSTR", {S("Hello World"), I(-5), I(2)}), "Wo");
  EXPECT_EQ(text("SUBSTR", {S("Hello"), I(0), I(2)}), "He");
  EXPECT_EQ(text("SUBSTR", {S("Hello"), I(10)}), "");
  EXPECT_EQ(text("SUBSTR", {S("Hello"), I(-10)}), "");
  EXPECT_EQ(text("SUBSTR", {S("Hello"), I(2), I(-1)}), "NULL");
  EXPECT_EQ(text("SUBSTR", {S("Hello"), I(2), I(100)}), "ello");
  EXPECT_EQ(text("SUBSTR", {S("äöüß"), I(2), I(2)}), "öü");
  EXPECT_EQ(result_type("SUBSTRING", {Typed(DataType::varchar(20).with_nullable(false), Value::string("")), I(2)}),
            "VARCHAR(20) NOT NULL");
  EXPECT_EQ(bind_error("SUBSTRING", {S("a")}), "SUBSTRING expects 2 to 3 arguments, got 1");
  EXPECT_EQ(bind_error("SUBSTRING", {S("a"), S("b")}), "SUBSTRING expects INTEGER as argument 2, got STRING NOT NULL");
}

TEST(StringFunctions, ReplaceOverlay) {
  EXPECT_EQ(text("REPLACE", {S("hello world"), S("world"), S("flink")}), "hello flink");
  EXPECT_EQ(text("REPLACE", {S("ababab"), S("abab"), S("z")}), "zab");
  EXPECT_EQ(text("REPLACE", {S("abc"), S(""), S("-")}), "-a-b-c-");
  EXPECT_EQ(text("REPLACE", {S("abc"), Null(DataType::string()), S("-")}), "NULL");
  EXPECT_EQ(text("OVERLAY", {S("xxxxxtest"), S("xxxx"), I(6)}), "xxxxxxxxx");
  EXPECT_EQ(text("OVERLAY", {S("xxxxxtest"), S("xxxx"), I(6), I(2)}), "xxxxxxxxxst");
}

TEST(StringFunctions, Concat) {
  EXPECT_EQ(text("CONCAT", {S("AA"), S("BB"), S("CC")}), "AABBCC");
  EXPECT_EQ(text("CONCAT", {S("AA"), Null(DataType::string())}), "NULL");
  EXPECT_EQ(result_type("CONCAT", {Typed(DataType::varchar(3).with_nullable(false), Value::string("a")),
                                   Typed(DataType::chars(2).with_nullable(false), Value::string("b"))}),
            "VARCHAR(5) NOT NULL");
  EXPECT_EQ(text("CONCAT_WS", {S("~"), S("AA"), Null(DataType::string()), S("BB"), S(""), S("CC")}), "AA~BB~~CC");
  EXPECT_EQ(text("CONCAT_WS", {Null(DataType::string()), S("AA")}), "NULL");
  EXPECT_EQ(text("CONCAT_WS", {S(","), Null(DataType::string())}), "");
  EXPECT_EQ(bind_error("CONCAT_WS", {S(",")}), "CONCAT_WS expects at least 2 arguments, got 1");
}

TEST(StringFunctions, Padding) {
  EXPECT_EQ(text("LPAD", {S("hi"), I(4), S("??")}), "??hi");
  EXPECT_EQ(text("LPAD", {S("hi"), I(1), S("??")}), "h");
  EXPECT_EQ(text("RPAD", {S("hi"), I(4), S("??")}), "hi??");
  EXPECT_EQ(text("RPAD", {S("hi"), I(1), S("??")}), "h");
  EXPECT_EQ(text("LPAD", {S("hi"), I(5), S("ab")}), "abahi");
  EXPECT_EQ(text("RPAD", {S("hi"), I(5), S("ab")}), "hiaba");
  EXPECT_EQ(text("LPAD", {S("hi"), I(-1), S("?")}), "NULL");
  EXPECT_EQ(text("LPAD", {S("hi"), I(4), S("")}), "NULL");
  EXPECT_EQ(text("LPAD", {S("hi"), I(0), S("?")}), "");
  EXPECT_EQ(result_type("LPAD", {S("hi"), I(4), S("?")}), "STRING");
}

TEST(StringFunctions, RepeatReverse) {
  EXPECT_EQ(text("REPEAT", {S("This is a test String."), I(2)}), "This is a test String.This is a test String.");
  EXPECT_EQ(text("REPEAT", {S("x"), I(0)}), "");
  EXPECT_EQ(text("REPEAT", {S("x"), I(-2)}), "");
  EXPECT_EQ(text("REVERSE", {S("héllo")}), "olléh");
  EXPECT_EQ(text("REVERSE", {Null(DataType::string())}), "NULL");
}

TEST(StringFunctions, SplitIndex) {
  EXPECT_EQ(text("SPLIT_INDEX", {S("Jack,John,Mary"), S(","), I(2)}), "Mary");
  EXPECT_EQ(text("SPLIT_INDEX", {S("Jack,John,Mary"), S(","), I(3)}), "NULL");
  EXPECT_EQ(text("SPLIT_INDEX", {S("Jack,John,Mary"), S(","), I(-1)}), "NULL");
  EXPECT_EQ(text("SPLIT_INDEX", {S("a,,b"), S(","), I(1)}), "");
  EXPECT_EQ(text("SPLIT_INDEX", {S("a::b::c"), S("::"), I(1)}), "b");
}

TEST(StringFunctions, LeftRight) {
  EXPECT_EQ(text("LEFT", {S("Hello"), I(2)}), "He");
  EXPECT_EQ(text("LEFT", {S("Hello"), I(-2)}), "");
  EXPECT_EQ(text("LEFT", {S("Hello"), I(10)}), "Hello");
  EXPECT_EQ(text("RIGHT", {S("Hello"), I(3)}), "llo");
  EXPECT_EQ(text("RIGHT", {S("Hello"), I(-1)}), "");
  EXPECT_EQ(text("RIGHT", {S("Hellö"), I(2)}), "lö");
  EXPECT_EQ(text("RIGHT", {S("Hello"), Null(DataType::integer())}), "NULL");
}

TEST(StringFunctions, AsciiChr) {
  EXPECT_EQ(text("ASCII", {S("abc")}), "97");
  EXPECT_EQ(text("ASCII", {S("")}), "0");
  EXPECT_EQ(text("ASCII", {Null(DataType::string())}), "NULL");
  EXPECT_EQ(text("CHR", {I(97)}), "a");
  EXPECT_EQ(text("CHR", {I(353)}), "a");
  EXPECT_EQ(text("CHR", {I(-1)}), "");
  EXPECT_EQ(text("CHR", {I(233)}), "é");
}

TEST(StringFunctions, Base64) {
  EXPECT_EQ(text("TO_BASE64", {S("hello world")}), "aGVsbG8gd29ybGQ=");
  EXPECT_EQ(text("FROM_BASE64", {S("aGVsbG8gd29ybGQ=")}), "hello world");
  EXPECT_EQ(text("TO_BASE64", {S("")}), "");
  EXPECT_EQ(text("TO_BASE64", {S("ab")}), "YWI=");
  EXPECT_EQ(text("FROM_BASE64", {S("YWI")}), "ab");
  EXPECT_EQ(text("FROM_BASE64", {Null(DataType::string())}), "NULL");
  EXPECT_EQ(eval_error("FROM_BASE64", {S("a*b")}), "FROM_BASE64: illegal base64 character '*' in 'a*b'");
}

TEST(StringFunctions, Elt) {
  // ELT example from the Flink 1.20 docs: ELT(2, 'scala-1', 'java-2', 'go-3') returns 'java-2'.
  EXPECT_EQ(text("ELT", {I(2), S("scala-1"), S("java-2"), S("go-3")}), "java-2");
  EXPECT_EQ(text("ELT", {I(4), S("a"), S("b")}), "NULL");
  EXPECT_EQ(text("ELT", {I(0), S("a")}), "NULL");
  EXPECT_EQ(text("ELT", {Null(DataType::integer()), S("a")}), "NULL");
  EXPECT_EQ(text("ELT", {I(1), I(5), BI(6)}), "5");
  EXPECT_EQ(result_type("ELT", {I(1), I(5), BI(6)}), "BIGINT");
}

TEST(StringFunctions, Uuid) {
  std::string a = text("UUID", {}), b = text("UUID", {});
  EXPECT_EQ(a.size(), 36u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a[14], '4');
  EXPECT_EQ(result_type("UUID", {}), "CHAR(36) NOT NULL");
  EXPECT_FALSE(sql::FunctionRegistry::global().scalar("UUID")->deterministic);
}

}  // namespace
}  // namespace careflow::exec::fn::testing
