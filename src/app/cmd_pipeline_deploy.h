#pragma once
// `careflow pipeline deploy --target flink|confluent`: the flags and the command
// (cmd_pipeline_deploy.cc). cmd_pipeline.cc owns the `deploy` subcommand and hands it here when a
// target other than careflow is named.

#include <CLI/CLI.hpp>

#include <string>

#include "app/cli.h"

namespace careflow::app {

struct TargetDeployFlags {
  std::string target;  // "", careflow, flink, confluent
  std::string path;
  std::string gateway, gateway_token;
  bool dry_run = false, confluent_cli = false, include_ml = false;
  std::string bootstrap_servers, schema_registry_url, schema_registry_user_info, startup_mode, warehouse;
  int64_t statement_timeout_ms = 120'000;
};

void add_target_deploy_options(CLI::App* deploy, TargetDeployFlags& flags);
bool wants_target_deploy(const TargetDeployFlags& flags);
// kExitUsage (with the message) when a target-only flag is given without a target; kExitOk otherwise.
int check_no_target_flags(const TargetDeployFlags& flags);
// The exit code.
int deploy_to_target(const Cli& cli, const TargetDeployFlags& flags);

}  // namespace careflow::app
