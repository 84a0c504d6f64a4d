// The JSON_VALUE fast path must never disagree with the general path: whenever it answers, the
// answer is what parsing the document and applying the path gives.
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

}  // namespace
}  // namespace careflow::exec::fn
