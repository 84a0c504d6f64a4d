// The shift-left layout's pieces that the example project (examples/shift-left, run by ctest's
// pipelines_shift_left) does not reach: the `_ut` rename's edges and the definition's errors.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sqltest/shift_left_definition.h"
#include "sqltest/shift_left_suite.h"

namespace careflow::sqltest {
namespace {

TEST(SuffixTableNames, RenamesTablesOnlyWhereTheyAreTableNames) {
  Result<std::string> sql = suffix_table_names(
      "INSERT INTO Fct_Order\nSELECT o.id, 'orders' AS src_orders -- orders\nFROM `src_orders` o JOIN db.orders AS x ON o.id = x.id",
      {"fct_order", "src_orders", "orders"}, "_ut");
  ASSERT_TRUE(sql.is_ok()) << sql.status().message();
  // Case kept, back-quoted names renamed inside their quotes, strings and comments untouched, the
  // qualifier `db` kept while the table after it is renamed. A column alias that spells a table
  // name is renamed too, as shift_left's word-boundary replacement does.
  EXPECT_EQ(*sql,
            "INSERT INTO Fct_Order_ut\nSELECT o.id, 'orders' AS src_orders_ut -- orders\nFROM `src_orders_ut` o JOIN "
            "db.orders_ut AS x ON o.id = x.id");
}

TEST(SuffixTableNames, AlreadySuffixedNamesStayAsTheyAre) {
  Result<std::string> sql = suffix_table_names("select * from src_orders_ut", {"src_orders"}, "_ut");
  ASSERT_TRUE(sql.is_ok());
  EXPECT_EQ(*sql, "select * from src_orders_ut");
}

TEST(SuffixTableNames, UnlexableSqlIsAnErrorWithItsPosition) {
  Result<std::string> sql = suffix_table_names("select 'open\nfrom t", {"t"}, "_ut");
  ASSERT_FALSE(sql.is_ok());
  EXPECT_NE(sql.status().message().find("line 1:8"), std::string::npos) << sql.status().message();
}

class ShiftLeftDefinitionTest : public ::testing::Test {
 protected:
  std::string write(const std::string& yaml) {
    const auto dir = std::filesystem::temp_directory_path() / ("careflow-shift-left-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const auto path = dir / ("test_definitions_" + std::to_string(++n_) + ".yaml");
    std::ofstream(path) << yaml;
    return path.string();
  }
  int n_ = 0;
};

TEST_F(ShiftLeftDefinitionTest, ReadsBothFileKeysAndTheCsvType) {
  Result<ShiftLeftDefinition> def = parse_shift_left_definition(write(
      "foundations:\n- table_name: a\n  ddl_for_test: ./tests/ddl_a.sql\n"
      "test_suite:\n- name: t1\n  inputs:\n  - table_name: a\n    sql_file_name: ./tests/insert_a_1.sql\n"
      "  - table_name: a\n    file_name: ./tests/insert_a_2.csv\n    file_type: csv\n"
      "  outputs:\n  - table_name: b\n    file_name: ./tests/validate_b_1.sql\n"));
  ASSERT_TRUE(def.is_ok()) << def.status().message();
  ASSERT_EQ(def->foundations.size(), 1u);
  EXPECT_EQ(def->foundations[0].ddl_file, "./tests/ddl_a.sql");
  ASSERT_EQ(def->cases.size(), 1u);
  ASSERT_EQ(def->cases[0].inputs.size(), 2u);
  EXPECT_EQ(def->cases[0].inputs[0].file, "./tests/insert_a_1.sql");
  EXPECT_FALSE(def->cases[0].inputs[0].csv);
  EXPECT_TRUE(def->cases[0].inputs[1].csv);
  EXPECT_EQ(def->cases[0].outputs[0].table_name, "b");
}

TEST_F(ShiftLeftDefinitionTest, ErrorsNameTheFileAndWhere) {
  const std::string bad_yaml = write("test_suite:\n- name: [unclosed\n");
  Result<ShiftLeftDefinition> def = parse_shift_left_definition(bad_yaml);
  ASSERT_FALSE(def.is_ok());
  EXPECT_NE(def.status().message().find(bad_yaml + ":"), std::string::npos) << def.status().message();

  const std::string no_output = write("test_suite:\n- name: t1\n  inputs: []\n");
  def = parse_shift_left_definition(no_output);
  ASSERT_FALSE(def.is_ok());
  EXPECT_NE(def.status().message().find(no_output + ":2:3: test case 't1' has no outputs"), std::string::npos)
      << def.status().message();

  const std::string bad_type = write(
      "test_suite:\n- name: t1\n  outputs:\n  - table_name: b\n    file_name: v.sql\n    file_type: parquet\n");
  def = parse_shift_left_definition(bad_type);
  ASSERT_FALSE(def.is_ok());
  EXPECT_NE(def.status().message().find("file_type must be sql or csv, not 'parquet'"), std::string::npos);

  def = parse_shift_left_definition(write("- just\n- a list\n"));
  ASSERT_FALSE(def.is_ok());
  EXPECT_NE(def.status().message().find("expected a mapping"), std::string::npos);

  def = parse_shift_left_definition("/nonexistent/test_definitions.yaml");
  ASSERT_FALSE(def.is_ok());
  EXPECT_NE(def.status().message().find("cannot be read"), std::string::npos);
}

TEST(ShiftLeftSuite, AMissingTableScriptFailsTheSuiteNamingIt) {
  const auto dir = std::filesystem::temp_directory_path() / ("careflow-shift-left-suite-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir / "tests");
  std::ofstream(dir / "tests" / "test_definitions.yaml")
      << "test_suite:\n- name: t1\n  outputs:\n  - table_name: fct_x\n    file_name: ./tests/validate_fct_x_1.sql\n";
  ShiftLeftResult result = run_shift_left_suite((dir / "tests" / "test_definitions.yaml").string());
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.report.find("ddl.fct_x.sql"), std::string::npos) << result.report;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace careflow::sqltest
