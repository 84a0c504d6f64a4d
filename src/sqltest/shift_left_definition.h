#pragma once
// A shift-left project's test suite definition: the `tests/test_definitions.yaml` of a table folder
// as jbcodeforce/shift_left_utils' `shift_left table init-unit-tests` writes it (docs/pipelines.md,
// "Shift-left projects"):
//
//   foundations:                         # the tables the DML under test reads, as `<name>_ut`
//   - table_name: src_orders
//     ddl_for_test: ./tests/ddl_src_orders.sql
//   test_suite:
//   - name: test_fct_order_1
//     inputs:                            # rows for the foundations: INSERT statements or CSV
//     - table_name: src_orders
//       file_name: ./tests/insert_src_orders_1.sql
//       file_type: sql                   # sql (default) or csv
//     outputs:                           # a SELECT whose first row's first column says PASS
//     - table_name: fct_order
//       file_name: ./tests/validate_fct_order_1.sql
//
// Older layouts name the file `sql_file_name`; both are read. Paths are relative to the table
// folder (the parent of tests/).

#include <string>
#include <vector>

#include "common/status.h"

namespace careflow::sqltest {

struct ShiftLeftFoundation {
  std::string table_name;
  std::string ddl_file;
};

struct ShiftLeftData {
  std::string table_name;
  std::string file;
  bool csv = false;
};

struct ShiftLeftCase {
  std::string name;
  std::vector<ShiftLeftData> inputs;
  std::vector<ShiftLeftData> outputs;
};

struct ShiftLeftDefinition {
  std::vector<ShiftLeftFoundation> foundations;
  std::vector<ShiftLeftCase> cases;
};

// InvalidArgument naming the file, and the line and column where yaml-cpp can tell, for YAML that
// does not parse or a definition that lacks a required key.
Result<ShiftLeftDefinition> parse_shift_left_definition(const std::string& path);

}  // namespace careflow::sqltest
