// Examples from https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/dev/table/functions/systemfunctions/#json-functions
// (outputs compact, as Jackson serializes them) unless marked otherwise.

#include "exec/functions/json_util.h"
#include "exec/functions/tests/test_util.h"
#include "sql/ast.h"
#include "values/datetime.h"

namespace careflow::exec::fn::testing {
namespace {

// Owns the clauses a CallSyntax points to.
struct Json {
  sql::JsonClauses clauses;
  CallSyntax syntax;
  Json() { syntax.json = &clauses; }
  Json(const Json&) = delete;
  Json& returning(DataType t) {
    clauses.returning = t;
    return *this;
  }
  Json& on_empty(std::string b, std::optional<Value> def = std::nullopt) {
    clauses.on_empty = std::move(b);
    syntax.json_on_empty_default = std::move(def);
    return *this;
  }
  Json& on_error(std::string b, std::optional<Value> def = std::nullopt) {
    clauses.on_error = std::move(b);
    syntax.json_on_error_default = std::move(def);
    return *this;
  }
  Json& wrapper(std::string w) {
    clauses.wrapper = std::move(w);
    return *this;
  }
  Json& on_null(std::string n) {
    clauses.on_null = std::move(n);
    return *this;
  }
};

TEST(JsonValue, DocumentationExamples) {
  EXPECT_EQ(text("JSON_VALUE", {S(R"({"a": true})"), S("$.a")}), "true");
  {
    Json j;
    j.returning(DataType::boolean());
    EXPECT_EQ(text("JSON_VALUE", {S(R"({"a": true})"), S("$.a")}, j.syntax), "TRUE");
    EXPECT_EQ(result_type("JSON_VALUE", {S(R"({"a": true})"), S("$.a")}, j.syntax), "BOOLEAN");
  }
  {
    Json j;
    j.on_empty("DEFAULT", Value::string("false"));
    EXPECT_EQ(text("JSON_VALUE", {S(R"({"a": true})"), S("lax $.b")}, j.syntax), "false");
  }
  {
    Json j;
    j.on_error("DEFAULT", Value::string("false"));
    EXPECT_EQ(text("JSON_VALUE", {S(R"({"a": true})"), S("strict $.b")}, j.syntax), "false");
  }
  {
    Json j;
    j.returning(DataType::double_type());
    EXPECT_EQ(text("JSON_VALUE", {S(R"({"a.b": [0.998,0.996]})"), S(R"($.["a.b"][0])")}, j.syntax), "0.998");
  }
  {
    Json j;
    j.on_empty("NULL").on_error("DEFAULT", Value::string("wrong"));
    EXPECT_EQ(text("JSON_VALUE", {S(R"({"contains blank": "right"})"), S("strict $.['contains blank']")}, j.syntax),
              "right");
  }
}

TEST(JsonValue, EmptyAndErrorBehaviors) {
  const Arg doc = S(R"({"a": {"b": [1, 2.5, "x", null]}, "n": 12345678901})");
  EXPECT_EQ(text("JSON_VALUE", {doc, S("$.a.b[1]")}), "2.5");
  EXPECT_EQ(text("JSON_VALUE", {doc, S("$.a.b[2]")}), "x");
  EXPECT_EQ(text("JSON_VALUE", {doc, S("$.a.b[3]")}), "NULL");  // JSON null: empty
  EXPECT_EQ(text("JSON_VALUE", {doc, S("$.n")}), "12345678901");
  EXPECT_EQ(text("JSON_VALUE", {doc, S("$.a")}), "NULL");       // strict, not a scalar: error → NULL
  EXPECT_EQ(text("JSON_VALUE", {doc, S("lax $.a")}), "NULL");   // lax, not a scalar: empty → NULL
  EXPECT_EQ(text("JSON_VALUE", {doc, S("$.missing")}), "NULL");
  EXPECT_EQ(text("JSON_VALUE", {S("not json"), S("$.a")}), "NULL");
  EXPECT_EQ(text("JSON_VALUE", {Null(DataType::string()), S("$.a")}), "NULL");
  {
    Json j;
    j.on_error("ERROR");
    EXPECT_EQ(eval_error("JSON_VALUE", {doc, S("strict $.missing")}, j.syntax),
              "JSON_VALUE: No results for path: property ['missing'] is missing");
    EXPECT_EQ(eval_error("JSON_VALUE", {doc, S("$.a")}, j.syntax),
              "JSON_VALUE: Strict jsonpath mode requires scalar value, and the actual value is: "
              "'{\"b\":[1,2.5,\"x\",null]}'");
    EXPECT_EQ(eval_error("JSON_VALUE", {S("{"), S("$.a")}, j.syntax), "JSON_VALUE: invalid JSON text: '{'");
    EXPECT_EQ(eval_error("JSON_VALUE", {doc, S("a.b")}, j.syntax),
              "JSON_VALUE: Illegal jsonpath spec: a.b, path must start with '$'");
  }
  {
    Json j;
    j.on_empty("ERROR");
    EXPECT_EQ(eval_error("JSON_VALUE", {doc, S("lax $.missing")}, j.syntax),
              "JSON_VALUE: Empty result of JSON_VALUE function is not allowed");
  }
  {
    Json j;
    j.returning(DataType::integer()).on_error("DEFAULT", Value::integer(-1));
    EXPECT_EQ(text("JSON_VALUE", {doc, S("$.a.b[0]")}, j.syntax), "1");
    EXPECT_EQ(text("JSON_VALUE", {doc, S("$.a.b[2]")}, j.syntax), "-1");  // 'x' is not an INT
    EXPECT_EQ(result_type("JSON_VALUE", {doc, S("$.a.b[0]")}, j.syntax), "INT");
  }
  EXPECT_EQ(text("JSON_VALUE", {S("[10, 20]"), S("$[-1]")}), "20");
  EXPECT_EQ(bind_error("JSON_VALUE", {S("{}")}), "JSON_VALUE expects 2 arguments, got 1");
}

TEST(JsonQuery, DocumentationExamples) {
  EXPECT_EQ(text("JSON_QUERY", {S(R"({ "a": { "b": 1 } })"), S("$.a")}), R"({"b":1})");
  EXPECT_EQ(text("JSON_QUERY", {S("[1, 2]"), S("$")}), "[1,2]");
  EXPECT_EQ(text("JSON_QUERY", {Null(DataType::string()), S("$")}), "NULL");
  EXPECT_EQ(text("JSON_QUERY", {S(R"({"a":[{"c":"c1"},{"c":"c2"}]})"), S("lax $.a[*].c")}), R"(["c1","c2"])");
  {
    Json j;
    j.wrapper("WITH CONDITIONAL ARRAY");
    EXPECT_EQ(text("JSON_QUERY", {S("{}"), S("$")}, j.syntax), "[{}]");
    EXPECT_EQ(text("JSON_QUERY", {S("[1, 2]"), S("$")}, j.syntax), "[1,2]");
    EXPECT_EQ(text("JSON_QUERY", {I(1), S("$")}, j.syntax), "[1]");
  }
  {
    Json j;
    j.wrapper("WITH UNCONDITIONAL ARRAY");
    EXPECT_EQ(text("JSON_QUERY", {S("[1, 2]"), S("$")}, j.syntax), "[[1,2]]");
  }
  EXPECT_EQ(text("JSON_QUERY", {I(1), S("$")}), "NULL");
  {
    Json j;
    j.on_empty("EMPTY OBJECT");
    EXPECT_EQ(text("JSON_QUERY", {S("{}"), S("lax $.invalid")}, j.syntax), "{}");
  }
  {
    Json j;
    j.on_error("EMPTY ARRAY");
    EXPECT_EQ(text("JSON_QUERY", {S("{}"), S("strict $.invalid")}, j.syntax), "[]");
  }
}

TEST(JsonQuery, ReturningArrayAndErrors) {
  Json j;
  j.returning(DataType::array(DataType::string()));
  Value v = call("JSON_QUERY", {S(R"({"a":["x", 1, {"b": null}, null, true]})"), S("$.a")}, j.syntax);
  ASSERT_FALSE(v.is_null());
  const auto& items = v.as_list();
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[0].as_string(), "x");
  EXPECT_EQ(items[1].as_string(), "1");
  EXPECT_EQ(items[2].as_string(), R"({"b":null})");
  EXPECT_TRUE(items[3].is_null());
  EXPECT_EQ(items[4].as_string(), "true");
  EXPECT_EQ(result_type("JSON_QUERY", {S("[]"), S("$")}, j.syntax), "ARRAY<STRING>");
  Json e;
  e.on_error("ERROR");
  EXPECT_EQ(eval_error("JSON_QUERY", {S(R"({"a":1})"), S("$.a")}, e.syntax),
            "JSON_QUERY: Strict jsonpath mode requires array or object value, and the actual value is: '1'");
  Json bad;
  bad.returning(DataType::integer());
  EXPECT_EQ(bind_error("JSON_QUERY", {S("[]"), S("$")}, bad.syntax),
            "JSON_QUERY: RETURNING INT is not supported, only STRING or ARRAY<STRING>");
  EXPECT_EQ(text("JSON_QUERY", {S(R"({"a":{"x":1},"b":{"x":2}})"), S("$.*.x")}), "[1,2]");
  EXPECT_EQ(text("JSON_QUERY", {S(R"({"k":"ü\n"})"), S("$")}), "{\"k\":\"ü\\n\"}");
}

TEST(JsonExists, DocumentationExamples) {
  EXPECT_EQ(text("JSON_EXISTS", {S(R"({"a": true})"), S("$.a")}), "TRUE");
  EXPECT_EQ(text("JSON_EXISTS", {S(R"({"a": true})"), S("$.b")}), "FALSE");
  EXPECT_EQ(text("JSON_EXISTS", {S(R"({"a": [{ "b": 1 }]})"), S("$.a[0].b")}), "TRUE");
  {
    Json j;
    j.on_error("TRUE");
    EXPECT_EQ(text("JSON_EXISTS", {S(R"({"a": true})"), S("strict $.b")}, j.syntax), "TRUE");
  }
  {
    Json j;
    j.on_error("FALSE");
    EXPECT_EQ(text("JSON_EXISTS", {S(R"({"a": true})"), S("strict $.b")}, j.syntax), "FALSE");
  }
  {
    Json j;
    j.on_error("UNKNOWN");
    EXPECT_EQ(text("JSON_EXISTS", {S(R"({"a": true})"), S("strict $.b")}, j.syntax), "NULL");
    EXPECT_EQ(text("JSON_EXISTS", {S(R"({"a": true})"), S("lax $.b")}, j.syntax), "FALSE");
  }
  {
    Json j;
    j.on_error("ERROR");
    EXPECT_EQ(eval_error("JSON_EXISTS", {S("[1"), S("$")}, j.syntax), "JSON_EXISTS: invalid JSON text: '[1'");
  }
  EXPECT_EQ(text("JSON_EXISTS", {Null(DataType::string()), S("$")}), "NULL");
}

TEST(JsonConstruct, JsonString) {
  EXPECT_EQ(text("JSON_STRING", {Null(DataType::integer())}), "NULL");
  EXPECT_EQ(text("JSON_STRING", {I(1)}), "1");
  EXPECT_EQ(text("JSON_STRING", {B(true)}), "true");
  EXPECT_EQ(text("JSON_STRING", {S("Hello, World!")}), "\"Hello, World!\"");
  DataType arr = DataType::array(DataType::integer()).with_nullable(false);
  EXPECT_EQ(text("JSON_STRING", {Typed(arr, Value::list({Value::integer(1), Value::integer(2)}))}), "[1,2]");
  EXPECT_EQ(text("JSON_STRING", {D(1e10)}), "1.0E10");
  EXPECT_EQ(text("JSON_STRING", {Dec("12.30", 5, 2)}), "12.30");
  EXPECT_EQ(text("JSON_STRING", {Typed(DataType::timestamp(3), Value::integer(*values::parse_timestamp_micros(
                                                                       "2024-01-31 10:00:05.120")))}),
            "\"2024-01-31T10:00:05.12\"");
  EXPECT_EQ(text("JSON_STRING", {Typed(DataType::timestamp_ltz(3), Value::integer(0))}), "\"1970-01-01T00:00:00Z\"");
  DataType row;
  row.id = TypeId::kRow;
  row.children = {DataType::integer(), DataType::string()};
  row.field_names = {"id", "name"};
  EXPECT_EQ(text("JSON_STRING", {Typed(row, Value::list({Value::integer(7), Value()}))}), R"({"id":7,"name":null})");
  DataType map = DataType::map(DataType::string(), DataType::integer());
  EXPECT_EQ(text("JSON_STRING", {Typed(map, Value::map({{Value::string("b"), Value::integer(2)},
                                                          {Value::string("a"), Value::integer(1)}}))}),
            R"({"b":2,"a":1})");
  EXPECT_EQ(bind_error("JSON_STRING", {Typed(DataType::date(), Value::integer(0))}),
            "JSON_STRING: Type 'DATE' is not scalar or cannot be converted into JSON.");
  EXPECT_EQ(result_type("JSON_STRING", {I(1)}), "STRING NOT NULL");
}

TEST(JsonConstruct, JsonObject) {
  EXPECT_EQ(text("JSON_OBJECT", {}), "{}");
  EXPECT_EQ(text("JSON_OBJECT", {S("K1"), S("V1"), S("K2"), S("V2")}), R"({"K1":"V1","K2":"V2"})");
  // Keys are sorted, as Flink 1.20.4 writes them (tests/sql/pipelines/drift_alerts.test, checked on Flink).
  EXPECT_EQ(text("JSON_OBJECT", {S("b"), I(1), S("a"), D(2.5)}), R"({"a":2.5,"b":1})");
  {
    Json j;
    j.on_null("NULL");
    EXPECT_EQ(text("JSON_OBJECT", {S("K1"), Null(DataType::string())}, j.syntax), R"({"K1":null})");
  }
  {
    Json j;
    j.on_null("ABSENT");
    EXPECT_EQ(text("JSON_OBJECT", {S("K1"), Null(DataType::string())}, j.syntax), "{}");
  }
  EXPECT_EQ(text("JSON_OBJECT", {S("K1"), Null(DataType::string())}), R"({"K1":null})");  // NULL ON NULL by default
  EXPECT_EQ(result_type("JSON_OBJECT", {S("K1"), Null(DataType::string())}), "STRING NOT NULL");
  EXPECT_EQ(bind_error("JSON_OBJECT", {S("K1")}),
            "JSON_OBJECT expects key/value pairs, got an odd number of arguments (1)");
  EXPECT_EQ(bind_error("JSON_OBJECT", {I(1), I(2)}), "JSON_OBJECT expects a STRING key as argument 1, got INT NOT NULL");
  // Limitation (see json_construct.cc): a nested JSON_OBJECT's result is a STRING and is embedded
  // as a string; Flink gives {"K1":{"K2":"V"}}.
  EXPECT_EQ(text("JSON_OBJECT", {S("K1"), S(R"({"K2":"V"})")}), R"({"K1":"{\"K2\":\"V\"}"})");
}

TEST(JsonConstruct, JsonArray) {
  EXPECT_EQ(text("JSON_ARRAY", {}), "[]");
  EXPECT_EQ(text("JSON_ARRAY", {I(1), S("2")}), R"([1,"2"])");
  {
    Json j;
    j.on_null("NULL");
    EXPECT_EQ(text("JSON_ARRAY", {Null(DataType::string())}, j.syntax), "[null]");
  }
  {
    Json j;
    j.on_null("ABSENT");
    EXPECT_EQ(text("JSON_ARRAY", {Null(DataType::string())}, j.syntax), "[]");
  }
  EXPECT_EQ(text("JSON_ARRAY", {Null(DataType::string()), B(false)}), "[false]");  // ABSENT ON NULL by default
}

TEST(JsonConstruct, IsJson) {
  auto is_json = [](const char* value, const char* kind) {
    std::vector<Arg> args{S(value)};
    if (kind) args.push_back(S(kind));
    return text("$IS_JSON", args);
  };
  EXPECT_EQ(is_json("1", nullptr), "TRUE");
  EXPECT_EQ(is_json("[]", nullptr), "TRUE");
  EXPECT_EQ(is_json("{}", nullptr), "TRUE");
  EXPECT_EQ(is_json("\"abc\"", nullptr), "TRUE");
  EXPECT_EQ(is_json("abc", nullptr), "FALSE");
  EXPECT_EQ(text("$IS_JSON", {Null(DataType::string()), S("VALUE")}), "FALSE");
  EXPECT_EQ(is_json("1", "SCALAR"), "TRUE");
  EXPECT_EQ(is_json("1", "ARRAY"), "FALSE");
  EXPECT_EQ(is_json("1", "OBJECT"), "FALSE");
  EXPECT_EQ(is_json("{}", "SCALAR"), "FALSE");
  EXPECT_EQ(is_json("{}", "ARRAY"), "FALSE");
  EXPECT_EQ(is_json("{}", "OBJECT"), "TRUE");
  EXPECT_EQ(result_type("$IS_JSON", {S("1"), S("VALUE")}), "BOOLEAN NOT NULL");
  EXPECT_EQ(bind_error("$IS_JSON", {S("1"), S("NUMBER")}), "$IS_JSON: unknown JSON kind 'NUMBER'");
}

TEST(JsonUtil, Serialization) {
  auto j = parse_json(R"({"z": 1, "a": [1.0, 1e-7, -0.5, "é\"\\"], "t": null})");
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ(serialize_json(*j), R"({"z":1,"a":[1.0,1.0E-7,-0.5,"é\"\\"],"t":null})");
  JsonPath p;
  std::string error;
  EXPECT_FALSE(parse_json_path("$.a[", &p, &error));
  EXPECT_EQ(error, "Illegal jsonpath spec: $.a[, expected an array index at position 4");
}

}  // namespace
}  // namespace careflow::exec::fn::testing
