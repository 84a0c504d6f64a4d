// Contexts as Confluent has them, over real HTTP: an id space per context, the
// /contexts/{ctx}/... form of the endpoints (a client whose URL ends in /contexts/.ctx), id lookups
// scoped by subject or searched across contexts, settings per context, and the migration of a
// registry folder written before contexts had their own ids.
#include <fstream>
#include <sstream>

#include "registry/client_implementations.h"
#include "registry/tests/registry_fixture.h"

namespace careflow::registry {
namespace {

using namespace careflow::registry::test_support;  // NOLINT: the fixture's names read as the test's own

TEST_F(RegistryHttpTest, EachContextHasItsOwnIds) {
  EXPECT_EQ(register_schema("s", kV1), 1);
  EXPECT_EQ(register_schema("s", kV2), 2);
  // The first schema of context .a is id 1 there, although id 1 is kV1 in the default context.
  EXPECT_EQ(register_schema(":.a:s", kV3), 1);
  EXPECT_EQ(req("GET", "/subjects/:.a:s/versions/1").json()["id"], 1);
  EXPECT_EQ(req("GET", "/schemas/ids/1").json()["schema"], kV1);
  EXPECT_EQ(req("GET", "/schemas/ids/1?subject=:.a:s").json()["schema"], kV3);
  EXPECT_EQ(req("GET", "/schemas/ids/1?subject=:.a:").json()["schema"], kV3);
  EXPECT_EQ(req("GET", "/schemas/ids/1/schema?subject=:.a:").body, kV3);
  EXPECT_EQ(req("GET", "/contexts/.a/schemas/ids/1").json()["schema"], kV3);
  // A qualified lookup stays in its context, and so does one without a subject (the default
  // context); one with an unqualified subject tries the default context, then the others.
  expect_error(req("GET", "/schemas/ids/2?subject=:.a:"), 404, 40403);
  expect_error(req("GET", "/contexts/.a/schemas/ids/2"), 404, 40403);
  register_schema(":.b:x", kV1);
  register_schema(":.b:x", kV2);
  EXPECT_EQ(register_schema(":.b:y", R"("string")"), 3);
  expect_error(req("GET", "/schemas/ids/3"), 404, 40403);
  EXPECT_EQ(req("GET", "/schemas/ids/3?subject=y").json()["schema"], R"("string")");
  EXPECT_EQ(req("GET", "/schemas/ids/3/subjects?subject=y").json(), json::array({":.b:y"}));
  EXPECT_EQ(req("GET", "/schemas/ids/1?subject=y").json()["schema"], kV1);  // the default context first
  expect_error(req("GET", "/schemas/ids/4?subject=y"), 404, 40403);
  // Subjects of an id: those of the context the id is found in.
  EXPECT_EQ(req("GET", "/schemas/ids/1/subjects").json(), json::array({"s"}));
  EXPECT_EQ(req("GET", "/schemas/ids/1/subjects?subject=:.b:").json(), json::array({":.b:x"}));
  EXPECT_EQ(req("GET", "/schemas/ids/1/versions?subject=:.a:").json(), json::parse(R"([{"subject":":.a:s","version":1}])"));
  // The same schema text in one context is one id, as before.
  EXPECT_EQ(register_schema(":.a:t", kV3), 1);
  EXPECT_EQ(req("GET", "/contexts").json(), json::array({".", ".a", ".b"}));
}

TEST_F(RegistryHttpTest, ContextPathPrefixActsAsQualifiedSubjects) {
  auto created = req("POST", "/contexts/.flink-dev/subjects/metrics-value/versions", body(kV1));
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(created.json(), (json{{"id", 1}}));
  EXPECT_EQ(req("GET", "/subjects").json(), json::array({":.flink-dev:metrics-value"}));
  EXPECT_EQ(req("GET", "/contexts/.flink-dev/subjects").json(), json::array({":.flink-dev:metrics-value"}));
  EXPECT_EQ(req("GET", "/contexts/.other/subjects").json(), json::array());
  // A context named without its dot is the same context.
  EXPECT_EQ(req("GET", "/contexts/flink-dev/subjects/metrics-value/versions").json(), json::array({1}));
  auto latest = req("GET", "/contexts/.flink-dev/subjects/metrics-value/versions/latest");
  EXPECT_EQ(latest.json(), (json{{"subject", ":.flink-dev:metrics-value"}, {"version", 1}, {"id", 1}, {"schema", kV1}}));
  EXPECT_EQ(req("GET", "/subjects/:.flink-dev:metrics-value/versions/1").json(), latest.json());
  EXPECT_EQ(req("POST", "/contexts/.flink-dev/subjects/metrics-value", body(kV1)).json()["version"], 1);
  expect_error(req("GET", "/contexts/.flink-dev/subjects/metrics-value/versions/2"), 404, 40402);
  expect_error(req("GET", "/subjects/metrics-value/versions"), 404, 40401);  // not in the default context

  // The context's own compatibility: NONE there lets kV3 in; the default context stays BACKWARD.
  EXPECT_EQ(req("PUT", "/contexts/.flink-dev/config", R"({"compatibility":"NONE"})").json(), (json{{"compatibility", "NONE"}}));
  EXPECT_EQ(req("GET", "/config/:.flink-dev:").json(), (json{{"compatibilityLevel", "NONE"}}));
  EXPECT_EQ(req("GET", "/contexts/.flink-dev/config").json(), (json{{"compatibilityLevel", "NONE"}}));
  EXPECT_EQ(req("GET", "/contexts/.flink-dev/config/metrics-value?defaultToGlobal=true").json(), (json{{"compatibilityLevel", "NONE"}}));
  EXPECT_EQ(req("POST", "/contexts/.flink-dev/subjects/metrics-value/versions", body(kV3)).json(), (json{{"id", 2}}));
  register_schema("metrics-value", kV1);
  expect_error(req("POST", "/subjects/metrics-value/versions", body(kV3)), 409, 409);
  EXPECT_EQ(req("GET", "/config").json(), (json{{"compatibilityLevel", "BACKWARD"}}));

  // The context's own mode: read-only there, writable elsewhere.
  EXPECT_EQ(req("PUT", "/contexts/.flink-dev/mode", R"({"mode":"READONLY"})").json(), (json{{"mode", "READONLY"}}));
  EXPECT_EQ(req("GET", "/contexts/.flink-dev/mode").json(), (json{{"mode", "READONLY"}}));
  expect_error(req("POST", "/contexts/.flink-dev/subjects/other/versions", body(kV1)), 422, 42205);
  expect_error(req("DELETE", "/contexts/.flink-dev/subjects/metrics-value"), 422, 42205);
  EXPECT_EQ(register_schema("other", kV1), 1);
  EXPECT_EQ(req("DELETE", "/contexts/.flink-dev/mode").json(), (json{{"mode", "READONLY"}}));
  EXPECT_EQ(req("DELETE", "/contexts/.flink-dev/subjects/metrics-value").json(), json::array({1, 2}));
  EXPECT_EQ(req("GET", "/contexts").json(), json::array({".", ".flink-dev"}));
}

TEST_F(RegistryHttpTest, ClientsConfiguredWithAContextWorkInIt) {
  register_schema("m-value", kV1);  // id 1 in the default context
  auto http = http_client("http://127.0.0.1:" + std::to_string(server_->port()) + "/contexts/.flink-dev");
  ASSERT_TRUE(http.is_ok()) << http.status().to_string();
  auto embedded = embedded_client(*registry_, ".flink-dev");
  for (RegistryClient* client : {http->get(), embedded.get()}) {
    auto id = client->register_schema("m-value", kV3);
    ASSERT_TRUE(id.is_ok()) << id.status().to_string();
    EXPECT_EQ(*id, 1);
    // Id 1 means kV3 for these clients, kV1 for one in the default context.
    EXPECT_EQ(*client->schema_by_id(1), kV3);
    EXPECT_EQ(client->lookup("m-value", kV3)->version, 1);
    EXPECT_EQ(client->latest("m-value")->schema, kV3);
    EXPECT_EQ(client->schema_by_id(2).status().code(), StatusCode::kNotFound);
  }
  EXPECT_EQ(*embedded_client(*registry_)->schema_by_id(1), kV1);
  EXPECT_EQ(req("GET", "/subjects").json(), json::array({":.flink-dev:m-value", "m-value"}));
}

// A client without a context finds an id of another context when the default context lacks it,
// as Confluent's deserializers do through their topic's unqualified subject.
TEST_F(RegistryHttpTest, ClientsWithoutAContextFallBackToTheOthers) {
  register_schema("m-value", kV1);                   // id 1 in the default context
  register_schema(":.b:m-value", kV1);               // id 1 in .b
  EXPECT_EQ(register_schema(":.b:m-value", kV2), 2);  // id 2 in .b only
  auto http = http_client("http://127.0.0.1:" + std::to_string(server_->port()));
  ASSERT_TRUE(http.is_ok());
  auto embedded = embedded_client(*registry_);
  for (RegistryClient* client : {http->get(), embedded.get()}) {
    EXPECT_EQ(*client->schema_by_id(1), kV1);
    EXPECT_EQ(*client->schema_by_id(2), kV2);
    EXPECT_EQ(client->schema_by_id(3).status().code(), StatusCode::kNotFound);
  }
  // An HTTP client with a context stays in it, as Confluent's would.
  auto in_a = http_client("http://127.0.0.1:" + std::to_string(server_->port()) + "/contexts/.a");
  EXPECT_EQ((*in_a)->schema_by_id(1).status().code(), StatusCode::kNotFound);
}

// careflow's own readers use an embedded client scoped to schema_registry.context: an id there
// means that context's schema even when the default context holds the same id for another one
// (the pipelines' tables in `careflow up` read the simulator's records this way), and an id only
// the default context (or another) holds is still found — records a Kafka client wrote through the
// plain URL.
TEST_F(RegistryHttpTest, EmbeddedClientsWithAContextPreferItThenFallBack) {
  register_schema("m-value", kV1);                           // id 1 in the default context
  register_schema("m-value", kV2);                           // id 2 in the default context
  EXPECT_EQ(register_schema(":.flink-dev:r-value", kV3), 1);  // id 1 in .flink-dev
  register_schema(":.other:x-value", kV1);
  EXPECT_EQ(register_schema(":.other:x-value", kV2), 2);
  EXPECT_EQ(register_schema(":.other:y-value", R"("string")"), 3);  // id 3 in .other only
  auto scoped = embedded_client(*registry_, ".flink-dev");
  EXPECT_EQ(*scoped->schema_by_id(1), kV3);
  EXPECT_EQ(*scoped->schema_by_id(2), kV2);
  EXPECT_EQ(*scoped->schema_by_id(3), R"("string")");
  EXPECT_EQ(scoped->schema_by_id(4).status().code(), StatusCode::kNotFound);
}

// A registry folder as the code before per-context ids wrote it (one id sequence, no "format").
const char* kFormat1 = R"({
 "compatibility": "BACKWARD", "mode": "READWRITE", "next_id": 4,
 "schemas": [
  {"id": 1, "schema": "KV1", "schemaType": "AVRO", "references": []},
  {"id": 2, "schema": "KV2", "schemaType": "AVRO", "references": []},
  {"id": 3, "schema": "KV3", "schemaType": "AVRO", "references": []}],
 "subjects": {
  ":.ctx:b": {"versions": [{"version": 1, "id": 3, "deleted": false}]},
  "a": {"compatibility": "FULL", "versions": [{"version": 1, "id": 1, "deleted": true}, {"version": 2, "id": 2, "deleted": false}]}}
})";

TEST_F(RegistryHttpTest, AFolderWrittenWithGlobalIdsIsMigratedKeepingEveryId) {
  stop();
  std::string old = kFormat1;
  for (auto [name, schema] : {std::pair{"KV1", &kV1}, std::pair{"KV2", &kV2}, std::pair{"KV3", &kV3}}) {
    old.replace(old.find(name), 3, json(*schema).dump().substr(1, json(*schema).dump().size() - 2));
  }
  std::ofstream(dir_ / "registry.json") << old;
  start();
  // Every id still means what it meant: records written with them still decode.
  EXPECT_EQ(req("GET", "/schemas/ids/1").json()["schema"], kV1);
  EXPECT_EQ(req("GET", "/schemas/ids/3").json()["schema"], kV3);
  EXPECT_EQ(req("GET", "/schemas/ids/3?subject=:.ctx:").json()["schema"], kV3);
  EXPECT_EQ(req("GET", "/subjects/:.ctx:b/versions/1").json()["id"], 3);
  EXPECT_EQ(req("GET", "/subjects/a/versions?deleted=true").json(), json::array({1, 2}));
  EXPECT_EQ(req("GET", "/config/a").json()["compatibilityLevel"], "FULL");
  EXPECT_EQ(req("POST", "/subjects/a", body(kV2)).json()["id"], 2);
  // The file was rewritten in the new format, and no new id reuses an old one in any context.
  std::stringstream text;
  text << std::ifstream(dir_ / "registry.json").rdbuf();
  EXPECT_EQ(json::parse(text.str())["format"], 2);
  EXPECT_EQ(register_schema("c", R"("string")"), 4);
  EXPECT_EQ(register_schema(":.ctx:c", R"("long")"), 4);
  stop();
  start();
  EXPECT_EQ(req("GET", "/schemas/ids/4?subject=:.ctx:").json()["schema"], R"("long")");
  EXPECT_EQ(req("GET", "/schemas/ids/4").json()["schema"], R"("string")");
}

TEST_F(RegistryHttpTest, AFormatFromTheFutureIsAnErrorNamingTheFile) {
  stop();
  std::ofstream(dir_ / "registry.json") << R"({"format": 9, "compatibility": "BACKWARD", "mode": "READWRITE", "subjects": {}})";
  auto reg = SchemaRegistry::open(dir_.string());
  ASSERT_FALSE(reg.is_ok());
  EXPECT_NE(reg.status().message().find("registry.json: format 9"), std::string::npos) << reg.status().to_string();
  std::filesystem::remove(dir_ / "registry.json");
  start();
}

}  // namespace
}  // namespace careflow::registry
