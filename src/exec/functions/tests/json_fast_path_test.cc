// The JSON_VALUE and JSON_QUERY fast paths must never disagree with the general path: whenever
// they answer, the answer is what parsing the document and applying the path gives.
#include "exec/functions/json_fast_path.h"

#include <gtest/gtest.h>

#include "exec/functions/json_util.h"

namespace careflow::exec::fn {
namespace {

// The general path's text for a member chain, or nullopt when it has no scalar there.
std::optional<std::string> general(const std::string& doc, const std::vector<std::string>& keys) {
  std::optional<Json> parsed = parse_json(doc);
  if (!parsed) return std::nullopt;
  JsonPath path;
  for (const std::string& k : keys) path.steps.push_back({JsonPath::Kind::kKey, k, 0});
  JsonPathResult r = eval_json_path(*parsed, path);
  if (!r.value || r.value->is_object() || r.value->is_array()) return std::nullopt;
  return r.value->is_string() ? r.value->get<std::string>() : serialize_json(*r.value);
}

TEST(JsonFastPathTest, AgreesWithTheGeneralPathOrGivesUp) {
  const std::vector<std::string> docs = {
      R"({"parameter_name":"Pressure","parameter_value":120,"parameter_tolerance":5,"unit":"mmHg"})",
      R"({"parameter_name":"FlowRate","parameter_value":2.5,"parameter_tolerance":0.2,"unit":"ml/h"})",
      R"( { "a" : { "b" : "deep" , "c" : [1, 2, {"d": 3}] } , "e" : -0.125 } )",
      R"({"a":"x\"y","b":"\u00e9","c":2.50,"d":1e2,"e":0.0001,"f":12345678.5,"g":true,"h":null})",
      R"({"a":1,"a":2})",
      R"({"a":123456789012345678901234567890,"b":0.1,"c":-7,"d":100.0,"e":0})",
      R"({"a":"unterminated})",
      R"({"a":1,})",
      R"({"a":01})",
      R"([{"a":1}])",
      R"({"a":1} trailing)",
      R"({"a":"tab	inside"})",
      R"({"x":{"a":1},"a":"top"})",
  };
  const std::vector<std::vector<std::string>> paths = {
      {"parameter_name"}, {"parameter_value"}, {"parameter_tolerance"}, {"unit"}, {"a"}, {"a", "b"}, {"a", "c"},
      {"b"}, {"c"}, {"d"}, {"e"}, {"f"}, {"g"}, {"h"}, {"missing"}};
  int answered = 0;
  for (const std::string& doc : docs) {
    for (const auto& keys : paths) {
      std::string text;
      FastJsonResult r = fast_json_member(doc, keys, &text);
      std::optional<std::string> expected = general(doc, keys);
      if (r == FastJsonResult::kFound) {
        ++answered;
        ASSERT_TRUE(expected.has_value()) << doc << " " << keys[0];
        EXPECT_EQ(text, *expected) << doc << " " << keys[0];
      }
      if (r == FastJsonResult::kMissing) {
        EXPECT_TRUE(parse_json(doc).has_value()) << "missing claimed on invalid JSON: " << doc;
        EXPECT_FALSE(expected.has_value()) << doc << " " << keys[0];
      }
    }
  }
  EXPECT_GE(answered, 12);  // the fast path does answer the common shapes
  std::string text;
  EXPECT_EQ(fast_json_member(docs[0], {"parameter_value"}, &text), FastJsonResult::kFound);
  EXPECT_EQ(text, "120");
  EXPECT_EQ(fast_json_member(docs[3], {"a"}, &text), FastJsonResult::kGiveUp);  // escapes
  EXPECT_EQ(fast_json_member(docs[3], {"c"}, &text), FastJsonResult::kGiveUp);  // 2.50 prints as 2.5
  EXPECT_EQ(fast_json_member(docs[4], {"a"}, &text), FastJsonResult::kGiveUp);  // duplicate key
  EXPECT_EQ(fast_json_member(docs[6], {"a"}, &text), FastJsonResult::kGiveUp);  // not JSON
  EXPECT_EQ(fast_json_member(docs[10], {"a"}, &text), FastJsonResult::kGiveUp);  // trailing text
}

// The general path's value at a member chain, or nullopt when the document is not JSON or has
// nothing there.
std::optional<Json> general_value(const std::string& doc, const std::vector<std::string>& keys) {
  std::optional<Json> parsed = parse_json(doc);
  if (!parsed) return std::nullopt;
  JsonPath path;
  for (const std::string& k : keys) path.steps.push_back({JsonPath::Kind::kKey, k, 0});
  return eval_json_path(*parsed, path).value;
}

const std::vector<std::string> kQueryDocs = {
    R"([{"parameter_name": "pressure", "parameter_value": 250.0, "parameter_tolerance": 2.5, "unit": "bar"},)"
    R"( {"parameter_name":"flow","parameter_value":62.5,"parameter_tolerance":0,"unit":"l/min"}])",
    R"({"a": [1, "two", null, true, {"b": [false, -3]}, [], {}], "c": {"d": "e"}})",
    R"({"a": [1.50, 2]})",                      // 1.50 prints as 1.5
    R"({"a": [{"k": 1, "k": 2}]})",             // duplicate key inside an element
    R"({"a": ["x\ny", {"s": "q\"r"}]})",        // escapes
    R"({"a": [1e3]})",                          // exponent
    "{\"a\": [\"caf\xC3\xA9\", {\"u\": \"\xF0\x9F\x98\x80\"}]}",  // valid UTF-8
    "{\"a\": [\"bad \xC3\x28\"]}",                                // ill-formed UTF-8
    "{\"a\": [\"overlong \xC0\xAF\"]}",
    "{\"a\": [\"surrogate \xED\xA0\x80\"]}",
    "{\"a\": [\"cut \xE2\x82\"]}",
    R"({"a": [1, 2,]})",
    R"({"a": [1, 2] )",
    R"({"a": "not an array", "b": 3})",
    R"({"a": [{"x": {"y": {"z": [1, {"w": 0.001}]}}}], "a2": {}})",
    R"([])",
    R"({})",
};
const std::vector<std::vector<std::string>> kQueryPaths = {{}, {"a"}, {"c"}, {"b"}, {"a2"}, {"missing"}};

TEST(JsonFastPathTest, QueryTextAgreesWithTheGeneralPathOrGivesUp) {
  int answered = 0;
  for (const std::string& doc : kQueryDocs) {
    for (const auto& keys : kQueryPaths) {
      std::string text;
      if (fast_json_composite(doc, keys, &text) != FastJsonResult::kFound) continue;
      ++answered;
      std::optional<Json> expected = general_value(doc, keys);
      ASSERT_TRUE(expected && (expected->is_object() || expected->is_array())) << doc;
      EXPECT_EQ(text, serialize_json(*expected)) << doc;
    }
  }
  EXPECT_GE(answered, 12);
  std::string text;
  EXPECT_EQ(fast_json_composite(kQueryDocs[1], {"c"}, &text), FastJsonResult::kFound);
  EXPECT_EQ(text, R"({"d":"e"})");
  EXPECT_EQ(fast_json_composite(kQueryDocs[3], {"a"}, &text), FastJsonResult::kGiveUp);   // duplicate key
  EXPECT_EQ(fast_json_composite(kQueryDocs[13], {"a"}, &text), FastJsonResult::kGiveUp);  // a scalar
}

TEST(JsonFastPathTest, QueryElementsAgreeWithTheGeneralPathOrGiveUp) {
  int answered = 0;
  for (const std::string& doc : kQueryDocs) {
    for (const auto& keys : kQueryPaths) {
      std::vector<values::Value> items;
      if (fast_json_elements(doc, keys, &items) != FastJsonResult::kFound) continue;
      ++answered;
      std::optional<Json> expected = general_value(doc, keys);
      ASSERT_TRUE(expected && expected->is_array()) << doc;
      ASSERT_EQ(items.size(), expected->size()) << doc;
      for (size_t i = 0; i < items.size(); ++i) {
        const Json& e = (*expected)[i];
        if (e.is_null()) {
          EXPECT_TRUE(items[i].is_null()) << doc;
        } else {
          EXPECT_EQ(items[i].as_string(), e.is_string() ? e.get<std::string>() : serialize_json(e)) << doc;
        }
      }
    }
  }
  EXPECT_GE(answered, 5);
  std::vector<values::Value> items;
  ASSERT_EQ(fast_json_elements(kQueryDocs[0], {}, &items), FastJsonResult::kFound);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].as_string(), R"({"parameter_name":"pressure","parameter_value":250.0,"parameter_tolerance":2.5,"unit":"bar"})");
  for (size_t bad : {2, 3, 4, 5}) EXPECT_EQ(fast_json_elements(kQueryDocs[bad], {"a"}, &items), FastJsonResult::kGiveUp) << bad;
}

TEST(JsonFastPathTest, IllFormedUtf8IsNeverAnswered) {
  for (size_t bad : {7, 8, 9, 10}) {
    ASSERT_FALSE(parse_json(kQueryDocs[bad]).has_value()) << bad;
    std::vector<values::Value> items;
    std::string text;
    EXPECT_EQ(fast_json_elements(kQueryDocs[bad], {"a"}, &items), FastJsonResult::kGiveUp) << bad;
    EXPECT_EQ(fast_json_composite(kQueryDocs[bad], {"a"}, &text), FastJsonResult::kGiveUp) << bad;
  }
  std::string text;
  EXPECT_EQ(fast_json_member("{\"a\": \"caf\xC3\xA9\"}", {"a"}, &text), FastJsonResult::kFound);
  EXPECT_EQ(text, "caf\xC3\xA9");
}

}  // namespace
}  // namespace careflow::exec::fn
