// careflow takes a keyword as a bare (unquoted) name exactly where Apache Flink 1.20 does. The
// verdicts are Flink's own, for each of its parser's keywords (flink_keywords.txt, written by
// tests/interop/flink KeywordCheck, which `tests/interop/flink/run --keywords` re-checks on Flink):
//   column:    CREATE TABLE t (<kw> INT)
//   select:    SELECT <kw> FROM t, t having the column `<kw>` INT (other: it means something else)
//   qualified: SELECT t.<kw> FROM t
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sql/catalog.h"
#include "sql/keywords.h"
#include "sql/parser.h"
#include "sql/planner.h"

namespace careflow::sql {
namespace {

struct FlinkVerdict {
  std::string keyword;
  std::string column, select, qualified;  // ok, refused or other
};

std::vector<FlinkVerdict> flink_verdicts() {
  std::ifstream in(CAREFLOW_FLINK_KEYWORDS_FILE);
  std::vector<FlinkVerdict> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    FlinkVerdict v;
    fields >> v.keyword >> v.column >> v.select >> v.qualified;
    out.push_back(v);
  }
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string column_verdict(const std::string& kw) {
  return parse_statement("CREATE TABLE t (" + kw + " INT)").is_ok() ? "ok" : "refused";
}

// SELECT `ref` FROM t over a table whose one column is `kw` INT: ok when that is the result.
std::string select_verdict(const std::string& kw, const std::string& ref, std::string* error) {
  Catalog catalog;
  auto ddl = parse_statement("CREATE TABLE t (`" + kw + "` INT)");
  if (!ddl.is_ok()) return "ddl failed: " + ddl.status().message();
  auto table = table_from_ddl(*(*ddl)->create_table);
  if (!table.is_ok() || !catalog.create_table(*table, false).ok()) return "ddl failed";
  auto query = parse_statement("SELECT " + ref + " FROM t");
  if (!query.is_ok()) {
    *error = query.status().message();
    return "refused";
  }
  // A word that parses as something else (a niladic function, a literal) is "other" whatever it
  // plans to: the functions' kernels register in exec, which this test does not link.
  if ((*query)->query->select.items[0].expr->kind != ExprKind::kColumn) return "other";
  auto plan = Planner(catalog, SessionOptions{}).plan_query(*(*query)->query);
  if (!plan.is_ok()) {
    *error = plan.status().message();
    return "refused";
  }
  const auto& schema = (*plan)->schema;
  const bool column = schema.size() == 1 && schema[0].name == kw && schema[0].type.id == TypeId::kInt;
  return column ? "ok" : "other";
}

TEST(KeywordsTest, TheListHoldsEveryFlinkKeyword) {
  const std::vector<FlinkVerdict> verdicts = flink_verdicts();
  ASSERT_GT(verdicts.size(), 700u) << "could not read " << CAREFLOW_FLINK_KEYWORDS_FILE;
  int reserved = 0;
  for (const FlinkVerdict& v : verdicts) reserved += v.column == "refused";
  EXPECT_GT(reserved, 300);
  EXPECT_LT(reserved, static_cast<int>(verdicts.size()) - 300);
}

TEST(KeywordsTest, EveryKeywordIsANameWhereFlinkTakesIt) {
  for (const FlinkVerdict& v : flink_verdicts()) {
    const std::string kw = lower(v.keyword);
    EXPECT_EQ(is_reserved_keyword(v.keyword), v.column == "refused") << v.keyword;
    EXPECT_EQ(column_verdict(kw), v.column) << "CREATE TABLE t (" << kw << " INT)";
    std::string error;
    // Flink refuses `SELECT null FROM t` for its type ("Illegal use of 'NULL'": an untyped NULL),
    // not its name; careflow types a bare NULL (docs/sql.md "Changelog"). Both read it as the
    // literal, never as a column.
    const std::string select_expected = v.keyword == "NULL" ? "other" : v.select;
    EXPECT_EQ(select_verdict(kw, kw, &error), select_expected) << "SELECT " << kw << " FROM t: " << error;
    EXPECT_EQ(select_verdict(kw, "t." + kw, &error), v.qualified) << "SELECT t." << kw << " FROM t: " << error;
  }
}

TEST(KeywordsTest, AReservedNameSaysWhereAndHowToQuoteIt) {
  auto r = parse_statement("CREATE TABLE t (\n  id INT,\n  value DOUBLE)");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().message(),
            "line 3:3: 'value' is a reserved keyword in Flink SQL and cannot be a column name as it is; quote it "
            "with backticks (`value`) to use it as a name");
  r = parse_statement("SELECT id, year FROM t");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("line 1:12: 'year' is a reserved keyword"), std::string::npos)
      << r.status().message();
  r = parse_statement("SELECT p.`value`, p.value FROM t AS p");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("line 1:21: 'value' is a reserved keyword"), std::string::npos)
      << r.status().message();
  // Back-quoted, any word is a name; reserved function names still call.
  EXPECT_TRUE(parse_statement("SELECT `value`, `year`, ABS(`value`), COUNT(*) FROM t GROUP BY `value`, `year`").is_ok());
  // Structural words keep the plain message.
  r = parse_statement("SELECT a, FROM t");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().message(), "line 1:11: unexpected 'FROM', expected an expression");
}

}  // namespace
}  // namespace careflow::sql
