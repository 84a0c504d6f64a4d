// Runs tests/sql/*.test files (docs/sql-tests.md) on careflow's engine with src/sqltest's runner.
// Prints every disagreement and exits 1 if there was one.
//
//   sql_logic_test FILE...

#include <fmt/format.h>

#include "sqltest/logic_test_runner.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: sql_logic_test FILE.test...\n");
    return 2;
  }
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    careflow::sqltest::FileResult result = careflow::sqltest::run_test_file(argv[i]);
    fmt::print("{}", result.report);
    ok = result.ok() && ok;
  }
  return ok ? 0 : 1;
}
