#pragma once
// Shared pieces of the built-in scalar functions: binding helpers for the common shapes
// (fixed parameter lists, each parameter accepting a family of types), UTF-8 code point helpers
// (Flink counts characters, not bytes) and run-time error helpers.

#include <fmt/format.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sql/functions.h"
#include "values/types.h"
#include "values/value.h"

namespace careflow::exec::fn {

using sql::ArgInfo;
using sql::CallSyntax;
using values::DataType;
using values::EvalContext;
using values::EvalError;
using values::int128;
using sql::ScalarBinding;
using sql::ScalarFunctionDef;
using values::TypeId;
using values::Value;

using KernelFn = std::function<Value(const Value*, size_t, const EvalContext&)>;
using BindFn = std::function<Result<ScalarBinding>(const std::vector<ArgInfo>&, const CallSyntax&)>;

// A binding whose kernel is a lambda.
ScalarBinding make_binding(DataType result, std::vector<DataType> arg_types, KernelFn fn, bool null_on_null = true);

// A kernel whose lambda reads its arguments in place (ScalarKernel::reads_in_place): the lambda
// takes `const auto& a` and reads a[i] (a const Value&), so one body serves both call forms.
template <typename F>
class InPlaceKernel : public sql::ScalarKernel {
 public:
  explicit InPlaceKernel(F fn) : fn_(std::move(fn)) {}
  Value call(const Value* args, size_t count, const EvalContext& ctx) const override {
    return fn_(Contiguous{args}, count, ctx);
  }
  bool reads_in_place() const override { return true; }
  Value call_in_place(const Value* const* args, size_t count, const EvalContext& ctx) const override {
    return fn_(Pointers{args}, count, ctx);
  }

 private:
  struct Contiguous {
    const Value* values;
    const Value& operator[](size_t i) const { return values[i]; }
  };
  struct Pointers {
    const Value* const* values;
    const Value& operator[](size_t i) const { return *values[i]; }
  };
  F fn_;
};

// make_binding with an InPlaceKernel, for functions on hot paths with long STRING arguments.
template <typename F>
ScalarBinding make_in_place_binding(DataType result, std::vector<DataType> arg_types, F fn, bool null_on_null = true) {
  ScalarBinding b;
  b.result = std::move(result);
  b.arg_types = std::move(arg_types);
  b.kernel = std::make_shared<InPlaceKernel<F>>(std::move(fn));
  b.null_on_null = null_on_null;
  return b;
}

// One formal parameter: what it accepts (for the error message and the check) and the type the
// argument is cast to, computed from the actual argument type.
struct Param {
  std::string expected;                               // "STRING", "INTEGER", "NUMERIC"
  std::function<bool(const DataType&)> accepts;       // a NULL-typed argument is always accepted
  std::function<DataType(const DataType&)> cast_to;   // for a NULL-typed argument too
};

Param p_string();   // CHAR / VARCHAR, kept as is (NULL → STRING)
Param p_integer();  // TINYINT .. BIGINT, kept as is (NULL → INT)
Param p_numeric();  // any numeric, kept as is (NULL → DOUBLE)
Param p_double();   // any numeric, cast to DOUBLE
Param p_boolean();  // BOOLEAN
Param p_any();      // anything, kept as is

// Checks the count (min..params.size()) and each argument against its parameter; fills
// `arg_types`. Errors name the function: "UPPER expects 1 argument, got 2".
Status check_params(std::string_view name, const std::vector<ArgInfo>& args, const std::vector<Param>& params,
                    size_t min_args, std::vector<DataType>* arg_types);
Status check_count(std::string_view name, const std::vector<ArgInfo>& args, size_t min_args, size_t max_args);

// The common case: fixed parameters, null_on_null, result nullable when any argument is.
// `result` may depend on the arguments.
BindFn bind_fixed(std::string name, std::vector<Param> params, std::function<DataType(const std::vector<ArgInfo>&)> result,
                  KernelFn kernel, size_t min_args = SIZE_MAX);
BindFn bind_fixed(std::string name, std::vector<Param> params, DataType result, KernelFn kernel,
                  size_t min_args = SIZE_MAX);

// Throws EvalError with a formatted message.
template <typename... T>
[[noreturn]] void fail(fmt::format_string<T...> f, T&&... args) {
  throw EvalError(fmt::format(f, std::forward<T>(args)...));
}

// ---- UTF-8 ----
std::u32string utf8_decode(std::string_view s);  // invalid bytes decode as U+FFFD
std::string utf8_encode(std::u32string_view s);
void utf8_append(std::string& out, char32_t c);
size_t utf8_length(std::string_view s);
// Byte offset of code point `index` (clamped to the end).
size_t utf8_offset(std::string_view s, size_t index);

// Unicode-aware (Latin, Greek, Cyrillic ...) case mapping of one code point, as Java's
// Character.toUpperCase / toLowerCase do for the common scripts.
char32_t to_upper_cp(char32_t c);
char32_t to_lower_cp(char32_t c);
bool is_letter_cp(char32_t c);
bool is_digit_cp(char32_t c);
bool is_whitespace_cp(char32_t c);  // Java's Character.isWhitespace

// The constant value of an argument, when it has one and it is not NULL.
const Value* constant_of(const ArgInfo& a);

// Java's Long.toString-free helpers used by several families.
std::string to_hex_upper(std::string_view bytes);

// Java-compatible checked int narrowing: Flink passes INT arguments as Java ints.
int64_t clamp_to_int32(int64_t v);

}  // namespace careflow::exec::fn

// CF_REGISTER_FUNCTION in sql/functions.h declares `static auto f();` and calls f() before its
// body is seen, which GCC rejects ("use of 'auto f()' before deduction of 'auto'"). Until that
// header is fixed, scalar functions register through this equivalent with the return type
// spelled out.
#define CF_REGISTER_SCALAR(id)                                                                       \
  static ::careflow::sql::ScalarFunctionDef cf_function_def_##id();                                  \
  [[maybe_unused]] static const bool cf_function_registered_##id =                                   \
      (::careflow::sql::FunctionRegistry::global().add(cf_function_def_##id()), true);               \
  static ::careflow::sql::ScalarFunctionDef cf_function_def_##id()
