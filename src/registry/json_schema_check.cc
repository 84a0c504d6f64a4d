#include "registry/json_schema_check.h"

#include <fmt/format.h>

#include <array>
#include <string_view>

#include "common/json_parse.h"

namespace careflow::registry {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::array<std::string_view, 7> kTypes = {"null", "boolean", "object", "array", "number", "integer", "string"};

bool is_type_name(const Json& j) {
  if (!j.is_string()) return false;
  for (std::string_view t : kTypes) {
    if (j.get_ref<const std::string&>() == t) return true;
  }
  return false;
}

// A JSON pointer segment: '~' and '/' escaped as RFC 6901 has them.
std::string segment(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string> check_schema(const Json& schema, const std::string& at);

std::optional<std::string> problem(const std::string& at, const std::string& what) {
  return fmt::format("{}: {}", at.empty() ? "/" : at, what);
}

std::optional<std::string> check_schema_map(const Json& map, const std::string& at) {
  if (!map.is_object()) return problem(at, "must be an object of schemas");
  for (const auto& [name, schema] : map.items()) {
    if (auto p = check_schema(schema, at + "/" + segment(name))) return p;
  }
  return std::nullopt;
}

std::optional<std::string> check_schema_list(const Json& list, const std::string& at, bool non_empty) {
  if (!list.is_array() || (non_empty && list.empty())) return problem(at, non_empty ? "must be a non-empty array of schemas" : "must be an array of schemas");
  for (size_t i = 0; i < list.size(); ++i) {
    if (auto p = check_schema(list[i], fmt::format("{}/{}", at, i))) return p;
  }
  return std::nullopt;
}

std::optional<std::string> check_non_negative(const Json& value, const std::string& at) {
  if (!value.is_number_integer() && !value.is_number_unsigned()) return problem(at, "must be a non-negative integer");
  if (value.is_number_integer() && value.get<int64_t>() < 0) return problem(at, "must be a non-negative integer");
  return std::nullopt;
}

std::optional<std::string> check_keyword(const std::string& key, const Json& value, const std::string& at) {
  if (key == "type") {
    if (value.is_array()) {
      if (value.empty()) return problem(at, "must name at least one type");
      for (size_t i = 0; i < value.size(); ++i) {
        if (!is_type_name(value[i])) return problem(fmt::format("{}/{}", at, i), fmt::format("{} is not a JSON Schema type", value[i].dump()));
      }
      return std::nullopt;
    }
    if (!is_type_name(value)) return problem(at, fmt::format("{} is not a JSON Schema type", value.dump()));
    return std::nullopt;
  }
  if (key == "properties" || key == "patternProperties" || key == "definitions" || key == "$defs" || key == "dependentSchemas") {
    return check_schema_map(value, at);
  }
  if (key == "items") return value.is_array() ? check_schema_list(value, at, false) : check_schema(value, at);
  if (key == "prefixItems") return check_schema_list(value, at, true);
  if (key == "oneOf" || key == "anyOf" || key == "allOf") return check_schema_list(value, at, true);
  if (key == "not" || key == "additionalProperties" || key == "additionalItems" || key == "contains" || key == "propertyNames" ||
      key == "if" || key == "then" || key == "else" || key == "unevaluatedProperties" || key == "unevaluatedItems") {
    return check_schema(value, at);
  }
  if (key == "required") {
    if (!value.is_array()) return problem(at, "must be an array of property names");
    for (size_t i = 0; i < value.size(); ++i) {
      if (!value[i].is_string()) return problem(fmt::format("{}/{}", at, i), "must be a property name (a string)");
    }
    return std::nullopt;
  }
  if (key == "$ref" || key == "$id" || key == "$schema" || key == "pattern" || key == "format" || key == "title") {
    if (!value.is_string()) return problem(at, "must be a string");
    return std::nullopt;
  }
  if (key == "enum") {
    if (!value.is_array()) return problem(at, "must be an array");
    return std::nullopt;
  }
  if (key == "minLength" || key == "maxLength" || key == "minItems" || key == "maxItems" || key == "minProperties" ||
      key == "maxProperties") {
    return check_non_negative(value, at);
  }
  if (key == "minimum" || key == "maximum" || key == "multipleOf") {
    if (!value.is_number()) return problem(at, "must be a number");
    return std::nullopt;
  }
  return std::nullopt;  // any other keyword: annotations such as connect.type are free-form
}

std::optional<std::string> check_schema(const Json& schema, const std::string& at) {
  if (schema.is_boolean()) return std::nullopt;  // true / false: accept all, accept none
  if (!schema.is_object()) return problem(at, fmt::format("a schema is an object or a boolean, not {}", schema.dump()));
  for (const auto& [key, value] : schema.items()) {
    if (auto p = check_keyword(key, value, at + "/" + segment(key))) return p;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> json_schema_problem(const std::string& text) {
  auto parsed = parse_ordered_json(text);
  if (!parsed.is_ok()) return fmt::format("not JSON: {}", parsed.status().message());
  return check_schema(*parsed, "");
}

}  // namespace careflow::registry
