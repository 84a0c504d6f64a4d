// careflow's Schema Registry over real HTTP against the real server: every endpoint and error
// code, the compatibility matrix, contexts, references, and persistence across a restart.
#include <fstream>

#include "registry/tests/registry_fixture.h"

namespace careflow::registry {
namespace {

using namespace careflow::registry::test_support;  // NOLINT: the fixture's names read as the test's own

TEST_F(RegistryHttpTest, RegisterAndReadBack) {
  EXPECT_EQ(req("GET", "/subjects").json(), json::array());
  int id = register_schema("metrics-value", kV1);
  EXPECT_EQ(id, 1);
  // The same schema again (whitespace aside) is the same id and no new version.
  EXPECT_EQ(register_schema("metrics-value", "  " + kV1 + "\n"), 1);
  EXPECT_EQ(req("GET", "/subjects/metrics-value/versions").json(), json::array({1}));
  // The same schema under another subject shares the id.
  EXPECT_EQ(register_schema("other-value", kV1), 1);
  EXPECT_EQ(register_schema("metrics-value", kV2), 2);
  EXPECT_EQ(req("GET", "/subjects").json(), json::array({"metrics-value", "other-value"}));
  EXPECT_EQ(req("GET", "/subjects?subjectPrefix=oth").json(), json::array({"other-value"}));

  auto v = req("GET", "/subjects/metrics-value/versions/latest");
  EXPECT_EQ(v.status, 200);
  EXPECT_EQ(v.headers["Content-Type"], "application/vnd.schemaregistry.v1+json");
  EXPECT_EQ(v.json(), (json{{"subject", "metrics-value"}, {"version", 2}, {"id", 2}, {"schema", kV2}}));
  EXPECT_EQ(req("GET", "/subjects/metrics-value/versions/1").json()["id"], 1);
  EXPECT_EQ(req("GET", "/subjects/metrics-value/versions/-1").json()["version"], 2);
  EXPECT_EQ(req("GET", "/subjects/metrics-value/versions/1/schema").body, kV1);

  auto found = req("POST", "/subjects/metrics-value", body(kV1));
  EXPECT_EQ(found.json(), (json{{"subject", "metrics-value"}, {"version", 1}, {"id", 1}, {"schema", kV1}}));

  EXPECT_EQ(req("GET", "/schemas/ids/2").json(), (json{{"schema", kV2}}));
  EXPECT_EQ(req("GET", "/schemas/ids/2/schema").body, kV2);
  EXPECT_EQ(req("GET", "/schemas/ids/1/subjects").json(), json::array({"metrics-value", "other-value"}));
  EXPECT_EQ(req("GET", "/schemas/ids/1/versions").json(),
            json::parse(R"([{"subject":"metrics-value","version":1},{"subject":"other-value","version":1}])"));
  EXPECT_EQ(req("GET", "/schemas/types").json(), json::array({"AVRO", "JSON"}));
  EXPECT_EQ(req("GET", "/contexts").json(), json::array({"."}));
}

TEST_F(RegistryHttpTest, ErrorCodes) {
  register_schema("s", kV1);
  expect_error(req("GET", "/subjects/nope/versions"), 404, 40401);
  expect_error(req("GET", "/subjects/nope/versions/1"), 404, 40401);
  expect_error(req("GET", "/subjects/s/versions/7"), 404, 40402);
  expect_error(req("GET", "/subjects/s/versions/abc"), 422, 42202);
  expect_error(req("GET", "/subjects/s/versions/0"), 422, 42202);
  expect_error(req("GET", "/schemas/ids/99"), 404, 40403);
  expect_error(req("GET", "/schemas/ids/x"), 404, 40403);
  expect_error(req("POST", "/subjects/s", body(kV2)), 404, 40403);
  expect_error(req("POST", "/subjects/nope", body(kV1)), 404, 40401);
  auto invalid = req("POST", "/subjects/s/versions", body(R"({"type":"record","name":"R","fields":[{"name":"a","type":"strin"}]})"));
  expect_error(invalid, 422, 42201);
  EXPECT_NE(invalid.json()["message"].get<std::string>().find("unknown type 'strin'"), std::string::npos);
  expect_error(req("POST", "/subjects/s/versions", "not json"), 422, 42201);
  auto protobuf = req("POST", "/subjects/p/versions", json{{"schema", "syntax = \"proto3\";"}, {"schemaType", "PROTOBUF"}}.dump());
  expect_error(protobuf, 422, 42201);
  EXPECT_NE(protobuf.json()["message"].get<std::string>().find("PROTOBUF is not supported"), std::string::npos);
  // JSON Schema is a type careflow stores (registry_json_schema_test.cc); a malformed one is 42201.
  expect_error(req("POST", "/subjects/j/versions", json{{"schema", "[1]"}, {"schemaType", "JSON"}}.dump()), 422, 42201);
  expect_error(req("PUT", "/config", R"({"compatibility":"SIDEWAYS"})"), 422, 42203);
  expect_error(req("PUT", "/mode", R"({"mode":"FAST"})"), 422, 42204);
  expect_error(req("GET", "/config/s"), 404, 40408);
  expect_error(req("DELETE", "/config/s"), 404, 40408);
  auto conflict = req("POST", "/subjects/s/versions", body(kV3));
  expect_error(conflict, 409, 409);
  EXPECT_NE(conflict.json()["message"].get<std::string>().find("field 'value'"), std::string::npos) << conflict.body;
  // Read-only mode refuses writes with 42205, and says so.
  EXPECT_EQ(req("PUT", "/mode", R"({"mode":"READONLY"})").json(), (json{{"mode", "READONLY"}}));
  expect_error(req("POST", "/subjects/s/versions", body(kV2)), 422, 42205);
  EXPECT_EQ(req("PUT", "/mode", R"({"mode":"READWRITE"})").status, 200);
  EXPECT_EQ(req("GET", "/mode").json(), (json{{"mode", "READWRITE"}}));
}

TEST_F(RegistryHttpTest, SoftAndPermanentDeletes) {
  register_schema("s", kV1);
  register_schema("s", kV2);
  expect_error(req("DELETE", "/subjects/s/versions/1?permanent=true"), 404, 40407);
  EXPECT_EQ(req("DELETE", "/subjects/s/versions/1").json(), 1);
  expect_error(req("DELETE", "/subjects/s/versions/1"), 404, 40406);
  EXPECT_EQ(req("GET", "/subjects/s/versions").json(), json::array({2}));
  EXPECT_EQ(req("GET", "/subjects/s/versions?deleted=true").json(), json::array({1, 2}));
  expect_error(req("GET", "/subjects/s/versions/1"), 404, 40402);
  EXPECT_EQ(req("GET", "/subjects/s/versions/1?deleted=true").json()["id"], 1);
  EXPECT_EQ(req("DELETE", "/subjects/s/versions/1?permanent=true").json(), 1);
  EXPECT_EQ(req("GET", "/subjects/s/versions?deleted=true").json(), json::array({2}));

  expect_error(req("DELETE", "/subjects/s?permanent=true"), 404, 40405);
  EXPECT_EQ(req("DELETE", "/subjects/s").json(), json::array({2}));
  expect_error(req("DELETE", "/subjects/s"), 404, 40404);
  expect_error(req("GET", "/subjects/s/versions"), 404, 40401);
  EXPECT_EQ(req("GET", "/subjects").json(), json::array());
  EXPECT_EQ(req("GET", "/subjects?deleted=true").json(), json::array({"s"}));
  EXPECT_EQ(req("DELETE", "/subjects/s?permanent=true").json(), json::array({2}));
  expect_error(req("DELETE", "/subjects/s"), 404, 40401);
  // The schema ids stay readable; a re-registered subject starts at version 1 again.
  EXPECT_EQ(req("GET", "/schemas/ids/1").status, 200);
  EXPECT_EQ(register_schema("s", kV3), 3);
  EXPECT_EQ(req("GET", "/subjects/s/versions").json(), json::array({1}));
}

TEST_F(RegistryHttpTest, ConfigAndCompatibilityEndpoint) {
  EXPECT_EQ(req("GET", "/config").json(), (json{{"compatibilityLevel", "BACKWARD"}}));
  register_schema("s", kV1);
  auto check = req("POST", "/compatibility/subjects/s/versions/latest?verbose=true", body(kV3));
  EXPECT_EQ(check.json()["is_compatible"], false) << check.body;
  EXPECT_EQ(check.json()["messages"].size(), 1u);
  EXPECT_EQ(req("POST", "/compatibility/subjects/s/versions/1", body(kV2)).json(), (json{{"is_compatible", true}}));
  expect_error(req("POST", "/compatibility/subjects/nope/versions/1", body(kV2)), 404, 40401);
  expect_error(req("POST", "/compatibility/subjects/s/versions/9", body(kV2)), 404, 40402);

  EXPECT_EQ(req("PUT", "/config/s", R"({"compatibility":"NONE"})").json(), (json{{"compatibility", "NONE"}}));
  EXPECT_EQ(req("GET", "/config/s").json(), (json{{"compatibilityLevel", "NONE"}}));
  EXPECT_EQ(req("POST", "/compatibility/subjects/s/versions/latest", body(kV3)).json(), (json{{"is_compatible", true}}));
  EXPECT_EQ(register_schema("s", kV3), 2);
  EXPECT_EQ(req("DELETE", "/config/s").json(), (json{{"compatibilityLevel", "NONE"}}));
  EXPECT_EQ(req("GET", "/config/s?defaultToGlobal=true").json(), (json{{"compatibilityLevel", "BACKWARD"}}));
  EXPECT_EQ(req("PUT", "/config", R"({"compatibility":"full_transitive"})").json(), (json{{"compatibility", "FULL_TRANSITIVE"}}));
  EXPECT_EQ(req("GET", "/config").json(), (json{{"compatibilityLevel", "FULL_TRANSITIVE"}}));
}

// Each row: a level, the versions already registered, the candidate, and whether it registers.
TEST_F(RegistryHttpTest, CompatibilityMatrix) {
  const std::string a = R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})";
  const std::string a_b_default = R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string","default":""}]})";
  const std::string a_b = R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]})";
  const std::string a_long = R"({"type":"record","name":"R","fields":[{"name":"a","type":"long"}]})";
  const std::string b_only = R"({"type":"record","name":"R","fields":[{"name":"b","type":"string","default":""}]})";
  struct Row {
    const char* level;
    std::vector<std::string> existing;
    std::string candidate;
    bool ok;
  };
  const std::vector<Row> rows = {
      {"NONE", {a}, a_b, true},
      {"BACKWARD", {a}, a_b_default, true},        // new reader fills b from its default
      {"BACKWARD", {a}, a_b, false},               // new reader has no value for b
      {"BACKWARD", {a}, a_long, true},             // int promotes to long
      {"BACKWARD", {a_long}, a, false},            // long does not narrow to int
      {"FORWARD", {a}, a_b, true},                 // old reader skips b
      {"FORWARD", {a}, a_long, false},             // old reader cannot read long as int
      {"FORWARD", {a_b}, a, false},                // old reader needs b, which has no default
      {"FULL", {a}, a_b_default, true},
      {"FULL", {a}, a_b, false},
      {"FULL", {a}, a_long, false},
      // Non-transitive levels only look at the latest version; transitive ones at all.
      {"BACKWARD", {a, b_only}, b_only, true},
      {"BACKWARD", {a_b_default, b_only}, a_b, false},
      {"BACKWARD", {a, a_b_default}, b_only, true},
      {"BACKWARD_TRANSITIVE", {a, a_b_default}, b_only, true},
      {"BACKWARD_TRANSITIVE", {b_only, a_b_default}, a_b, false},
      {"FORWARD_TRANSITIVE", {a, a_b_default}, b_only, false},  // v1's reader needs a
      {"FORWARD", {a, a_b_default}, a_b, true},
      {"FULL_TRANSITIVE", {a, a_b_default}, b_only, false},
      {"FULL", {a, a_b_default}, b_only, false},
  };
  int n = 0;
  for (const auto& row : rows) {
    const std::string subject = "m" + std::to_string(n++);
    ASSERT_EQ(req("PUT", "/config/" + subject, R"({"compatibility":"NONE"})").status, 200);
    for (const auto& s : row.existing) register_schema(subject, s);
    ASSERT_EQ(req("PUT", "/config/" + subject, json{{"compatibility", row.level}}.dump()).status, 200);
    auto r = req("POST", "/subjects/" + subject + "/versions", body(row.candidate));
    EXPECT_EQ(r.status, row.ok ? 200 : 409) << row.level << " #" << n << ": " << r.body;
  }
}

TEST_F(RegistryHttpTest, ContextsAndReferences) {
  EXPECT_EQ(register_schema(":.flink-dev:hc_raw_device_metrics-value", kV1), 1);
  EXPECT_EQ(req("GET", "/subjects/:.flink-dev:hc_raw_device_metrics-value/versions/latest").json()["id"], 1);
  EXPECT_EQ(req("GET", "/contexts").json(), json::array({".", ".flink-dev"}));
  EXPECT_EQ(req("GET", "/subjects?subjectPrefix=:.flink-dev:").json(), json::array({":.flink-dev:hc_raw_device_metrics-value"}));

  const std::string address = R"({"type":"record","name":"Address","namespace":"hc","fields":[{"name":"city","type":"string"}]})";
  const std::string patient = R"({"type":"record","name":"Patient","namespace":"hc","fields":[{"name":"home","type":"Address"}]})";
  register_schema("address", address);
  auto without = req("POST", "/subjects/patient/versions", body(patient));
  expect_error(without, 422, 42201);
  json with = {{"schema", patient}, {"references", json::array({{{"name", "hc.Address"}, {"subject", "address"}, {"version", 1}}})}};
  auto ok = req("POST", "/subjects/patient/versions", with.dump());
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto id = ok.json()["id"].get<int>();
  EXPECT_EQ(req("GET", "/schemas/ids/" + std::to_string(id)).json()["references"][0]["subject"], "address");
  EXPECT_EQ(req("GET", "/subjects/patient/versions/1").json()["references"][0]["name"], "hc.Address");
  with["references"][0]["version"] = 5;
  expect_error(req("POST", "/subjects/patient2/versions", with.dump()), 422, 42201);
}

TEST_F(RegistryHttpTest, SurvivesARestart) {
  register_schema("a", kV1);
  register_schema("a", kV2);
  register_schema(":.ctx:b", kV3);
  req("DELETE", "/subjects/a/versions/1");
  req("PUT", "/config/a", R"({"compatibility":"FULL"})");
  req("PUT", "/config", R"({"compatibility":"FORWARD"})");
  stop();
  start();
  EXPECT_EQ(req("GET", "/subjects").json(), json::array({":.ctx:b", "a"}));
  EXPECT_EQ(req("GET", "/subjects/a/versions").json(), json::array({2}));
  EXPECT_EQ(req("GET", "/subjects/a/versions?deleted=true").json(), json::array({1, 2}));
  // Context .ctx has its own ids: kV3 is id 1 there.
  EXPECT_EQ(req("GET", "/schemas/ids/1?subject=:.ctx:").json()["schema"], kV3);
  EXPECT_EQ(req("GET", "/config/a").json()["compatibilityLevel"], "FULL");
  EXPECT_EQ(req("GET", "/config").json()["compatibilityLevel"], "FORWARD");
  // Ids continue after the restart rather than being reused, in each context.
  EXPECT_EQ(register_schema("c", R"("string")"), 3);
  EXPECT_EQ(register_schema(":.ctx:c", R"("string")"), 2);
}

TEST_F(RegistryHttpTest, StorageFailureIs50001AndLeavesNoTrace) {
  register_schema("a", kV1);
  // A directory where the registry writes its temporary file makes the write fail.
  std::filesystem::create_directory(dir_ / "registry.json.tmp");
  expect_error(req("POST", "/subjects/a/versions", body(kV2)), 500, 50001);
  expect_error(req("PUT", "/config", R"({"compatibility":"NONE"})"), 500, 50001);
  // Memory agrees with the file: the failed writes left no trace in the answers either.
  EXPECT_EQ(req("GET", "/subjects/a/versions").json(), json::array({1}));
  expect_error(req("GET", "/schemas/ids/2"), 404, 40403);
  EXPECT_EQ(req("GET", "/config").json()["compatibilityLevel"], "BACKWARD");
  std::filesystem::remove(dir_ / "registry.json.tmp");
  EXPECT_EQ(register_schema("a", kV2), 2);  // the id the failed write did not use
  stop();
  start();
  EXPECT_EQ(req("GET", "/subjects/a/versions").json(), json::array({1, 2}));
}

TEST_F(RegistryHttpTest, CorruptStateFileIsAnErrorNamingIt) {
  stop();
  std::ofstream(dir_ / "registry.json") << "{ not json";
  auto reg = SchemaRegistry::open(dir_.string());
  ASSERT_FALSE(reg.is_ok());
  EXPECT_NE(reg.status().message().find("registry.json"), std::string::npos);
  std::filesystem::remove(dir_ / "registry.json");
  start();
}

}  // namespace
}  // namespace careflow::registry
