// Conditional functions: COALESCE, NULLIF, IF, IFNULL and the IS_ALPHA / IS_DECIMAL / IS_DIGIT
// predicates.
// Reference: https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/dev/table/functions/systemfunctions/#conditional-functions

#include "exec/functions/helpers.h"
#include "exec/functions/numeric_util.h"
#include "values/value_format.h"

namespace careflow::exec::fn {
namespace {

Status common_type(std::string_view name, const std::vector<ArgInfo>& args, size_t from, DataType* out) {
  DataType common = args[from].type.without_time_attribute();
  for (size_t i = from + 1; i < args.size(); ++i) {
    DataType next;
    if (!values::find_common_type(common, args[i].type.without_time_attribute(), &next)) {
      return Status::invalid_argument(fmt::format("{}: arguments have no common type ({} and {})", name,
                                                  common.to_string(), args[i].type.to_string()));
    }
    common = next;
  }
  if (common.id == TypeId::kNull) common = DataType::string();
  *out = common;
  return Status::ok();
}

// Equality of two non-NULL values that may be of different (comparable) types.
bool values_equal(const Value& a, const DataType& ta, const Value& b, const DataType& tb) {
  if (ta.same_logical_type(tb) || (ta.is_string() && tb.is_string()) || (ta.is_integer() && tb.is_integer())) {
    if (ta.is_string()) {
      // CHAR comparison ignores trailing spaces.
      std::string_view x = a.as_string(), y = b.as_string();
      while (!x.empty() && x.back() == ' ' && ta.id == TypeId::kChar) x.remove_suffix(1);
      while (!y.empty() && y.back() == ' ' && tb.id == TypeId::kChar) y.remove_suffix(1);
      return x == y;
    }
    return values::compare_values(a, b) == 0;
  }
  if (ta.is_numeric() && tb.is_numeric()) {
    if (!ta.is_approximate() && !tb.is_approximate()) {
      int128 ua = ta.id == TypeId::kDecimal ? a.as_decimal() : a.as_int();
      int128 ub = tb.id == TypeId::kDecimal ? b.as_decimal() : b.as_int();
      int sa = ta.id == TypeId::kDecimal ? ta.scale : 0, sb = tb.id == TypeId::kDecimal ? tb.scale : 0;
      int s = std::max(sa, sb);
      return ua * values::pow10_i128(s - sa) == ub * values::pow10_i128(s - sb);
    }
    return numeric_as_double(a, ta) == numeric_as_double(b, tb);
  }
  return a == b;
}

// Java's Double.parseDouble grammar (decimal forms): whitespace-trimmed, optional sign, NaN,
// Infinity, digits with optional fraction and exponent, optional f/F/d/D suffix.
bool java_parses_double(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  if (s.empty()) return false;
  if (s[0] == '+' || s[0] == '-') s.remove_prefix(1);
  if (s == "NaN" || s == "Infinity") return true;
  if (!s.empty() && (s.back() == 'f' || s.back() == 'F' || s.back() == 'd' || s.back() == 'D')) s.remove_suffix(1);
  size_t i = 0, digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

BindFn bind_predicate(const char* name, bool (*pred)(const std::string&)) {
  return [name, pred](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params(name, args, {p_any()}, 1, &types); !s) return s;
    DataType t = types[0];
    return make_binding(
        DataType::boolean().with_nullable(false), types,
        [pred, t](const Value* a, size_t, const EvalContext&) {
          if (a[0].is_null()) return Value::boolean(false);
          if (t.is_string()) return Value::boolean(pred(a[0].as_string()));
          // Only strings can consist of letters.
          return Value::boolean(false);
        },
        false);
  };
}

}  // namespace

CF_REGISTER_SCALAR(coalesce) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    if (args.empty()) return sql::arg_count_error("COALESCE", 1, SIZE_MAX, 0);
    DataType common;
    if (Status s = common_type("COALESCE", args, 0, &common); !s) return s;
    bool all_nullable = true;
    std::vector<DataType> types;
    for (const ArgInfo& a : args) {
      all_nullable = all_nullable && a.type.nullable;
      types.push_back(common.with_nullable(a.type.nullable));
    }
    return make_binding(
        common.with_nullable(all_nullable), types,
        [](const Value* a, size_t n, const EvalContext&) {
          for (size_t i = 0; i < n; ++i) {
            if (!a[i].is_null()) return a[i];
          }
          return Value();
        },
        false);
  };
  return ScalarFunctionDef{"COALESCE", "COALESCE(value, ...) → common type",
                           "Returns the first argument that is not NULL (NULL when all are); nullable only when all "
                           "arguments are.",
                           bind};
}

CF_REGISTER_SCALAR(nullif) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    if (Status s = check_count("NULLIF", args, 2, 2); !s) return s;
    DataType common;
    if (Status s = common_type("NULLIF", args, 0, &common); !s) return s;
    DataType t0 = args[0].type.id == TypeId::kNull ? common : args[0].type.without_time_attribute();
    DataType t1 = args[1].type.id == TypeId::kNull ? common : args[1].type.without_time_attribute();
    return make_binding(
        t0.with_nullable(true), {t0, t1},
        [t0, t1](const Value* a, size_t, const EvalContext&) {
          if (a[0].is_null()) return Value();
          if (a[1].is_null()) return a[0];
          return values_equal(a[0], t0, a[1], t1) ? Value() : a[0];
        },
        false);
  };
  return ScalarFunctionDef{"NULLIF", "NULLIF(value1, value2) → type of value1",
                           "Returns NULL when value1 equals value2, value1 otherwise.", bind};
}

CF_REGISTER_SCALAR(if) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    if (Status s = check_count("IF", args, 3, 3); !s) return s;
    if (args[0].type.id != TypeId::kNull && args[0].type.id != TypeId::kBoolean) {
      return sql::arg_type_error("IF", 0, "BOOLEAN", args[0].type);
    }
    DataType common;
    if (Status s = common_type("IF", args, 1, &common); !s) return s;
    bool nullable = args[1].type.nullable || args[2].type.nullable;
    return make_binding(
        common.with_nullable(nullable),
        {DataType::boolean().with_nullable(args[0].type.nullable), common.with_nullable(args[1].type.nullable),
         common.with_nullable(args[2].type.nullable)},
        [](const Value* a, size_t, const EvalContext&) {
          return (!a[0].is_null() && a[0].as_bool()) ? a[1] : a[2];
        },
        false);
  };
  return ScalarFunctionDef{"IF", "IF(BOOLEAN condition, true_value, false_value) → common type",
                           "Returns true_value when the condition is TRUE, false_value otherwise (also when NULL).",
                           bind};
}

CF_REGISTER_SCALAR(ifnull) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    if (Status s = check_count("IFNULL", args, 2, 2); !s) return s;
    DataType common;
    if (Status s = common_type("IFNULL", args, 0, &common); !s) return s;
    return make_binding(
        common.with_nullable(args[1].type.nullable),
        {common.with_nullable(args[0].type.nullable), common.with_nullable(args[1].type.nullable)},
        [](const Value* a, size_t, const EvalContext&) { return a[0].is_null() ? a[1] : a[0]; }, false);
  };
  return ScalarFunctionDef{"IFNULL", "IFNULL(input, null_replacement) → common type",
                           "Returns null_replacement when input is NULL, input otherwise; nullable only when "
                           "null_replacement is.",
                           bind};
}

CF_REGISTER_SCALAR(is_alpha) {
  return ScalarFunctionDef{"IS_ALPHA", "IS_ALPHA(STRING) → BOOLEAN NOT NULL",
                           "Returns TRUE when the string is non-empty and all its characters are letters.",
                           bind_predicate("IS_ALPHA", [](const std::string& s) {
                             if (s.empty()) return false;
                             for (char32_t c : utf8_decode(s)) {
                               if (!is_letter_cp(c)) return false;
                             }
                             return true;
                           })};
}

CF_REGISTER_SCALAR(is_digit) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params("IS_DIGIT", args, {p_any()}, 1, &types); !s) return s;
    DataType t = types[0];
    return make_binding(
        DataType::boolean().with_nullable(false), types,
        [t](const Value* a, size_t, const EvalContext&) {
          if (a[0].is_null()) return Value::boolean(false);
          if (t.is_integer()) return Value::boolean(true);
          if (!t.is_string() || a[0].as_string().empty()) return Value::boolean(false);
          for (char32_t c : utf8_decode(a[0].as_string())) {
            if (!is_digit_cp(c)) return Value::boolean(false);
          }
          return Value::boolean(true);
        },
        false);
  };
  return ScalarFunctionDef{"IS_DIGIT", "IS_DIGIT(STRING) → BOOLEAN NOT NULL",
                           "Returns TRUE when the string is non-empty and all its characters are digits.", bind};
}

CF_REGISTER_SCALAR(is_decimal) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params("IS_DECIMAL", args, {p_any()}, 1, &types); !s) return s;
    DataType t = types[0];
    return make_binding(
        DataType::boolean().with_nullable(false), types,
        [t](const Value* a, size_t, const EvalContext&) {
          if (a[0].is_null()) return Value::boolean(false);
          if (t.is_numeric()) return Value::boolean(true);
          if (!t.is_string()) return Value::boolean(false);
          return Value::boolean(java_parses_double(a[0].as_string()));
        },
        false);
  };
  return ScalarFunctionDef{"IS_DECIMAL", "IS_DECIMAL(STRING) → BOOLEAN NOT NULL",
                           "Returns TRUE when the string parses as a number (Java's Integer, Long or Double).", bind};
}

}  // namespace careflow::exec::fn
