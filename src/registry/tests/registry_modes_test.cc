// Modes (READWRITE, READONLY, READONLY_OVERRIDE, IMPORT) globally and per subject, imports with
// given ids and versions, /referencedby and the references that block deletes, and the /schemas
// and /subjects listings with their query parameters — over real HTTP, with Confluent's codes.
#include "registry/tests/registry_fixture.h"

namespace careflow::registry {
namespace {

using namespace careflow::registry::test_support;  // NOLINT: the fixture's names read as the test's own

json imported(const std::string& schema, int id, int version = 0) {
  json b{{"schema", schema}, {"id", id}};
  if (version) b["version"] = version;
  return b;
}

TEST_F(RegistryHttpTest, SubjectModes) {
  EXPECT_EQ(req("GET", "/mode").json(), (json{{"mode", "READWRITE"}}));
  expect_error(req("GET", "/mode/s"), 404, 40409);
  EXPECT_EQ(req("GET", "/mode/s?defaultToGlobal=true").json(), (json{{"mode", "READWRITE"}}));
  expect_error(req("PUT", "/mode/s", R"({"mode":"FAST"})"), 422, 42204);
  expect_error(req("PUT", "/mode/s", "not json"), 422, 42204);
  register_schema("s", kV1);
  EXPECT_EQ(req("PUT", "/mode/s", R"({"mode":"READONLY"})").json(), (json{{"mode", "READONLY"}}));
  EXPECT_EQ(req("GET", "/mode/s").json(), (json{{"mode", "READONLY"}}));
  auto refused = req("POST", "/subjects/s/versions", body(kV2));
  expect_error(refused, 422, 42205);
  EXPECT_EQ(refused.json()["message"], "Subject s is in read-only mode");
  expect_error(req("DELETE", "/subjects/s/versions/1"), 422, 42205);
  expect_error(req("DELETE", "/subjects/s"), 422, 42205);
  EXPECT_EQ(register_schema("t", kV1), 1);  // other subjects stay writable
  EXPECT_EQ(req("GET", "/subjects/s/versions").json(), json::array({1}));  // reads still work
  EXPECT_EQ(req("DELETE", "/mode/s").json(), (json{{"mode", "READONLY"}}));
  expect_error(req("DELETE", "/mode/s"), 404, 40409);
  EXPECT_EQ(register_schema("s", kV2), 2);

  // A global READONLY_OVERRIDE wins over a subject's own READWRITE; DELETE /mode ends it.
  EXPECT_EQ(req("PUT", "/mode/s", R"({"mode":"READWRITE"})").status, 200);
  EXPECT_EQ(req("PUT", "/mode", R"({"mode":"READONLY_OVERRIDE"})").json(), (json{{"mode", "READONLY_OVERRIDE"}}));
  expect_error(req("POST", "/subjects/s/versions", body(kV3)), 422, 42205);
  EXPECT_EQ(req("DELETE", "/mode").json(), (json{{"mode", "READONLY_OVERRIDE"}}));
  EXPECT_EQ(req("GET", "/mode").json(), (json{{"mode", "READWRITE"}}));
  // A global READONLY yields to a subject's own READWRITE.
  EXPECT_EQ(req("PUT", "/mode", R"({"mode":"READONLY"})").status, 200);
  expect_error(req("POST", "/subjects/t/versions", body(kV2)), 422, 42205);
  EXPECT_EQ(register_schema("s", kV1), 1);
  stop();
  start();
  EXPECT_EQ(req("GET", "/mode").json(), (json{{"mode", "READONLY"}}));
  EXPECT_EQ(req("GET", "/mode/s").json(), (json{{"mode", "READWRITE"}}));
}

TEST_F(RegistryHttpTest, ImportModeTakesGivenIdsAndVersions) {
  register_schema("live", kV1);
  auto refused = req("PUT", "/mode", R"({"mode":"IMPORT"})");
  expect_error(refused, 422, 42205);
  EXPECT_EQ(refused.json()["message"], "Cannot import since found existing subjects");
  expect_error(req("PUT", "/mode/live", R"({"mode":"IMPORT"})"), 422, 42205);
  // An id outside IMPORT mode is refused.
  auto not_import = req("POST", "/subjects/live/versions", imported(kV2, 50).dump());
  expect_error(not_import, 422, 42205);
  EXPECT_EQ(not_import.json()["message"], "Subject live is not in import mode");

  EXPECT_EQ(req("PUT", "/mode/imp", R"({"mode":"IMPORT"})").json(), (json{{"mode", "IMPORT"}}));
  auto no_id = req("POST", "/subjects/imp/versions", body(kV2));
  expect_error(no_id, 422, 42205);
  EXPECT_EQ(no_id.json()["message"], "Subject imp is not in read-write mode");
  EXPECT_EQ(req("POST", "/subjects/imp/versions", imported(kV3, 100, 3).dump()).json(), (json{{"id", 100}}));
  EXPECT_EQ(req("POST", "/subjects/imp/versions", imported(kV3, 100, 3).dump()).json(), (json{{"id", 100}}));  // again: the same
  // Imports skip the compatibility check (kV2 after kV3 is not BACKWARD-checked) and keep order.
  EXPECT_EQ(req("POST", "/subjects/imp/versions", imported(kV2, 90, 1).dump()).json(), (json{{"id", 90}}));
  EXPECT_EQ(req("GET", "/subjects/imp/versions").json(), json::array({1, 3}));
  EXPECT_EQ(req("GET", "/subjects/imp/versions/latest").json(), (json{{"subject", "imp"}, {"version", 3}, {"id", 100}, {"schema", kV3}}));
  EXPECT_EQ(req("GET", "/schemas/ids/100").json()["schema"], kV3);
  expect_error(req("POST", "/subjects/imp/versions", imported(R"("string")", 100, 4).dump()), 422, 42205);  // id 100 is kV3
  auto moved = req("POST", "/subjects/imp/versions", imported(kV1, 101).dump());  // kV1 is id 1
  expect_error(moved, 422, 42207);
  EXPECT_EQ(moved.json()["message"], "Schema already registered with id 1 instead of input id 101");
  expect_error(req("POST", "/subjects/imp/versions", imported(R"("long")", 7, 3).dump()), 422, 42205);  // version 3 taken
  expect_error(req("POST", "/subjects/imp/versions", json{{"schema", kV1}, {"id", "x"}}.dump()), 422, 42201);
  // A version alone takes the next id of the context.
  ASSERT_EQ(req("PUT", "/mode/imp2", R"({"mode":"IMPORT"})").status, 200);
  EXPECT_EQ(req("POST", "/subjects/imp2/versions", json{{"schema", R"("long")"}, {"version", 5}}.dump()).json(), (json{{"id", 101}}));
  expect_error(req("POST", "/subjects/live/versions", json{{"schema", kV2}, {"version", 9}}.dump()), 422, 42205);

  // force=true imports into a subject that has versions; afterwards new ids continue past them.
  EXPECT_EQ(req("PUT", "/mode/live?force=true", R"({"mode":"IMPORT"})").json(), (json{{"mode", "IMPORT"}}));
  EXPECT_EQ(req("PUT", "/mode?force=true", R"({"mode":"IMPORT"})").json(), (json{{"mode", "IMPORT"}}));
  EXPECT_EQ(req("DELETE", "/mode").json(), (json{{"mode", "IMPORT"}}));
  EXPECT_EQ(req("DELETE", "/mode/imp").json(), (json{{"mode", "IMPORT"}}));
  EXPECT_EQ(register_schema("next", R"("string")"), 102);
}

TEST_F(RegistryHttpTest, ReferencedByAndReferencesThatBlockDeletes) {
  const std::string address = R"({"type":"record","name":"Address","namespace":"hc","fields":[{"name":"city","type":"string"}]})";
  const std::string patient = R"({"type":"record","name":"Patient","namespace":"hc","fields":[{"name":"home","type":"Address"}]})";
  register_schema("address", address);
  EXPECT_EQ(req("GET", "/subjects/address/versions/1/referencedby").json(), json::array());
  json with = {{"schema", patient}, {"references", json::array({{{"name", "hc.Address"}, {"subject", "address"}, {"version", 1}}})}};
  int patient_id = req("POST", "/subjects/patient/versions", with.dump()).json()["id"];
  EXPECT_EQ(req("GET", "/subjects/address/versions/1/referencedby").json(), json::array({patient_id}));
  EXPECT_EQ(req("GET", "/subjects/address/versions/latest/referencedby").json(), json::array({patient_id}));
  expect_error(req("GET", "/subjects/nope/versions/1/referencedby"), 404, 40401);
  expect_error(req("GET", "/subjects/address/versions/2/referencedby"), 404, 40402);
  expect_error(req("GET", "/subjects/address/versions/x/referencedby"), 422, 42202);
  auto blocked = req("DELETE", "/subjects/address/versions/1");
  expect_error(blocked, 422, 42206);
  EXPECT_EQ(blocked.json()["message"], "One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=address,version=1}.");
  expect_error(req("DELETE", "/subjects/address"), 422, 42206);
  // In a context, an unqualified reference names a subject of that context.
  register_schema(":.c:address", address);
  ASSERT_EQ(req("POST", "/contexts/.c/subjects/patient/versions", with.dump()).status, 200);
  EXPECT_EQ(req("GET", "/contexts/.c/subjects/address/versions/1/referencedby").json(), json::array({2}));
  // Once the referrer is deleted, so can the referenced version be.
  EXPECT_EQ(req("DELETE", "/subjects/patient").json(), json::array({1}));
  EXPECT_EQ(req("GET", "/subjects/address/versions/1/referencedby").json(), json::array());
  EXPECT_EQ(req("DELETE", "/subjects/address/versions/1").json(), 1);
}

TEST_F(RegistryHttpTest, SchemasAndSubjectsListings) {
  register_schema("a", kV1);
  register_schema("a", kV2);
  register_schema("b", kV1);
  register_schema(":.x:c", kV3);
  req("DELETE", "/subjects/b");
  auto all = req("GET", "/schemas");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.json(), json::parse(json::array({{{"subject", ":.x:c"}, {"version", 1}, {"id", 1}, {"schema", kV3}},
                                                 {{"subject", "a"}, {"version", 1}, {"id", 1}, {"schema", kV1}},
                                                 {{"subject", "a"}, {"version", 2}, {"id", 2}, {"schema", kV2}}})
                                        .dump()));
  EXPECT_EQ(req("GET", "/schemas?subjectPrefix=a&latestOnly=true").json().size(), 1u);
  EXPECT_EQ(req("GET", "/schemas?subjectPrefix=a&latestOnly=true").json()[0]["version"], 2);
  EXPECT_EQ(req("GET", "/schemas?deleted=true&subjectPrefix=b").json()[0]["subject"], "b");
  EXPECT_EQ(req("GET", "/schemas?subjectPrefix=b").json(), json::array());
  EXPECT_EQ(req("GET", "/contexts/.x/schemas").json()[0]["subject"], ":.x:c");
  EXPECT_EQ(req("GET", "/subjects?deletedOnly=true").json(), json::array({"b"}));
  EXPECT_EQ(req("GET", "/subjects?deleted=true").json(), json::array({":.x:c", "a", "b"}));
}

}  // namespace
}  // namespace careflow::registry
