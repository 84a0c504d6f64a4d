#pragma once
// The function registry: every built-in scalar and aggregate function is declared once, in its own
// file under src/exec/functions/ or src/exec/aggregates/, and registers itself here:
//
//   CF_REGISTER_FUNCTION(upper) {
//     return ScalarFunctionDef{"UPPER", "UPPER(STRING) → STRING", "Upper-cases ...", bind_upper};
//   }
//
// The binder asks the registry to bind a call to its argument types; the binding says the result
// type, the types the arguments are cast to first, and the kernel that computes the value.
// SHOW FUNCTIONS and docs/sql-functions.md are generated from the same definitions.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "sql/value_system.h"
#include "values/types.h"
#include "values/value.h"
#include "values/eval_context.h"

namespace careflow::sql {

struct JsonClauses;

// One argument as the binder sees it: its type and, when it is a constant, its value (so that a
// kernel can precompile a regex or a JSON path once).
struct ArgInfo {
  DataType type;
  std::optional<Value> constant;
};

// Syntax that some functions take besides arguments, already resolved by the binder.
struct CallSyntax {
  std::string time_unit;   // EXTRACT, TIMESTAMPADD, TIMESTAMPDIFF: YEAR .. MICROSECOND
  std::string trim_mode;   // TRIM: BOTH | LEADING | TRAILING
  const JsonClauses* json = nullptr;        // JSON_*: RETURNING, ON EMPTY, ON ERROR, wrapper, ON NULL
  std::optional<Value> json_on_empty_default;  // DEFAULT <value> ON EMPTY, already cast to RETURNING
  std::optional<Value> json_on_error_default;
  // JSON_OBJECT / JSON_ARRAY: which arguments are themselves JSON text built by JSON_OBJECT,
  // JSON_ARRAY or JSON_QUERY, to be embedded as JSON rather than as a string (as Flink does).
  std::vector<bool> json_raw_args;
};

class ScalarKernel {
 public:
  virtual ~ScalarKernel() = default;
  // `args` are of the binding's arg_types. With null_on_null, no argument is NULL here.
  // Throws EvalError for a value the function rejects.
  virtual Value call(const Value* args, size_t count, const EvalContext& ctx) const = 0;
  // A kernel that can read its arguments where they are stored (a row's column, a literal) says
  // so: the evaluator then passes pointers to them instead of copying each into one array (a long
  // STRING argument costs a copy per row otherwise). Same contract as call().
  virtual bool reads_in_place() const { return false; }
  virtual Value call_in_place(const Value* const* args, size_t count, const EvalContext& ctx) const;
};

// A kernel from a lambda, for the many functions that need no state.
class LambdaKernel : public ScalarKernel {
 public:
  using Fn = std::function<Value(const Value*, size_t, const EvalContext&)>;
  explicit LambdaKernel(Fn fn) : fn_(std::move(fn)) {}
  Value call(const Value* args, size_t count, const EvalContext& ctx) const override { return fn_(args, count, ctx); }

 private:
  Fn fn_;
};

struct ScalarBinding {
  DataType result;                  // with its nullability
  std::vector<DataType> arg_types;  // each argument is cast to this type before the call
  std::shared_ptr<const ScalarKernel> kernel;
  bool null_on_null = true;         // a NULL argument gives NULL without calling the kernel
};

struct ScalarFunctionDef {
  std::string name;         // upper case, as written in SQL
  std::string signature;    // "UPPER(STRING) → STRING"
  std::string description;  // one sentence, for SHOW FUNCTIONS and the docs
  // Checks the arguments and picks the implementation. InvalidArgument with a message that names
  // the function and what is wrong ("UPPER expects 1 argument, got 2"); the binder adds line:col.
  std::function<Result<ScalarBinding>(const std::vector<ArgInfo>& args, const CallSyntax& syntax)> bind;
  bool deterministic = true;  // false: CURRENT_TIMESTAMP, RAND, UUID (never constant-folded)
};

// An aggregate's running state for one group. accumulate/retract see the binding's arg_types;
// NULL arguments are passed through (COUNT(x) skips them, COUNT(*) has no arguments).
class Accumulator {
 public:
  virtual ~Accumulator() = default;
  virtual void accumulate(const Value* args) = 0;
  virtual void retract(const Value* args) = 0;
  virtual Value result() const = 0;
  // Adds what `other` (an accumulator made by the same binding) accumulated, as if its rows had
  // come after this one's: how window aggregation combines the slices of a window (Flink's
  // AggregateFunction#merge).
  virtual void merge(const Accumulator& other) = 0;
  // Checkpoints (exec/checkpoint): what was accumulated, as one value (a list of values), and
  // back into a fresh accumulator made by the same binding.
  virtual Value save() const = 0;
  virtual void load(const Value& state) = 0;
};

struct AggregateBinding {
  DataType result;
  std::vector<DataType> arg_types;
  std::function<std::unique_ptr<Accumulator>()> create;
  // An accumulator for input that is never retracted (window aggregation), when the aggregate has
  // a cheaper one (Flink's MaxAggFunction beside MaxWithRetractAggFunction); else `create` serves.
  std::function<std::unique_ptr<Accumulator>()> create_append_only;
  // Whether save() / load() capture the accumulator's whole state. An operator with one that
  // does not is not checkpointable: a job with it refuses checkpoints naming it.
  bool checkpointable = true;
};

struct AggregateFunctionDef {
  std::string name;
  std::string signature;
  std::string description;
  std::function<Result<AggregateBinding>(const std::vector<ArgInfo>& args, bool distinct)> bind;
  // Callable only OVER a window whose frame starts at UNBOUNDED PRECEDING (Confluent Cloud's ML
  // functions: their accumulators cannot retract or merge). Elsewhere the planner refuses the call.
  bool over_only = false;
  // A window function (LAG): over_only, and Calcite's rule applies outside OVER ("OVER clause is
  // necessary for window functions"); it neither retracts nor merges.
  bool window_function = false;
  // The index of an argument that is an options object — JSON_OBJECT('k' VALUE v, ...) or
  // MAP['k', v, ...] of constants — or -1. The planner checks each entry with check_option
  // (failing at that entry's position), passes them to `bind` as a constant MAP of STRING keys
  // (values BOOLEAN, BIGINT, DOUBLE or STRING) and leaves the argument out of AggCall::args.
  int options_arg = -1;
  std::function<Status(std::string_view key, const Value& value)> check_option;
};

// What a CF_REGISTER_FUNCTION body returns: a scalar or an aggregate definition.
struct FunctionDefinition {
  FunctionDefinition(ScalarFunctionDef d) : scalar(std::move(d)) {}      // NOLINT: implicit by design
  FunctionDefinition(AggregateFunctionDef d) : aggregate(std::move(d)) {}  // NOLINT: implicit by design
  std::optional<ScalarFunctionDef> scalar;
  std::optional<AggregateFunctionDef> aggregate;
};

class FunctionRegistry {
 public:
  static FunctionRegistry& global();

  void add(FunctionDefinition def);
  void add(ScalarFunctionDef def);
  void add(AggregateFunctionDef def);
  // Case-insensitive lookups; nullptr when there is no such function.
  const ScalarFunctionDef* scalar(std::string_view name) const;
  const AggregateFunctionDef* aggregate(std::string_view name) const;
  // Every name, sorted: for SHOW FUNCTIONS and for "did you mean" suggestions.
  std::vector<std::string> names() const;
  struct Doc {
    std::string name, signature, description;
    bool aggregate;
  };
  std::vector<Doc> docs() const;

 private:
  std::map<std::string, ScalarFunctionDef, std::less<>> scalars_;
  std::map<std::string, AggregateFunctionDef, std::less<>> aggregates_;
};

// Helpers for the common binding shapes.
Status arg_count_error(std::string_view function, size_t expected_min, size_t expected_max, size_t got);
Status arg_type_error(std::string_view function, size_t index, std::string_view expected, const DataType& got);
bool any_nullable(const std::vector<ArgInfo>& args);

}  // namespace careflow::sql

// Registers a function from its own file. The body returns a ScalarFunctionDef or an
// AggregateFunctionDef. The libraries holding these files are OBJECT libraries so that the linker
// keeps every registration.
#define CF_REGISTER_FUNCTION(id)                                                       \
  static ::careflow::sql::FunctionDefinition cf_function_def_##id();                   \
  [[maybe_unused]] static const bool cf_function_registered_##id =                     \
      (::careflow::sql::FunctionRegistry::global().add(cf_function_def_##id()), true); \
  static ::careflow::sql::FunctionDefinition cf_function_def_##id()
