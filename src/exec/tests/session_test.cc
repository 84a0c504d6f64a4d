// Sessions: DDL, SET/RESET, SHOW/DESCRIBE/EXPLAIN text, and the errors careflow raises where
// Flink has nothing to compare (Confluent Cloud's option checks, constructs not supported yet).
#include "exec/session.h"

#include <gtest/gtest.h>

#include <fstream>

namespace careflow::exec {
namespace {

std::string run_text(Session& s, const std::string& sql) {
  auto r = s.execute_script(sql);
  EXPECT_TRUE(r.is_ok()) << sql << "\n" << r.status().message();
  if (!r.is_ok() || r->empty()) return "";
  return r->back().text;
}

std::string error_of(Session& s, const std::string& sql) {
  auto r = s.execute_script(sql);
  EXPECT_FALSE(r.is_ok()) << sql;
  return r.is_ok() ? "" : r.status().message();
}

TEST(SessionTest, ShowDescribeAndShowCreateTable) {
  Session s;
  run_text(s, "CREATE TABLE `healthcare.public.prescriptions` (id STRING, target DOUBLE, ts TIMESTAMP(3), "
              "proc AS PROCTIME(), PRIMARY KEY (id) NOT ENFORCED, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) "
              "DISTRIBUTED BY HASH(id) INTO 4 BUCKETS WITH ('value.format' = 'json', 'kafka.retention.time' = '7 d')");
  EXPECT_EQ(run_text(s, "SHOW TABLES"),
            "+---------------------------------+\n| table name                      |\n"
            "+---------------------------------+\n| healthcare.public.prescriptions |\n"
            "+---------------------------------+\n");
  EXPECT_EQ(run_text(s, "SHOW CREATE TABLE `healthcare.public.prescriptions`"),
            "CREATE TABLE `healthcare.public.prescriptions` (\n  id STRING NOT NULL,\n  target DOUBLE,\n"
            "  ts TIMESTAMP(3),\n  proc AS PROCTIME(),\n  PRIMARY KEY (id) NOT ENFORCED,\n"
            "  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND\n)\nDISTRIBUTED BY HASH(id) INTO 4 BUCKETS\nWITH (\n"
            "  'value.format' = 'json',\n  'kafka.retention.time' = '7 d'\n)\n");
  std::string described = run_text(s, "DESCRIBE `healthcare.public.prescriptions`");
  EXPECT_NE(described.find("| id     | STRING                 | FALSE | PRI(id) |"), std::string::npos) << described;
  // The watermark column is the rowtime attribute, marked as Flink's DESCRIBE marks it.
  EXPECT_NE(described.find("| ts     | TIMESTAMP(3) *ROWTIME* | TRUE  |"), std::string::npos) << described;
  EXPECT_NE(described.find("AS PROCTIME()"), std::string::npos) << described;
  EXPECT_NE(described.find("ts - INTERVAL '5' SECOND"), std::string::npos) << described;
  std::string functions = run_text(s, "SHOW FUNCTIONS");
  for (const char* f : {"UPPER", "COUNT", "JSON_VALUE", "TIMESTAMPDIFF", "LISTAGG"}) {
    EXPECT_NE(functions.find(std::string("| ") + f + " "), std::string::npos) << f;
  }
}

TEST(SessionTest, ExplainNamesFlinkOperatorsAndChangelogModes) {
  Session s;
  run_text(s, "CREATE TABLE t (k STRING, v INT) WITH ('changelog.mode' = 'retract')");
  EXPECT_EQ(run_text(s, "EXPLAIN SELECT k, SUM(v) FROM t GROUP BY k"),
            "== Optimized Physical Plan ==\n"
            "Calc(select=[k, EXPR$0 AS EXPR$1]), changelogMode=[I,UB,UA,D]\n"
            "+- GroupAggregate(groupBy=[k], select=[k, SUM(v)]), changelogMode=[I,UB,UA,D]\n"
            "   +- Calc(select=[k, v AS $f1]), changelogMode=[I,UB,UA,D]\n"
            "      +- TableSourceScan(table=[[t]], fields=[k, v]), changelogMode=[I,UB,UA,D]\n");
}

TEST(SessionTest, DdlLifecycle) {
  Session s;
  run_text(s, "CREATE TABLE a (x INT, y STRING) WITH ('connector' = 'kafka', 'value.format' = 'json')");
  run_text(s, "CREATE TABLE b WITH ('changelog.mode' = 'retract') AS SELECT x, COUNT(*) AS n FROM a GROUP BY x");
  EXPECT_NE(run_text(s, "SHOW CREATE TABLE b").find("n BIGINT NOT NULL"), std::string::npos);
  run_text(s, "CREATE TABLE c (z INT) LIKE a (EXCLUDING OPTIONS)");
  EXPECT_EQ(run_text(s, "SHOW CREATE TABLE c"), "CREATE TABLE c (\n  x INT,\n  y STRING,\n  z INT\n)\n");
  run_text(s, "ALTER TABLE c SET ('changelog.mode' = 'retract')");
  run_text(s, "ALTER TABLE c ADD (w AS z + 1)");
  EXPECT_NE(run_text(s, "SHOW CREATE TABLE c").find("w AS z + 1"), std::string::npos);
  run_text(s, "ALTER TABLE c RESET ('changelog.mode')");
  EXPECT_EQ(run_text(s, "SHOW CREATE TABLE c").find("changelog.mode"), std::string::npos);
  run_text(s, "DROP TABLE c");
  EXPECT_EQ(error_of(s, "DROP TABLE c"), "line 1:1: table 'c' not found; did you mean 'a'?");
  // LIKE: a key and a watermark may name the source's columns (Flink merges the schemas first), a
  // key only NOT NULL ones; a second key beside the source's is Flink's error unless EXCLUDING
  // CONSTRAINTS.
  EXPECT_EQ(error_of(s, "CREATE TABLE bad (PRIMARY KEY (x) NOT ENFORCED) LIKE a"),
            "line 1:19: Invalid primary key 'PK_x'. Column 'x' is nullable.");
  run_text(s, "CREATE TABLE strict (x INT NOT NULL, y STRING NOT NULL)");
  run_text(s, "CREATE TABLE keyed (PRIMARY KEY (x) NOT ENFORCED) LIKE strict");
  EXPECT_EQ(run_text(s, "SHOW CREATE TABLE keyed"),
            "CREATE TABLE keyed (\n  x INT NOT NULL,\n  y STRING NOT NULL,\n  PRIMARY KEY (x) NOT ENFORCED\n)\n");
  EXPECT_EQ(error_of(s, "CREATE TABLE twice (PRIMARY KEY (y) NOT ENFORCED) LIKE keyed"),
            "line 1:21: The base table already has a primary key. You might want to specify EXCLUDING CONSTRAINTS.");
  run_text(s, "CREATE TABLE rekeyed (PRIMARY KEY (y) NOT ENFORCED) LIKE keyed (EXCLUDING CONSTRAINTS)");
  EXPECT_NE(run_text(s, "SHOW CREATE TABLE rekeyed").find("PRIMARY KEY (y) NOT ENFORCED"), std::string::npos);
  EXPECT_EQ(error_of(s, "CREATE TABLE bad (PRIMARY KEY (q) NOT ENFORCED) LIKE a"),
            "line 1:19: primary key column 'q' is not a column of 'bad'");
  run_text(s, "CREATE TABLE timed (ts TIMESTAMP(3), WATERMARK FOR ts AS ts) LIKE a");
  EXPECT_EQ(error_of(s, "CREATE TABLE bad (WATERMARK FOR ts AS ts) LIKE timed"),
            "line 1:19: There already exists a watermark spec for column 'ts' in the base table. You might want to "
            "specify EXCLUDING WATERMARKS or OVERWRITING WATERMARKS.");
  run_text(s, "CREATE TABLE retimed (WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) LIKE timed (OVERWRITING WATERMARKS)");
  EXPECT_NE(run_text(s, "SHOW CREATE TABLE retimed").find("WATERMARK FOR ts AS ts - INTERVAL '1' SECOND"), std::string::npos);
  for (const char* t : {"strict", "keyed", "rekeyed", "timed", "retimed"}) run_text(s, std::string("DROP TABLE ") + t);
  run_text(s, "DROP TABLE IF EXISTS c");
  EXPECT_EQ(error_of(s, "CREATE TABLE a (q INT)"), "line 1:1: table 'a' already exists");
  run_text(s, "CREATE TABLE IF NOT EXISTS a (q INT)");
  EXPECT_NE(run_text(s, "SHOW CREATE TABLE a").find("x INT"), std::string::npos);  // unchanged
  run_text(s, "SET 'table.local-time-zone' = 'Asia/Tokyo'");
  EXPECT_EQ(s.options().time_zone, "Asia/Tokyo");
  run_text(s, "RESET 'table.local-time-zone'");
  EXPECT_EQ(s.options().time_zone, "UTC");
}

struct ErrorCase {
  const char* sql;
  const char* message;
};

TEST(SessionTest, ErrorsNameThePlaceAndTheFix) {
  Session s;
  run_text(s, "CREATE TABLE t (id INT, name STRING, tags ARRAY<STRING>)");
  run_text(s, "CREATE TABLE u (id INT)");
  const ErrorCase cases[] = {
      {"CREATE TABLE bad (a INT) WITH ('changelog.mode' = 'upsert')",
       "line 1:1: table 'bad' has 'changelog.mode' = 'upsert' but no PRIMARY KEY; an upsert table needs one"},
      {"CREATE TABLE bad (a INT) WITH ('changelog.mode' = 'sometimes')",
       "'changelog.mode' must be 'append', 'retract' or 'upsert', not 'sometimes'"},
      {"CREATE TABLE bad (a INT) WITH ('connector' = 'hbase-2.2')", "unknown connector 'hbase-2.2'"},
      {"CREATE TABLE bad (a INT) WITH ('value.format' = 'protobuf')", "unknown value.format 'protobuf'"},
      {"CREATE TABLE bad (a INT, a STRING)", "line 1:26: column 'a' is declared twice"},
      {"CREATE TABLE bad (a INT, PRIMARY KEY (b) NOT ENFORCED)", "primary key column 'b' is not a column of 'bad'"},
      {"CREATE TABLE bad (a INT, WATERMARK FOR ts AS ts)", "watermark column 'ts' is not a column of 'bad'"},
      {"CREATE TABLE bad (a INT) WITH ('k' = '1', 'k' = '2')", "option 'k' is given twice"},
      {"SELECT nme FROM t", "line 1:8: column 'nme' not found; did you mean 'name'?"},
      {"SELECT id FROM t, u", "line 1:8: column 'id' is ambiguous"},
      {"SELECT x.id FROM t", "line 1:8: table or alias 'x' not found in FROM"},
      {"SELECT * FROM tt", "line 1:15: table 'tt' not found; did you mean 't'?"},
      {"SELECT UPPR(name) FROM t", "line 1:8: unknown function 'UPPR'; did you mean 'UPPER'?"},
      {"SELECT UPPER(id, name) FROM t", "UPPER"},
      {"SELECT id + name FROM t", "line 1:11: cannot apply '+' to arguments of type INT and STRING"},
      {"SELECT CAST(tags AS INT) FROM t", "cannot cast ARRAY<STRING> to INT"},
      {"SELECT id FROM t WHERE name", "WHERE condition must be BOOLEAN, got STRING"},
      {"SELECT id FROM t ORDER BY id", "Sort on a non-time-attribute field is not supported"},
      {"SELECT id FROM t INTERSECT SELECT id FROM u", "INTERSECT is not supported yet"},
      {"SELECT id FROM t WHERE id IN (SELECT id FROM u) OR id = 1", "IN / EXISTS subqueries are supported as conditions of WHERE combined with AND"},
      {"SELECT COUNT(*) FROM t GROUP BY (SELECT 1)", "line 1:33: a scalar subquery is supported in the SELECT list, WHERE and HAVING only"},
      {"SELECT (SELECT id, name FROM t)", "line 1:8: a scalar subquery must return one column, this one returns 2"},
      {"SELECT * FROM t AS a JOIN u FOR SYSTEM_TIME AS OF a.id AS b ON a.id = b.id", "line 1:51: FOR SYSTEM_TIME AS OF takes a time attribute of the left table"},
      {"SELECT COUNT(*) OVER (PARTITION BY id ORDER BY name) FROM t",
       "line 1:48: OVER windows' ordering in stream mode must be defined on a time attribute"},
      {"SELECT LEAD(id) OVER (PARTITION BY id ORDER BY name) FROM t", "line 1:8: LEAD Function is not supported in stream mode."},
      {"SELECT LAG(id) OVER (PARTITION BY id ORDER BY name) FROM t",
       "line 1:47: OVER windows' ordering in stream mode must be defined on a time attribute"},
      {"SELECT id FROM t LIMIT 0", "LIMIT 0 returns nothing"},
      {"INSERT INTO u SELECT name FROM t", "INSERT INTO 'u': column 'id' is INT but the query gives STRING for it; CAST it"},
      {"INSERT INTO u SELECT id, name FROM t", "INSERT INTO 'u': the query has 2 columns but the table has 1 writable columns"},
      {"INSERT INTO nowhere SELECT id FROM t", "table 'nowhere' not found"},
      {"SELECT id FROM t\nWHERE name = 1", "line 2:12: cannot apply '=' to arguments of type STRING and INT"},
  };
  for (const ErrorCase& c : cases) {
    std::string message = error_of(s, c.sql);
    EXPECT_NE(message.find(c.message), std::string::npos) << c.sql << "\n  got:  " << message << "\n  want: " << c.message;
  }
}

TEST(SessionTest, RunTimeErrorsFailTheJobWithTheCause) {
  Session s;
  run_text(s, "CREATE TABLE t (s STRING)");
  auto r = s.execute_script("SELECT CAST(s AS INT) FROM t");
  ASSERT_TRUE(r.is_ok());
  Job& job = *r->front().job;
  ASSERT_TRUE(job.start().is_ok());
  Status pushed = job.push("t", {Row{RowKind::kInsert, {Value::string("12")}}, Row{RowKind::kInsert, {Value::string("x")}}});
  EXPECT_EQ(pushed.message(), "the job failed: cannot cast 'x' to INT");
  EXPECT_FALSE(job.push("t", {Row{RowKind::kInsert, {Value::string("1")}}}).is_ok());  // a failed job stays failed
}

}  // namespace
}  // namespace careflow::exec

namespace careflow::exec {
namespace {

TEST(FunctionReferenceTest, TheDocsAreTheRegistry) {
  std::ifstream in(std::string(CAREFLOW_SOURCE_DIR) + "/docs/sql-functions.md");
  std::string committed(std::istreambuf_iterator<char>(in), {});
  EXPECT_EQ(committed, function_reference(true))
      << "docs/sql-functions.md is stale: run `careflow functions --markdown > docs/sql-functions.md`";
}

}  // namespace
}  // namespace careflow::exec
