// careflow's Iceberg REST catalog routes, dispatched without a server: namespaces and tables
// created, listed and loaded; commits checked against their requirements (a stale one is a 409
// CommitFailedException) and their updates applied as the next metadata version; errors in the
// spec's shape.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "lake/iceberg_commit.h"
#include "lake/iceberg_files.h"
#include "lake/iceberg_rest.h"

namespace careflow::lake::iceberg {
namespace {

using values::Value;

namespace fs = std::filesystem;
using nlohmann::json;

class IcebergRest : public ::testing::Test {
 protected:
  void SetUp() override {
    warehouse_ = (fs::temp_directory_path() / fmt::format("careflow-rest-{}", ::getpid())).string();
    fs::remove_all(warehouse_);
    fs::create_directories(warehouse_);
    add_rest_catalog_routes(router_, warehouse_);
  }
  void TearDown() override { fs::remove_all(warehouse_); }

  std::pair<int, json> call(const std::string& method, const std::string& path, const json& body = nullptr) {
    http::HttpRequest r;
    r.method = method;
    r.path = path;
    r.headers["content-type"] = "application/json";
    if (!body.is_null()) r.body = body.dump();
    http::HttpResponse response = router_.dispatch(r);
    return {response.status, response.body.empty() ? json() : json::parse(response.body)};
  }

  std::string warehouse_;
  http::Router router_;
};

const json kSchema = {{"type", "struct"},
                      {"schema-id", 0},
                      {"fields", json::array({{{"id", 1}, {"name", "id"}, {"type", "long"}, {"required", true}},
                                              {{"id", 2}, {"name", "ts"}, {"type", "timestamptz"}, {"required", false}}})}};

TEST_F(IcebergRest, NamespacesAndTablesAreCreatedListedAndLoaded) {
  EXPECT_EQ(call("GET", "/iceberg/v1/config").first, 200);
  EXPECT_EQ(call("POST", "/iceberg/v1/namespaces", {{"namespace", {"hc"}}}).first, 200);
  auto again = call("POST", "/iceberg/v1/namespaces", {{"namespace", {"hc"}}});
  EXPECT_EQ(again.first, 409);
  EXPECT_EQ(again.second["error"]["type"], "AlreadyExistsException");
  EXPECT_EQ(call("GET", "/iceberg/v1/namespaces").second["namespaces"], json::array({json::array({"hc"})}));

  auto created = call("POST", "/iceberg/v1/namespaces/hc/tables",
                      {{"name", "events"},
                       {"schema", kSchema},
                       {"partition-spec", {{"spec-id", 0}, {"fields", json::array({{{"source-id", 2}, {"transform", "day"}, {"name", "ts_day"}}})}}}});
  ASSERT_EQ(created.first, 200) << created.second.dump();
  EXPECT_EQ(created.second["metadata"]["partition-specs"][0]["fields"][0]["field-id"], 1000);
  EXPECT_EQ(created.second["metadata-location"], warehouse_ + "/hc/events/metadata/v1.metadata.json");
  EXPECT_EQ(call("GET", "/iceberg/v1/namespaces/hc/tables").second["identifiers"][0]["name"], "events");
  auto loaded = call("GET", "/iceberg/v1/namespaces/hc/tables/events");
  EXPECT_EQ(loaded.first, 200);
  EXPECT_EQ(loaded.second["metadata"]["schemas"][0]["fields"][1]["type"], "timestamptz");

  auto missing = call("GET", "/iceberg/v1/namespaces/hc/tables/nope");
  EXPECT_EQ(missing.first, 404);
  EXPECT_EQ(missing.second["error"]["type"], "NoSuchTableException");
  EXPECT_EQ(call("GET", "/iceberg/v1/namespaces/nope/tables").second["error"]["type"], "NoSuchNamespaceException");
  // A table of a missing namespace is a missing table (Iceberg's Java client relies on it to find
  // metadata tables such as hc.events.partitions, sent as namespace "hc\x1fevents").
  EXPECT_EQ(call("GET", "/iceberg/v1/namespaces/hc%1Fevents/tables/partitions").second["error"]["type"], "NoSuchTableException");
  EXPECT_EQ(call("POST", "/iceberg/v1/namespaces/hc/tables/events/metrics", {{"report-type", "scan-report"}}).first, 204);
  EXPECT_EQ(call("POST", "/iceberg/v1/namespaces/hc/tables", {{"name", "../x"}, {"schema", kSchema}}).first, 400);

  EXPECT_EQ(call("DELETE", "/iceberg/v1/namespaces/hc").second["error"]["type"], "NamespaceNotEmptyException");
  EXPECT_EQ(call("DELETE", "/iceberg/v1/namespaces/hc/tables/events").first, 204);
  EXPECT_FALSE(fs::exists(warehouse_ + "/hc/events"));
  EXPECT_EQ(call("DELETE", "/iceberg/v1/namespaces/hc/tables/events").first, 404);
  EXPECT_EQ(call("DELETE", "/iceberg/v1/namespaces/hc").first, 204);
  EXPECT_EQ(call("GET", "/iceberg/v1/namespaces").second["namespaces"], json::array());
}

// A schema with struct, list and map fields (as pyiceberg sends it) creates a table whose columns
// carry the nested ids and whose last-column-id counts them; add-schema keeps a nested field's
// type whole, and a damaged nested type is a 400 naming the field.
TEST_F(IcebergRest, NestedSchemasKeepTheirFieldIds) {
  ASSERT_EQ(call("POST", "/iceberg/v1/namespaces", {{"namespace", {"hc"}}}).first, 200);
  const json point = {{"type", "struct"},
                      {"fields", json::array({{{"id", 4}, {"name", "x"}, {"type", "double"}, {"required", true}},
                                              {{"id", 5}, {"name", "label"}, {"type", "string"}, {"required", false}}})}};
  const json tags = {{"type", "list"}, {"element-id", 6}, {"element", "string"}, {"element-required", false}};
  const json attrs = {{"type", "map"}, {"key-id", 7}, {"key", "string"}, {"value-id", 8}, {"value", point}, {"value-required", false}};
  const json schema = {{"type", "struct"},
                       {"schema-id", 0},
                       {"fields", json::array({{{"id", 1}, {"name", "p"}, {"type", point}, {"required", false}},
                                               {{"id", 2}, {"name", "tags"}, {"type", tags}, {"required", false}},
                                               {{"id", 3}, {"name", "attrs"}, {"type", attrs}, {"required", true}}})}};
  auto created = call("POST", "/iceberg/v1/namespaces/hc/tables", {{"name", "n"}, {"schema", schema}});
  ASSERT_EQ(created.first, 200) << created.second.dump();
  EXPECT_EQ(created.second["metadata"]["last-column-id"], 8);
  EXPECT_EQ(created.second["metadata"]["schemas"][0]["fields"][2]["type"], attrs);
  auto table = load_table(warehouse_ + "/hc/n");
  ASSERT_TRUE(table.is_ok()) << table.status().message();
  EXPECT_EQ(table->columns[0].nested_ids, (std::vector<int32_t>{4, 5}));
  EXPECT_EQ(table->columns[2].nested_ids, (std::vector<int32_t>{7, 8, 4, 5}));
  EXPECT_EQ(table->columns[2].type.to_string(), "MAP<STRING NOT NULL, ROW<`x` DOUBLE NOT NULL, `label` STRING>> NOT NULL");

  json changed = schema;
  changed["fields"][1]["type"]["element"] = "long";
  auto refused = call("POST", "/iceberg/v1/namespaces/hc/tables/n",
                      {{"updates", json::array({{{"action", "add-schema"}, {"schema", changed}}})}});
  EXPECT_EQ(refused.first, 400);
  EXPECT_NE(refused.second["error"]["message"].get<std::string>().find("'tags'"), std::string::npos) << refused.second.dump();
  json broken = schema;
  broken["fields"][1]["type"].erase("element-id");
  auto bad = call("POST", "/iceberg/v1/namespaces/hc/tables", {{"name", "b"}, {"schema", broken}});
  EXPECT_EQ(bad.first, 400);
  EXPECT_NE(bad.second["error"]["message"].get<std::string>().find("tags"), std::string::npos) << bad.second.dump();
}

TEST_F(IcebergRest, CommitsCheckRequirementsAndApplyUpdates) {
  call("POST", "/iceberg/v1/namespaces", {{"namespace", {"hc"}}});
  ASSERT_EQ(call("POST", "/iceberg/v1/namespaces/hc/tables", {{"name", "t"}, {"schema", kSchema}}).first, 200);
  const std::string path = "/iceberg/v1/namespaces/hc/tables/t";
  // A careflow commit moves main to a snapshot.
  auto snap = append_files(warehouse_ + "/hc/t", {}, {});
  ASSERT_TRUE(snap.is_ok()) << snap.status().to_string();

  auto stale = call("POST", path,
                    {{"requirements", json::array({{{"type", "assert-ref-snapshot-id"}, {"ref", "main"}, {"snapshot-id", nullptr}}})},
                     {"updates", json::array({{{"action", "set-properties"}, {"updates", {{"k", "v"}}}}})}});
  EXPECT_EQ(stale.first, 409);
  EXPECT_EQ(stale.second["error"]["type"], "CommitFailedException");

  auto ok = call("POST", path,
                 {{"requirements", json::array({{{"type", "assert-ref-snapshot-id"}, {"ref", "main"}, {"snapshot-id", snap->snapshot_id}}})},
                  {"updates", json::array({{{"action", "set-properties"}, {"updates", {{"k", "v"}}}}})}});
  ASSERT_EQ(ok.first, 200) << ok.second.dump();
  EXPECT_EQ(ok.second["metadata"]["properties"]["k"], "v");
  EXPECT_EQ(ok.second["metadata-location"], warehouse_ + "/hc/t/metadata/v3.metadata.json");
  EXPECT_EQ(ok.second["metadata"]["metadata-log"].size(), 2u);

  // A snapshot added and made current through the catalog, as pyiceberg's append does.
  json snapshot = {{"snapshot-id", 77}, {"parent-snapshot-id", snap->snapshot_id}, {"sequence-number", 2}, {"timestamp-ms", 1},
                   {"manifest-list", snap->manifest_list}, {"summary", {{"operation", "append"}}}, {"schema-id", 0}};
  auto added = call("POST", path,
                    {{"requirements", json::array({{{"type", "assert-table-uuid"}, {"uuid", ok.second["metadata"]["table-uuid"]}}})},
                     {"updates", json::array({{{"action", "add-snapshot"}, {"snapshot", snapshot}},
                                              {{"action", "set-snapshot-ref"}, {"ref-name", "main"}, {"type", "branch"}, {"snapshot-id", 77}}})}});
  ASSERT_EQ(added.first, 200) << added.second.dump();
  auto table = load_table(warehouse_ + "/hc/t");
  ASSERT_TRUE(table.is_ok());
  EXPECT_EQ(table->current_snapshot_id, 77);
  EXPECT_EQ(table->last_sequence_number, 2);
  EXPECT_EQ(table->current()->parent_snapshot_id, snap->snapshot_id);

  auto unsupported = call("POST", path, {{"requirements", json::array()}, {"updates", json::array({{{"action", "add-spec"}}})}});
  EXPECT_EQ(unsupported.first, 400);
  EXPECT_NE(unsupported.second["error"]["message"].get<std::string>().find("update 'add-spec' is not supported"), std::string::npos);
  EXPECT_EQ(call("POST", path, {{"updates", json::array({{{"action", "set-snapshot-ref"}, {"ref-name", "main"}, {"snapshot-id", 5}}})}}).first,
            400);
  EXPECT_EQ(call("POST", path, json("not an object")).first, 400);
}

// Schema evolution as pyiceberg's update_schema commits it: add-schema (a column added, one renamed,
// int promoted to long) and set-current-schema -1; files written before read by field id (the new
// column NULL, the renamed one by its new name); a change the spec does not allow refused.
TEST_F(IcebergRest, SchemaEvolutionReadsOldFilesByFieldId) {
  call("POST", "/iceberg/v1/namespaces", {{"namespace", {"hc"}}});
  json schema = {{"type", "struct"}, {"schema-id", 0},
                 {"fields", json::array({{{"id", 1}, {"name", "id"}, {"type", "long"}, {"required", true}},
                                         {{"id", 2}, {"name", "n"}, {"type", "int"}, {"required", false}}})}};
  ASSERT_EQ(call("POST", "/iceberg/v1/namespaces/hc/tables", {{"name", "e"}, {"schema", schema}}).first, 200);
  const std::string location = warehouse_ + "/hc/e";
  auto t = load_table(location);
  ASSERT_TRUE(t.is_ok());
  DataFileWriter w(*t, "old");
  ASSERT_TRUE(w.add({Value::integer(1), Value::integer(10)}).is_ok());
  ASSERT_TRUE(append_files(location, *w.flush(), {}).is_ok());

  const std::string path = "/iceberg/v1/namespaces/hc/tables/e";
  json evolved = {{"type", "struct"}, {"schema-id", 1},
                  {"fields", json::array({{{"id", 1}, {"name", "id"}, {"type", "long"}, {"required", true}},
                                          {{"id", 2}, {"name", "count"}, {"type", "long"}, {"required", false}},
                                          {{"id", 3}, {"name", "note"}, {"type", "string"}, {"required", false}}})}};
  auto changed = call("POST", path,
                      {{"requirements", json::array({{{"type", "assert-current-schema-id"}, {"current-schema-id", 0}}})},
                       {"updates", json::array({{{"action", "add-schema"}, {"schema", evolved}, {"last-column-id", 3}},
                                                {{"action", "set-current-schema"}, {"schema-id", -1}}})}});
  ASSERT_EQ(changed.first, 200) << changed.second.dump();
  EXPECT_EQ(changed.second["metadata"]["current-schema-id"], 1);
  EXPECT_EQ(changed.second["metadata"]["last-column-id"], 3);
  EXPECT_FALSE(changed.second["metadata"].contains("careflow-last-added-schema-id"));
  t = load_table(location);
  ASSERT_TRUE(t.is_ok());
  ASSERT_EQ(t->columns.size(), 3u);
  EXPECT_EQ(t->columns[1].name, "count");
  DataFileWriter w2(*t, "new");
  ASSERT_TRUE(w2.add({Value::integer(2), Value::integer(20), Value::string("x")}).is_ok());
  ASSERT_TRUE(append_files(location, *w2.flush(), {}).is_ok());
  std::vector<std::string> rows;
  ASSERT_TRUE(scan_rows(*load_table(location), [&](std::vector<Value> row) {
                rows.push_back(fmt::format("{} {} {}", row[0].as_int(), row[1].as_int(), row[2].is_null() ? "NULL" : row[2].as_string()));
                return Status::ok();
              }).is_ok());
  std::sort(rows.begin(), rows.end());
  EXPECT_EQ(rows, (std::vector<std::string>{"1 10 NULL", "2 20 x"}));

  // long → int and long → string are not promotions; the same schema again keeps its id.
  json narrowed = evolved;
  narrowed["fields"][1]["type"] = "int";
  auto refused = call("POST", path, {{"updates", json::array({{{"action", "add-schema"}, {"schema", narrowed}}})}});
  EXPECT_EQ(refused.first, 400);
  EXPECT_NE(refused.second["error"]["message"].get<std::string>().find("column 'count' (field 2) cannot change from long to int"),
            std::string::npos)
      << refused.second.dump();
  auto same = call("POST", path, {{"updates", json::array({{{"action", "add-schema"}, {"schema", evolved}},
                                                           {{"action", "set-current-schema"}, {"schema-id", -1}}})}});
  ASSERT_EQ(same.first, 200);
  EXPECT_EQ(same.second["metadata"]["schemas"].size(), 2u);
  EXPECT_EQ(call("POST", path, {{"updates", json::array({{{"action", "set-current-schema"}, {"schema-id", 9}}})}}).first, 400);
}

}  // namespace
}  // namespace careflow::lake::iceberg

namespace careflow::lake::iceberg {
namespace {

// Rename as the spec's POST /v1/tables/rename: the new name loads the same table (no file moves),
// the old one is gone, and its folder is not reused while the renamed table owns its files.
TEST_F(IcebergRest, RenameMovesTheNameNotTheFiles) {
  ASSERT_EQ(call("POST", "/iceberg/v1/namespaces", {{"namespace", {"hc"}}}).first, 200);
  ASSERT_EQ(call("POST", "/iceberg/v1/namespaces", {{"namespace", {"old"}}}).first, 200);
  ASSERT_EQ(call("POST", "/iceberg/v1/namespaces/hc/tables", {{"name", "events"}, {"schema", kSchema}}).first, 200);
  const std::string metadata = call("GET", "/iceberg/v1/namespaces/hc/tables/events").second["metadata-location"];
  auto rename = [&](const std::string& from_ns, const std::string& from, const std::string& to_ns, const std::string& to) {
    return call("POST", "/iceberg/v1/tables/rename",
                {{"source", {{"namespace", {from_ns}}, {"name", from}}}, {"destination", {{"namespace", {to_ns}}, {"name", to}}}});
  };
  EXPECT_EQ(rename("hc", "events", "hc", "readings").first, 204);
  auto loaded = call("GET", "/iceberg/v1/namespaces/hc/tables/readings");
  ASSERT_EQ(loaded.first, 200) << loaded.second.dump();
  EXPECT_EQ(loaded.second["metadata-location"], metadata);
  EXPECT_EQ(call("GET", "/iceberg/v1/namespaces/hc/tables/events").second["error"]["type"], "NoSuchTableException");
  EXPECT_EQ(call("GET", "/iceberg/v1/namespaces/hc/tables").second["identifiers"],
            json::array({{{"namespace", {"hc"}}, {"name", "readings"}}}));
  // The old name's folder still holds the table's files: no new table there.
  auto reuse = call("POST", "/iceberg/v1/namespaces/hc/tables", {{"name", "events"}, {"schema", kSchema}});
  EXPECT_EQ(reuse.first, 409);
  EXPECT_EQ(reuse.second["error"]["type"], "AlreadyExistsException");
  // Errors: a missing source, a taken destination, a missing namespace, a bad body.
  EXPECT_EQ(rename("hc", "events", "hc", "x").second["error"]["type"], "NoSuchTableException");
  ASSERT_EQ(call("POST", "/iceberg/v1/namespaces/hc/tables", {{"name", "other"}, {"schema", kSchema}}).first, 200);
  EXPECT_EQ(rename("hc", "readings", "hc", "other").second["error"]["type"], "AlreadyExistsException");
  EXPECT_EQ(rename("hc", "readings", "nope", "x").second["error"]["type"], "NoSuchNamespaceException");
  EXPECT_EQ(call("POST", "/iceberg/v1/tables/rename", {{"source", "x"}}).first, 400);
  // Across namespaces; a commit through the new name lands in the table's own folder.
  EXPECT_EQ(rename("hc", "readings", "old", "events").first, 204);
  auto committed = call("POST", "/iceberg/v1/namespaces/old/tables/events",
                        {{"requirements", json::array()}, {"updates", json::array({{{"action", "set-properties"}, {"updates", {{"k", "v"}}}}})}});
  ASSERT_EQ(committed.first, 200) << committed.second.dump();
  EXPECT_EQ(committed.second["metadata-location"], warehouse_ + "/hc/events/metadata/v2.metadata.json");
  // Renamed back home, the registry forgets it; dropped, the folder goes and the name is free.
  EXPECT_EQ(rename("old", "events", "hc", "events").first, 204);
  EXPECT_EQ(call("GET", "/iceberg/v1/namespaces/hc/tables/events").second["metadata"]["properties"]["k"], "v");
  EXPECT_EQ(rename("hc", "events", "old", "gone").first, 204);
  EXPECT_EQ(call("DELETE", "/iceberg/v1/namespaces/old/tables/gone").first, 204);
  EXPECT_FALSE(fs::exists(warehouse_ + "/hc/events"));
  EXPECT_EQ(call("POST", "/iceberg/v1/namespaces/hc/tables", {{"name", "events"}, {"schema", kSchema}}).first, 200);
}

}  // namespace
}  // namespace careflow::lake::iceberg
