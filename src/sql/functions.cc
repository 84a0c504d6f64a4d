#include "sql/functions.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "sql/lexer.h"

namespace careflow::sql {

Value ScalarKernel::call_in_place(const Value* const* args, size_t count, const EvalContext& ctx) const {
  std::vector<Value> copies;
  copies.reserve(count);
  for (size_t i = 0; i < count; ++i) copies.push_back(*args[i]);
  return call(copies.data(), count, ctx);
}

FunctionRegistry& FunctionRegistry::global() {
  static FunctionRegistry* registry = new FunctionRegistry();  // never destroyed: used by static initializers
  return *registry;
}

void FunctionRegistry::add(FunctionDefinition def) {
  if (def.scalar) add(std::move(*def.scalar));
  if (def.aggregate) add(std::move(*def.aggregate));
}

void FunctionRegistry::add(ScalarFunctionDef def) {
  std::string key = to_upper(def.name);
  scalars_[key] = std::move(def);
}

void FunctionRegistry::add(AggregateFunctionDef def) {
  std::string key = to_upper(def.name);
  aggregates_[key] = std::move(def);
}

const ScalarFunctionDef* FunctionRegistry::scalar(std::string_view name) const {
  auto it = scalars_.find(to_upper(name));
  return it == scalars_.end() ? nullptr : &it->second;
}

const AggregateFunctionDef* FunctionRegistry::aggregate(std::string_view name) const {
  auto it = aggregates_.find(to_upper(name));
  return it == aggregates_.end() ? nullptr : &it->second;
}

std::vector<std::string> FunctionRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, def] : scalars_) {
    if (!name.empty() && std::isalpha(static_cast<unsigned char>(name[0]))) out.push_back(name);
  }
  for (const auto& [name, def] : aggregates_) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<FunctionRegistry::Doc> FunctionRegistry::docs() const {
  std::vector<Doc> out;
  for (const auto& [name, def] : scalars_) {
    if (!name.empty() && std::isalpha(static_cast<unsigned char>(name[0]))) {
      out.push_back({def.name, def.signature, def.description, false});
    }
  }
  for (const auto& [name, def] : aggregates_) out.push_back({def.name, def.signature, def.description, true});
  std::sort(out.begin(), out.end(), [](const Doc& a, const Doc& b) { return a.name < b.name; });
  return out;
}

Status arg_count_error(std::string_view function, size_t expected_min, size_t expected_max, size_t got) {
  std::string expected = expected_min == expected_max ? fmt::format("{}", expected_min)
                         : expected_max == SIZE_MAX   ? fmt::format("at least {}", expected_min)
                                                      : fmt::format("{} to {}", expected_min, expected_max);
  return Status::invalid_argument(fmt::format("{} expects {} argument{}, got {}", function, expected,
                                              expected_min == 1 && expected_max == 1 ? "" : "s", got));
}

Status arg_type_error(std::string_view function, size_t index, std::string_view expected, const DataType& got) {
  return Status::invalid_argument(fmt::format("{} expects {} as argument {}, got {}", function, expected, index + 1,
                                              got.without_time_attribute().to_string()));
}

bool any_nullable(const std::vector<ArgInfo>& args) {
  for (const ArgInfo& a : args) {
    if (a.type.nullable) return true;
  }
  return false;
}

}  // namespace careflow::sql
