// Every built-in scalar function registers itself with a signature and a description.

#include "exec/functions/tests/test_util.h"

namespace careflow::exec::fn::testing {
namespace {

TEST(FunctionRegistry, EveryBuiltinIsRegisteredWithDocs) {
  const char* kNames[] = {
      "CHAR_LENGTH", "CHARACTER_LENGTH", "UPPER", "LOWER", "TRIM", "LTRIM", "RTRIM", "POSITION", "LOCATE", "INSTR",
      "SUBSTRING", "SUBSTR", "REPLACE", "OVERLAY", "CONCAT", "CONCAT_WS", "LPAD", "RPAD", "REPEAT", "REVERSE",
      "INITCAP", "SPLIT_INDEX", "REGEXP", "REGEXP_EXTRACT", "REGEXP_REPLACE", "LEFT", "RIGHT", "ASCII", "CHR",
      "STR_TO_MAP", "ELT", "TO_BASE64", "FROM_BASE64", "MD5", "SHA1", "SHA224", "SHA256", "SHA384", "SHA512", "SHA2",
      "UUID", "ABS", "MOD", "POWER", "POW", "SQRT", "EXP", "LN", "LOG10", "LOG2", "LOG", "CEIL", "CEILING", "FLOOR",
      "ROUND", "TRUNCATE", "SIGN", "PI", "E", "RAND", "RAND_INTEGER", "SIN", "COS", "TAN", "COT", "ASIN", "ACOS",
      "ATAN", "ATAN2", "SINH", "COSH", "TANH", "DEGREES", "RADIANS", "BIN", "HEX", "GREATEST", "LEAST", "COALESCE",
      "NULLIF", "IF", "IFNULL", "IS_ALPHA", "IS_DECIMAL", "IS_DIGIT", "CURRENT_TIMESTAMP", "LOCALTIMESTAMP",
      "CURRENT_DATE", "CURRENT_TIME", "LOCALTIME", "NOW", "CURRENT_ROW_TIMESTAMP", "TO_TIMESTAMP", "TO_TIMESTAMP_LTZ",
      "TO_DATE", "DATE_FORMAT", "EXTRACT", "YEAR", "QUARTER", "MONTH", "WEEK", "DAYOFYEAR", "DAYOFMONTH",
      "DAYOFWEEK", "HOUR", "MINUTE", "SECOND", "TIMESTAMPADD", "TIMESTAMPDIFF", "CONVERT_TZ", "UNIX_TIMESTAMP",
      "FROM_UNIXTIME", "JSON_VALUE", "JSON_QUERY", "JSON_EXISTS", "JSON_STRING", "JSON_OBJECT", "JSON_ARRAY",
      "$IS_JSON"};
  for (const char* name : kNames) {
    const auto* def = sql::FunctionRegistry::global().scalar(name);
    ASSERT_NE(def, nullptr) << name;
    EXPECT_EQ(def->name, name);
    EXPECT_TRUE(def->signature.starts_with(name)) << def->signature;
    EXPECT_FALSE(def->description.empty()) << name;
    EXPECT_EQ(def->description.back(), '.') << name;
  }
  // Lookups are case-insensitive.
  EXPECT_NE(sql::FunctionRegistry::global().scalar("upper"), nullptr);
}

}  // namespace
}  // namespace careflow::exec::fn::testing
