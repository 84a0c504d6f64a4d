#pragma once
// Runs one .test file (docs/sql-tests.md) on careflow's engine: statements against a fresh
// session, input rows fed block by block into each query's job, and the job's changelog and
// materialized result compared with the expected ones. Used by tests/sql's ctest runner
// (sql_logic_test) and by `careflow pipeline test` (docs/pipelines.md).

#include <string>

namespace careflow::sqltest {

struct FileResult {
  std::string path;
  size_t blocks = 0;
  int queries = 0;
  int failures = 0;  // a file that does not parse counts as one failure
  // Every disagreement ("FAIL <path>:<line>", the block's SQL as written, expected and actual),
  // then the summary line "<path>: N blocks, M queries, K failed".
  std::string report;
  bool ok() const { return failures == 0; }
};

// Never throws; a file that cannot be read or parsed is a failed result naming the line.
FileResult run_test_file(const std::string& path);

}  // namespace careflow::sqltest
