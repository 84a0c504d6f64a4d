#include "app/cli.h"

#include <fmt/format.h>

#include <filesystem>

#include "common/logging.h"
#include "exec/connectors/iceberg_sink.h"

namespace careflow::app {

Cli::Cli() : app_("careflow — is each patient's device doing what the doctor prescribed? Live.", "careflow") {
  app_.set_help_all_flag("--help-all", "Show help for every subcommand");
  app_.require_subcommand(1);
  app_.fallthrough();
  app_.add_option("--config", global_.config_file, "careflow.toml to read (default: ./careflow.toml if present)");
  app_.add_option("--data-dir", global_.data_dir, "Where careflow keeps its data (config data_dir)");
  app_.add_option("--log-level", global_.log_level, "trace, debug, info, warn or error (config log.level)");
  app_.add_option("--set", global_.sets, "Set any configuration key: --set http.port=8080 (repeatable)");
  // Configuration is loaded after parsing and before any subcommand runs.
  app_.parse_complete_callback([this] {
    if (Status s = load_config(); !s) {
      throw CLI::RuntimeError(fmt::format("careflow: configuration error: {}", s.message()), kExitConfig);
    }
  });
  add_version_command(*this);
  add_config_command(*this);
  add_topic_commands(*this);
  add_up_command(*this);
  add_sql_commands(*this);
  add_cdc_commands(*this);
  add_pipeline_commands(*this);
  add_lake_commands(*this);
}

Status Cli::load_config() {
  ConfigSources sources;
  if (!global_.config_file.empty()) sources.file = global_.config_file;
  sources.env = Config::process_env();
  for (const std::string& s : global_.sets) {
    const size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::invalid_argument(fmt::format("--set {}: expected key=value", s));
    }
    sources.flags.emplace_back(s.substr(0, eq), s.substr(eq + 1), "--set");
  }
  if (!global_.data_dir.empty()) sources.flags.emplace_back("data_dir", global_.data_dir, "--data-dir");
  if (!global_.log_level.empty()) sources.flags.emplace_back("log.level", global_.log_level, "--log-level");
  CF_ASSIGN_OR_RETURN(Config loaded, Config::load(sources));
  config_ = std::move(loaded);
  // 'connector' = 'iceberg' tables without a 'warehouse' option write under the data directory.
  // lake.warehouse moves them elsewhere (another folder, or s3://bucket/prefix).
  exec::set_default_iceberg_warehouse(
      config_->str("lake.warehouse").empty()
          ? (std::filesystem::absolute(config_->str("data_dir")) / "warehouse").lexically_normal().string()
          : config_->str("lake.warehouse"));
  CF_RETURN_IF_ERROR(init_logging(config_->str("log.level")));
  for (const std::string& warning : config_->warnings()) log_warn("config", warning);
  return Status::ok();
}

void Cli::fail(const Status& status, int code) {
  fmt::print(stderr, "careflow: error: {}\n", status.message());
  exit_code_ = code;
}

int Cli::run(int argc, char** argv) {
  // CLI11 would answer an unknown command with "A subcommand is required"; name it instead.
  if (argc > 1 && argv[1][0] != '-') {
    std::string known;
    bool found = false;
    for (const CLI::App* sub : app_.get_subcommands([](const CLI::App*) { return true; })) {
      found |= sub->get_name() == argv[1];
      known += (known.empty() ? "" : ", ") + sub->get_name();
    }
    if (!found) {
      fmt::print(stderr, "careflow: unknown command '{}'; commands: {}\nRun with --help for usage.\n", argv[1], known);
      return kExitUsage;
    }
  }
  try {
    app_.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app_.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app_.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app_.exit(e);
  } catch (const CLI::RuntimeError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "careflow: {}\nRun with --help for usage.\n", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    // The edge of the program: a library exception that escaped a command is still reported as
    // an error with an exit code, not an abort.
    fmt::print(stderr, "careflow: error: {}\n", e.what());
    return kExitRuntimeError;
  }
  return exit_code_;
}

}  // namespace careflow::app
