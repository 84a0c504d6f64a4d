#pragma once
// What every `careflow` subcommand shares: the global options, the effective configuration and
// the exit codes (docs/cli.md).

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"

namespace careflow::app {

enum ExitCode : int {
  kExitOk = 0,
  kExitRuntimeError = 1,  // "careflow: error: ..." on stderr
  kExitUsage = 2,         // a bad command line: CLI11's message names the flag
  kExitConfig = 3,        // a bad careflow.toml, environment variable or --set
};

struct GlobalOptions {
  std::string config_file;
  std::string data_dir;
  std::string log_level;
  std::vector<std::string> sets;  // key=value
};

class Cli {
 public:
  Cli();
  int run(int argc, char** argv);

  // For subcommands: the configuration (loaded once, after parsing) and the result to return.
  const Config& config() const { return *config_; }
  void fail(const Status& status, int code = kExitRuntimeError);
  void set_exit(int code) { exit_code_ = code; }
  CLI::App& app() { return app_; }

 private:
  Status load_config();

  CLI::App app_;
  GlobalOptions global_;
  std::optional<Config> config_;
  int exit_code_ = kExitOk;
};

// Subcommands register themselves on the app; each lives in its own cmd_*.cc.
void add_version_command(Cli& cli);
void add_config_command(Cli& cli);
void add_topic_commands(Cli& cli);
void add_up_command(Cli& cli);
void add_sql_commands(Cli& cli);  // sql, explain
void add_cdc_commands(Cli& cli);  // cdc status
void add_pipeline_commands(Cli& cli);  // pipeline test
void add_lake_commands(Cli& cli);      // lake list, describe, scan

}  // namespace careflow::app
