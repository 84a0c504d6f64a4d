// careflow pipeline test [path]: runs the pipelines' tests offline (docs/pipelines.md). Every
// *.test file under the path (a table folder's tests/, a layer, the whole pipelines/ folder, or
// one file) runs on a fresh in-memory session with src/sqltest's runner, the same runner as the
// SQL corpus: no log, no registry, no database. Every tests/test_definitions.yaml runs as a
// shift-left project's suite (sqltest/shift_left_suite.h). Prints one line per passing file or
// case, every disagreement with its file and line, a summary, and exits 1 when anything failed.
//
// careflow pipeline status | deploy: ask the running `careflow up` (GET /pipelines, POST
// /pipelines/deploy) what it deployed from pipelines.path, or to deploy it again.

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "app/cli.h"
#include "app/cmd_pipeline_deploy.h"
#include "app/up_client.h"
#include "sqltest/logic_test_runner.h"
#include "sqltest/shift_left_suite.h"

namespace careflow::app {
namespace {

namespace fs = std::filesystem;

constexpr const char* kShiftLeftDefinitions = "test_definitions.yaml";

bool is_test_file(const fs::path& file) {
  return file.extension() == ".test" ||
         (file.filename() == kShiftLeftDefinitions && file.parent_path().filename() == "tests");
}

// The *.test files and shift-left suites at `path` (itself, or every one below it), sorted so runs
// are repeatable.
Result<std::vector<fs::path>> test_files(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::not_found(fmt::format("{} does not exist", path.string()));
  std::vector<fs::path> files;
  if (fs::is_regular_file(path, ec)) {
    if (!is_test_file(path)) {
      return Status::invalid_argument(fmt::format("{} is not a .test file or a tests/{}", path.string(), kShiftLeftDefinitions));
    }
    files.push_back(path);
    return files;
  }
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && is_test_file(it->path())) files.push_back(it->path());
  }
  if (ec) return Status::io_error(fmt::format("reading {}: {}", path.string(), ec.message()));
  if (files.empty()) {
    return Status::not_found(fmt::format("no *.test files or tests/{} under {}", kShiftLeftDefinitions, path.string()));
  }
  std::sort(files.begin(), files.end());
  return files;
}

int run_tests(const std::string& path) {
  Result<std::vector<fs::path>> files = test_files(path);
  if (!files.is_ok()) {
    fmt::print(stderr, "careflow: error: pipeline test: {}\n", files.status().message());
    return kExitRuntimeError;
  }
  using Clock = std::chrono::steady_clock;
  const auto ms_since = [](Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  };
  const Clock::time_point all = Clock::now();
  int failed_files = 0, queries = 0, failures = 0;
  for (const fs::path& file : *files) {
    const Clock::time_point start = Clock::now();
    if (file.filename() == kShiftLeftDefinitions) {
      sqltest::ShiftLeftResult suite = sqltest::run_shift_left_suite(file.string());
      queries += suite.cases;
      failures += suite.failures;
      if (!suite.ok()) ++failed_files;
      fmt::print("{}", suite.report);
      continue;
    }
    sqltest::FileResult result = sqltest::run_test_file(file.string());
    queries += result.queries;
    failures += result.failures;
    if (result.ok()) {
      fmt::print("ok   {} ({} queries, {:.0f} ms)\n", file.string(), result.queries, ms_since(start));
    } else {
      ++failed_files;
      fmt::print("{}", result.report);
    }
  }
  fmt::print("{} files, {} queries, {} failed ({} files) in {:.0f} ms\n", files->size(), queries, failures,
             failed_files, ms_since(all));
  std::fflush(stdout);
  return failures == 0 ? kExitOk : kExitRuntimeError;
}

int usage_error(const std::string& message) {
  fmt::print(stderr, "careflow: error: {}\n", message);
  return kExitUsage;
}

// One line per table: layer, table, its job and the job's state now, and the error if any.
void print_status(const nlohmann::json& status) {
  if (status["path"].is_null()) {
    fmt::print("careflow up deployed no pipelines (pipelines.path is not set)\n");
    return;
  }
  fmt::print("pipelines from {}\n", status["path"].get<std::string>());
  fmt::print("{:<7} {:<34} {:<8} {:<8} {:<10} {:>9} {:>9}  {}\n", "layer", "table", "ddl", "job", "state", "rows in",
             "rows out", "error");
  const auto text = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : std::string("-"); };
  const auto number = [](const nlohmann::json& v) { return v.is_number() ? std::to_string(v.get<int64_t>()) : std::string("-"); };
  for (const nlohmann::json& t : status["tables"]) {
    const std::string error = t.contains("jobError") ? text(t["jobError"]) : text(t["error"]);
    fmt::print("{:<7} {:<34} {:<8} {:<8} {:<10} {:>9} {:>9}  {}\n", text(t["layer"]), text(t["table"]), text(t["ddl"]),
               text(t["job"]), text(t["state"]), number(t.value("rowsIn", nlohmann::json())),
               number(t.value("rowsOut", nlohmann::json())), error == "-" ? "" : error);
    if (t.contains("warning") && t["warning"].is_string()) fmt::print("        warning: {}\n", t["warning"].get<std::string>());
  }
}

// GET /pipelines or POST /pipelines/deploy on the running up.
int ask_running_up(Cli& cli, const std::string& server, bool deploy) {
  auto up = find_running_up(cli.config(), server);
  if (!up.is_ok()) {
    fmt::print(stderr, "careflow: error: {}\n", up.status().message());
    return kExitUsage;
  }
  if (!*up) {
    fmt::print(stderr, "careflow: error: no careflow up is running on this data dir (or give --server HOST:PORT); "
                       "pipelines are deployed by careflow up (pipelines.path)\n");
    return kExitRuntimeError;
  }
  auto answer = up_request(**up, deploy ? "POST" : "GET", deploy ? "/pipelines/deploy" : "/pipelines");
  if (!answer.is_ok()) {
    fmt::print(stderr, "careflow: error: {}\n", answer.status().message());
    return kExitRuntimeError;
  }
  if (answer->status != 200) {
    const nlohmann::json& e = answer->body;
    fmt::print(stderr, "careflow: error: {} answered {}: {}\n", (*up)->text(), answer->status,
               e.contains("detail") ? e["detail"].dump() : e.dump());
    return kExitRuntimeError;
  }
  print_status(answer->body);
  for (const nlohmann::json& t : answer->body["tables"]) {
    if (t["ddl"] == "failed" || t["job"] == "failed" || t["state"] == "FAILED") return kExitRuntimeError;
  }
  return kExitOk;
}

}  // namespace

void add_pipeline_commands(Cli& cli) {
  auto* pipeline = cli.app().add_subcommand("pipeline", "Work with the Flink SQL pipelines under pipelines/");
  pipeline->require_subcommand(1);
  auto* test = pipeline->add_subcommand(
      "test", "Run the pipelines' tests offline: every *.test file under PATH (default: pipelines)");
  auto path = std::make_shared<std::string>("pipelines");
  test->add_option("path", *path, "A pipelines folder, a table folder or one .test file");
  test->callback([&cli, path] { cli.set_exit(run_tests(*path)); });

  auto server = std::make_shared<std::string>();
  auto* status = pipeline->add_subcommand("status", "What the running careflow up deployed from pipelines.path: each "
                                                    "table, its job and the job's state; exits 1 when one failed");
  status->add_option("--server", *server, "A running careflow up's API (HOST:PORT); default: the one on the data dir");
  status->callback([&cli, server] { cli.set_exit(ask_running_up(cli, *server, false)); });
  auto* deploy = pipeline->add_subcommand(
      "deploy", "Deploy pipelines.path into the running careflow up again (tables missing from its catalog, jobs of "
                "pipelines that do not run), or with --target flink to an Apache Flink SQL Gateway (--dry-run prints "
                "the statements), or print them for Confluent Cloud (--target confluent)");
  deploy->add_option("--server", *server, "A running careflow up's API (HOST:PORT); default: the one on the data dir");
  auto target = std::make_shared<TargetDeployFlags>();
  add_target_deploy_options(deploy, *target);
  deploy->callback([&cli, server, target] {
    if (wants_target_deploy(*target)) {
      if (!server->empty()) return cli.set_exit(usage_error("--server is for careflow up; --target flink takes --gateway"));
      return cli.set_exit(deploy_to_target(cli, *target));
    }
    if (int bad = check_no_target_flags(*target); bad != kExitOk) return cli.set_exit(bad);
    cli.set_exit(ask_running_up(cli, *server, true));
  });
}

}  // namespace careflow::app
