#pragma once
// A SQL session: the catalog, the session options (SET), and the execution of statements.
// DDL and SET change the session; SHOW / DESCRIBE / EXPLAIN answer with text; a SELECT or an
// INSERT answers with a Job that the caller drives. Errors are InvalidArgument with
// "line L:C: ..." positions relative to the text given.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "exec/job.h"
#include "sql/ast.h"
#include "sql/catalog.h"
#include "sql/planner.h"

namespace careflow::exec {

struct StatementResult {
  enum class Kind { kOk, kText, kJob };
  Kind kind = Kind::kOk;
  std::string text;             // kOk: what was done ("table 'x' created"); kText: the answer
  std::unique_ptr<Job> job;     // kJob
  bool is_insert = false;       // kJob: an INSERT (or CTAS, statement set member) rather than a SELECT
};

class Session {
 public:
  Session();

  // One statement; `text` is its source (kept for SHOW CREATE VIEW).
  Result<std::vector<StatementResult>> execute(sql::StatementPtr statement, std::string_view text = "");
  // A script of statements separated by ';', executed in order; stops at the first error, which
  // names the statement's line.
  Result<std::vector<StatementResult>> execute_script(std::string_view sql);

  const sql::Catalog& catalog() const { return catalog_; }
  const sql::SessionOptions& options() const { return options_; }
  // Every SET key with its value (the checkpoint settings are read from these: checkpoint_settings.h).
  const std::map<std::string, std::string>& config() const { return config_; }
  // Plans a query or an INSERT without building a job (EXPLAIN uses this).
  Result<sql::PlanPtr> plan(const sql::Statement& statement) const;

 private:
  using Results = Result<std::vector<StatementResult>>;
  // One function per kind of statement (as DuckDB's binder has one per statement), by concern:
  // queries, INSERT and SET in session.cc; DDL in session_ddl.cc; SHOW, DESCRIBE and EXPLAIN in
  // session_show.cc.
  Results run_query(sql::Statement& s);
  Results run_insert(sql::Statement& s);
  Results run_statement_set(sql::Statement& s);
  Results set_option(sql::Statement& s);
  Results reset_option(sql::Statement& s);
  Results create_table(sql::Statement& s);
  Results create_view(sql::Statement& s, std::string_view text);
  Results drop_table(sql::Statement& s);
  Results drop_view(sql::Statement& s);
  Results alter_table(sql::Statement& s);
  Results show_tables();
  Results show_views();
  Results show_create_table(sql::Statement& s);
  Results describe_statement(sql::Statement& s);
  Results explain(sql::Statement& s);

  Results job_for(const sql::PlanPtr& plan, bool is_insert);
  // The connector and formats are known to their registries; positions errors at `pos`.
  Status check_options(const sql::TableDef& table, sql::SourcePos pos) const;
  // DESCRIBE's table; `extended` (DESCRIBE EXTENDED) lists the system columns too, marked SYSTEM
  // in extras, as Confluent Cloud does.
  std::string describe(const sql::TableDef& table, bool extended) const;

  sql::Catalog catalog_;
  sql::SessionOptions options_;
  std::map<std::string, std::string> config_;
};

// Every built-in function with its signature and description: a text table, or the Markdown of
// docs/sql-functions.md (a test keeps that file equal to this output).
std::string function_reference(bool markdown);

}  // namespace careflow::exec
