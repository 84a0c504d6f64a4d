#pragma once
// The parts JSON_VALUE, JSON_QUERY and JSON_EXISTS share: the JSON input parameter, the clauses
// from CallSyntax with their defaults, and the path (compiled once when constant).

#include <memory>

#include "exec/functions/helpers.h"
#include "exec/functions/json_util.h"
#include "sql/ast.h"
#include "values/value_format.h"

namespace careflow::exec::fn {

// The JSON document: a string; numbers and booleans are taken as their text (JSON_QUERY(1, '$')).
inline Param p_json_input() {
  return {"STRING",
          [](const DataType& t) { return t.is_string() || t.is_numeric() || t.id == TypeId::kBoolean; },
          [](const DataType& t) { return t.id == TypeId::kNull ? DataType::string() : t.without_time_attribute(); }};
}

struct JsonCall {
  std::string on_empty = "NULL";
  std::string on_error = "NULL";
  std::string wrapper = "WITHOUT ARRAY";
  std::optional<Value> empty_default, error_default;
  std::shared_ptr<const JsonPath> constant_path;  // null when the path is not constant
  std::string constant_path_error;

  // Parses the document and applies the path; false with `error` when the document or the path
  // is malformed.
  bool evaluate(const Value& json, const DataType& json_type, const Value& path, JsonPathResult* out,
                std::string* error) const {
    std::string formatted;
    if (!json.is_string()) formatted = values::format_value(json, json_type);
    const std::string& text = json.is_string() ? json.as_string() : formatted;
    JsonPath parsed;
    const JsonPath* p = constant_path.get();
    if (p == nullptr) {
      if (!constant_path_error.empty()) {
        *error = constant_path_error;
        return false;
      }
      if (!parse_json_path(path.as_string(), &parsed, error)) return false;
      p = &parsed;
    }
    std::shared_ptr<const Json> doc = parse_json_cached(text);
    if (!doc && !p->strict) {
      // Lax mode: text that is not JSON has no value at the path, so ON EMPTY applies (observed on
      // Flink 1.20.4: tests/sql/functions/json.test).
      *out = JsonPathResult{};
      return true;
    }
    if (!doc) {
      *error = fmt::format("invalid JSON text: '{}'", text);
      return false;
    }
    *out = eval_json_path(*doc, *p);
    return true;
  }

  bool strict(const Value& path) const {
    if (constant_path) return constant_path->strict;
    JsonPath parsed;
    std::string error;
    return !parse_json_path(path.as_string(), &parsed, &error) || parsed.strict;
  }
};

// The constant path as a chain of member names ('$' is the empty chain), for the fast paths
// (json_fast_path.h); null when the path is not constant or has other steps.
inline std::shared_ptr<const std::vector<std::string>> member_chain(const JsonCall& call) {
  if (!call.constant_path) return nullptr;
  auto keys = std::make_shared<std::vector<std::string>>();
  for (const JsonPath::Step& step : call.constant_path->steps) {
    if (step.kind != JsonPath::Kind::kKey) return nullptr;
    keys->push_back(step.key);
  }
  return keys;
}

inline JsonCall json_call(const std::vector<ArgInfo>& args, const CallSyntax& syntax) {
  JsonCall call;
  if (syntax.json) {
    if (!syntax.json->on_empty.empty()) call.on_empty = syntax.json->on_empty;
    if (!syntax.json->on_error.empty()) call.on_error = syntax.json->on_error;
    if (!syntax.json->wrapper.empty()) call.wrapper = syntax.json->wrapper;
  }
  call.empty_default = syntax.json_on_empty_default;
  call.error_default = syntax.json_on_error_default;
  if (args.size() > 1) {
    if (const Value* c = constant_of(args[1])) {
      auto path = std::make_shared<JsonPath>();
      std::string error;
      if (parse_json_path(c->as_string(), path.get(), &error)) {
        call.constant_path = path;
      } else {
        call.constant_path_error = error;
      }
    }
  }
  return call;
}

}  // namespace careflow::exec::fn
