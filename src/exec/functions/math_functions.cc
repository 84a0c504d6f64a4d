// Arithmetic functions. Result types follow Flink's rules (Calcite's ReturnTypes as Flink
// configures them and LogicalTypeMerging for DECIMAL): ABS/SIGN/CEIL/FLOOR keep the argument's
// type (CEIL/FLOOR of DECIMAL(p, s) → DECIMAL(p - s + 1, 0)), ROUND/TRUNCATE of DECIMAL use
// findRoundDecimalType, MOD has the type of its second argument, the transcendental functions
// return DOUBLE.
// Reference: https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/dev/table/functions/systemfunctions/#arithmetic-functions
// and org.apache.flink.table.runtime.functions.SqlFunctionUtils.

#include <cmath>
#include <mutex>
#include <numbers>
#include <random>

#include "exec/functions/helpers.h"
#include "exec/functions/numeric_util.h"
#include "values/value_format.h"

namespace careflow::exec::fn {
namespace {

using values::pow10_i128;

DataType arg0_type(const std::vector<ArgInfo>& args) {
  return args[0].type.id == TypeId::kNull ? DataType::double_type() : args[0].type.without_time_attribute();
}

// ---- unary DOUBLE functions ----

BindFn bind_double_fn(const char* name, double (*f)(double)) {
  return bind_fixed(name, {p_double()}, DataType::double_type(),
                    [f](const Value* a, size_t, const EvalContext&) { return Value::real(f(a[0].as_double())); });
}

struct UnaryDouble {
  const char* name;
  const char* description;
  double (*f)(double);
};

const UnaryDouble kUnaryDoubles[] = {
    {"SQRT", "Returns the square root of the argument.", [](double x) { return std::sqrt(x); }},
    {"EXP", "Returns e raised to the power of the argument.", [](double x) { return std::exp(x); }},
    {"LN", "Returns the natural logarithm of the argument.", [](double x) { return std::log(x); }},
    {"LOG10", "Returns the base 10 logarithm of the argument.", [](double x) { return std::log10(x); }},
    {"LOG2", "Returns the base 2 logarithm of the argument.", [](double x) { return std::log(x) / std::log(2.0); }},
    {"SIN", "Returns the sine of the argument (radians).", [](double x) { return std::sin(x); }},
    {"COS", "Returns the cosine of the argument (radians).", [](double x) { return std::cos(x); }},
    {"TAN", "Returns the tangent of the argument (radians).", [](double x) { return std::tan(x); }},
    {"COT", "Returns the cotangent of the argument (radians).", [](double x) { return 1.0 / std::tan(x); }},
    {"ASIN", "Returns the arc sine of the argument.", [](double x) { return std::asin(x); }},
    {"ACOS", "Returns the arc cosine of the argument.", [](double x) { return std::acos(x); }},
    {"ATAN", "Returns the arc tangent of the argument.", [](double x) { return std::atan(x); }},
    {"SINH", "Returns the hyperbolic sine of the argument.", [](double x) { return std::sinh(x); }},
    {"COSH", "Returns the hyperbolic cosine of the argument.", [](double x) { return std::cosh(x); }},
    {"TANH", "Returns the hyperbolic tangent of the argument.", [](double x) { return std::tanh(x); }},
    {"DEGREES", "Converts radians to degrees.", [](double x) { return x * (180.0 / std::numbers::pi); }},
    {"RADIANS", "Converts degrees to radians.", [](double x) { return x / 180.0 * std::numbers::pi; }},
};

[[maybe_unused]] const bool kUnaryDoublesRegistered = [] {
  for (const UnaryDouble& u : kUnaryDoubles) {
    sql::FunctionRegistry::global().add(ScalarFunctionDef{
        u.name, fmt::format("{}(NUMERIC) → DOUBLE", u.name), u.description, bind_double_fn(u.name, u.f)});
  }
  return true;
}();

// Math.abs on the argument's Java type: the minimum value stays negative.
Value abs_value(const Value& v, const DataType& t) {
  switch (t.id) {
    case TypeId::kDecimal: return Value::decimal(v.as_decimal() < 0 ? -v.as_decimal() : v.as_decimal());
    case TypeId::kFloat:
    case TypeId::kDouble: return Value::real(std::fabs(v.as_double()));
    default: {
      int64_t x = v.as_int();
      if (x == INT64_MIN) return v;
      return Value::integer(wrap_integer(x < 0 ? -x : x, t.id));
    }
  }
}

DataType floor_ceil_type(const std::vector<ArgInfo>& args) {
  DataType t = arg0_type(args);
  if (t.id == TypeId::kDecimal && t.scale > 0) return DataType::decimal(std::min(38, t.precision - t.scale + 1), 0);
  return t;
}

Value floor_ceil(const Value& v, const DataType& t, bool ceil) {
  switch (t.id) {
    case TypeId::kDecimal: {
      if (t.scale == 0) return v;
      int128 div = pow10_i128(t.scale);
      int128 u = v.as_decimal(), q = u / div, r = u % div;
      if (ceil && r > 0) ++q;
      if (!ceil && r < 0) --q;
      return Value::decimal(q);
    }
    case TypeId::kFloat:
    case TypeId::kDouble: return Value::real(ceil ? std::ceil(v.as_double()) : std::floor(v.as_double()));
    default: return v;
  }
}

// ROUND / TRUNCATE: LogicalTypeMerging.findRoundDecimalType for DECIMAL, the argument's type
// otherwise.
int64_t round_digits(const std::vector<ArgInfo>& args) {
  if (args.size() < 2) return 0;
  const Value* c = constant_of(args[1]);
  return c ? c->as_int() : 0;
}

DataType round_type(const std::vector<ArgInfo>& args) {
  DataType t = arg0_type(args);
  if (t.id != TypeId::kDecimal) return t;
  int64_t r = round_digits(args);
  if (r >= t.scale) return t;
  if (r < 0) return DataType::decimal(std::min(38, 1 + t.precision - t.scale), 0);
  return DataType::decimal(std::min<int>(38, 1 + t.precision - t.scale + static_cast<int>(r)), static_cast<int>(r));
}

BindFn bind_round(const char* name, RoundMode mode) {
  return [name, mode](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params(name, args, {p_numeric(), p_integer()}, 1, &types); !s) return s;
    DataType in = types[0];
    DataType out = round_type(args).with_nullable(sql::any_nullable(args) || in.id == TypeId::kDecimal);
    return make_binding(out, types, [in, out, mode, name](const Value* a, size_t n, const EvalContext&) -> Value {
      int64_t r = n > 1 ? a[1].as_int() : 0;
      switch (in.id) {
        case TypeId::kDecimal: {
          if (r >= in.scale) {
            // Unchanged value, possibly at a different scale when the digits were not constant.
            int128 u;
            if (!values::rescale_decimal(a[0].as_decimal(), in.scale, out.scale, out.precision, &u)) return Value();
            return Value::decimal(u);
          }
          int128 u = round_unscaled(a[0].as_decimal(), in.scale, r, mode);
          int scale = static_cast<int>(std::max<int64_t>(r, 0));
          int128 res;
          if (!values::rescale_decimal(u, scale, out.scale, out.precision, &res)) return Value();
          if (decimal_digits(res) > out.precision) return Value();  // DecimalData.fromBigDecimal overflow → NULL
          return Value::decimal(res);
        }
        case TypeId::kFloat: return Value::real(static_cast<float>(round_double(a[0].as_double(), r, mode, name)));
        case TypeId::kDouble: return Value::real(round_double(a[0].as_double(), r, mode, name));
        default: {
          if (r >= 0) return a[0];
          int128 u = round_unscaled(a[0].as_int(), 0, r, mode);
          return Value::integer(wrap_integer(static_cast<int64_t>(u), in.id));
        }
      }
    });
  };
}

// Java's Long.toBinaryString / Long.toHexString (two's complement for negatives).
std::string to_radix(uint64_t v, int bits_per_digit) {
  static const char* kDigits = "0123456789ABCDEF";
  if (v == 0) return "0";
  std::string out;
  uint64_t mask = (1u << bits_per_digit) - 1;
  while (v != 0) {
    out.insert(out.begin(), kDigits[v & mask]);
    v >>= bits_per_digit;
  }
  return out;
}

// java.util.Random, so that RAND(seed) gives Java's sequence for a seed.
class JavaRandom {
 public:
  explicit JavaRandom(int64_t seed) { set_seed(seed); }
  void set_seed(int64_t seed) { seed_ = (static_cast<uint64_t>(seed) ^ 0x5DEECE66DULL) & kMask; }
  int32_t next(int bits) {
    seed_ = (seed_ * 0x5DEECE66DULL + 0xBULL) & kMask;
    return static_cast<int32_t>(static_cast<int64_t>(seed_) >> (48 - bits));
  }
  double next_double() {
    return static_cast<double>((static_cast<int64_t>(next(26)) << 27) + next(27)) * 0x1.0p-53;
  }
  int32_t next_int(int32_t bound) {
    int32_t r = next(31);
    int32_t m = bound - 1;
    if ((bound & m) == 0) return static_cast<int32_t>((static_cast<int64_t>(bound) * r) >> 31);
    for (int32_t u = r; u - (r = u % bound) + m < 0; u = next(31)) {
    }
    return r;
  }

 private:
  static constexpr uint64_t kMask = (1ULL << 48) - 1;
  uint64_t seed_ = 0;
};

class RandKernel : public sql::ScalarKernel {
 public:
  RandKernel(bool has_seed, std::optional<int64_t> constant_seed, bool integer)
      : has_seed_(has_seed), integer_(integer) {
    if (constant_seed) random_.emplace(*constant_seed);
  }
  Value call(const Value* args, size_t, const EvalContext&) const override {
    size_t bound_index = has_seed_ ? 1 : 0;
    int64_t bound = integer_ ? args[bound_index].as_int() : 0;
    if (integer_ && bound <= 0) fail("RAND_INTEGER: bound must be positive, got {}", bound);
    if (!has_seed_) {
      thread_local std::mt19937_64 rng{std::random_device{}()};
      if (integer_) return Value::integer(static_cast<int64_t>(rng() % static_cast<uint64_t>(bound)));
      return Value::real(static_cast<double>(rng() >> 11) * 0x1.0p-53);
    }
    std::lock_guard<std::mutex> lock(mu_);
    JavaRandom fresh(args[0].as_int());
    JavaRandom& r = random_ ? *random_ : fresh;
    if (integer_) return Value::integer(r.next_int(static_cast<int32_t>(bound)));
    return Value::real(r.next_double());
  }

 private:
  bool has_seed_, integer_;
  mutable std::optional<JavaRandom> random_;
  mutable std::mutex mu_;
};

BindFn bind_rand(const char* name, bool integer) {
  return [name, integer](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    size_t min = integer ? 1 : 0, max = integer ? 2 : 1;
    if (Status s = check_params(name, args, std::vector<Param>(max, p_integer()), min, &types); !s) return s;
    bool has_seed = args.size() == max;
    std::optional<int64_t> seed;
    if (has_seed) {
      if (const Value* c = constant_of(args[0])) seed = c->as_int();
    }
    ScalarBinding b;
    b.result = (integer ? DataType::integer() : DataType::double_type()).with_nullable(sql::any_nullable(args));
    b.arg_types = types;
    b.kernel = std::make_shared<RandKernel>(has_seed, seed, integer);
    return b;
  };
}

// GREATEST / LEAST: common type of all arguments, NULL when any is NULL.
BindFn bind_extreme(const char* name, bool greatest) {
  return [name, greatest](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    if (args.empty()) return sql::arg_count_error(name, 1, SIZE_MAX, 0);
    DataType common = args[0].type.without_time_attribute();
    for (size_t i = 1; i < args.size(); ++i) {
      DataType next;
      if (!values::find_common_type(common, args[i].type.without_time_attribute(), &next)) {
        return Status::invalid_argument(fmt::format("{}: arguments have no common type ({} and {})", name,
                                                    common.to_string(), args[i].type.to_string()));
      }
      common = next;
    }
    if (common.id == TypeId::kArray || common.id == TypeId::kMap || common.id == TypeId::kRow ||
        common.id == TypeId::kMultiset) {
      return Status::invalid_argument(fmt::format("{}: arguments of type {} are not comparable", name, common.to_string()));
    }
    if (common.id == TypeId::kNull) common = DataType::string();
    std::vector<DataType> types;
    for (const ArgInfo& a : args) types.push_back(common.with_nullable(a.type.nullable));
    return make_binding(common.with_nullable(sql::any_nullable(args)), types,
                        [greatest](const Value* a, size_t n, const EvalContext&) {
                          size_t best = 0;
                          for (size_t i = 1; i < n; ++i) {
                            int c = values::compare_values(a[i], a[best]);
                            if (greatest ? c > 0 : c < 0) best = i;
                          }
                          return a[best];
                        });
  };
}

}  // namespace

CF_REGISTER_SCALAR(abs) {
  return ScalarFunctionDef{"ABS", "ABS(NUMERIC) → NUMERIC", "Returns the absolute value of the argument, of its type.",
                           [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
                             std::vector<DataType> types;
                             if (Status s = check_params("ABS", args, {p_numeric()}, 1, &types); !s) return s;
                             DataType t = types[0];
                             return make_binding(t, types, [t](const Value* a, size_t, const EvalContext&) {
                               return abs_value(a[0], t);
                             });
                           }};
}

CF_REGISTER_SCALAR(mod) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    Param exact{"an exact numeric (integer or DECIMAL)",
                [](const DataType& t) { return t.is_integer() || t.id == TypeId::kDecimal; },
                [](const DataType& t) { return t.id == TypeId::kNull ? DataType::integer() : t.without_time_attribute(); }};
    std::vector<DataType> types;
    if (Status s = check_params("MOD", args, {exact, exact}, 2, &types); !s) return s;
    const bool nullable = sql::any_nullable(args);
    if (types[0].id != TypeId::kDecimal && types[1].id != TypeId::kDecimal) {
      DataType r = types[1].with_nullable(nullable);
      return make_binding(r, types, [](const Value* a, size_t, const EvalContext&) {
        int64_t x = a[0].as_int(), y = a[1].as_int();
        if (y == 0) fail("MOD: division by zero ({} % 0)", x);
        if (y == -1) return Value::integer(0);
        return Value::integer(x % y);
      });
    }
    DataType d0 = types[0].id == TypeId::kDecimal ? types[0] : values::integer_as_decimal(types[0].id);
    DataType d1 = types[1].id == TypeId::kDecimal ? types[1] : values::integer_as_decimal(types[1].id);
    // LogicalTypeMerging.findModuloDecimalType.
    int scale = std::max(d0.scale, d1.scale);
    int precision = std::min(38, std::min(d0.precision - d0.scale, d1.precision - d1.scale) + scale);
    DataType r = DataType::decimal(precision, scale).with_nullable(nullable);
    std::vector<DataType> cast{d0.with_nullable(args[0].type.nullable), d1.with_nullable(args[1].type.nullable)};
    return make_binding(r, cast, [d0, d1, scale](const Value* a, size_t, const EvalContext&) {
      int128 x = a[0].as_decimal() * pow10_i128(scale - d0.scale);
      int128 y = a[1].as_decimal() * pow10_i128(scale - d1.scale);
      if (y == 0) fail("MOD: division by zero ({} % 0)", values::format_decimal(a[0].as_decimal(), d0.scale));
      return Value::decimal(x % y);
    });
  };
  return ScalarFunctionDef{"MOD", "MOD(EXACT_NUMERIC, EXACT_NUMERIC) → type of the second argument",
                           "Returns the remainder of the first argument divided by the second; negative only when "
                           "the first is negative.",
                           bind};
}

CF_REGISTER_SCALAR(power) {
  return ScalarFunctionDef{"POWER", "POWER(NUMERIC, NUMERIC) → DOUBLE",
                           "Returns the first argument raised to the power of the second.",
                           bind_fixed("POWER", {p_double(), p_double()}, DataType::double_type(),
                                      [](const Value* a, size_t, const EvalContext&) {
                                        return Value::real(std::pow(a[0].as_double(), a[1].as_double()));
                                      })};
}

CF_REGISTER_SCALAR(pow) {
  return ScalarFunctionDef{"POW", "POW(NUMERIC, NUMERIC) → DOUBLE",
                           "Returns the first argument raised to the power of the second; same as POWER.",
                           bind_fixed("POW", {p_double(), p_double()}, DataType::double_type(),
                                      [](const Value* a, size_t, const EvalContext&) {
                                        return Value::real(std::pow(a[0].as_double(), a[1].as_double()));
                                      })};
}

CF_REGISTER_SCALAR(log) {
  return ScalarFunctionDef{"LOG", "LOG([NUMERIC base,] NUMERIC x) → DOUBLE",
                           "Returns the natural logarithm of x, or its logarithm to the given base.",
                           bind_fixed(
                               "LOG", {p_double(), p_double()}, DataType::double_type(),
                               [](const Value* a, size_t n, const EvalContext&) {
                                 if (n == 1) return Value::real(std::log(a[0].as_double()));
                                 return Value::real(std::log(a[1].as_double()) / std::log(a[0].as_double()));
                               },
                               1)};
}

CF_REGISTER_SCALAR(atan2) {
  return ScalarFunctionDef{"ATAN2", "ATAN2(NUMERIC y, NUMERIC x) → DOUBLE",
                           "Returns the arc tangent of the coordinate (y, x).",
                           bind_fixed("ATAN2", {p_double(), p_double()}, DataType::double_type(),
                                      [](const Value* a, size_t, const EvalContext&) {
                                        return Value::real(std::atan2(a[0].as_double(), a[1].as_double()));
                                      })};
}

CF_REGISTER_SCALAR(ceil) {
  auto bind = [](const char* name) -> BindFn {
    return [name](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
      std::vector<DataType> types;
      if (Status s = check_params(name, args, {p_numeric()}, 1, &types); !s) return s;
      DataType in = types[0];
      return make_binding(floor_ceil_type(args).with_nullable(in.nullable), types,
                          [in](const Value* a, size_t, const EvalContext&) { return floor_ceil(a[0], in, true); });
    };
  };
  sql::FunctionRegistry::global().add(ScalarFunctionDef{
      "CEILING", "CEILING(NUMERIC) → NUMERIC", "Rounds up to the smallest integral value not less than the argument.",
      bind("CEILING")});
  return ScalarFunctionDef{"CEIL", "CEIL(NUMERIC) → NUMERIC",
                           "Rounds up to the smallest integral value not less than the argument.", bind("CEIL")};
}

CF_REGISTER_SCALAR(floor) {
  return ScalarFunctionDef{"FLOOR", "FLOOR(NUMERIC) → NUMERIC",
                           "Rounds down to the largest integral value not greater than the argument.",
                           [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
                             std::vector<DataType> types;
                             if (Status s = check_params("FLOOR", args, {p_numeric()}, 1, &types); !s) return s;
                             DataType in = types[0];
                             return make_binding(floor_ceil_type(args).with_nullable(in.nullable), types,
                                                 [in](const Value* a, size_t, const EvalContext&) {
                                                   return floor_ceil(a[0], in, false);
                                                 });
                           }};
}

CF_REGISTER_SCALAR(round) {
  return ScalarFunctionDef{"ROUND", "ROUND(NUMERIC [, INT digits]) → NUMERIC",
                           "Rounds half-up to the given number of fraction digits (0 by default; negative rounds "
                           "to tens, hundreds, ...).",
                           bind_round("ROUND", RoundMode::kHalfUp)};
}

CF_REGISTER_SCALAR(truncate) {
  return ScalarFunctionDef{"TRUNCATE", "TRUNCATE(NUMERIC [, INT digits]) → NUMERIC",
                           "Truncates toward zero to the given number of fraction digits (0 by default).",
                           bind_round("TRUNCATE", RoundMode::kDown)};
}

CF_REGISTER_SCALAR(sign) {
  return ScalarFunctionDef{"SIGN", "SIGN(NUMERIC) → NUMERIC", "Returns -1, 0 or 1 by the sign of the argument, of its type.",
                           [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
                             std::vector<DataType> types;
                             if (Status s = check_params("SIGN", args, {p_numeric()}, 1, &types); !s) return s;
                             DataType t = types[0];
                             return make_binding(t, types, [t](const Value* a, size_t, const EvalContext&) {
                               switch (t.id) {
                                 case TypeId::kDecimal: {
                                   int128 u = a[0].as_decimal();
                                   return Value::decimal((u > 0) - (u < 0) == 0 ? 0
                                                                                 : ((u > 0) ? 1 : -1) * pow10_i128(t.scale));
                                 }
                                 case TypeId::kFloat:
                                 case TypeId::kDouble: {
                                   double d = a[0].as_double();
                                   return Value::real(std::isnan(d) ? d : d > 0 ? 1.0 : d < 0 ? -1.0 : d);
                                 }
                                 default: {
                                   int64_t x = a[0].as_int();
                                   return Value::integer((x > 0) - (x < 0));
                                 }
                               }
                             });
                           }};
}

CF_REGISTER_SCALAR(pi) {
  return ScalarFunctionDef{"PI", "PI() → DOUBLE NOT NULL", "Returns the value closest to pi.",
                           bind_fixed("PI", {}, DataType::double_type().with_nullable(false),
                                      [](const Value*, size_t, const EvalContext&) {
                                        return Value::real(std::numbers::pi);
                                      })};
}

CF_REGISTER_SCALAR(e) {
  return ScalarFunctionDef{"E", "E() → DOUBLE NOT NULL", "Returns the value closest to e.",
                           bind_fixed("E", {}, DataType::double_type().with_nullable(false),
                                      [](const Value*, size_t, const EvalContext&) {
                                        return Value::real(std::numbers::e);
                                      })};
}

CF_REGISTER_SCALAR(rand) {
  ScalarFunctionDef def{"RAND", "RAND([INT seed]) → DOUBLE",
                        "Returns a pseudorandom double in [0, 1); with a seed, the sequence of java.util.Random.",
                        bind_rand("RAND", false)};
  def.deterministic = false;
  return def;
}

CF_REGISTER_SCALAR(rand_integer) {
  ScalarFunctionDef def{"RAND_INTEGER", "RAND_INTEGER([INT seed,] INT bound) → INT",
                        "Returns a pseudorandom integer in [0, bound); with a seed, the sequence of java.util.Random.",
                        bind_rand("RAND_INTEGER", true)};
  def.deterministic = false;
  return def;
}

CF_REGISTER_SCALAR(bin) {
  return ScalarFunctionDef{"BIN", "BIN(INTEGER) → STRING",
                           "Returns the binary representation of the integer (two's complement when negative).",
                           bind_fixed("BIN", {p_integer()}, DataType::string(),
                                      [](const Value* a, size_t, const EvalContext&) {
                                        return Value::string(to_radix(static_cast<uint64_t>(a[0].as_int()), 1));
                                      })};
}

CF_REGISTER_SCALAR(hex) {
  Param p{"INTEGER or STRING", [](const DataType& t) { return t.is_integer() || t.is_string(); },
          [](const DataType& t) { return t.id == TypeId::kNull ? DataType::bigint() : t.without_time_attribute(); }};
  return ScalarFunctionDef{"HEX", "HEX(INTEGER | STRING) → STRING",
                           "Returns the hexadecimal representation of an integer or of a string's UTF-8 bytes.",
                           bind_fixed("HEX", {p}, DataType::string(), [](const Value* a, size_t, const EvalContext&) {
                             if (a[0].is_string()) return Value::string(to_hex_upper(a[0].as_string()));
                             return Value::string(to_radix(static_cast<uint64_t>(a[0].as_int()), 4));
                           })};
}

CF_REGISTER_SCALAR(greatest) {
  return ScalarFunctionDef{"GREATEST", "GREATEST(value, ...) → common type",
                           "Returns the greatest argument; NULL if any argument is NULL.", bind_extreme("GREATEST", true)};
}

CF_REGISTER_SCALAR(least) {
  return ScalarFunctionDef{"LEAST", "LEAST(value, ...) → common type",
                           "Returns the least argument; NULL if any argument is NULL.", bind_extreme("LEAST", false)};
}

}  // namespace careflow::exec::fn
