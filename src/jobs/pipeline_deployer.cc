#include "jobs/pipeline_deployer.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "sql/lexer.h"

namespace careflow::jobs {

namespace {

namespace fs = std::filesystem;

// The order data flows through the layers: a table's sources are in its own layer or an earlier one.
constexpr std::array<const char*, 6> kLayers = {"raw", "src", "dim", "fct", "alerts", "lake"};
constexpr uintmax_t kMaxScriptBytes = 1 << 20;

Result<std::string> read_script(const fs::path& file) {
  std::error_code ec;
  const uintmax_t size = fs::file_size(file, ec);
  if (ec) return Status::invalid_argument(fmt::format("{}: {}", file.string(), ec.message()));
  if (size > kMaxScriptBytes) {
    return Status::invalid_argument(fmt::format("{}: {} bytes, over the {} a pipeline script may have", file.string(), size,
                                                kMaxScriptBytes));
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return Status::invalid_argument(fmt::format("{}: cannot be read", file.string()));
  return text.str();
}

bool runs(const JobInfo& job) { return job.state == "RUNNING" || job.state == "PENDING"; }

// The statement's tokens (sql/lexer.h skips comments and white space) without the final ';': what
// two texts of one query share however they are laid out. The raw text when it does not tokenize.
std::vector<std::pair<sql::TokenKind, std::string>> statement_tokens(std::string_view text) {
  std::vector<std::pair<sql::TokenKind, std::string>> out;
  auto tokens = sql::tokenize(text);
  if (!tokens) return {{sql::TokenKind::kEnd, std::string(text)}};
  for (const sql::Token& t : *tokens) {
    if (t.kind != sql::TokenKind::kEnd) out.emplace_back(t.kind, t.text);
  }
  while (!out.empty() && out.back().first == sql::TokenKind::kSymbol && out.back().second == ";") out.pop_back();
  return out;
}

// SHOW CREATE of `name` in `session`, or "" when it cannot be shown.
std::string shown_definition(exec::Session& session, const std::string& name) {
  auto shown = session.execute_script(fmt::format("SHOW CREATE TABLE `{}`", name));
  return shown && !shown->empty() ? shown->front().text : std::string();
}

// Whether the file's DDL would define `t` differently from the catalog's definition: both as
// SHOW CREATE prints them, the file's applied to a scratch copy of the catalog in place of the
// kept one (comments, spacing and IF NOT EXISTS do not count as changes).
bool definition_changed(const std::string& catalog, exec::Session& kept, const PipelineTable& t, bool is_view) {
  const std::string before = shown_definition(kept, t.name);
  auto scratch = session_with(catalog, {});
  if (!scratch) return false;
  if (!(*scratch)->execute_script(fmt::format("DROP {} `{}`", is_view ? "VIEW" : "TABLE", t.name))) return false;
  if (!(*scratch)->execute_script(t.ddl)) return true;  // the file's DDL no longer even applies
  return shown_definition(**scratch, t.name) != before;
}

// Which of `tables` the catalog already holds (as a table or a view), and which of those the
// files now define differently: one session over the catalog.
struct CatalogCheck {
  std::vector<bool> held, changed;
};

CatalogCheck check_catalog(JobManager& jobs, const std::vector<PipelineTable>& tables) {
  CatalogCheck out{std::vector<bool>(tables.size(), false), std::vector<bool>(tables.size(), false)};
  auto catalog = jobs.catalog();
  if (!catalog) return out;
  auto session = session_with(*catalog, {});
  if (!session) return out;
  for (size_t i = 0; i < tables.size(); ++i) {
    const bool is_table = (*session)->catalog().table(tables[i].name) != nullptr;
    const bool is_view = (*session)->catalog().view(tables[i].name) != nullptr;
    out.held[i] = is_table || is_view;
    if (out.held[i]) out.changed[i] = definition_changed(*catalog, **session, tables[i], is_view);
  }
  return out;
}

}  // namespace

size_t PipelineDeployment::failed() const {
  return static_cast<size_t>(std::count_if(tables.begin(), tables.end(), [](const PipelineOutcome& t) {
    return t.table == "failed" || t.job == "failed";
  }));
}

nlohmann::ordered_json to_json(const PipelineOutcome& o) {
  nlohmann::ordered_json j = {{"layer", o.layer}, {"table", o.name}, {"ddl", o.table}, {"job", o.job}};
  j["jobId"] = o.job_id.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(o.job_id);
  j["error"] = o.error.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(o.error);
  j["warning"] = o.warning.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(o.warning);
  return j;
}

Result<std::vector<PipelineTable>> read_pipelines(const std::string& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return Status::not_found(fmt::format("pipelines folder '{}' does not exist", root));
  std::vector<PipelineTable> tables;
  for (const char* layer : kLayers) {
    const fs::path layer_dir = fs::path(root) / layer;
    if (!fs::is_directory(layer_dir, ec)) continue;
    std::vector<fs::path> dirs;
    for (fs::directory_iterator it(layer_dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_directory(ec)) dirs.push_back(it->path());
    }
    if (ec) return Status::invalid_argument(fmt::format("{}: {}", layer_dir.string(), ec.message()));
    std::sort(dirs.begin(), dirs.end());
    for (const fs::path& dir : dirs) {
      PipelineTable t;
      t.layer = layer;
      t.name = dir.filename().string();
      const fs::path scripts = dir / "sql-scripts";
      const fs::path ddl = scripts / fmt::format("ddl.{}.sql", t.name);
      if (!fs::is_regular_file(ddl, ec)) {
        return Status::invalid_argument(fmt::format("{}: missing (every table folder has its DDL)", ddl.string()));
      }
      t.ddl_file = ddl.string();
      CF_ASSIGN_OR_RETURN(t.ddl, read_script(ddl));
      const fs::path dml = scripts / fmt::format("dml.{}.sql", t.name);
      if (fs::is_regular_file(dml, ec)) {
        t.dml_file = dml.string();
        CF_ASSIGN_OR_RETURN(t.dml, read_script(dml));
      }
      tables.push_back(std::move(t));
    }
  }
  return tables;
}

PipelineDeployment deploy_pipelines(const std::string& root, const std::vector<PipelineTable>& tables, SqlGateway& gateway,
                                    JobManager& jobs) {
  PipelineDeployment out;
  out.root = root;
  for (const PipelineTable& t : tables) out.tables.push_back(PipelineOutcome{t.layer, t.name, "", "", "", "", ""});

  // DDL: passes until one adds nothing, so that a view may name a table that comes after it.
  const CatalogCheck catalog = check_catalog(jobs, tables);
  std::vector<size_t> pending;
  for (size_t i = 0; i < tables.size(); ++i) {
    if (catalog.held[i]) {
      out.tables[i].table = "kept";
      if (catalog.changed[i]) {
        out.tables[i].warning = fmt::format(
            "{} defines the table differently from the catalog, which keeps its earlier definition (and its job its "
            "earlier query): stop the job, DROP TABLE `{}` and deploy again to apply the file",
            tables[i].ddl_file, tables[i].name);
      }
    } else {
      pending.push_back(i);
    }
  }
  while (!pending.empty()) {
    std::vector<size_t> failed;
    for (size_t i : pending) {
      PipelineOutcome& o = out.tables[i];
      GatewayRequest ddl;
      ddl.script = tables[i].ddl;
      auto done = gateway.execute(ddl);
      if (done) {
        o.table = "created";
        o.error.clear();  // from an earlier pass
      } else {
        o.table = "failed";
        o.error = fmt::format("{}: {}", tables[i].ddl_file, done.status().message());
        failed.push_back(i);
      }
    }
    if (failed.size() == pending.size()) break;
    pending = std::move(failed);
  }

  // DML: one job per table, unless its job already runs.
  const std::vector<JobInfo> existing = jobs.list();
  for (size_t i = 0; i < tables.size(); ++i) {
    PipelineOutcome& o = out.tables[i];
    if (tables[i].dml.empty()) {
      o.job = "none";
      continue;
    }
    if (o.table == "failed") {
      o.job = "failed";
      continue;
    }
    auto running = std::find_if(existing.begin(), existing.end(), [&](const JobInfo& j) { return j.name == o.name && runs(j); });
    if (running != existing.end()) {
      o.job = "running";
      o.job_id = running->id;
      if (statement_tokens(running->statement) != statement_tokens(tables[i].dml)) {
        const std::string job_warning = fmt::format(
            "{} has changed since job {} started: the job runs its earlier query; STOP JOB '{}' and deploy again to "
            "run the file's", tables[i].dml_file, running->id, running->id);
        o.warning = o.warning.empty() ? job_warning : o.warning + "; " + job_warning;
      }
      continue;
    }
    GatewayRequest dml;
    dml.script = tables[i].dml;
    dml.settings = {{"pipeline.name", o.name}};  // the job is named after its table
    dml.jobs_only = true;
    auto submitted = gateway.execute(dml);
    if (!submitted) {
      o.job = "failed";
      o.error = fmt::format("{}: {}", tables[i].dml_file, submitted.status().message());
      continue;
    }
    o.job = "started";
    for (const GatewayResult& r : *submitted) {
      if (r.kind == GatewayResult::Kind::kJob) o.job_id = r.job.id;
    }
  }
  return out;
}

Result<PipelineDeployment> PipelineService::deploy(const std::string& root) {
  std::lock_guard lock(mu_);
  CF_ASSIGN_OR_RETURN(std::vector<PipelineTable> tables, read_pipelines(root));
  last_ = deploy_pipelines(root, tables, gateway_, jobs_);
  return *last_;
}

nlohmann::ordered_json PipelineService::status() const {
  std::lock_guard lock(mu_);
  nlohmann::ordered_json out = {{"path", nullptr}, {"tables", nlohmann::ordered_json::array()}};
  if (!last_) return out;
  out["path"] = last_->root;
  const std::vector<JobInfo> all = jobs_.list();
  for (const PipelineOutcome& o : last_->tables) {
    nlohmann::ordered_json t = to_json(o);
    // The table's job now: the running one of its name, else the newest.
    const JobInfo* job = nullptr;
    for (const JobInfo& j : all) {
      if (j.name != o.name) continue;
      if (!job || runs(j) || (!runs(*job) && j.created_ms >= job->created_ms)) job = &j;
      if (runs(j)) break;
    }
    t["state"] = job ? nlohmann::ordered_json(job->state) : nlohmann::ordered_json(nullptr);
    if (job) {
      t["jobId"] = job->id;
      t["rowsIn"] = job->rows_in;
      t["rowsOut"] = job->rows_out;
      if (!job->error.empty()) t["jobError"] = job->error;
    }
    out["tables"].push_back(std::move(t));
  }
  return out;
}

}  // namespace careflow::jobs
