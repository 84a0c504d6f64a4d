#pragma once
// The shape shared by the one-argument retracting aggregates (MIN / MAX, SUM / AVG, FIRST_VALUE /
// LAST_VALUE): Flink's *WithRetractAggFunction ignore a NULL argument on accumulate and on
// retract, and each SQL name is one bind function with a flag. An aggregate provides what differs:
// how a value is added and removed, its result, and its binding.
#include <functional>
#include <string>

#include "sql/functions.h"

namespace careflow::exec {

// An accumulator of one argument that never sees NULL: Derived provides add(const Value&) and
// remove(const Value&) (called directly, not through a second virtual call: this is per row).
template <typename Derived>
class UnaryAccumulator : public sql::Accumulator {
 public:
  void accumulate(const values::Value* args) final {
    if (!args[0].is_null()) static_cast<Derived*>(this)->add(args[0]);
  }
  void retract(const values::Value* args) final {
    if (!args[0].is_null()) static_cast<Derived*>(this)->remove(args[0]);
  }
};

// The binding of a one-argument aggregate for an argument of type `arg`; `name` is for errors.
using UnaryBind = std::function<Result<sql::AggregateBinding>(const char* name, const values::DataType& arg)>;

// A one-argument aggregate's definition: the argument count is checked before `bind` runs.
inline sql::AggregateFunctionDef unary_aggregate(const char* name, std::string signature, std::string description,
                                                 UnaryBind bind) {
  sql::AggregateFunctionDef def;
  def.name = name;
  def.signature = std::move(signature);
  def.description = std::move(description);
  def.bind = [name, bind = std::move(bind)](const std::vector<sql::ArgInfo>& args, bool) -> Result<sql::AggregateBinding> {
    if (args.size() != 1) return sql::arg_count_error(name, 1, 1, args.size());
    return bind(name, args[0].type);
  };
  return def;
}

// The common binding: the argument keeps its type and so does the result, NULL when no value remains.
inline sql::AggregateBinding same_type_binding(const values::DataType& arg) {
  sql::AggregateBinding b;
  b.arg_types = {arg};
  b.result = arg.with_nullable(true);
  return b;
}

}  // namespace careflow::exec
