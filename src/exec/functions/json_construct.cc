// JSON construction: JSON_STRING, JSON_OBJECT, JSON_ARRAY, and the "$IS_JSON" predicate behind
// IS JSON [VALUE | SCALAR | ARRAY | OBJECT].
//
// Limitation: Flink embeds the result of a nested JSON_OBJECT / JSON_ARRAY call as JSON, not as a
// string. A kernel only sees argument types, and those results are STRINGs, so here a nested
// call's result is embedded as a JSON string ("{\"K2\":\"V\"}") unless the binder rewrites it.
// Reference: https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/dev/table/functions/systemfunctions/#json-functions
// and org.apache.flink.table.planner.codegen.JsonGenerateUtils.

#include <map>

#include "exec/functions/json_common.h"

namespace careflow::exec::fn {
namespace {

Status check_convertible(std::string_view name, const std::vector<ArgInfo>& args, size_t from, size_t stride) {
  for (size_t i = from; i < args.size(); i += stride) {
    std::string why;
    if (!json_convertible(args[i].type, &why)) return Status::invalid_argument(fmt::format("{}: {}", name, why));
  }
  return Status::ok();
}

std::vector<DataType> own_types(const std::vector<ArgInfo>& args) {
  std::vector<DataType> types;
  for (const ArgInfo& a : args) {
    types.push_back(a.type.id == TypeId::kNull ? DataType::string() : a.type.without_time_attribute());
  }
  return types;
}

}  // namespace

// A value as JSON; the text a nested JSON_OBJECT / JSON_ARRAY / JSON_QUERY built is embedded as
// JSON, not quoted as a string.
Json embedded(const Value& v, const DataType& type, bool raw) {
  if (raw && !v.is_null()) {
    if (std::optional<Json> parsed = parse_json(v.as_string())) return *parsed;
  }
  return value_to_json(v, type);
}

CF_REGISTER_SCALAR(json_string) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    if (Status s = check_count("JSON_STRING", args, 1, 1); !s) return s;
    if (Status s = check_convertible("JSON_STRING", args, 0, 1); !s) return s;
    std::vector<DataType> types = own_types(args);
    DataType t = types[0];
    return make_binding(DataType::string().with_nullable(args[0].type.nullable), types,
                        [t](const Value* a, size_t, const EvalContext&) {
                          return Value::string(serialize_json(value_to_json(a[0], t)));
                        });
  };
  return ScalarFunctionDef{"JSON_STRING", "JSON_STRING(value) → STRING",
                           "Serializes a value into JSON text; NULL when the value is NULL.", bind};
}

CF_REGISTER_SCALAR(json_object) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax& syntax) -> Result<ScalarBinding> {
    if (args.size() % 2 != 0) {
      return Status::invalid_argument(
          fmt::format("JSON_OBJECT expects key/value pairs, got an odd number of arguments ({})", args.size()));
    }
    for (size_t i = 0; i < args.size(); i += 2) {
      if (!args[i].type.is_string()) return sql::arg_type_error("JSON_OBJECT", i, "a STRING key", args[i].type);
    }
    if (Status s = check_convertible("JSON_OBJECT", args, 1, 2); !s) return s;
    std::string on_null = syntax.json && !syntax.json->on_null.empty() ? syntax.json->on_null : "NULL";
    std::vector<DataType> types = own_types(args);
    std::vector<bool> raw = syntax.json_raw_args;
    raw.resize(args.size(), false);
    return make_binding(
        DataType::string().with_nullable(false), types,
        [types, raw, absent = on_null == "ABSENT"](const Value* a, size_t n, const EvalContext&) {
          // Keys come out sorted, as Flink 1.20.4 writes them (observed with tests/interop/flink/run;
          // tests/sql/pipelines/drift_alerts.test).
          std::map<std::string, Json> sorted;
          for (size_t i = 0; i + 1 < n; i += 2) {
            if (a[i].is_null()) fail("JSON_OBJECT: key at position {} is NULL; keys must not be NULL", i + 1);
            if (a[i + 1].is_null() && absent) continue;
            sorted[a[i].as_string()] = embedded(a[i + 1], types[i + 1], raw[i + 1]);
          }
          Json obj = Json::object();
          for (auto& [k, v] : sorted) obj[k] = std::move(v);
          return Value::string(serialize_json(obj));
        },
        false);
  };
  return ScalarFunctionDef{"JSON_OBJECT",
                           "JSON_OBJECT([[KEY] STRING key VALUE value]* [{NULL | ABSENT} ON NULL]) → STRING NOT NULL",
                           "Builds a JSON object string from key/value pairs (NULL ON NULL by default).", bind};
}

CF_REGISTER_SCALAR(json_array) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax& syntax) -> Result<ScalarBinding> {
    if (Status s = check_convertible("JSON_ARRAY", args, 0, 1); !s) return s;
    std::string on_null = syntax.json && !syntax.json->on_null.empty() ? syntax.json->on_null : "ABSENT";
    std::vector<DataType> types = own_types(args);
    std::vector<bool> raw = syntax.json_raw_args;
    raw.resize(args.size(), false);
    return make_binding(
        DataType::string().with_nullable(false), types,
        [types, raw, absent = on_null == "ABSENT"](const Value* a, size_t n, const EvalContext&) {
          Json arr = Json::array();
          for (size_t i = 0; i < n; ++i) {
            if (a[i].is_null() && absent) continue;
            arr.push_back(embedded(a[i], types[i], raw[i]));
          }
          return Value::string(serialize_json(arr));
        },
        false);
  };
  return ScalarFunctionDef{"JSON_ARRAY", "JSON_ARRAY([value]* [{NULL | ABSENT} ON NULL]) → STRING NOT NULL",
                           "Builds a JSON array string from the values (ABSENT ON NULL by default).", bind};
}

CF_REGISTER_SCALAR(is_json) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params("$IS_JSON", args, {p_string(), p_string()}, 1, &types); !s) return s;
    std::string kind = "VALUE";
    if (args.size() > 1) {
      const Value* c = constant_of(args[1]);
      if (c == nullptr) return Status::invalid_argument("$IS_JSON: the JSON kind must be a constant");
      kind = c->as_string();
      if (kind != "VALUE" && kind != "SCALAR" && kind != "ARRAY" && kind != "OBJECT") {
        return Status::invalid_argument(fmt::format("$IS_JSON: unknown JSON kind '{}'", kind));
      }
    }
    return make_binding(
        DataType::boolean().with_nullable(false), types,
        [kind](const Value* a, size_t, const EvalContext&) {
          if (a[0].is_null()) return Value::boolean(false);
          std::optional<Json> j = parse_json(a[0].as_string());
          if (!j) return Value::boolean(false);
          if (kind == "SCALAR") return Value::boolean(!j->is_object() && !j->is_array());
          if (kind == "ARRAY") return Value::boolean(j->is_array());
          if (kind == "OBJECT") return Value::boolean(j->is_object());
          return Value::boolean(true);
        },
        false);
  };
  return ScalarFunctionDef{"$IS_JSON", "$IS_JSON(STRING, STRING kind) → BOOLEAN NOT NULL",
                           "IS JSON [VALUE | SCALAR | ARRAY | OBJECT]: whether the string is valid JSON of that kind "
                           "(FALSE for NULL).",
                           bind};
}

}  // namespace careflow::exec::fn
