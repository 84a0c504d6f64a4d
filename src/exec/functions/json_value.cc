// JSON_VALUE and JSON_EXISTS: a path applied to a JSON string, with Calcite's lax/strict rules
// (Flink's SqlJsonUtils.jsonValue / jsonExists) and the ON EMPTY / ON ERROR behaviors.
// Reference: https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/dev/table/functions/systemfunctions/#json-functions

#include "exec/functions/json_common.h"
#include "exec/functions/json_fast_path.h"

namespace careflow::exec::fn {
namespace {

// A scalar JSON node as a value of the RETURNING type; nullopt when it does not convert.
std::optional<Value> scalar_as(const Json& node, const DataType& type) {
  std::string text = node.is_string() ? node.get<std::string>() : serialize_json(node);
  if (type.is_string()) return Value::string(std::move(text));
  auto parsed = values::parse_value(text, type);
  if (!parsed.is_ok()) return std::nullopt;
  return parsed.value();
}

}  // namespace

CF_REGISTER_SCALAR(json_value) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax& syntax) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params("JSON_VALUE", args, {p_json_input(), p_string()}, 2, &types); !s) return s;
    JsonCall call = json_call(args, syntax);
    DataType returning = syntax.json && syntax.json->returning ? syntax.json->returning->without_time_attribute()
                                                               : DataType::string();
    for (const std::string* b : {&call.on_empty, &call.on_error}) {
      if (*b != "NULL" && *b != "ERROR" && *b != "DEFAULT") {
        return Status::invalid_argument(fmt::format("JSON_VALUE: {} is not a valid ON EMPTY / ON ERROR behavior", *b));
      }
    }
    DataType input = types[0];
    // A constant chain of member names can take the fast path (json_fast_path.h).
    std::shared_ptr<const std::vector<std::string>> fast_keys = member_chain(call);
    return make_binding(returning.with_nullable(true), types, [call, returning, input, fast_keys](const Value* a, size_t, const EvalContext&) -> Value {
      if (fast_keys && a[0].is_string()) {
        std::string text;
        if (fast_json_member(a[0].as_string(), *fast_keys, &text) == FastJsonResult::kFound) {
          if (returning.is_string()) return Value::string(std::move(text));
          auto converted = values::parse_value(text, returning);
          if (converted.is_ok()) return *converted;
          // a conversion failure takes the general path, which reports it per ON ERROR
        }
      }
      auto on_error = [&](const std::string& message) -> Value {
        if (call.on_error == "ERROR") fail("JSON_VALUE: {}", message);
        if (call.on_error == "DEFAULT") return call.error_default.value_or(Value());
        return Value();
      };
      JsonPathResult r;
      std::string error;
      if (!call.evaluate(a[0], input, a[1], &r, &error)) return on_error(error);
      if (r.error) return on_error(*r.error);
      const bool scalar = r.value && !r.value->is_array() && !r.value->is_object();
      if (!r.value || (!call.strict(a[1]) && !scalar)) {
        if (call.on_empty == "ERROR") fail("JSON_VALUE: Empty result of JSON_VALUE function is not allowed");
        if (call.on_empty == "DEFAULT") return call.empty_default.value_or(Value());
        return Value();
      }
      if (!scalar) {
        return on_error(fmt::format("Strict jsonpath mode requires scalar value, and the actual value is: '{}'",
                                    serialize_json(*r.value)));
      }
      std::optional<Value> v = scalar_as(*r.value, returning);
      if (!v) {
        return on_error(fmt::format("cannot convert '{}' to {}", serialize_json(*r.value), returning.to_string()));
      }
      return *v;
    });
  };
  return ScalarFunctionDef{"JSON_VALUE",
                           "JSON_VALUE(STRING json, STRING path [RETURNING type] [{NULL | ERROR | DEFAULT value} ON "
                           "EMPTY] [{NULL | ERROR | DEFAULT value} ON ERROR]) → type (STRING by default)",
                           "Extracts the scalar at a JSON path from a JSON string.", bind};
}

CF_REGISTER_SCALAR(json_exists) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax& syntax) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params("JSON_EXISTS", args, {p_json_input(), p_string()}, 2, &types); !s) return s;
    JsonCall call = json_call(args, syntax);
    std::string on_error = syntax.json && !syntax.json->on_error.empty() ? syntax.json->on_error : "FALSE";
    if (on_error != "TRUE" && on_error != "FALSE" && on_error != "UNKNOWN" && on_error != "ERROR") {
      return Status::invalid_argument(fmt::format("JSON_EXISTS: {} is not a valid ON ERROR behavior", on_error));
    }
    DataType input = types[0];
    return make_binding(DataType::boolean(), types, [call, on_error, input](const Value* a, size_t, const EvalContext&) -> Value {
      auto error_result = [&](const std::string& message) -> Value {
        if (on_error == "ERROR") fail("JSON_EXISTS: {}", message);
        if (on_error == "UNKNOWN") return Value();
        return Value::boolean(on_error == "TRUE");
      };
      JsonPathResult r;
      std::string error;
      if (!call.evaluate(a[0], input, a[1], &r, &error)) return error_result(error);
      if (r.error) return error_result(*r.error);
      return Value::boolean(r.value.has_value());
    });
  };
  return ScalarFunctionDef{"JSON_EXISTS",
                           "JSON_EXISTS(STRING json, STRING path [{TRUE | FALSE | UNKNOWN | ERROR} ON ERROR]) → BOOLEAN",
                           "Returns whether a JSON string has a (non-null) value at the path; FALSE ON ERROR by default.",
                           bind};
}

}  // namespace careflow::exec::fn
