// The WITH-list editing and the targets' option rules of `careflow pipeline deploy --target`
// (with_options.h, deploy_target.h): text outside the list stays byte for byte, options a DDL
// gives are never replaced, the order is careflow up's.
#include <gtest/gtest.h>

#include <map>

#include "exec/session.h"
#include "jobs/deploy_target.h"
#include "jobs/with_options.h"

namespace careflow::jobs {
namespace {

const char* kKafkaTable = R"(-- readings, WITH a comment
CREATE TABLE IF NOT EXISTS r (
  id STRING,  -- the device, WITH ( in a comment
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH (
    'connector' = 'kafka',
    'topic' = 'it''s',
    'value.format' = 'avro-confluent'
);)";

WithClause clause_of(const std::string& ddl) {
  auto found = find_with_clause(ddl);
  EXPECT_TRUE(found.is_ok()) << found.status().message();
  EXPECT_TRUE(found.is_ok() && found->has_value()) << ddl;
  return found.is_ok() && found->has_value() ? **found : WithClause{};
}

TEST(WithOptions, FindsTheListsOptionsUnescaped) {
  const WithClause c = clause_of(kKafkaTable);
  ASSERT_EQ(c.options.size(), 3u);
  EXPECT_EQ(c.options[1].key, "topic");
  EXPECT_EQ(c.options[1].value, "it's");
  EXPECT_EQ(std::string(kKafkaTable).substr(c.options[1].begin, c.options[1].end - c.options[1].begin), "'topic' = 'it''s'");
}

TEST(WithOptions, AddsAfterTheLastOptionKeepingEverythingElse) {
  const std::string ddl = kKafkaTable;
  const std::string out = with_options_added(ddl, clause_of(ddl), {{"properties.bootstrap.servers", "k:9092"}, {"a", "b'c"}});
  // The input byte for byte, the new entries after the last one, indented as it is.
  std::string want = ddl;
  want.insert(want.rfind("\n);"), ",\n    'properties.bootstrap.servers' = 'k:9092',\n    'a' = 'b''c'");
  EXPECT_EQ(out, want);
  EXPECT_EQ(with_options_added(ddl, clause_of(ddl), {}), ddl);
}

TEST(WithOptions, ReplacesTheListOrDropsIt) {
  const std::string ddl = kKafkaTable;
  EXPECT_EQ(with_options_replaced(ddl, clause_of(ddl), {{"scan.startup.mode", "earliest-offset"}}),
            std::string(kKafkaTable).substr(0, std::string(kKafkaTable).find("WITH (\n    'conn")) +
                "WITH (\n  'scan.startup.mode' = 'earliest-offset'\n);");
  const std::string none = with_options_replaced(ddl, clause_of(ddl), {});
  EXPECT_TRUE(none.ends_with("  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND\n);")) << none;
  EXPECT_EQ(none.find("'connector'"), std::string::npos) << none;
}

TEST(WithOptions, OnlyACreateTablesOwnList) {
  // A view, a CTAS whose query has a WITH (a CTE), and a table without options have none.
  for (const char* sql : {"CREATE VIEW v AS WITH x AS (SELECT 1 AS a) SELECT * FROM x",
                          "CREATE TABLE t AS WITH x AS (SELECT 1 AS a) SELECT * FROM x", "CREATE TABLE t (a INT)",
                          "INSERT INTO t SELECT 1"}) {
    auto found = find_with_clause(sql);
    ASSERT_TRUE(found.is_ok()) << sql;
    EXPECT_FALSE(found->has_value()) << sql;
  }
  // LIKE after the list: found; the list of a CTAS before AS: found.
  EXPECT_EQ(clause_of("CREATE TABLE l WITH ('connector' = 'iceberg') LIKE s (EXCLUDING OPTIONS)").options.size(), 1u);
  EXPECT_EQ(clause_of("CREATE TABLE c WITH ('k' = 'v') AS SELECT 1 AS a").options.size(), 1u);
  auto bad = find_with_clause("CREATE TABLE t (a INT) WITH ('connector' 'kafka')");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("line 1:"), std::string::npos) << bad.status().message();
}

TEST(WithOptions, StatementWithoutItsSemicolon) {
  EXPECT_EQ(without_final_semicolon("\n  INSERT INTO t SELECT ';' ;  -- done\n"), "INSERT INTO t SELECT ';'");
  EXPECT_EQ(without_final_semicolon("INSERT INTO t SELECT 1 -- no semicolon\n"), "INSERT INTO t SELECT 1 -- no semicolon");
}

TEST(DeployTarget, FlinkAddsOnlyWhatTheDdlLacks) {
  DeployTargetOptions o;
  o.bootstrap_servers = "b:1";
  o.schema_registry_url = "http://sr";
  o.registry_user_info = "u:p";
  o.warehouse = "file:///w";
  const WithClause kafka = clause_of(
      "CREATE TABLE t (a INT) WITH ('connector' = 'kafka', 'scan.startup.mode' = 'latest-offset', "
      "'key.format' = 'avro-confluent', 'value.format' = 'debezium-avro-confluent')");
  const TableOptionList want = {{"properties.bootstrap.servers", "b:1"},
                                {"key.avro-confluent.url", "http://sr"},
                                {"key.avro-confluent.basic-auth.credentials-source", "USER_INFO"},
                                {"key.avro-confluent.basic-auth.user-info", "u:p"},
                                {"value.debezium-avro-confluent.url", "http://sr"},
                                {"value.debezium-avro-confluent.basic-auth.credentials-source", "USER_INFO"},
                                {"value.debezium-avro-confluent.basic-auth.user-info", "u:p"}};
  EXPECT_EQ(flink_missing_options(kafka, o), want);
  const WithClause upsert = clause_of("CREATE TABLE t (a INT) WITH ('connector' = 'upsert-kafka', 'format' = 'json')");
  EXPECT_EQ(flink_missing_options(upsert, o), (TableOptionList{{"properties.bootstrap.servers", "b:1"}}));
  const WithClause iceberg = clause_of("CREATE TABLE t (a INT) WITH ('connector' = 'iceberg', 'warehouse' = '/mine')");
  EXPECT_EQ(flink_missing_options(iceberg, o), (TableOptionList{{"catalog-type", "hadoop"}}));
  EXPECT_TRUE(flink_missing_options(clause_of("CREATE TABLE t (a INT) WITH ('connector' = 'datagen')"), o).empty());
}

TEST(DeployTarget, ConfluentKeepsOnlyConfluentCloudsOptions) {
  std::string skip;
  const WithClause cdc = clause_of(
      "CREATE TABLE t (a INT) WITH ('connector' = 'kafka', 'topic' = 't', 'properties.group.id' = 'g', "
      "'scan.startup.mode' = 'earliest-offset', 'value.format' = 'debezium-avro-confluent', "
      "'value.debezium-avro-confluent.url' = 'http://sr', 'kafka.retention.time' = '7 d')");
  EXPECT_EQ(confluent_options(cdc, &skip), (TableOptionList{{"scan.startup.mode", "earliest-offset"},
                                                            {"value.format", "avro-debezium-registry"},
                                                            {"kafka.retention.time", "7 d"},
                                                            {"changelog.mode", "retract"}}));
  EXPECT_TRUE(skip.empty());
  const WithClause upsert = clause_of(
      "CREATE TABLE t (a INT) WITH ('connector' = 'upsert-kafka', 'key.format' = 'avro-confluent', 'format' = 'json-registry')");
  EXPECT_EQ(confluent_options(upsert, &skip), (TableOptionList{{"value.format", "json-registry"}, {"changelog.mode", "upsert"}}));
  EXPECT_TRUE(confluent_options(clause_of("CREATE TABLE t (a INT) WITH ('connector' = 'iceberg')"), &skip).empty());
  EXPECT_NE(skip.find("Tableflow"), std::string::npos);
}

TEST(DeployTarget, MlFunctionsOutsideCommentsAndStrings) {
  EXPECT_EQ(ml_function_called("SELECT ml_detect_anomalies (v, ts) OVER w FROM t"), "ML_DETECT_ANOMALIES");
  EXPECT_EQ(ml_function_called("SELECT ML_FORECAST(v, ts) FROM t"), "ML_FORECAST");
  EXPECT_EQ(ml_function_called("-- ML_DETECT_ANOMALIES(v)\nSELECT 'ML_FORECAST(' FROM t /* ML_FORECAST( */"), "");
}

TEST(DeployTarget, ConfluentStatementNames) {
  EXPECT_EQ(confluent_statement_name("dml", "alerts.compliance.non-adherence"), "careflow-dml-alerts-compliance-non-adherence");
  EXPECT_EQ(confluent_statement_name("ddl", "HC__x_"), "careflow-ddl-hc-x");
  EXPECT_EQ(confluent_statement_name("ddl", std::string(200, 'a')).size(), 100u);
}

TEST(DeployTarget, PlanOrdersAsUpDoesAndRendersAScript) {
  // The view comes first by name but reads a table of the same layer that comes after it.
  std::vector<PipelineTable> tables = {
      {"src", "a_view", "a_view/ddl.sql", "", "CREATE VIEW a_view AS SELECT x FROM b_table;", ""},
      {"src", "b_table", "b_table/ddl.sql", "b_table/dml.sql",
       "CREATE TABLE b_table (x INT) WITH ('connector' = 'kafka', 'value.format' = 'json');",
       "INSERT INTO b_table SELECT x FROM b_table; -- a loop, planned by nobody here\n"},
  };
  DeployTargetOptions o;
  auto plan = plan_deployment("p", tables, o);
  ASSERT_TRUE(plan.is_ok()) << plan.status().message();
  EXPECT_EQ(render_script(*plan),
            "-- careflow pipeline deploy --target flink of p: 5 statements in the order they are sent, 0 skipped\n"
            "\nSET 'table.local-time-zone' = 'UTC';\n"
            "\n-- file: b_table/ddl.sql\n-- added 'properties.bootstrap.servers', 'scan.startup.mode'\n"
            "CREATE TABLE b_table (x INT) WITH ('connector' = 'kafka', 'value.format' = 'json',\n"
            "  'properties.bootstrap.servers' = 'localhost:9092',\n  'scan.startup.mode' = 'earliest-offset');\n"
            "\n-- file: a_view/ddl.sql\nCREATE VIEW a_view AS SELECT x FROM b_table;\n"
            "\n-- file: b_table/dml.sql\nSET 'pipeline.name' = 'b_table';\nINSERT INTO b_table SELECT x FROM b_table;\n");
  // An Iceberg table needs a warehouse.
  tables.push_back({"lake", "l", "l/ddl.sql", "", "CREATE TABLE l (x INT) WITH ('connector' = 'iceberg', 'catalog-name' = 'c')", ""});
  auto refused = plan_deployment("p", tables, o);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("l/ddl.sql: an Iceberg table needs a warehouse (--warehouse)"), std::string::npos);
}

// careflow takes both targets' DDL of the real pipelines as it is sent (it speaks Confluent Cloud's
// options too), in the plan's order.
TEST(DeployTarget, BothTargetsDdlOfThePipelinesAppliesInCareflow) {
  auto tables = read_pipelines(std::string(CAREFLOW_SOURCE_DIR) + "/pipelines");
  ASSERT_TRUE(tables.is_ok()) << tables.status().message();
  for (DeployTargetKind target : {DeployTargetKind::kFlink, DeployTargetKind::kConfluent}) {
    DeployTargetOptions o;
    o.target = target;
    o.warehouse = "file:///tmp/careflow-deploy-test-warehouse";
    auto plan = plan_deployment("pipelines", *tables, o);
    ASSERT_TRUE(plan.is_ok()) << plan.status().message();
    exec::Session session;
    size_t ddl = 0;
    for (const DeployStep& s : plan->steps) {
      if (s.kind != DeployStep::Kind::kDdl) continue;
      ++ddl;
      auto done = session.execute_script(s.statement);
      EXPECT_TRUE(done.is_ok()) << s.file << ": " << done.status().message() << "\n" << s.statement;
    }
    EXPECT_GE(ddl, target == DeployTargetKind::kFlink ? 35u : 29u);
  }
}

}  // namespace
}  // namespace careflow::jobs
