#pragma once
// A parsed .test file (docs/sql-tests.md): statements, input blocks and queries, each with the
// line it starts on so failures point into the file. A SQL line `include <file>` (in a statement,
// query or explain block) stands for that file's text, the path relative to the test file's folder:
// how a pipeline table's tests run the table's own ddl/dml scripts (docs/pipelines.md).

#include <string>
#include <vector>

#include "common/status.h"

namespace careflow::sqltest {

struct Block {
  enum class Kind { kStatementOk, kStatementError, kInput, kQuery, kExplain };
  Kind kind;
  int line = 0;
  std::string sql;                    // statements and queries, includes expanded
  std::string source;                 // the SQL as the test file writes it (include lines kept)
  std::string table;                  // input
  std::vector<std::string> rows;      // input rows, as written
  std::string expected_error;         // statement error, query ---- error
  bool has_changelog = false, has_final = false, has_error = false;
  bool bounded = false;               // `query bounded`: the inputs end after the last block
  std::vector<std::string> changelog; // query ---- changelog
  std::vector<std::string> final_rows;  // query ---- final
  std::vector<std::string> plan;        // explain ----
};

Result<std::vector<Block>> parse_test_file(const std::string& path);

// Splits "a, 'b, c', [1, 2]" at ", " outside quotes and brackets.
std::vector<std::string> split_fields(const std::string& text);

}  // namespace careflow::sqltest
