#pragma once
// Binding and calling registered functions from tests.

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "sql/functions.h"
#include "values/value_format.h"

namespace careflow::exec::fn::testing {

using sql::ArgInfo;
using sql::CallSyntax;
using values::DataType;
using values::EvalContext;
using values::EvalError;
using sql::ScalarBinding;
using values::TypeId;
using values::Value;

// A typed argument, optionally constant.
struct Arg {
  DataType type;
  Value value;
  bool constant = true;
};

inline Arg S(std::string s) { return {DataType::string().with_nullable(false), Value::string(std::move(s))}; }
inline Arg I(int64_t i) { return {DataType::integer().with_nullable(false), Value::integer(i)}; }
inline Arg BI(int64_t i) { return {DataType::bigint().with_nullable(false), Value::integer(i)}; }
inline Arg D(double d) { return {DataType::double_type().with_nullable(false), Value::real(d)}; }
inline Arg B(bool b) { return {DataType::boolean().with_nullable(false), Value::boolean(b)}; }
inline Arg Dec(const std::string& text, int p, int s) {
  values::int128 u = 0;
  EXPECT_TRUE(values::parse_decimal(text, p, s, &u)) << text;
  return {DataType::decimal(p, s).with_nullable(false), Value::decimal(u)};
}
inline Arg Null(DataType t) { return {t.with_nullable(true), Value()}; }
inline Arg Typed(DataType t, Value v) { return {std::move(t), std::move(v)}; }
// A non-constant (column) argument.
inline Arg Col(Arg a) {
  a.constant = false;
  return a;
}

inline Result<ScalarBinding> bind(const std::string& name, const std::vector<Arg>& args, const CallSyntax& syntax = {}) {
  const auto* def = sql::FunctionRegistry::global().scalar(name);
  if (def == nullptr) return Status::not_found("no function " + name);
  std::vector<ArgInfo> infos;
  for (const Arg& a : args) {
    ArgInfo info{a.type, std::nullopt};
    if (a.constant) info.constant = a.value;
    infos.push_back(info);
  }
  return def->bind(infos, syntax);
}

// The implicit casts the binder inserts before a call (numeric widening only; strings and
// temporal values are passed as they are).
inline Value cast_arg(const Value& v, const DataType& from, const DataType& to) {
  if (v.is_null() || from.same_logical_type(to)) return v;
  if (to.id == TypeId::kDouble || to.id == TypeId::kFloat) {
    if (from.is_integer()) return Value::real(static_cast<double>(v.as_int()));
    if (from.id == TypeId::kDecimal) return Value::real(values::decimal_to_double(v.as_decimal(), from.scale));
  }
  if (to.id == TypeId::kDecimal) {
    values::int128 u = from.is_integer() ? values::int128(v.as_int()) : v.as_decimal();
    int scale = from.is_integer() ? 0 : from.scale;
    values::int128 out = 0;
    EXPECT_TRUE(values::rescale_decimal(u, scale, to.scale, to.precision, &out));
    return Value::decimal(out);
  }
  return v;
}

inline Value call_bound(const ScalarBinding& b, const std::vector<Arg>& args, const EvalContext& ctx = {}) {
  std::vector<Value> values;
  for (size_t i = 0; i < args.size(); ++i) {
    values.push_back(i < b.arg_types.size() ? cast_arg(args[i].value, args[i].type, b.arg_types[i]) : args[i].value);
  }
  if (b.null_on_null) {
    for (const Value& v : values) {
      if (v.is_null()) return Value();
    }
  }
  return b.kernel->call(values.data(), values.size(), ctx);
}

// Binds and calls; fails the test when the binding fails.
inline Value call(const std::string& name, const std::vector<Arg>& args, const CallSyntax& syntax = {},
                  const EvalContext& ctx = {}) {
  auto b = bind(name, args, syntax);
  EXPECT_TRUE(b.is_ok()) << name << ": " << (b.is_ok() ? "" : b.status().message());
  if (!b.is_ok()) return Value();
  return call_bound(b.value(), args, ctx);
}

// CAST(result AS STRING), or "NULL".
inline std::string text(const std::string& name, const std::vector<Arg>& args, const CallSyntax& syntax = {},
                        const EvalContext& ctx = {}) {
  auto b = bind(name, args, syntax);
  EXPECT_TRUE(b.is_ok()) << name << ": " << (b.is_ok() ? "" : b.status().message());
  if (!b.is_ok()) return "<bind error>";
  Value v = call_bound(b.value(), args, ctx);
  return v.is_null() ? "NULL" : values::format_value(v, b.value().result);
}

inline std::string result_type(const std::string& name, const std::vector<Arg>& args, const CallSyntax& syntax = {}) {
  auto b = bind(name, args, syntax);
  if (!b.is_ok()) return "<error: " + b.status().message() + ">";
  return b.value().result.to_string();
}

inline std::string bind_error(const std::string& name, const std::vector<Arg>& args, const CallSyntax& syntax = {}) {
  auto b = bind(name, args, syntax);
  if (b.is_ok()) return "<bound>";
  return b.status().message();
}

inline std::string eval_error(const std::string& name, const std::vector<Arg>& args, const CallSyntax& syntax = {},
                              const EvalContext& ctx = {}) {
  auto b = bind(name, args, syntax);
  if (!b.is_ok()) return "<bind error: " + b.status().message() + ">";
  try {
    call_bound(b.value(), args, ctx);
  } catch (const EvalError& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace careflow::exec::fn::testing
