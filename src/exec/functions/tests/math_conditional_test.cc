// Examples from https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/dev/table/functions/systemfunctions/#arithmetic-functions
// and #conditional-functions; result types follow Flink's type inference (LogicalTypeMerging).

#include <cmath>

#include "exec/functions/tests/test_util.h"

namespace careflow::exec::fn::testing {
namespace {

double dbl(const std::string& name, const std::vector<Arg>& args) {
  Value v = call(name, args);
  return v.is_null() ? NAN : v.as_double();
}

TEST(MathFunctions, Abs) {
  EXPECT_EQ(text("ABS", {I(-5)}), "5");
  EXPECT_EQ(text("ABS", {D(-2.5)}), "2.5");
  EXPECT_EQ(text("ABS", {Dec("-12.30", 5, 2)}), "12.30");
  EXPECT_EQ(result_type("ABS", {Dec("-12.30", 5, 2)}), "DECIMAL(5, 2) NOT NULL");
  EXPECT_EQ(result_type("ABS", {Null(DataType::integer())}), "INT");
  EXPECT_EQ(text("ABS", {I(INT32_MIN)}), "-2147483648");  // Math.abs(Integer.MIN_VALUE)
  EXPECT_EQ(bind_error("ABS", {S("x")}), "ABS expects NUMERIC as argument 1, got STRING NOT NULL");
}

TEST(MathFunctions, Mod) {
  EXPECT_EQ(text("MOD", {I(7), I(3)}), "1");
  EXPECT_EQ(text("MOD", {I(-7), I(3)}), "-1");  // negative only if numeric1 is negative
  EXPECT_EQ(text("MOD", {I(7), I(-3)}), "1");
  EXPECT_EQ(result_type("MOD", {BI(7), I(3)}), "INT NOT NULL");
  EXPECT_EQ(result_type("MOD", {I(7), BI(3)}), "BIGINT NOT NULL");
  EXPECT_EQ(text("MOD", {Dec("7.5", 3, 1), I(2)}), "1.5");
  EXPECT_EQ(result_type("MOD", {Dec("7.5", 3, 1), I(2)}), "DECIMAL(3, 1) NOT NULL");
  EXPECT_EQ(eval_error("MOD", {I(7), I(0)}), "MOD: division by zero (7 % 0)");
  EXPECT_EQ(bind_error("MOD", {D(1.5), I(2)}),
            "MOD expects an exact numeric (integer or DECIMAL) as argument 1, got DOUBLE NOT NULL");
}

TEST(MathFunctions, PowerAndLogs) {
  EXPECT_EQ(dbl("POWER", {I(2), I(10)}), 1024.0);
  EXPECT_EQ(dbl("POW", {D(4), D(0.5)}), 2.0);
  EXPECT_EQ(result_type("POWER", {I(2), I(10)}), "DOUBLE NOT NULL");
  EXPECT_EQ(dbl("SQRT", {I(16)}), 4.0);
  EXPECT_EQ(dbl("EXP", {I(0)}), 1.0);
  EXPECT_EQ(dbl("LN", {D(M_E)}), 1.0);
  EXPECT_EQ(dbl("LOG10", {I(1000)}), 3.0);
  EXPECT_EQ(dbl("LOG2", {I(8)}), 3.0);
  EXPECT_EQ(dbl("LOG", {D(1)}), 0.0);
  EXPECT_NEAR(dbl("LOG", {I(2), I(8)}), 3.0, 1e-12);
  EXPECT_TRUE(std::isnan(dbl("SQRT", {I(-1)})));
  EXPECT_EQ(text("SQRT", {Null(DataType::integer())}), "NULL");
  EXPECT_EQ(bind_error("LOG", {}), "LOG expects 1 to 2 arguments, got 0");
}

TEST(MathFunctions, Trigonometry) {
  EXPECT_EQ(dbl("SIN", {I(0)}), 0.0);
  EXPECT_EQ(dbl("COS", {I(0)}), 1.0);
  EXPECT_NEAR(dbl("TAN", {D(M_PI / 4)}), 1.0, 1e-12);
  EXPECT_NEAR(dbl("COT", {D(M_PI / 4)}), 1.0, 1e-12);
  EXPECT_NEAR(dbl("ASIN", {I(1)}), M_PI / 2, 1e-12);
  EXPECT_EQ(dbl("ACOS", {I(1)}), 0.0);
  EXPECT_NEAR(dbl("ATAN", {I(1)}), M_PI / 4, 1e-12);
  EXPECT_NEAR(dbl("ATAN2", {I(1), I(1)}), M_PI / 4, 1e-12);
  EXPECT_EQ(dbl("DEGREES", {D(M_PI)}), 180.0);
  EXPECT_EQ(dbl("RADIANS", {I(180)}), M_PI);
  EXPECT_EQ(dbl("SINH", {I(0)}), 0.0);
  EXPECT_EQ(dbl("COSH", {I(0)}), 1.0);
  EXPECT_EQ(dbl("TANH", {I(0)}), 0.0);
  EXPECT_EQ(text("PI", {}), "3.141592653589793");
  EXPECT_EQ(text("E", {}), "2.718281828459045");
  EXPECT_EQ(result_type("PI", {}), "DOUBLE NOT NULL");
}

TEST(MathFunctions, CeilFloor) {
  EXPECT_EQ(text("CEIL", {D(1.2)}), "2.0");
  EXPECT_EQ(text("CEILING", {D(-1.2)}), "-1.0");
  EXPECT_EQ(text("FLOOR", {D(-1.2)}), "-2.0");
  EXPECT_EQ(text("FLOOR", {I(7)}), "7");
  EXPECT_EQ(text("CEIL", {Dec("12.34", 5, 2)}), "13");
  EXPECT_EQ(text("CEIL", {Dec("-12.34", 5, 2)}), "-12");
  EXPECT_EQ(text("FLOOR", {Dec("-12.34", 5, 2)}), "-13");
  EXPECT_EQ(result_type("CEIL", {Dec("12.34", 5, 2)}), "DECIMAL(4, 0) NOT NULL");
  EXPECT_EQ(result_type("FLOOR", {Dec("12", 5, 0)}), "DECIMAL(5, 0) NOT NULL");
  EXPECT_EQ(result_type("CEIL", {D(1.5)}), "DOUBLE NOT NULL");
}

TEST(MathFunctions, Round) {
  EXPECT_EQ(text("ROUND", {D(2.675), I(2)}), "2.68");  // BigDecimal.valueOf(2.675): half-up on the decimal text
  EXPECT_EQ(text("ROUND", {D(1.5)}), "2.0");
  EXPECT_EQ(text("ROUND", {D(-1.5)}), "-2.0");
  EXPECT_EQ(text("ROUND", {D(125.315), I(-1)}), "130.0");
  EXPECT_EQ(text("ROUND", {D(0.0004), I(3)}), "0.0");
  EXPECT_EQ(text("ROUND", {D(0.0005), I(3)}), "0.001");
  EXPECT_EQ(text("ROUND", {D(9.99), I(1)}), "10.0");
  EXPECT_EQ(text("ROUND", {I(1234), I(-2)}), "1200");
  EXPECT_EQ(text("ROUND", {I(-1250), I(-2)}), "-1300");
  EXPECT_EQ(text("ROUND", {I(17), I(2)}), "17");
  EXPECT_EQ(text("ROUND", {Dec("125.315", 6, 3), I(2)}), "125.32");
  EXPECT_EQ(result_type("ROUND", {Dec("125.315", 6, 3), I(2)}), "DECIMAL(6, 2)");
  EXPECT_EQ(text("ROUND", {Dec("999.99", 5, 2), I(1)}), "1000.0");
  EXPECT_EQ(text("ROUND", {Dec("125.315", 6, 3), I(-1)}), "130");
  EXPECT_EQ(result_type("ROUND", {Dec("125.315", 6, 3), I(-1)}), "DECIMAL(4, 0)");
  EXPECT_EQ(text("ROUND", {Dec("125.315", 6, 3), I(5)}), "125.315");
  EXPECT_EQ(result_type("ROUND", {Dec("125.315", 6, 3), I(5)}), "DECIMAL(6, 3)");
  EXPECT_EQ(result_type("ROUND", {D(1.0), I(1)}), "DOUBLE NOT NULL");
  EXPECT_EQ(result_type("ROUND", {I(1), I(1)}), "INT NOT NULL");
  EXPECT_EQ(eval_error("ROUND", {D(NAN)}), "ROUND: cannot round NaN (not a finite number)");
}

TEST(MathFunctions, Truncate) {
  EXPECT_EQ(text("TRUNCATE", {D(42.324), I(2)}), "42.32");
  EXPECT_EQ(text("TRUNCATE", {D(42.324)}), "42.0");
  EXPECT_EQ(text("TRUNCATE", {D(-42.329), I(2)}), "-42.32");
  EXPECT_EQ(text("TRUNCATE", {I(1289), I(-2)}), "1200");
  EXPECT_EQ(text("TRUNCATE", {Dec("42.329", 5, 3), I(2)}), "42.32");
  EXPECT_EQ(result_type("TRUNCATE", {Dec("42.329", 5, 3), I(2)}), "DECIMAL(5, 2)");
}

TEST(MathFunctions, Sign) {
  EXPECT_EQ(text("SIGN", {I(-3)}), "-1");
  EXPECT_EQ(text("SIGN", {I(0)}), "0");
  EXPECT_EQ(text("SIGN", {D(2.5)}), "1.0");
  EXPECT_EQ(text("SIGN", {Dec("-2.50", 4, 2)}), "-1.00");
  EXPECT_EQ(result_type("SIGN", {Dec("-2.50", 4, 2)}), "DECIMAL(4, 2) NOT NULL");
}

TEST(MathFunctions, BinHex) {
  EXPECT_EQ(text("BIN", {I(4)}), "100");
  EXPECT_EQ(text("BIN", {I(12)}), "1100");
  EXPECT_EQ(text("BIN", {I(0)}), "0");
  EXPECT_EQ(text("BIN", {BI(-1)}), std::string(64, '1'));
  EXPECT_EQ(text("HEX", {I(20)}), "14");
  EXPECT_EQ(text("HEX", {I(100)}), "64");
  EXPECT_EQ(text("HEX", {S("hello,world")}), "68656C6C6F2C776F726C64");
  EXPECT_EQ(text("HEX", {I(-1)}), "FFFFFFFFFFFFFFFF");
  EXPECT_EQ(text("BIN", {Null(DataType::integer())}), "NULL");
}

TEST(MathFunctions, Random) {
  for (int i = 0; i < 20; ++i) {
    double r = dbl("RAND", {});
    EXPECT_GE(r, 0.0);
    EXPECT_LT(r, 1.0);
    int64_t n = call("RAND_INTEGER", {I(10)}).as_int();
    EXPECT_GE(n, 0);
    EXPECT_LT(n, 10);
  }
  // java.util.Random(42).nextDouble() and new Random(42).nextInt(10).
  EXPECT_EQ(text("RAND", {Col(I(42))}), "0.7275636800328681");
  EXPECT_EQ(text("RAND_INTEGER", {Col(I(42)), I(10)}), "0");
  // A constant seed keeps one generator: two calls give the first two numbers of the sequence.
  auto b = bind("RAND", {I(42)});
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(values::format_double(call_bound(b.value(), {I(42)}).as_double()), "0.7275636800328681");
  EXPECT_EQ(values::format_double(call_bound(b.value(), {I(42)}).as_double()), "0.6832234717598454");
  EXPECT_FALSE(sql::FunctionRegistry::global().scalar("RAND")->deterministic);
  EXPECT_EQ(result_type("RAND", {}), "DOUBLE NOT NULL");
}

TEST(MathFunctions, GreatestLeast) {
  EXPECT_EQ(text("GREATEST", {I(1), I(5), I(3)}), "5");
  EXPECT_EQ(text("LEAST", {I(1), I(5), I(3)}), "1");
  EXPECT_EQ(text("GREATEST", {S("apple"), S("banana")}), "banana");
  EXPECT_EQ(text("GREATEST", {I(1), Null(DataType::integer())}), "NULL");
  EXPECT_EQ(result_type("GREATEST", {I(1), BI(2)}), "BIGINT NOT NULL");
  EXPECT_EQ(bind_error("LEAST", {I(1), S("a")}), "LEAST: arguments have no common type (INT NOT NULL and STRING NOT NULL)");
}

TEST(ConditionalFunctions, Coalesce) {
  EXPECT_EQ(text("COALESCE", {Null(DataType::string()), S("default")}), "default");
  EXPECT_EQ(text("COALESCE", {Null(DataType::string()), Null(DataType::string())}), "NULL");
  EXPECT_EQ(text("COALESCE", {Null(DataType::integer()), BI(7)}), "7");
  EXPECT_EQ(result_type("COALESCE", {Null(DataType::integer()), BI(7)}), "BIGINT NOT NULL");
  EXPECT_EQ(result_type("COALESCE", {Null(DataType::integer()), Null(DataType::bigint())}), "BIGINT");
  EXPECT_FALSE(bind("COALESCE", {I(1)}).value().null_on_null);
}

TEST(ConditionalFunctions, NullIf) {
  EXPECT_EQ(text("NULLIF", {I(5), I(5)}), "NULL");
  EXPECT_EQ(text("NULLIF", {I(5), I(0)}), "5");
  EXPECT_EQ(text("NULLIF", {I(5), BI(5)}), "NULL");
  EXPECT_EQ(text("NULLIF", {I(5), Null(DataType::integer())}), "5");
  EXPECT_EQ(result_type("NULLIF", {I(5), I(0)}), "INT");
}

TEST(ConditionalFunctions, IfAndIfNull) {
  EXPECT_EQ(text("IF", {B(true), I(5), I(3)}), "5");
  EXPECT_EQ(text("IF", {B(false), I(5), I(3)}), "3");
  EXPECT_EQ(text("IF", {Null(DataType::boolean()), I(5), I(3)}), "3");
  EXPECT_EQ(result_type("IF", {B(true), I(5), BI(3)}), "BIGINT NOT NULL");
  EXPECT_EQ(bind_error("IF", {I(1), I(5), I(3)}), "IF expects BOOLEAN as argument 1, got INT NOT NULL");
  EXPECT_EQ(text("IFNULL", {Null(DataType::integer()), I(5)}), "5");
  EXPECT_EQ(text("IFNULL", {I(1), I(5)}), "1");
  EXPECT_EQ(result_type("IFNULL", {Null(DataType::integer()), I(5)}), "INT NOT NULL");
}

TEST(ConditionalFunctions, Predicates) {
  EXPECT_EQ(text("IS_ALPHA", {S("abcÄ")}), "TRUE");
  EXPECT_EQ(text("IS_ALPHA", {S("ab1")}), "FALSE");
  EXPECT_EQ(text("IS_ALPHA", {S("")}), "FALSE");
  EXPECT_EQ(text("IS_ALPHA", {Null(DataType::string())}), "FALSE");
  EXPECT_EQ(text("IS_DIGIT", {S("0123")}), "TRUE");
  EXPECT_EQ(text("IS_DIGIT", {S("12.3")}), "FALSE");
  EXPECT_EQ(text("IS_DIGIT", {I(5)}), "TRUE");
  EXPECT_EQ(text("IS_DECIMAL", {S("12.3")}), "TRUE");
  EXPECT_EQ(text("IS_DECIMAL", {S("-1e5")}), "TRUE");
  EXPECT_EQ(text("IS_DECIMAL", {S("1.2.3")}), "FALSE");
  EXPECT_EQ(text("IS_DECIMAL", {S("")}), "FALSE");
  EXPECT_EQ(text("IS_DECIMAL", {Null(DataType::string())}), "FALSE");
  EXPECT_EQ(result_type("IS_DECIMAL", {Null(DataType::string())}), "BOOLEAN NOT NULL");
}

}  // namespace
}  // namespace careflow::exec::fn::testing
