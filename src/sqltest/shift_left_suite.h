#pragma once
// Runs a shift-left project's unit tests offline, on careflow's engine, with no Kafka, no cloud
// compute pool and no statement to clean up afterwards (docs/pipelines.md, "Shift-left projects").
//
// The layout is jbcodeforce/shift_left_utils' (`shift_left table init-unit-tests` writes it):
//   <table>/sql-scripts/ddl.<table>.sql, dml.<table>.sql     the table under test
//   <table>/tests/test_definitions.yaml                      foundations and test_suite
//   <table>/tests/ddl_*.sql, insert_*.sql|csv, validate_*.sql
// shift_left runs each file as a Confluent Cloud statement against `<name>_ut` topics; here each
// test case gets a fresh in-memory session and the same files, renamed the same way:
//   1. every foundation's DDL and the table under test's DDL, each table renamed `<name>_ut`;
//   2. the case's inputs: INSERT statements (or CSV rows, turned into one INSERT ... VALUES as
//      shift_left does), each run to its end; the rows each table receives are kept, in order;
//   3. the DML under test, its sources fed with those rows, then the end of input (a final
//      watermark, as at the end of a bounded source); what its sink receives is kept too;
//   4. each output's validation SELECT over the kept rows: the case passes when the first row of
//      its result (the table materialized from its changelog) has 'PASS' as its first column.
// A SQL error names the file and line:column in it.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace careflow::sqltest {

struct ShiftLeftResult {
  std::string path;  // the test_definitions.yaml
  int cases = 0;
  int failures = 0;  // a definition that does not load counts as one failure
  // One line per case ("ok   <folder> <case>" or "FAIL <folder> <case>: why"), then the reason in
  // detail for each failure.
  std::string report;
  bool ok() const { return failures == 0; }
};

// Never throws; `definition_path` is a table folder's tests/test_definitions.yaml.
ShiftLeftResult run_shift_left_suite(const std::string& definition_path);

// `sql` with every table name of `tables` (compared ignoring case, as bare or back-quoted
// identifiers; qualifiers before a '.' are not table names) followed by `suffix`. Strings and
// comments are untouched: the rename goes through the SQL lexer.
Result<std::string> suffix_table_names(std::string_view sql, const std::vector<std::string>& tables,
                                       std::string_view suffix);

}  // namespace careflow::sqltest
