// careflow sql: run Flink SQL on the embedded engine.
//   careflow sql -f pipeline.sql [--bounded]   a script: DDL, then every SELECT and INSERT runs
//   careflow sql -e "SELECT ..."                one or more statements from the command line
//   careflow sql                                an interactive shell (line editing, history)
// SELECT results are the changelog, one row per line (+I[a, 1]); INSERTs write their tables'
// topics. Without --bounded, jobs over topics run until Ctrl-C; files and datagen with
// 'number-of-rows' end by themselves.
// careflow explain: the plan of each query and INSERT of a script (DDL is executed silently).

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "app/cli.h"
#include "app/open_log.h"
#include "app/open_registry.h"
#include "app/shell_input.h"
#include "app/sql_remote.h"
#include "app/sql_location.h"
#include "common/exception_guard.h"
#include "exec/connectors/job_runner.h"
#include "exec/formats/record_format.h"
#include "exec/row.h"
#include "exec/session.h"
#include "registry/client_implementations.h"
#include "sql/parser.h"

namespace careflow::app {
namespace {

std::atomic<bool> interrupted{false};

void on_interrupt(int) { interrupted = true; }

struct SqlOptions {
  std::string file;
  std::vector<std::string> statements;
  bool bounded = false;
  std::string server;  // --server: a running careflow up's API (else <data_dir>/api.addr, else in-process)
};

Result<std::string> read_script(const SqlOptions& o) {
  if (o.file.empty()) {
    std::string all;
    for (const std::string& s : o.statements) all += s + ";\n";
    return all;
  }
  std::ifstream in(o.file);
  if (!in) return Status::not_found(fmt::format("-f {}: cannot read the file", o.file));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

bool needs_log(const std::vector<exec::Job*>& jobs) {
  for (exec::Job* job : jobs) {
    if (job->sink_table()) return true;
    for (const exec::SourceSlot& s : job->sources()) {
      const std::string* c = s.table->option("connector");
      if (!c || (*c != "filesystem" && *c != "datagen")) return true;
    }
  }
  return false;
}

// The Schema Registries the jobs' Avro formats use: a client per URL a table names, and the
// session's registry (schema_registry.*) opened only when some table needs it, so that a pipeline
// without Avro never needs a registry.
struct SqlRegistries {
  // The data dir's registry, when schema_registry.url names none (docs/configuration.md: empty =
  // the built-in one), so that offline sessions register and read schemas where `careflow up` does.
  std::unique_ptr<registry::SchemaRegistry> embedded;
  std::unique_ptr<serde::RegistryClient> session;
  exec::SchemaRegistryClients* formats = nullptr;  // the newest of `made`
  // Earlier ones stay alive: the shell's background jobs may still use them.
  std::vector<std::unique_ptr<exec::SchemaRegistryClients>> made;
};

Status prepare_registries(const Config& config, const std::vector<exec::Job*>& jobs, SqlRegistries* out) {
  const sql::TableDef* needing = nullptr;
  for (exec::Job* job : jobs) {
    if (job->sink_table() && exec::needs_session_registry(*job->sink_table())) needing = job->sink_table();
    for (const exec::SourceSlot& s : job->sources()) {
      if (!needing && exec::needs_session_registry(*s.table)) needing = s.table.get();
    }
  }
  if (needing && !out->session) {
    if (config.str("schema_registry.url").empty()) {
      auto embedded = open_data_dir_registry(config, true, "");
      if (!embedded.is_ok()) {
        return embedded.status().with_context(fmt::format("table '{}' uses the data dir's Schema Registry", needing->name));
      }
      out->embedded = std::move(*embedded);
    }
    auto client = open_registry_client(config, out->embedded.get());
    if (!client.is_ok()) {
      return client.status().with_context(fmt::format("table '{}' uses the session's Schema Registry (it names no URL)", needing->name));
    }
    out->session = std::move(*client);
    out->formats = nullptr;
  }
  if (!out->formats) {
    out->made.push_back(std::make_unique<exec::SchemaRegistryClients>(
        out->session.get(), serializer_options(config, false), [](const std::string& url, const std::string& user_info) {
          return registry::http_client(url, user_info);
        }));
    out->formats = out->made.back().get();
  }
  return Status::ok();
}

// Runs a script: statements in order, then every job together until they end (or Ctrl-C).
Status run_script(const Config& config, const std::string& text, bool bounded, const std::string& origin) {
  exec::Session session;
  auto results = session.execute_script(text);
  if (!results.is_ok()) return locate_sql_error(results.status(), {origin});
  std::vector<exec::Job*> jobs;
  std::vector<size_t> selects;
  for (exec::StatementResult& r : *results) {
    if (r.kind == exec::StatementResult::Kind::kJob) {
      if (!r.is_insert) selects.push_back(jobs.size());
      jobs.push_back(r.job.get());
    } else if (r.kind == exec::StatementResult::Kind::kText) {
      fmt::print("{}", r.text);
    } else {
      fmt::print(stderr, "[INFO] {}\n", r.text);
    }
  }
  if (jobs.empty()) return Status::ok();
  std::unique_ptr<log::Topics> log;
  if (needs_log(jobs)) {
    CF_ASSIGN_OR_RETURN(log, open_log(config, false));
  }
  SqlRegistries registries;
  CF_RETURN_IF_ERROR(prepare_registries(config, jobs, &registries));
  exec::RunOptions options;
  options.bounded = bounded;
  options.stop = &interrupted;
  options.registries = registries.formats;
  // SET 'execution.checkpointing.interval' / '...dir' in the script: checkpointed, exactly-once
  // jobs that resume where a previous run of the same script committed (docs/checkpoints.md).
  CF_ASSIGN_OR_RETURN(options.checkpoint, exec::parse_checkpoint_settings(session.config()));
  options.on_rows = [&](size_t job, const exec::RowBatch& rows, const std::vector<values::DataType>& types) {
    std::string prefix;
    if (selects.size() > 1) {
      for (size_t i = 0; i < selects.size(); ++i) {
        if (selects[i] == job) prefix = fmt::format("[{}] ", i + 1);
      }
    }
    for (const exec::Row& row : rows) fmt::print("{}{}\n", prefix, exec::format_row(row, types));
    std::fflush(stdout);
  };
  CF_ASSIGN_OR_RETURN(exec::RunStats stats, exec::run_jobs(jobs, log.get(), options));
  fmt::print(stderr, "[INFO] {} job{} ran: {} rows read, {} records written{}\n", jobs.size(), jobs.size() == 1 ? "" : "s",
             stats.rows_read, stats.rows_written, interrupted ? " (interrupted)" : "");
  for (size_t i = 0; i < stats.checkpoints.size(); ++i) {
    const exec::CheckpointStats& c = stats.checkpoints[i];
    fmt::print(stderr, "[INFO] job {}: {} checkpoint{} committed, the last {}{}\n", i + 1, c.checkpoints,
               c.checkpoints == 1 ? "" : "s", c.last_id,
               c.restored_from ? fmt::format(" (resumed from checkpoint {})", *c.restored_from) : "");
  }
  return Status::ok();
}

void shell(const Config& config) {
  fmt::print("careflow SQL shell: Flink SQL, ';' ends a statement, Ctrl-C stops a running query, Ctrl-D quits.\n");
  exec::Session session;
  std::unique_ptr<log::Topics> log;
  // Declared before the threads: background jobs use the registries until they are joined.
  SqlRegistries registries;
  std::vector<std::thread> background;
  std::atomic<bool> shutdown{false};
  std::string statement;
  while (read_statement(&statement)) {
    auto results = session.execute_script(statement);
    if (!results.is_ok()) {
      fmt::print("[ERROR] {}\n", results.status().message());
      continue;
    }
    for (exec::StatementResult& r : *results) {
      if (r.kind == exec::StatementResult::Kind::kOk) {
        fmt::print("[INFO] {}\n", r.text);
        continue;
      }
      if (r.kind == exec::StatementResult::Kind::kText) {
        fmt::print("{}", r.text);
        continue;
      }
      if (!log) {
        auto opened = open_log(config, false);
        if (!opened.is_ok()) {
          fmt::print("[ERROR] {}\n", opened.status().message());
          break;
        }
        log = std::move(*opened);
      }
      if (Status s = prepare_registries(config, {r.job.get()}, &registries); !s) {
        fmt::print("[ERROR] {}\n", s.message());
        continue;
      }
      exec::SchemaRegistryClients* formats = registries.formats;
      if (r.is_insert) {
        // An INSERT keeps running in the background, as a submitted Flink job does.
        auto job = std::shared_ptr<exec::Job>(std::move(r.job));
        std::string table = job->sink_table()->name;
        background.emplace_back([job, &log, &shutdown, table, formats] {
          exec::RunOptions options;
          options.stop = &shutdown;
          options.registries = formats;
          // Guarded: an exception on this thread would end the session; it fails this job only.
          Status ran = catch_exceptions("the job", [&] { return exec::run_jobs({job.get()}, log.get(), options).status(); });
          if (!ran.is_ok()) fmt::print("\n[ERROR] the job writing '{}' failed: {}\n", table, ran.message());
        });
        fmt::print("[INFO] a job now writes '{}' in the background\n", table);
        continue;
      }
      // A SELECT streams its changelog as a table until Ctrl-C (or until its sources end).
      std::vector<std::string> names;
      for (const sql::PlanField& f : r.job->result_schema()) names.push_back(f.name);
      std::string header = "| op |";
      for (const std::string& n : names) header += fmt::format(" {:<14} |", n);
      fmt::print("{}\n", header);
      interrupted = false;
      exec::RunOptions options;
      options.stop = &interrupted;
      options.registries = formats;
      options.on_rows = [&](size_t, const exec::RowBatch& rows, const std::vector<values::DataType>& types) {
        for (const exec::Row& row : rows) {
          std::string out = fmt::format("| {} |", exec::kind_symbol(row.kind));
          for (size_t i = 0; i < row.fields.size(); ++i) {
            std::string v = exec::format_field(row.fields[i], types[i]);
            if (v.size() > 14) v = v.substr(0, 11) + "...";
            out += fmt::format(" {:<14} |", v);
          }
          fmt::print("{}\n", out);
        }
        std::fflush(stdout);
      };
      auto ran = exec::run_jobs({r.job.get()}, log.get(), options);
      if (!ran.is_ok()) fmt::print("[ERROR] {}\n", ran.status().message());
      fmt::print("[INFO] {} rows read\n", ran.is_ok() ? ran->rows_read : 0);
    }
  }
  shutdown = true;
  for (std::thread& t : background) t.join();
  fmt::print("\n");
}

Status explain(const std::string& text, const std::string& origin) {
  exec::Session session;
  auto parsed = sql::parse_script(text);
  if (!parsed.is_ok()) return locate_sql_error(parsed.status(), {origin});
  for (sql::ScriptStatement& st : *parsed) {
    using K = sql::Statement::Kind;
    K kind = st.statement->kind;
    if (kind == K::kQuery || kind == K::kInsert || kind == K::kStatementSet) {
      // Planned as "EXPLAIN <statement>": its places count from the statement's own start.
      constexpr std::string_view kExplain = "EXPLAIN ";
      auto r = session.execute_script(std::string(kExplain) + st.text);
      const TextPlace place{origin, st.statement->pos.line, st.statement->pos.column};
      if (!r.is_ok()) return locate_sql_error(r.status(), place, static_cast<int>(kExplain.size()));
      fmt::print("-- {}\n{}\n", st.text.substr(0, st.text.find('\n')), r->front().text);
      continue;
    }
    auto r = session.execute(std::move(st.statement), st.text);
    if (!r.is_ok()) return locate_sql_error(r.status(), {origin});
  }
  return Status::ok();
}

}  // namespace

void add_sql_commands(Cli& cli) {
  auto options = std::make_shared<SqlOptions>();
  CLI::App* sql = cli.app().add_subcommand("sql", "Run Flink SQL on the embedded engine (a script, statements, or a shell)");
  sql->add_option("-f,--file", options->file, "A SQL script to run");
  sql->add_option("-e,--execute", options->statements, "A statement to run (repeatable)");
  sql->add_flag("--bounded", options->bounded, "Stop when every source is read to its current end");
  sql->add_option("--server", options->server,
                  "A running careflow up's API (HOST:PORT) to send statements to; default: the one on the data dir, if any");
  sql->callback([&cli, options] {
    std::signal(SIGINT, on_interrupt);
    if (!options->file.empty() && !options->statements.empty()) {
      cli.fail(Status::invalid_argument("-f and -e cannot be combined; put the statements in the file"), kExitUsage);
      return;
    }
    // Beside a running careflow up (or with --server), statements run there and INSERTs become its jobs.
    auto up = find_running_up(cli.config(), options->server);
    if (!up) {
      cli.fail(up.status(), up.status().code() == StatusCode::kInvalidArgument ? kExitUsage : 1);
      return;
    }
    const bool tty = options->file.empty() && options->statements.empty() && isatty(STDIN_FILENO);
    if (tty) {
      if (*up) remote_shell(**up, interrupted);
      else shell(cli.config());
      return;
    }
    std::string origin = "stdin";
    std::string text;
    if (options->file.empty() && options->statements.empty()) {
      std::stringstream in;
      in << std::cin.rdbuf();
      text = in.str();
    } else {
      auto read = read_script(*options);
      if (!read.is_ok()) {
        cli.fail(read.status());
        return;
      }
      text = *read;
      origin = options->file.empty() ? "-e" : options->file;
    }
    Status s = *up ? run_remote_script(**up, text, options->bounded, origin, interrupted)
                   : run_script(cli.config(), text, options->bounded, origin);
    if (!s) cli.fail(s);
  });

  auto markdown = std::make_shared<bool>(false);
  CLI::App* functions = cli.app().add_subcommand("functions", "List the built-in SQL functions");
  functions->add_flag("--markdown", *markdown, "As the Markdown of docs/sql-functions.md");
  functions->callback([markdown] { fmt::print("{}", exec::function_reference(*markdown)); });

  auto explain_options = std::make_shared<SqlOptions>();
  CLI::App* ex = cli.app().add_subcommand("explain", "Print the plan of each query and INSERT of a script");
  ex->add_option("-f,--file", explain_options->file, "A SQL script");
  ex->add_option("statement", explain_options->statements, "Statements, when there is no -f");
  ex->callback([&cli, explain_options] {
    if (explain_options->file.empty() && explain_options->statements.empty()) {
      cli.fail(Status::invalid_argument("explain needs -f FILE or a statement"), kExitUsage);
      return;
    }
    auto text = read_script(*explain_options);
    if (!text.is_ok()) {
      cli.fail(text.status());
      return;
    }
    if (Status s = explain(*text, explain_options->file.empty() ? "statement" : explain_options->file); !s) cli.fail(s);
  });
}

}  // namespace careflow::app
