// careflow pipeline test [path]: runs the pipelines' tests offline (docs/pipelines.md). Every
// *.test file under the path (a table folder's tests/, a layer, the whole pipelines/ folder, or
// one file) runs on a fresh in-memory session with src/sqltest's runner, the same runner as the
// SQL corpus: no log, no registry, no database. Prints one line per passing file, every
// disagreement with its file and line, a summary, and exits 1 when anything failed.

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "app/cli.h"
#include "sqltest/logic_test_runner.h"

namespace careflow::app {
namespace {

namespace fs = std::filesystem;

// The *.test files at `path` (itself, or every one below it), sorted so runs are repeatable.
Result<std::vector<fs::path>> test_files(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::not_found(fmt::format("{} does not exist", path.string()));
  std::vector<fs::path> files;
  if (fs::is_regular_file(path, ec)) {
    if (path.extension() != ".test") return Status::invalid_argument(fmt::format("{} is not a .test file", path.string()));
    files.push_back(path);
    return files;
  }
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".test") files.push_back(it->path());
  }
  if (ec) return Status::io_error(fmt::format("reading {}: {}", path.string(), ec.message()));
  if (files.empty()) return Status::not_found(fmt::format("no *.test files under {}", path.string()));
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

}  // namespace

void add_pipeline_commands(Cli& cli) {
  auto* pipeline = cli.app().add_subcommand("pipeline", "Work with the Flink SQL pipelines under pipelines/");
  pipeline->require_subcommand(1);
  auto* test = pipeline->add_subcommand(
      "test", "Run the pipelines' tests offline: every *.test file under PATH (default: pipelines)");
  auto path = std::make_shared<std::string>("pipelines");
  test->add_option("path", *path, "A pipelines folder, a table folder or one .test file");
  test->callback([&cli, path] { cli.set_exit(run_tests(*path)); });
}

}  // namespace careflow::app
