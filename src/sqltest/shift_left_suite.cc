#include "sqltest/shift_left_suite.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "common/ascii_case.h"
#include "exec/row.h"
#include "exec/session.h"
#include "sql/lexer.h"
#include "sqltest/shift_left_definition.h"
#include "values/value_format.h"

namespace careflow::sqltest {
namespace {

namespace fs = std::filesystem;
using exec::Row;
using exec::RowBatch;

constexpr std::string_view kSuffix = "_ut";  // shift_left's DEFAULT_POST_FIX_UNIT_TEST

Result<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found(fmt::format("{}: cannot be read", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The byte offset of each line's start, so a token's line:column maps back into the text.
std::vector<size_t> line_starts(std::string_view text) {
  std::vector<size_t> starts{0};
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') starts.push_back(i + 1);
  }
  return starts;
}

// The one sql-scripts/<kind>.*.sql of the table under test: <kind>.<table>.sql when it exists (a
// folder may keep an older script beside it), else the only <kind>.*.sql there is.
Result<fs::path> table_script(const fs::path& folder, const std::string& kind, const std::string& table) {
  const fs::path scripts = folder / "sql-scripts";
  const fs::path exact = scripts / fmt::format("{}.{}.sql", kind, table);
  std::error_code ec;
  if (fs::is_regular_file(exact, ec)) return exact;
  std::vector<fs::path> found;
  for (fs::directory_iterator it(scripts, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with(kind + ".") && name.ends_with(".sql")) found.push_back(it->path());
  }
  if (found.size() == 1) return found.front();
  return Status::not_found(fmt::format("{} does not exist, and sql-scripts/ holds {} {}.*.sql files instead of one",
                                       exact.string(), found.size(), kind));
}

// One test case: its own session, and the rows each `_ut` table has received so far, in order, as
// its topic would hold them.
class CaseRun {
 public:
  CaseRun(const fs::path& folder, std::vector<std::string> tables) : folder_(folder), tables_(std::move(tables)) {}

  // Runs a script file after the rename; each INSERT it holds is run to its end over the rows
  // kept so far, and what its sink receives is kept.
  Status run_file(const std::string& relative) { return run_script((folder_ / relative).lexically_normal()); }
  Status run_script(const fs::path& path) {
    CF_ASSIGN_OR_RETURN(std::string text, read_text(path));
    return run_sql(path.string(), text);
  }

  // shift_left's CSV input: a header line of column names, then one line of SQL literals per row.
  Status run_csv(const ShiftLeftData& data) {
    const fs::path path = (folder_ / data.file).lexically_normal();
    CF_ASSIGN_OR_RETURN(std::string text, read_text(path));
    std::istringstream lines(text);
    std::string header, line, values;
    std::getline(lines, header);
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      values += (values.empty() ? "(" : ",\n(") + line + ")";
    }
    if (header.empty() || values.empty()) return Status::invalid_argument(fmt::format("{}: no header or no rows", path.string()));
    return run_sql(path.string(), fmt::format("INSERT INTO {} ({}) VALUES\n{}", data.table_name, header, values));
  }

  // The validation SELECT's verdict: the first column of the first row of its materialized result
  // ("PASS" when the case passed), or "no row".
  Result<std::string> validate(const std::string& relative) {
    const fs::path path = (folder_ / relative).lexically_normal();
    CF_ASSIGN_OR_RETURN(std::string text, read_text(path));
    CF_ASSIGN_OR_RETURN(std::string sql, renamed(path.string(), text));
    Result<std::vector<exec::StatementResult>> results = session_.execute_script(sql);
    if (!results.is_ok()) return Status::invalid_argument(fmt::format("{}: {}", path.string(), results.status().message()));
    if (results->size() != 1 || results->front().kind != exec::StatementResult::Kind::kJob || results->front().is_insert) {
      return Status::invalid_argument(fmt::format("{}: a validation file must hold one SELECT", path.string()));
    }
    exec::Job& job = *results->front().job;
    CF_ASSIGN_OR_RETURN(RowBatch output, run_job(path.string(), job));
    // The result as a table: +I/+U add a row, -U/-D take an equal one away (docs/sql-tests.md).
    std::vector<Row> table;
    for (Row& r : output) {
      if (exec::is_accumulate(r.kind)) {
        table.push_back(std::move(r));
        continue;
      }
      auto same = std::find_if(table.begin(), table.end(), [&](const Row& t) { return t.fields == r.fields; });
      if (same != table.end()) table.erase(same);
    }
    if (table.empty() || table.front().fields.empty()) return std::string("no row");
    values::EvalContext ctx;
    ctx.time_zone = session_.options().time_zone;
    const Row first{table.front().kind, {table.front().fields.front()}};
    std::string verdict = exec::format_row(first, {job.result_types().front()}, false, &ctx);
    // format_row renders a row as [f1, f2]; the verdict is the one field inside.
    if (verdict.size() >= 2 && verdict.front() == '[' && verdict.back() == ']') verdict = verdict.substr(1, verdict.size() - 2);
    return verdict;
  }

 private:
  Result<std::string> renamed(const std::string& where, std::string_view text) {
    Result<std::string> sql = suffix_table_names(text, tables_, kSuffix);
    if (!sql.is_ok()) return Status::invalid_argument(fmt::format("{}: {}", where, sql.status().message()));
    return sql;
  }

  Status run_sql(const std::string& where, std::string_view text) {
    CF_ASSIGN_OR_RETURN(std::string sql, renamed(where, text));
    Result<std::vector<exec::StatementResult>> results = session_.execute_script(sql);
    if (!results.is_ok()) return Status::invalid_argument(fmt::format("{}: {}", where, results.status().message()));
    for (exec::StatementResult& r : *results) {
      if (r.kind != exec::StatementResult::Kind::kJob) continue;
      if (!r.is_insert || !r.job->sink_table()) {
        return Status::invalid_argument(fmt::format("{}: a SELECT outside a validation file has nowhere to go", where));
      }
      CF_ASSIGN_OR_RETURN(RowBatch output, run_job(where, *r.job));
      RowBatch& kept = received_[to_lower(r.job->sink_table()->name)];
      for (Row& row : output) kept.push_back(std::move(row));
    }
    return Status::ok();
  }

  // Every table the job reads gets the rows it received, then the input ends.
  Result<RowBatch> run_job(const std::string& where, exec::Job& job) {
    RowBatch output;
    auto fail = [&](const Status& s) { return Status::invalid_argument(fmt::format("{}: the job failed: {}", where, s.message())); };
    Status s = job.start();
    std::vector<std::string> fed;
    for (const exec::SourceSlot& source : job.sources()) {
      if (!s.is_ok()) break;
      const std::string& name = source.table->name;
      if (std::find(fed.begin(), fed.end(), name) != fed.end()) continue;  // push() reaches every scan
      fed.push_back(name);
      auto rows = received_.find(to_lower(name));
      if (rows == received_.end()) continue;
      s = job.push(name, rows->second);
      if (s.is_ok()) s = job.emit_watermarks();
      for (Row& r : job.take_output()) output.push_back(std::move(r));
    }
    if (s.is_ok()) s = job.end_input();
    for (Row& r : job.take_output()) output.push_back(std::move(r));
    if (!s.is_ok()) return fail(s);
    return output;
  }

  fs::path folder_;
  std::vector<std::string> tables_;
  exec::Session session_;
  std::map<std::string, RowBatch> received_;  // by lower-case table name
};

// One case from the first DDL to the last validation; an empty string when it passed.
std::string run_case(const fs::path& folder, const ShiftLeftDefinition& def, const ShiftLeftCase& test_case,
                     const fs::path& ddl, const fs::path& dml, const std::vector<std::string>& tables) {
  CaseRun run(folder, tables);
  for (const ShiftLeftFoundation& f : def.foundations) {
    if (Status s = run.run_file(f.ddl_file); !s.is_ok()) return s.message();
  }
  if (Status s = run.run_script(ddl); !s.is_ok()) return s.message();
  for (const ShiftLeftData& input : test_case.inputs) {
    Status s = input.csv ? run.run_csv(input) : run.run_file(input.file);
    if (!s.is_ok()) return s.message();
  }
  if (Status s = run.run_script(dml); !s.is_ok()) return s.message();
  std::string failures;
  for (const ShiftLeftData& output : test_case.outputs) {
    Result<std::string> verdict = run.validate(output.file);
    if (!verdict.is_ok()) return verdict.status().message();
    if (*verdict != "PASS") failures += fmt::format("{}{} says {}", failures.empty() ? "" : "; ", output.file, *verdict);
  }
  return failures;
}

}  // namespace

Result<std::string> suffix_table_names(std::string_view sql, const std::vector<std::string>& tables,
                                       std::string_view suffix) {
  CF_ASSIGN_OR_RETURN(std::vector<sql::Token> tokens, sql::tokenize(sql));
  const std::vector<size_t> starts = line_starts(sql);
  std::string out;
  size_t copied = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const sql::Token& t = tokens[i];
    if (t.kind != sql::TokenKind::kIdentifier && t.kind != sql::TokenKind::kQuotedIdentifier) continue;
    const bool qualifier = i + 1 < tokens.size() && tokens[i + 1].kind == sql::TokenKind::kSymbol && tokens[i + 1].text == ".";
    if (qualifier) continue;
    const bool is_table = std::any_of(tables.begin(), tables.end(), [&](const std::string& name) { return iequals(name, t.text); });
    if (!is_table) continue;
    // The token's text ends where the name ends; a back-quoted name ends one byte before its quote.
    const size_t begin = starts[static_cast<size_t>(t.pos.line - 1)] + static_cast<size_t>(t.pos.column - 1);
    const size_t end = t.kind == sql::TokenKind::kIdentifier ? begin + t.text.size() : sql.find('`', begin + 1);
    if (end == std::string_view::npos) continue;
    out.append(sql.substr(copied, end - copied));
    out.append(suffix);
    copied = end;
  }
  out.append(sql.substr(copied));
  return out;
}

ShiftLeftResult run_shift_left_suite(const std::string& definition_path) {
  ShiftLeftResult result;
  result.path = definition_path;
  const fs::path folder = fs::path(definition_path).parent_path().parent_path();
  auto fail_all = [&](const std::string& why) {
    result.failures = 1;
    result.report = fmt::format("FAIL {}: {}\n", definition_path, why);
    return result;
  };
  Result<ShiftLeftDefinition> def = parse_shift_left_definition(definition_path);
  if (!def.is_ok()) return fail_all(def.status().message());
  // The table under test is what the first case validates (shift_left's inventory names it).
  const std::string table = def->cases.front().outputs.front().table_name;
  Result<fs::path> ddl = table_script(folder, "ddl", table);
  if (!ddl.is_ok()) return fail_all(ddl.status().message());
  Result<fs::path> dml = table_script(folder, "dml", table);
  if (!dml.is_ok()) return fail_all(dml.status().message());
  std::vector<std::string> tables{table};
  for (const ShiftLeftFoundation& f : def->foundations) tables.push_back(f.table_name);
  for (const ShiftLeftCase& c : def->cases) {
    for (const ShiftLeftData& d : c.inputs) tables.push_back(d.table_name);
  }
  for (const ShiftLeftCase& test_case : def->cases) {
    ++result.cases;
    std::string why;
    try {
      why = run_case(folder, *def, test_case, *ddl, *dml, tables);
    } catch (const std::exception& e) {
      why = fmt::format("internal error: {}", e.what());
    }
    if (why.empty()) {
      result.report += fmt::format("ok   {} {}\n", folder.string(), test_case.name);
    } else {
      ++result.failures;
      result.report += fmt::format("FAIL {} {}: {}\n", folder.string(), test_case.name, why);
    }
  }
  return result;
}

}  // namespace careflow::sqltest
