#include "jobs/sql_gateway.h"

#include <fmt/format.h>

#include "jobs/flink_job_id.h"
#include "sql/ast.h"
#include "sql/parser.h"

namespace careflow::jobs {

namespace {

using Kind = sql::Statement::Kind;

Status at(sql::SourcePos pos, const std::string& message) {
  return Status::invalid_argument(fmt::format("line {}:{}: {}", pos.line, pos.column, message));
}

GatewayResult info(std::string text) {
  GatewayResult r;
  r.kind = GatewayResult::Kind::kInfo;
  r.text = std::move(text);
  return r;
}

GatewayResult text_result(std::string text) {
  GatewayResult r;
  r.kind = GatewayResult::Kind::kText;
  r.text = std::move(text);
  return r;
}

bool is_ddl(Kind k) {
  return k == Kind::kCreateTable || k == Kind::kCreateView || k == Kind::kDropTable || k == Kind::kDropView ||
         k == Kind::kAlterTable;
}

bool is_temporary(const sql::Statement& s) {
  if (s.kind == Kind::kCreateTable) return s.create_table->temporary;
  if (s.kind == Kind::kCreateView) return s.create_view->temporary;
  return s.temporary;
}

}  // namespace

nlohmann::ordered_json to_json(const GatewayResult& r) {
  switch (r.kind) {
    case GatewayResult::Kind::kInfo:
    case GatewayResult::Kind::kStopped: return {{"kind", "info"}, {"text", r.text}};
    case GatewayResult::Kind::kText:
    case GatewayResult::Kind::kJobList: return {{"kind", "text"}, {"text", r.text}};
    case GatewayResult::Kind::kSet: return {{"kind", "set"}, {"key", r.key}, {"value", r.value}};
    case GatewayResult::Kind::kJob: return {{"kind", "job"}, {"job", to_json(r.job)}};
    case GatewayResult::Kind::kQuery: return {{"kind", "query"}, {"query", r.query}, {"columns", r.columns}};
  }
  return {};
}

Result<std::vector<GatewayResult>> SqlGateway::execute(const GatewayRequest& request) {
  std::lock_guard lock(mu_);
  CF_ASSIGN_OR_RETURN(std::vector<sql::ScriptStatement> statements, sql::parse_script(request.script));
  CF_ASSIGN_OR_RETURN(std::string catalog, jobs_.catalog());
  std::map<std::string, std::string> settings = request.settings;
  CF_ASSIGN_OR_RETURN(std::unique_ptr<exec::Session> session, session_with(catalog, settings));
  std::vector<GatewayResult> out;
  size_t jobs_made = 0;
  for (sql::ScriptStatement& st : statements) {
    sql::Statement& s = *st.statement;
    const sql::SourcePos pos = s.pos;
    if (request.jobs_only && !is_ddl(s.kind) && s.kind != Kind::kSet && s.kind != Kind::kReset && s.kind != Kind::kInsert &&
        s.kind != Kind::kStatementSet) {
      return at(pos, "POST /jobs takes INSERT INTO, EXECUTE STATEMENT SET and CREATE TABLE AS (with the DDL and SET before "
                     "them); send other statements to POST /sql/statements");
    }
    switch (s.kind) {
      case Kind::kShowJobs: {
        GatewayResult r = text_result("");
        r.kind = GatewayResult::Kind::kJobList;
        r.jobs = jobs_.list();
        r.text = jobs_table(r.jobs);
        out.push_back(std::move(r));
        continue;
      }
      case Kind::kDescribeJob: {
        auto job = jobs_.describe(careflow_job_id(s.key));
        if (!job) return job.status();
        out.push_back(text_result(job_description(*job)));
        continue;
      }
      case Kind::kStopJob: {
        auto job = jobs_.stop(careflow_job_id(s.key), s.with_savepoint);
        if (!job) return job.status().code() == StatusCode::kInvalidArgument ? at(pos, job.status().message()) : job.status();
        std::string where;
        for (const std::string& path : job->savepoints) where += (where.empty() ? ", savepoint " : ", ") + path;
        GatewayResult r = info(fmt::format("job '{}' stopped ({} rows in, {} rows out{})", job->id, job->rows_in, job->rows_out, where));
        r.kind = GatewayResult::Kind::kStopped;
        r.job = std::move(*job);
        r.with_savepoint = s.with_savepoint;
        out.push_back(std::move(r));
        continue;
      }
      default: break;
    }
    const bool ctas = s.kind == Kind::kCreateTable && s.create_table->as_query;
    const bool job_statement = s.kind == Kind::kInsert || s.kind == Kind::kStatementSet || ctas;
    const bool ddl = is_ddl(s.kind) && !ctas;
    const bool temporary = is_temporary(s);
    const Kind kind = s.kind;
    const std::vector<std::string> created_name = ctas ? s.create_table->name : std::vector<std::string>{};
    const std::string key = s.key, value = s.value;
    // Planned here first, so that errors name their place in the text sent.
    CF_ASSIGN_OR_RETURN(std::vector<exec::StatementResult> results, session->execute(std::move(st.statement), st.text));
    if (job_statement) {
      JobDefinition definition;
      definition.statement = st.text;
      definition.catalog = catalog;
      definition.settings = settings;
      if (auto name = settings.find("pipeline.name"); name != settings.end()) definition.name = name->second;
      CF_ASSIGN_OR_RETURN(JobInfo job, jobs_.submit(std::move(definition)));
      if (ctas) {
        // The new table joins the catalog as SHOW CREATE TABLE prints it; the job keeps the CTAS.
        auto shown = session->execute_script("SHOW CREATE TABLE " + sql::join_name(created_name));
        if (shown && !shown->empty()) {
          std::string ddl_text = shown->front().text;
          while (!ddl_text.empty() && (ddl_text.back() == '\n' || ddl_text.back() == ';')) ddl_text.pop_back();
          if (!temporary) CF_RETURN_IF_ERROR(jobs_.append_catalog(ddl_text));
          catalog += ddl_text + ";\n";
        }
      }
      GatewayResult r;
      r.kind = GatewayResult::Kind::kJob;
      r.job = std::move(job);
      out.push_back(std::move(r));
      ++jobs_made;
      continue;
    }
    if (ddl) {
      if (!temporary) CF_RETURN_IF_ERROR(jobs_.append_catalog(st.text));
      catalog += st.text + ";\n";
    }
    if (kind == Kind::kSet || kind == Kind::kReset) {
      GatewayResult r;
      r.kind = GatewayResult::Kind::kSet;
      if (kind == Kind::kSet && !key.empty()) {
        settings[key] = value;
        r.key = key;
        r.value = value;
      } else if (kind == Kind::kReset) {
        if (key.empty()) settings.clear();
        else settings.erase(key);
        r.key = key;
      } else {
        // SET alone lists the keys: text.
        r.kind = GatewayResult::Kind::kText;
        r.text = results.empty() ? "" : results.front().text;
      }
      out.push_back(std::move(r));
      continue;
    }
    for (exec::StatementResult& r : results) {
      if (r.kind == exec::StatementResult::Kind::kJob) {
        std::vector<std::string> columns;
        std::vector<values::DataType> types;
        for (const sql::PlanField& f : r.job->result_schema()) {
          columns.push_back(f.name);
          types.push_back(f.type);
        }
        CF_ASSIGN_OR_RETURN(std::string id, queries_.add(std::move(r.job), request.bounded));
        GatewayResult q;
        q.kind = GatewayResult::Kind::kQuery;
        q.query = id;
        q.columns = std::move(columns);
        q.column_types = std::move(types);
        out.push_back(std::move(q));
      } else if (r.kind == exec::StatementResult::Kind::kText) {
        out.push_back(text_result(r.text));
      } else {
        out.push_back(info(r.text));
      }
    }
  }
  if (request.jobs_only && jobs_made == 0) {
    return Status::invalid_argument(
        "line 1:1: no job in the statements sent: POST /jobs takes INSERT INTO, EXECUTE STATEMENT SET or CREATE TABLE AS");
  }
  return out;
}

}  // namespace careflow::jobs
