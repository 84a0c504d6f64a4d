#include "app/sql_location.h"

#include <gtest/gtest.h>

namespace careflow::app {
namespace {

Status error(const std::string& m) { return Status::invalid_argument(m); }

TEST(SqlLocationTest, APlaceBecomesFileLineColumn) {
  EXPECT_EQ(locate_sql_error(error("line 4:10: column 'b' not found"), {"p.sql"}).message(), "p.sql:4:10: column 'b' not found");
  EXPECT_EQ(locate_sql_error(error("line 4:10: x"), {"p.sql"}).code(), StatusCode::kInvalidArgument);
}

TEST(SqlLocationTest, PlacesInAStatementCountFromWhereItStarts) {
  // "EXPLAIN SELECT b FROM t" planned alone; the statement starts at line 3, column 5 of the file.
  const TextPlace place{"p.sql", 3, 5};
  EXPECT_EQ(locate_sql_error(error("line 1:16: oops"), place, 8).message(), "p.sql:3:12: oops");
  EXPECT_EQ(locate_sql_error(error("line 2:3: oops"), place, 8).message(), "p.sql:4:3: oops");
}

TEST(SqlLocationTest, AMessageWithoutAPlaceNamesTheOrigin) {
  EXPECT_EQ(locate_sql_error(error("the job failed"), {"-e"}).message(), "-e: the job failed");
  EXPECT_EQ(locate_sql_error(error("line x: not a place"), {"-e"}).message(), "-e: line x: not a place");
  EXPECT_TRUE(locate_sql_error(Status::ok(), {"-e"}).is_ok());
}

}  // namespace
}  // namespace careflow::app
