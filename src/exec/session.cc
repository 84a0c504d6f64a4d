#include "exec/session.h"

#include <fmt/format.h>

#include "exec/session_results.h"
#include "exec/connectors/connector.h"
#include "exec/formats/record_format.h"
#include "log/topics.h"
#include "sql/parser.h"

namespace careflow::exec {

using sql::Statement;
using namespace session_results;  // ok(), one(), at(), table_text()

Session::Session() {
  config_["table.local-time-zone"] = "UTC";
  options_.is_lookup_table = is_lookup_only;
}

Result<std::vector<StatementResult>> Session::execute(sql::StatementPtr statement, std::string_view text) {
  // One function per kind of statement: queries and SET here, DDL in session_ddl.cc, SHOW /
  // DESCRIBE / EXPLAIN in session_show.cc.
  Statement& s = *statement;
  switch (s.kind) {
    case Statement::Kind::kQuery: return run_query(s);
    case Statement::Kind::kInsert: return run_insert(s);
    case Statement::Kind::kStatementSet: return run_statement_set(s);
    case Statement::Kind::kCreateTable: return create_table(s);
    case Statement::Kind::kCreateView: return create_view(s, text);
    case Statement::Kind::kDropTable: return drop_table(s);
    case Statement::Kind::kDropView: return drop_view(s);
    case Statement::Kind::kAlterTable: return alter_table(s);
    case Statement::Kind::kSet: return set_option(s);
    case Statement::Kind::kReset: return reset_option(s);
    case Statement::Kind::kShowTables: return show_tables();
    case Statement::Kind::kShowViews: return show_views();
    case Statement::Kind::kShowFunctions: return one(text_result(function_reference(false)));
    case Statement::Kind::kShowCreateTable: return show_create_table(s);
    case Statement::Kind::kDescribe: return describe_statement(s);
    case Statement::Kind::kExplain: return explain(s);
    case Statement::Kind::kUseCatalog:
    case Statement::Kind::kUseDatabase:
      return one(ok("careflow has one catalog and one database; USE has no effect"));
    case Statement::Kind::kShowJobs:
    case Statement::Kind::kStopJob:
    case Statement::Kind::kDescribeJob:
      // Jobs live in `careflow up` (src/jobs), which answers these before a session sees them.
      return at(s.pos, "jobs run inside `careflow up`: start it, then SHOW JOBS, STOP JOB and DESCRIBE JOB reach its jobs");
  }
  return Status::internal("unhandled statement");
}

Status Session::check_options(const sql::TableDef& table, sql::SourcePos pos) const {
  // The connectors and formats are those registered (connectors/connector.h, formats/record_format.h).
  if (const std::string* c = table.option("connector"); c && !ConnectorRegistry::global().find(*c)) {
    return at(pos, fmt::format("table '{}': unknown connector '{}'; careflow runs {} (or no connector: a topic of the log)",
                               table.name, *c, ConnectorRegistry::global().known()));
  }
  for (const char* key : {"format", "value.format", "key.format"}) {
    const std::string* f = table.option(key);
    if (!f) continue;
    const FormatDefinition* format = FormatRegistry::global().find(*f);
    const bool is_key = std::string_view(key) == "key.format";
    if (!format || (is_key && !format->key_format)) {
      return at(pos, fmt::format("table '{}': unknown {} '{}'; careflow reads {}", table.name, key, *f,
                                 FormatRegistry::global().known(is_key)));
    }
  }
  return Status::ok();
}

Result<sql::PlanPtr> Session::plan(const Statement& s) const {
  sql::Planner planner(catalog_, options_);
  switch (s.kind) {
    case Statement::Kind::kQuery: return planner.plan_query(*s.query);
    case Statement::Kind::kInsert: return planner.plan_insert(s.inserts[0]);
    default: return Status::invalid_argument(fmt::format("line {}:{}: only a query or an INSERT has a plan", s.pos.line, s.pos.column));
  }
}

Result<std::vector<StatementResult>> Session::job_for(const sql::PlanPtr& plan, bool is_insert) {
  CF_ASSIGN_OR_RETURN(std::unique_ptr<Job> job, Job::build(plan, options_));
  StatementResult r;
  r.kind = StatementResult::Kind::kJob;
  r.job = std::move(job);
  r.is_insert = is_insert;
  return one(std::move(r));
}

Result<std::vector<StatementResult>> Session::run_query(Statement& s) {
  sql::Planner planner(catalog_, options_);
  CF_ASSIGN_OR_RETURN(sql::PlanPtr p, planner.plan_query(*s.query));
  return job_for(p, false);
}

Result<std::vector<StatementResult>> Session::run_insert(Statement& s) {
  sql::Planner planner(catalog_, options_);
  CF_ASSIGN_OR_RETURN(sql::PlanPtr p, planner.plan_insert(s.inserts[0]));
  return job_for(p, true);
}

Result<std::vector<StatementResult>> Session::run_statement_set(Statement& s) {
  sql::Planner planner(catalog_, options_);
  std::vector<StatementResult> out;
  for (const sql::Insert& insert : s.inserts) {
    CF_ASSIGN_OR_RETURN(sql::PlanPtr p, planner.plan_insert(insert));
    CF_ASSIGN_OR_RETURN(std::vector<StatementResult> r, job_for(p, true));
    out.push_back(std::move(r[0]));
  }
  return out;
}

namespace {
constexpr std::string_view kIntervalJoinMinCleanup = "table.exec.interval-join.min-cleanup-interval";
constexpr std::string_view kSourceIdleTimeout = "table.exec.source.idle-timeout";
constexpr std::string_view kStateTtl = "table.exec.state.ttl";
constexpr std::string_view kLateRowsTopic = "table.exec.late-rows.topic";  // careflow's, not Flink's
}  // namespace

Result<std::vector<StatementResult>> Session::set_option(Statement& s) {
  if (s.key.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [k, v] : config_) rows.push_back({k, v});
    return one(text_result(table_text({"key", "value"}, rows)));
  }
  // A topic name Kafka would refuse is refused here, not when the first late row is written.
  if (s.key == kLateRowsTopic && !s.value.empty()) {
    CF_RETURN_IF_ERROR(log::validate_topic_name(s.value).with_context(fmt::format("SET '{}'", kLateRowsTopic)));
  }
  config_[s.key] = s.value;
  if (s.key == "table.local-time-zone") options_.time_zone = s.value;
  if (s.key == kIntervalJoinMinCleanup) options_.interval_join_min_cleanup = s.value;
  if (s.key == kSourceIdleTimeout) options_.source_idle_timeout = s.value;
  if (s.key == kStateTtl) options_.state_ttl = s.value;
  if (s.key == kLateRowsTopic) options_.late_rows_topic = s.value;
  return one(ok(fmt::format("'{}' set to '{}'", s.key, s.value)));
}

Result<std::vector<StatementResult>> Session::reset_option(Statement& s) {
  if (s.key.empty() || s.key == "table.local-time-zone") options_.time_zone = "UTC";
  if (s.key.empty() || s.key == kIntervalJoinMinCleanup) options_.interval_join_min_cleanup = "0";
  if (s.key.empty() || s.key == kSourceIdleTimeout) options_.source_idle_timeout = "0";
  if (s.key.empty() || s.key == kStateTtl) options_.state_ttl = "0";
  if (s.key.empty() || s.key == kLateRowsTopic) options_.late_rows_topic.clear();
  if (s.key.empty()) {
    config_.clear();
    config_["table.local-time-zone"] = "UTC";
  } else {
    config_.erase(s.key);
    if (s.key == "table.local-time-zone") config_[s.key] = "UTC";
  }
  return one(ok("reset"));
}

std::string function_reference(bool markdown) {
  auto docs = sql::FunctionRegistry::global().docs();
  if (!markdown) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& d : docs) rows.push_back({d.name, d.signature});
    return table_text({"function name", "signature"}, rows);
  }
  std::string out =
      "# SQL functions\n\n"
      "Generated by `careflow functions --markdown` from the function registry (src/sql/functions.h); a\n"
      "test keeps this file equal to that output. Semantics follow Apache Flink 1.20's built-in functions;\n"
      "the differences known are listed in src/exec/functions/README.md.\n\n"
      "| function | kind | signature | description |\n|---|---|---|---|\n";
  auto escape = [](std::string s) {
    std::string r;
    for (char c : s) r += c == '|' ? std::string("\\|") : std::string(1, c);
    return r;
  };
  for (const auto& d : docs) {
    out += fmt::format("| {} | {} | `{}` | {} |\n", d.name, d.aggregate ? "aggregate" : "scalar", escape(d.signature),
                       escape(d.description));
  }
  return out;
}

Result<std::vector<StatementResult>> Session::execute_script(std::string_view sql) {
  CF_ASSIGN_OR_RETURN(std::vector<sql::ScriptStatement> statements, sql::parse_script(sql));
  std::vector<StatementResult> out;
  for (sql::ScriptStatement& st : statements) {
    CF_ASSIGN_OR_RETURN(std::vector<StatementResult> r, execute(std::move(st.statement), st.text));
    for (auto& x : r) out.push_back(std::move(x));
  }
  return out;
}

}  // namespace careflow::exec
