// JSON Schema (schemaType "JSON") in careflow's registry over real HTTP, as Confluent's registry
// has it: register, look up, versions and ids with the type in every answer; the schema text kept
// as given (compact); a JSON Schema and an Avro schema of the same text are different schemas;
// compatibility for identical schemas and NONE; malformed documents refused with 42201 naming
// what is wrong, within the nesting and body limits.
#include "registry/tests/registry_fixture.h"

namespace careflow::registry {
namespace {

using namespace careflow::registry::test_support;  // NOLINT: the fixture's names read as the test's own

const std::string kReading =
    R"({"type":"object","title":"Record","properties":{"device_id":{"type":"string","connect.index":0},"value":{"oneOf":[{"type":"null"},{"type":"number","connect.type":"float64"}],"connect.index":1}},"required":["device_id"]})";
const std::string kReadingV2 =
    R"({"type":"object","title":"Record","properties":{"device_id":{"type":"string","connect.index":0}},"required":["device_id"]})";

std::string json_body(const std::string& schema) { return json{{"schema", schema}, {"schemaType", "JSON"}}.dump(); }

class RegistryJsonSchemaTest : public RegistryHttpTest {
 protected:
  int register_json(const std::string& subject, const std::string& schema) {
    auto r = req("POST", "/subjects/" + subject + "/versions", json_body(schema));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().value("id", -1);
  }
  std::string refused(const std::string& schema) {
    auto r = req("POST", "/subjects/bad-value/versions", json_body(schema));
    expect_error(r, 422, 42201);
    return r.json().value("message", "");
  }
};

TEST_F(RegistryJsonSchemaTest, RegisterLookUpAndReadBackWithTheType) {
  std::string spaced;
  for (char c : kReading) spaced += c == ',' ? std::string(",\n  ") : std::string(1, c);
  EXPECT_EQ(register_json("metrics-value", spaced), 1);
  EXPECT_EQ(register_json("metrics-value", kReading), 1);  // the same schema, whitespace aside
  auto latest = req("GET", "/subjects/metrics-value/versions/latest");
  EXPECT_EQ(latest.json(), (json{{"subject", "metrics-value"}, {"version", 1}, {"id", 1}, {"schemaType", "JSON"}, {"schema", kReading}}));
  EXPECT_EQ(req("GET", "/subjects/metrics-value/versions/1/schema").body, kReading);  // members in the order given
  EXPECT_EQ(req("GET", "/schemas/ids/1").json(), (json{{"schemaType", "JSON"}, {"schema", kReading}}));
  auto found = req("POST", "/subjects/metrics-value", json_body(kReading));
  EXPECT_EQ(found.json()["version"], 1) << found.body;
  EXPECT_EQ(found.json()["schemaType"], "JSON");
  EXPECT_EQ(req("GET", "/subjects/metrics-value/versions").json(), json::array({1}));
  EXPECT_EQ(req("GET", "/schemas").json()[0]["schemaType"], "JSON");
  // Without schemaType the same text is looked up as Avro, which it is not.
  expect_error(req("POST", "/subjects/metrics-value", body(kReading)), 422, 42201);
}

TEST_F(RegistryJsonSchemaTest, TheSameTextAsAvroAndAsJsonSchemaAreTwoSchemas) {
  const std::string text = R"({"type":"string"})";
  EXPECT_EQ(register_schema("avro-value", text), 1);
  EXPECT_EQ(register_json("json-value", text), 2);
  EXPECT_FALSE(req("GET", "/schemas/ids/1").json().contains("schemaType"));
  EXPECT_EQ(req("GET", "/schemas/ids/2").json()["schemaType"], "JSON");
  expect_error(req("POST", "/subjects/avro-value", json_body(text)), 404, 40403);
}

TEST_F(RegistryJsonSchemaTest, CompatibilityIsCheckedForIdenticalSchemasAndNone) {
  register_json("s", kReading);
  // BACKWARD (the default): a changed JSON Schema is refused, saying why and what to set.
  auto changed = req("POST", "/subjects/s/versions", json_body(kReadingV2));
  expect_error(changed, 409, 409);
  EXPECT_NE(changed.json()["message"].get<std::string>().find("identical"), std::string::npos) << changed.body;
  auto check = req("POST", "/compatibility/subjects/s/versions/latest", json_body(kReading));
  EXPECT_EQ(check.json()["is_compatible"], true) << check.body;
  EXPECT_EQ(req("POST", "/compatibility/subjects/s/versions/latest", json_body(kReadingV2)).json()["is_compatible"], false);
  // An Avro schema after a JSON one is a different type: incompatible.
  auto avro = req("POST", "/subjects/s/versions", body(kV1));
  expect_error(avro, 409, 409);
  EXPECT_NE(avro.json()["message"].get<std::string>().find("JSON schema and the new one is AVRO"), std::string::npos) << avro.body;
  // NONE lets any JSON Schema in.
  ASSERT_EQ(req("PUT", "/config/s", R"({"compatibility":"NONE"})").status, 200);
  EXPECT_EQ(register_json("s", kReadingV2), 2);
  EXPECT_EQ(req("GET", "/subjects/s/versions").json(), json::array({1, 2}));
}

TEST_F(RegistryJsonSchemaTest, MalformedDocumentsAreRefusedNamingWhere) {
  EXPECT_NE(refused("{\"type\":").find("not JSON"), std::string::npos);
  EXPECT_NE(refused("[1]").find("a schema is an object or a boolean"), std::string::npos);
  EXPECT_NE(refused(R"({"type":"timestamp"})").find(R"(/type: "timestamp" is not a JSON Schema type)"), std::string::npos);
  EXPECT_NE(refused(R"({"properties":{"a":{"type":["string",3]}}})").find("/properties/a/type/1"), std::string::npos);
  EXPECT_NE(refused(R"({"properties":[]})").find("/properties: must be an object of schemas"), std::string::npos);
  EXPECT_NE(refused(R"({"oneOf":[]})").find("/oneOf: must be a non-empty array"), std::string::npos);
  EXPECT_NE(refused(R"({"required":["a",1]})").find("/required/1"), std::string::npos);
  EXPECT_NE(refused(R"({"items":{"maxLength":-1}})").find("/items/maxLength: must be a non-negative integer"), std::string::npos);
  EXPECT_NE(refused(R"({"$ref":5})").find("/$ref: must be a string"), std::string::npos);
  // A property named like a keyword is a name, not a keyword; booleans are schemas.
  EXPECT_EQ(register_json("ok-value", R"({"properties":{"type":{"type":"string"},"required":true},"additionalProperties":false})"), 1);
  // Nesting past careflow's JSON limit is refused by the parser, not by a stack overflow.
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += R"({"items":)";
  deep += "{}";
  for (int i = 0; i < 200; ++i) deep += "}";
  EXPECT_NE(refused(deep).find("nests deeper"), std::string::npos);
  EXPECT_EQ(req("GET", "/subjects").json(), json::array({"ok-value"}));
}

TEST_F(RegistryJsonSchemaTest, JsonSchemasSurviveARestart) {
  register_json("metrics-value", kReading);
  stop();
  start();
  EXPECT_EQ(req("GET", "/schemas/ids/1").json(), (json{{"schemaType", "JSON"}, {"schema", kReading}}));
  EXPECT_EQ(register_json("metrics-value", kReading), 1);
}

}  // namespace
}  // namespace careflow::registry
