#pragma once
// JSON support shared by the JSON functions: parsing, Jackson-compatible serialization (compact,
// keys in document order, doubles as Java prints them), SQL/JSON path expressions with the
// semantics Flink gets from Calcite + Jayway JsonPath, and SQL values as JSON.

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "values/types.h"
#include "values/value.h"

namespace careflow::exec::fn {

using Json = nlohmann::ordered_json;

// Parses a JSON document; nullopt when it is not valid JSON.
std::optional<Json> parse_json(std::string_view text);
// The same, remembered: the last few documents parsed on this thread are kept, so that
// JSON_VALUE(p, '$.a') and JSON_VALUE(p, '$.b') over one row parse p once. nullptr when the text
// is not JSON.
std::shared_ptr<const Json> parse_json_cached(std::string_view text);

// Jackson's compact serialization.
std::string serialize_json(const Json& j);

// A compiled path: "[lax|strict] $.a['b'][0][*].*".
struct JsonPath {
  enum class Kind { kKey, kIndex, kWildcard };
  struct Step {
    Kind kind;
    std::string key;
    int64_t index = 0;
  };
  bool strict = true;  // no mode prefix: strict, as in Calcite
  std::vector<Step> steps;
  bool definite() const;
};

// Parses a path; an error message when it is malformed.
bool parse_json_path(std::string_view text, JsonPath* out, std::string* error);

// The outcome of applying a path to a document.
struct JsonPathResult {
  std::optional<std::string> error;  // strict mode: the path did not match (Jayway's PathNotFoundException)
  std::optional<Json> value;         // nullopt: no value (missing, or JSON null); wildcards: an array of matches
};

JsonPathResult eval_json_path(const Json& doc, const JsonPath& path);

// A SQL value of `type` as a JSON node, as Flink's JsonGenerateUtils.createNodeTerm builds it.
// Throws EvalError for a MAP whose key is NULL.
Json value_to_json(const values::Value& v, const values::DataType& type);
// Whether value_to_json supports the type (DATE and TIME, for instance, are not, as in Flink).
bool json_convertible(const values::DataType& type, std::string* why);

}  // namespace careflow::exec::fn
