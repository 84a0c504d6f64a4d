// Flink's SQL Gateway REST API over real HTTP against a real server, a real JobManager and a real
// embedded log: every endpoint, the shapes Flink's clients parse, paging by token, the changelog's
// row kinds, and the errors.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include "api/flink_gateway_routes.h"
#include "http/http_server.h"
#include "http/tests/http_client.h"
#include "jobs/flink_gateway.h"
#include "jobs/tests/job_manager_fixture.h"

namespace careflow::api {
namespace {

using http::testing::call;
using http::testing::Reply;
using nlohmann::json;

class FlinkGatewayRoutesTest : public jobs::testing::JobManagerTest {
 protected:
  void SetUp() override {
    JobManagerTest::SetUp();
    start({});
  }
  void TearDown() override {
    server_.reset();
    flink_.reset();
    JobManagerTest::TearDown();
  }
  void start(jobs::FlinkGatewayOptions options, std::string token = "") {
    server_.reset();
    flink_.reset();
    router_ = http::Router();
    flink_ = std::make_unique<jobs::FlinkGateway>(*gateway_, *manager_, *queries_, options);
    add_flink_gateway_routes(router_, *flink_);
    http::HttpServerOptions http_options;
    http_options.port = 0;
    http_options.bearer_token = token;
    server_ = std::make_unique<http::HttpServer>(http_options, router_);
    ASSERT_TRUE(server_->start().is_ok());
    port_ = server_->port();
  }

  Reply get(const std::string& path) { return call(port_, "GET", path); }
  Reply post(const std::string& path, const json& body) { return call(port_, "POST", path, body.dump()); }
  Reply del(const std::string& path) { return call(port_, "DELETE", path); }

  std::string open_session(const json& properties = json::object()) {
    Reply r = post("/v2/sessions", {{"sessionName", "test"}, {"properties", properties}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().value("sessionHandle", "");
  }
  std::string execute(const std::string& session, const std::string& statement) {
    Reply r = post("/v2/sessions/" + session + "/statements", {{"statement", statement}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().value("operationHandle", "");
  }
  std::string result_path(const std::string& session, const std::string& op, int64_t token, const std::string& format = "JSON") {
    return "/v2/sessions/" + session + "/operations/" + op + "/result/" + std::to_string(token) + "?rowFormat=" + format;
  }
  // Follows nextResultUri until EOS (or `enough` rows), up to 10 s; the pages' data rows.
  std::vector<json> fetch_rows(const std::string& session, const std::string& op, size_t enough = SIZE_MAX,
                               const std::string& format = "JSON", json* last = nullptr) {
    std::vector<json> rows;
    std::string uri = result_path(session, op, 0, format);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!uri.empty() && rows.size() < enough && std::chrono::steady_clock::now() < deadline) {
      Reply r = get(uri);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      json page = r.json();
      if (last) *last = page;
      if (page.contains("results")) {
        for (const json& row : page["results"]["data"]) rows.push_back(row);
      }
      uri = page.value("nextResultUri", "");
    }
    return rows;
  }
  static std::string first_error(const Reply& r) {
    json body = r.json();
    if (!body.contains("errors") || !body["errors"].is_array() || body["errors"].empty()) return "<no errors array: " + r.body + ">";
    return body["errors"][0].get<std::string>();
  }

  http::Router router_;
  std::unique_ptr<jobs::FlinkGateway> flink_;
  std::unique_ptr<http::HttpServer> server_;
  int port_ = 0;
};

TEST_F(FlinkGatewayRoutesTest, InfoAndApiVersions) {
  for (const std::string v : {"v1", "v2"}) {
    Reply info = get("/" + v + "/info");
    ASSERT_EQ(info.status, 200);
    EXPECT_EQ(info.json()["productName"], "careflow");
    EXPECT_EQ(info.json()["version"], "1.20");
    Reply versions = get("/" + v + "/api_versions");
    ASSERT_EQ(versions.status, 200);
    EXPECT_EQ(versions.json()["versions"], json({"V1", "V2"}));
  }
}

TEST_F(FlinkGatewayRoutesTest, SessionKeepsItsPropertiesAndCloses) {
  std::string s = open_session({{"table.local-time-zone", "UTC"}, {"parallelism.default", 2}});
  ASSERT_FALSE(s.empty());
  EXPECT_TRUE(std::regex_match(s, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"))) << s;
  Reply config = get("/v2/sessions/" + s);
  ASSERT_EQ(config.status, 200) << config.body;
  EXPECT_EQ(config.json()["properties"]["table.local-time-zone"], "UTC");
  EXPECT_EQ(config.json()["properties"]["parallelism.default"], "2");

  Reply beat = post("/v1/sessions/" + s + "/heartbeat", json::object());
  EXPECT_EQ(beat.status, 200) << beat.body;
  EXPECT_EQ(beat.body, "{}");

  // configure-session: SET is kept, an INSERT is refused with the statements it takes.
  Reply set = post("/v2/sessions/" + s + "/configure-session", {{"statement", "SET 'pipeline.name' = 'copy'"}});
  EXPECT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(get("/v2/sessions/" + s).json()["properties"]["pipeline.name"], "copy");
  Reply insert = post("/v2/sessions/" + s + "/configure-session", {{"statement", "INSERT INTO x SELECT 1"}});
  EXPECT_EQ(insert.status, 400);
  EXPECT_NE(first_error(insert).find("configure-session takes SET, RESET, CREATE"), std::string::npos) << insert.body;
  Reply bad = post("/v2/sessions/" + s + "/configure-session", {{"statement", "CREATE TABLE t (a INT) WITH ('connector' = 'nope')"}});
  EXPECT_EQ(bad.status, 400) << bad.body;

  // RESET through a statement takes the key away.
  execute(s, "RESET 'pipeline.name'");
  EXPECT_FALSE(get("/v2/sessions/" + s).json()["properties"].contains("pipeline.name"));

  Reply closed = del("/v2/sessions/" + s);
  ASSERT_EQ(closed.status, 200);
  EXPECT_EQ(closed.json()["status"], "CLOSED");
  Reply gone = get("/v2/sessions/" + s);
  EXPECT_EQ(gone.status, 404);
  EXPECT_NE(first_error(gone).find("does not exist"), std::string::npos);
  EXPECT_EQ(post("/v2/sessions/" + s + "/heartbeat", json::object()).status, 404);
}

TEST_F(FlinkGatewayRoutesTest, DdlAnswersOkThenEosAndPagesByToken) {
  std::string s = open_session();
  std::string op = execute(s, "CREATE TABLE readings (device STRING, v STRING) WITH ('connector' = 'kafka', 'topic' = 'readings', 'value.format' = 'json')");
  Reply status = get("/v2/sessions/" + s + "/operations/" + op + "/status");
  ASSERT_EQ(status.status, 200);
  EXPECT_EQ(status.json()["status"], "FINISHED");

  Reply first = get(result_path(s, op, 0));
  ASSERT_EQ(first.status, 200) << first.body;
  json page = first.json();
  EXPECT_EQ(page["resultType"], "PAYLOAD");
  EXPECT_EQ(page["isQueryResult"], false);
  EXPECT_EQ(page["resultKind"], "SUCCESS");
  EXPECT_FALSE(page.contains("jobID"));
  EXPECT_EQ(page["results"]["columns"][0]["name"], "result");
  EXPECT_EQ(page["results"]["columns"][0]["logicalType"], json({{"type", "VARCHAR"}, {"nullable", false}, {"length", 2147483647}}));
  EXPECT_EQ(page["results"]["rowFormat"], "JSON");
  EXPECT_EQ(page["results"]["data"], json::parse(R"([{"kind":"INSERT","fields":["OK"]}])"));
  EXPECT_EQ(page["nextResultUri"], "/v2/sessions/" + s + "/operations/" + op + "/result/1?rowFormat=JSON");

  // Token 0 again is the same page (a retry); token 2 is not there yet.
  EXPECT_EQ(get(result_path(s, op, 0)).json(), page);
  Reply early = get(result_path(s, op, 2));
  EXPECT_EQ(early.status, 400);
  EXPECT_EQ(first_error(early), "Expecting token to be 0 or 1, but found 2.");

  Reply eos = get(result_path(s, op, 1));
  ASSERT_EQ(eos.status, 200);
  EXPECT_EQ(eos.json()["resultType"], "EOS");
  EXPECT_FALSE(eos.json().contains("nextResultUri"));
  EXPECT_TRUE(eos.json()["results"]["data"].empty());
  // After token 1, token 0 is gone.
  EXPECT_EQ(get(result_path(s, op, 0)).status, 400);

  // The table is in careflow's catalog: SHOW TABLES lists it, as text rows.
  std::vector<json> shown = fetch_rows(s, execute(s, "SHOW TABLES"));
  bool found = false;
  for (const json& row : shown) found = found || row["fields"][0].get<std::string>().find("readings") != std::string::npos;
  EXPECT_TRUE(found);

  Reply closed = del("/v2/sessions/" + s + "/operations/" + op + "/close");
  ASSERT_EQ(closed.status, 200);
  EXPECT_EQ(closed.json()["status"], "CLOSED");
  EXPECT_EQ(get("/v2/sessions/" + s + "/operations/" + op + "/status").status, 404);
}

TEST_F(FlinkGatewayRoutesTest, InsertIsAJobWithFlinkJobIdShownAndStoppedThroughTheGateway) {
  std::string s = open_session();
  for (const char* ddl : {"CREATE TABLE readings (device STRING, v STRING) WITH ('connector' = 'kafka', 'topic' = 'readings', 'value.format' = 'json')",
                          "CREATE TABLE copied (device STRING, v STRING) WITH ('connector' = 'kafka', 'topic' = 'copied', 'value.format' = 'json')"}) {
    fetch_rows(s, execute(s, ddl));
  }
  ASSERT_TRUE(log_->create_topic("copied", {}).is_ok());
  std::string op = execute(s, "INSERT INTO copied SELECT device, v FROM readings");
  Reply r = get(result_path(s, op, 0));
  ASSERT_EQ(r.status, 200) << r.body;
  json page = r.json();
  EXPECT_EQ(page["isQueryResult"], false);
  EXPECT_EQ(page["resultKind"], "SUCCESS_WITH_CONTENT");
  const std::string job = page.value("jobID", "");
  EXPECT_EQ(job, "00000000000000000000000000000001");
  EXPECT_EQ(page["results"]["columns"][0]["name"], "job id");
  EXPECT_EQ(page["results"]["data"][0]["fields"][0], job);

  produce("readings", {R"({"device":"d1","v":"a"})", R"({"device":"d2","v":"b"})"});
  EXPECT_EQ(wait_values("copied", 2).size(), 2u);

  std::vector<json> jobs = fetch_rows(s, execute(s, "SHOW JOBS"));
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0]["fields"][0], job);
  EXPECT_EQ(jobs[0]["fields"][1], "insert-into_copied");
  EXPECT_EQ(jobs[0]["fields"][2], "RUNNING");
  EXPECT_TRUE(std::regex_match(jobs[0]["fields"][3].get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));

  std::vector<json> stopped = fetch_rows(s, execute(s, "STOP JOB '" + job + "'"));
  ASSERT_EQ(stopped.size(), 1u);
  EXPECT_EQ(stopped[0]["fields"][0], "OK");
  EXPECT_EQ(manager_->describe("job-1")->state, "STOPPED");
  jobs = fetch_rows(s, execute(s, "SHOW JOBS"));
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0]["fields"][2], "CANCELED");

  // careflow's own id works too; WITH SAVEPOINT answers the savepoint's path, as Flink's STOP JOB does.
  std::string second = execute(s, "INSERT INTO copied SELECT device, v FROM readings");
  EXPECT_EQ(fetch_rows(s, second).at(0)["fields"][0], "00000000000000000000000000000002");
  wait_for("job-2", [](const jobs::JobInfo& j) { return j.state == "RUNNING"; });
  json saved;
  std::vector<json> path = fetch_rows(s, execute(s, "STOP JOB 'job-2' WITH SAVEPOINT"), SIZE_MAX, "JSON", &saved);
  ASSERT_EQ(path.size(), 1u) << saved.dump();
  EXPECT_EQ(saved["results"]["columns"][0]["name"], "savepoint path");
  EXPECT_NE(path[0]["fields"][0].get<std::string>().find("savepoint-job-2-"), std::string::npos) << path[0].dump();
}

TEST_F(FlinkGatewayRoutesTest, StreamingSelectPagesItsChangelogWithRowKinds) {
  std::string s = open_session();
  fetch_rows(s, execute(s, "CREATE TABLE numbers (device STRING, n INT) WITH ('connector' = 'kafka', 'topic' = 'numbers', 'value.format' = 'json', 'scan.startup.mode' = 'earliest-offset')"));
  ASSERT_TRUE(log_->create_topic("numbers", {}).is_ok());
  produce("numbers", {R"({"device":"d1","n":1})", R"({"device":"d1","n":2})", R"({"device":"d2","n":5})"});
  std::string op = execute(s, "SELECT device, SUM(n) AS total FROM numbers GROUP BY device");
  EXPECT_EQ(get("/v2/sessions/" + s + "/operations/" + op + "/status").json()["status"], "RUNNING");

  json last;
  std::vector<json> rows = fetch_rows(s, op, 4, "JSON", &last);
  ASSERT_EQ(rows.size(), 4u) << json(rows).dump();
  EXPECT_EQ(last["isQueryResult"], true);
  EXPECT_EQ(last["resultKind"], "SUCCESS_WITH_CONTENT");
  EXPECT_EQ(last["results"]["columns"][0]["logicalType"]["type"], "VARCHAR");
  EXPECT_EQ(last["results"]["columns"][1]["name"], "total");
  EXPECT_EQ(last["results"]["columns"][1]["logicalType"]["type"], "INTEGER");
  EXPECT_EQ(rows[0], json::parse(R"({"kind":"INSERT","fields":["d1",1]})"));
  EXPECT_EQ(rows[1], json::parse(R"({"kind":"UPDATE_BEFORE","fields":["d1",1]})"));
  EXPECT_EQ(rows[2], json::parse(R"({"kind":"UPDATE_AFTER","fields":["d1",3]})"));
  EXPECT_EQ(rows[3], json::parse(R"({"kind":"INSERT","fields":["d2",5]})"));
  // A running query's page names the next token even when nothing new came.
  ASSERT_TRUE(last.contains("nextResultUri"));

  // Rows produced later arrive on the following pages, as PLAIN_TEXT too.
  produce("numbers", {R"({"device":"d2","n":1})"});
  std::string uri = last["nextResultUri"];
  std::vector<json> more;
  for (int i = 0; i < 200 && more.size() < 2; ++i) {
    uri = std::regex_replace(uri, std::regex("rowFormat=JSON"), "rowFormat=PLAIN_TEXT");
    Reply r = get(uri);
    ASSERT_EQ(r.status, 200) << r.body;
    const json body = r.json();
    EXPECT_EQ(body["results"]["rowFormat"], "PLAIN_TEXT");
    for (const json& row : body["results"]["data"]) more.push_back(row);
    uri = body["nextResultUri"];
  }
  ASSERT_EQ(more.size(), 2u);
  EXPECT_EQ(more[0], json::parse(R"({"kind":"UPDATE_BEFORE","fields":["d2","5"]})"));
  EXPECT_EQ(more[1], json::parse(R"({"kind":"UPDATE_AFTER","fields":["d2","6"]})"));

  Reply cancel = post("/v2/sessions/" + s + "/operations/" + op + "/cancel", json::object());
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  EXPECT_EQ(cancel.json()["status"], "CANCELED");
  Reply after = get(result_path(s, op, 0));
  EXPECT_EQ(after.status, 409);
  EXPECT_NE(first_error(after).find("CANCELED"), std::string::npos);
  EXPECT_EQ(post("/v2/sessions/" + s + "/operations/" + op + "/cancel", json::object()).status, 409);
}

TEST_F(FlinkGatewayRoutesTest, BoundedQueryEndsWithEosAndSmallPages) {
  jobs::FlinkGatewayOptions options;
  options.max_page_rows = 2;
  start(options);
  std::string s = open_session();
  std::string op = execute(s, "SELECT x, y FROM (VALUES (1, 'a'), (2, 'b'), (3, 'c')) AS t(x, y)");
  json last;
  std::vector<json> rows = fetch_rows(s, op, SIZE_MAX, "JSON", &last);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2], json::parse(R"({"kind":"INSERT","fields":[3,"c"]})"));
  EXPECT_EQ(last["resultType"], "EOS");
  EXPECT_EQ(get("/v2/sessions/" + s + "/operations/" + op + "/status").json()["status"], "FINISHED");
}

TEST_F(FlinkGatewayRoutesTest, ValuesAsFlinkWritesThem) {
  std::string s = open_session();
  std::string op = execute(s,
                           "SELECT CAST(10.5 AS DECIMAL(5, 2)) AS d, TIMESTAMP '2024-01-31 10:00:05.120' AS ts, DATE '2024-01-31' AS dt, "
                           "TRUE AS b, CAST(NULL AS STRING) AS nothing, ARRAY[1, 2] AS arr");
  json last;
  std::vector<json> rows = fetch_rows(s, op, SIZE_MAX, "JSON", &last);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["fields"], json::parse(R"([10.5, "2024-01-31T10:00:05.12", "2024-01-31", true, null, [1, 2]])"));
  const json& columns = last["results"]["columns"];
  EXPECT_EQ(columns[0]["logicalType"], json::parse(R"({"type":"DECIMAL","nullable":false,"precision":5,"scale":2})"));
  EXPECT_EQ(columns[1]["logicalType"], json::parse(R"({"type":"TIMESTAMP_WITHOUT_TIME_ZONE","nullable":false,"precision":3})"));
  EXPECT_EQ(columns[2]["logicalType"]["type"], "DATE");
  EXPECT_EQ(columns[5]["logicalType"]["type"], "ARRAY");
  EXPECT_EQ(columns[5]["logicalType"]["elementType"]["type"], "INTEGER");
  EXPECT_TRUE(columns[0].contains("comment") && columns[0]["comment"].is_null());

  std::vector<json> text = fetch_rows(s, execute(s, "SELECT CAST(10.5 AS DECIMAL(5, 2)) AS d, TRUE AS b, TIMESTAMP '2024-01-31 10:00:05.120' AS ts"),
                                      SIZE_MAX, "PLAIN_TEXT");
  ASSERT_EQ(text.size(), 1u);
  EXPECT_EQ(text[0]["fields"], json::parse(R"(["10.50", "TRUE", "2024-01-31 10:00:05.120"])"));
}

TEST_F(FlinkGatewayRoutesTest, SqlErrorsAreTheOperationsAnswer) {
  std::string s = open_session();
  std::string op = execute(s, "SELECT nope FROM nowhere");
  EXPECT_EQ(get("/v2/sessions/" + s + "/operations/" + op + "/status").json()["status"], "ERROR");
  Reply r = get(result_path(s, op, 0));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(first_error(r).find("line 1:"), std::string::npos) << r.body;
  EXPECT_NE(first_error(r).find("nowhere"), std::string::npos) << r.body;

  Reply two = get(result_path(s, execute(s, "SET 'a' = '1'; SET 'b' = '2'"), 0));
  EXPECT_EQ(two.status, 400);
  EXPECT_NE(first_error(two).find("one statement at a time; 2 were sent"), std::string::npos) << two.body;
}

TEST_F(FlinkGatewayRoutesTest, BadRequestsAre4xxWithFlinksErrorShape) {
  std::string s = open_session();
  std::string op = execute(s, "SET 'a' = '1'");
  const std::string ops = "/v2/sessions/" + s + "/operations/";
  struct Case {
    Reply reply;
    int status;
    std::string message;
  };
  std::vector<Case> cases = {
      {call(port_, "POST", "/v2/sessions", "{\"properties\": [1]}"), 400, "'properties' must be an object"},
      {call(port_, "POST", "/v2/sessions", "{nope"), 400, "expected format"},
      {call(port_, "POST", "/v2/sessions", "{\"sessionNam\": \"x\"}"), 400, "unknown field 'sessionNam'"},
      {post("/v2/sessions/" + s + "/statements", {{"statement", ""}}), 400, "'statement' must be a non-empty string"},
      {post("/v2/sessions/" + s + "/statements", {{"statement", "SET 'a' = '1'"}, {"executionConfig", {{"k", json::array()}}}}), 400,
       "'executionConfig.k' must be a string"},
      {post("/v2/sessions/" + s + "/statements", {{"statement", "SET 'a' = '1'"}, {"executionTimeout", "soon"}}), 400,
       "'executionTimeout' must be a number"},
      {post("/v2/sessions/00000000-0000-4000-8000-000000000000/statements", {{"statement", "SET 'a' = '1'"}}), 404, "does not exist"},
      {get(ops + "nope/status"), 404, "Can not find the submitted operation 'nope'"},
      {get(ops + op + "/result/x?rowFormat=JSON"), 400, "the token 'x' is not a non-negative number"},
      {get(ops + op + "/result/-1?rowFormat=JSON"), 400, "not a non-negative number"},
      {get(ops + op + "/result/7?rowFormat=JSON"), 400, "Expecting token to be 0, but found 7."},
      {get(ops + op + "/result/0"), 400, "rowFormat (JSON or PLAIN_TEXT) is required"},
      {get(ops + op + "/result/0?rowFormat=CSV"), 400, "rowFormat 'CSV' is neither JSON nor PLAIN_TEXT"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.reply.status, c.status) << c.reply.body;
    EXPECT_NE(first_error(c.reply).find(c.message), std::string::npos) << c.message << " vs " << c.reply.body;
  }
  // V1 has no rowFormat: its results are JSON and its next URI names none.
  Reply v1 = get("/v1/sessions/" + s + "/operations/" + op + "/result/0");
  ASSERT_EQ(v1.status, 200) << v1.body;
  EXPECT_EQ(v1.json()["nextResultUri"], "/v1/sessions/" + s + "/operations/" + op + "/result/1");
  // configure-session is V2's; the router's own 404 and 405 come in Flink's shape too.
  Reply v1_configure = post("/v1/sessions/" + s + "/configure-session", {{"statement", "SET 'a' = '1'"}});
  EXPECT_EQ(v1_configure.status, 404);
  EXPECT_NE(first_error(v1_configure).find("no route for POST"), std::string::npos) << v1_configure.body;
  Reply wrong_method = call(port_, "PUT", "/v2/sessions", "{}");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_NE(first_error(wrong_method).find("not allowed"), std::string::npos) << wrong_method.body;
}

TEST_F(FlinkGatewayRoutesTest, IdleSessionsExpireUnlessTheyHeartbeat) {
  jobs::FlinkGatewayOptions options;
  options.idle_timeout = std::chrono::milliseconds(300);
  start(options);
  std::string s = open_session();
  fetch_rows(s, execute(s, "CREATE TABLE numbers (device STRING, n INT) WITH ('connector' = 'kafka', 'topic' = 'numbers', 'value.format' = 'json')"));
  ASSERT_TRUE(log_->create_topic("numbers", {}).is_ok());
  execute(s, "SELECT * FROM numbers");
  // Heartbeats keep it open past the timeout.
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    ASSERT_EQ(post("/v2/sessions/" + s + "/heartbeat", json::object()).status, 200);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(900));
  EXPECT_EQ(flink_->session_count(), 0u);  // the expiry ran without a request
  Reply gone = post("/v2/sessions/" + s + "/heartbeat", json::object());
  EXPECT_EQ(gone.status, 404);
  EXPECT_NE(first_error(gone).find("expired after"), std::string::npos);
}

TEST_F(FlinkGatewayRoutesTest, SessionsAreCapped) {
  jobs::FlinkGatewayOptions options;
  options.max_sessions = 2;
  start(options);
  open_session();
  std::string second = open_session();
  Reply third = post("/v2/sessions", json::object());
  EXPECT_EQ(third.status, 503);
  EXPECT_NE(first_error(third).find("2 SQL Gateway sessions are open"), std::string::npos);
  ASSERT_EQ(del("/v2/sessions/" + second).status, 200);
  EXPECT_EQ(post("/v2/sessions", json::object()).status, 200);
}

TEST_F(FlinkGatewayRoutesTest, TokenIsCheckedAsOnEveryRoute) {
  start({}, "s3cret");
  EXPECT_EQ(call(port_, "POST", "/v2/sessions", "{}").status, 401);
  Reply refused = call(port_, "GET", "/v1/api_versions");
  EXPECT_EQ(refused.status, 401);
  // In Flink's error shape, which Flink's clients show (careflow's own shape they cannot read).
  EXPECT_NE(first_error(refused).find("token"), std::string::npos) << refused.body;
  EXPECT_FALSE(refused.json().contains("detail"));
  Reply ok = call(port_, "POST", "/v2/sessions", "{}", {{"Authorization", "Bearer s3cret"}});
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(FlinkGatewayRoutesTest, DmlSyncWaitsForTheJobWithNotReady) {
  std::string s = open_session({{"table.dml-sync", "true"}});
  fetch_rows(s, execute(s, "CREATE TABLE copied (device STRING, v STRING) WITH ('connector' = 'kafka', 'topic' = 'copied', 'value.format' = 'json')"));
  ASSERT_TRUE(log_->create_topic("copied", {}).is_ok());
  std::string op = execute(s, "INSERT INTO copied VALUES ('d1', 'a'), ('d2', 'b')");
  // NOT_READY names the same token until the job has completed; then the job id, and the rows are there.
  json page;
  int not_ready = 0;
  for (int i = 0; i < 200; ++i) {
    Reply r = get(result_path(s, op, 0));
    ASSERT_EQ(r.status, 200) << r.body;
    page = r.json();
    if (page["resultType"] != "NOT_READY") break;
    ++not_ready;
    EXPECT_EQ(page["nextResultUri"], "/v2/sessions/" + s + "/operations/" + op + "/result/0?rowFormat=JSON");
    EXPECT_FALSE(page.contains("results"));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(page["resultType"], "PAYLOAD");
  EXPECT_EQ(page["jobID"], "00000000000000000000000000000001");
  EXPECT_EQ(get("/v2/sessions/" + s + "/operations/" + op + "/status").json()["status"], "FINISHED");
  EXPECT_EQ(values_of("copied").size(), 2u);
  EXPECT_EQ(manager_->describe("job-1")->state, "COMPLETED");
  (void)not_ready;  // how many polls it took depends on the machine; the answer's shape is the test
}

}  // namespace
}  // namespace careflow::api
