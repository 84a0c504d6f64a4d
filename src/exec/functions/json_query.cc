// JSON_QUERY: the JSON (object or array) at a path, optionally wrapped into an array, as a STRING
// or, with RETURNING ARRAY<STRING>, as an array of the elements (strings unquoted, other
// elements serialized). Calcite's JsonFunctions.jsonQuery as Flink uses it.
// Reference: https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/dev/table/functions/systemfunctions/#json-functions

#include "exec/functions/json_common.h"
#include "exec/functions/json_fast_path.h"

namespace careflow::exec::fn {
namespace {

bool is_valid_behavior(const std::string& b) {
  return b == "NULL" || b == "ERROR" || b == "EMPTY ARRAY" || b == "EMPTY OBJECT";
}

}  // namespace

CF_REGISTER_SCALAR(json_query) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax& syntax) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params("JSON_QUERY", args, {p_json_input(), p_string()}, 2, &types); !s) return s;
    JsonCall call = json_call(args, syntax);
    if (!is_valid_behavior(call.on_empty) || !is_valid_behavior(call.on_error)) {
      return Status::invalid_argument(fmt::format("JSON_QUERY: {} is not a valid ON EMPTY / ON ERROR behavior",
                                                  is_valid_behavior(call.on_empty) ? call.on_error : call.on_empty));
    }
    if (call.wrapper != "WITHOUT ARRAY" && call.wrapper != "WITH CONDITIONAL ARRAY" &&
        call.wrapper != "WITH UNCONDITIONAL ARRAY") {
      return Status::invalid_argument(fmt::format("JSON_QUERY: unknown wrapper behavior '{}'", call.wrapper));
    }
    DataType returning = DataType::string();
    if (syntax.json && syntax.json->returning) {
      const DataType& r = *syntax.json->returning;
      bool array_of_string = r.id == TypeId::kArray && r.children[0].is_string();
      if (!r.is_string() && !array_of_string) {
        return Status::invalid_argument(
            fmt::format("JSON_QUERY: RETURNING {} is not supported, only STRING or ARRAY<STRING>", r.to_string()));
      }
      returning = r.without_time_attribute();
    }
    const bool as_array = returning.id == TypeId::kArray;
    DataType input = types[0];
    // A constant chain of member names without a wrapper can take the fast path (json_fast_path.h).
    std::shared_ptr<const std::vector<std::string>> fast_keys;
    if (call.wrapper == "WITHOUT ARRAY") fast_keys = member_chain(call);
    return make_binding(returning.with_nullable(true), types, [call, as_array, input, fast_keys](const Value* a, size_t, const EvalContext&) -> Value {
      if (fast_keys && a[0].is_string()) {
        if (as_array) {
          std::vector<Value> items;
          if (fast_json_elements(a[0].as_string(), *fast_keys, &items) == FastJsonResult::kFound) {
            return Value::list(std::move(items));
          }
        } else {
          std::string text;
          if (fast_json_composite(a[0].as_string(), *fast_keys, &text) == FastJsonResult::kFound) {
            return Value::string(std::move(text));
          }
        }
      }
      // The text result, then converted to the RETURNING type.
      auto finish = [&](const Json& j) -> Value {
        if (!as_array) return Value::string(serialize_json(j));
        if (!j.is_array()) {
          // EMPTY OBJECT for an ARRAY result, or an object without a wrapper: not an array.
          fail("JSON_QUERY: the result '{}' is not an array and cannot be returned as ARRAY<STRING>", serialize_json(j));
        }
        std::vector<Value> items;
        for (const Json& e : j) {
          if (e.is_null()) {
            items.emplace_back();
          } else {
            items.push_back(Value::string(e.is_string() ? e.get<std::string>() : serialize_json(e)));
          }
        }
        return Value::list(std::move(items));
      };
      auto behave = [&](const std::string& behavior, const std::string& message) -> Value {
        if (behavior == "ERROR") fail("JSON_QUERY: {}", message);
        if (behavior == "EMPTY ARRAY") return finish(Json::array());
        if (behavior == "EMPTY OBJECT") return finish(Json::object());
        return Value();
      };
      JsonPathResult r;
      std::string error;
      if (!call.evaluate(a[0], input, a[1], &r, &error)) return behave(call.on_error, error);
      if (r.error) return behave(call.on_error, *r.error);
      std::optional<Json> value;
      if (r.value) {
        if (call.wrapper == "WITH UNCONDITIONAL ARRAY" ||
            (call.wrapper == "WITH CONDITIONAL ARRAY" && !r.value->is_array())) {
          value = Json::array({*r.value});
        } else {
          value = r.value;
        }
      }
      const bool scalar = value && !value->is_array() && !value->is_object();
      if (!value || (!call.strict(a[1]) && scalar)) {
        return behave(call.on_empty, "Empty result of JSON_QUERY function is not allowed");
      }
      if (scalar) {
        return behave(call.on_error,
                      fmt::format("Strict jsonpath mode requires array or object value, and the actual value is: '{}'",
                                  serialize_json(*value)));
      }
      return finish(*value);
    });
  };
  return ScalarFunctionDef{"JSON_QUERY",
                           "JSON_QUERY(STRING json, STRING path [RETURNING STRING | ARRAY<STRING>] [{WITHOUT | WITH "
                           "CONDITIONAL | WITH UNCONDITIONAL} ARRAY WRAPPER] [{NULL | EMPTY ARRAY | EMPTY OBJECT | "
                           "ERROR} ON EMPTY] [... ON ERROR]) → STRING",
                           "Extracts the JSON object or array at a path from a JSON string.", bind};
}

}  // namespace careflow::exec::fn
