// careflow pipeline deploy --target flink|confluent [PATH]: the pipelines' statements for another
// Flink (src/jobs/deploy_target.h has what each target gets). With --dry-run they are printed as
// the Flink SQL script that would be sent; with --target flink --gateway URL they go to a Flink SQL
// Gateway one at a time, each statement's result reported, and the first that fails stops the
// deploy with the gateway's message and its file. Confluent Cloud is printed only (as SQL, or as
// `confluent flink statement create` commands with --confluent-cli): its statements are submitted
// with Confluent's own CLI (deploy/README.md).

#include "app/cmd_pipeline_deploy.h"

#include <fmt/format.h>

#include <filesystem>

#include "app/flink_gateway_client.h"
#include "jobs/deploy_target.h"
#include "jobs/pipeline_deployer.h"

namespace careflow::app {

namespace {

namespace fs = std::filesystem;

int usage(const std::string& message) {
  fmt::print(stderr, "careflow: error: {}\n", message);
  return kExitUsage;
}

// The flags that make sense only with --target flink|confluent, named when given without one.
std::string first_target_flag(const TargetDeployFlags& f) {
  if (!f.path.empty()) return "PATH";
  if (!f.gateway.empty()) return "--gateway";
  if (f.dry_run) return "--dry-run";
  if (f.confluent_cli) return "--confluent-cli";
  if (f.include_ml) return "--include-ml";
  if (!f.bootstrap_servers.empty()) return "--bootstrap-servers";
  if (!f.schema_registry_url.empty()) return "--schema-registry-url";
  if (!f.schema_registry_user_info.empty()) return "--schema-registry-user-info";
  if (!f.startup_mode.empty()) return "--startup-mode";
  if (!f.warehouse.empty()) return "--warehouse";
  return "";
}

std::string table_label(const jobs::DeployStep& s) { return fmt::format("{} ({})", s.table, s.file); }

// Sends the plan's statements one by one; the report on stdout, the first failure on stderr.
int send(const jobs::DeployPlan& plan, const TargetDeployFlags& flags) {
  auto client = FlinkGatewayClient::connect(flags.gateway, flags.gateway_token, std::chrono::milliseconds(flags.statement_timeout_ms));
  if (!client) {
    fmt::print(stderr, "careflow: error: {}\n", client.status().message());
    return client.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitRuntimeError;
  }
  fmt::print("deploying {} to the SQL gateway at {} (session {})\n", plan.root, flags.gateway, client->session());
  size_t sent = 0, jobs_started = 0, skipped = 0;
  for (const jobs::DeployStep& s : plan.steps) {
    if (s.kind == jobs::DeployStep::Kind::kSkipped) {
      ++skipped;
      fmt::print("skip {}: {}\n", table_label(s), s.note);
      continue;
    }
    auto done = client->execute(s.statement);
    if (!done) {
      const std::string where = s.file.empty() ? std::string("the session's settings") : s.file;
      fmt::print("FAIL {}\n", s.file.empty() ? s.statement : table_label(s));
      std::fflush(stdout);
      fmt::print(stderr, "careflow: error: {}: the SQL gateway: {} (sent before it: {} statements, {} jobs, which stay)\n",
                 where, done.status().message(), sent, jobs_started);
      return kExitRuntimeError;
    }
    ++sent;
    switch (s.kind) {
      case jobs::DeployStep::Kind::kSet:
        fmt::print("ok   {}\n", s.statement);
        break;
      case jobs::DeployStep::Kind::kDdl:
        fmt::print("ok   table {}{}\n", table_label(s), s.note.empty() ? "" : ": " + s.note);
        break;
      default:
        ++jobs_started;
        fmt::print("ok   job {} {}\n", done->job_id.empty() ? "(no job id)" : done->job_id, table_label(s));
    }
    std::fflush(stdout);
  }
  fmt::print("{} statements sent, {} jobs started, {} skipped\n", sent, jobs_started, skipped);
  return kExitOk;
}

}  // namespace

bool wants_target_deploy(const TargetDeployFlags& flags) { return !flags.target.empty() && flags.target != "careflow"; }

int check_no_target_flags(const TargetDeployFlags& flags) {
  const std::string flag = first_target_flag(flags);
  if (flag.empty()) return kExitOk;
  return usage(fmt::format("{} needs --target flink or --target confluent (without --target, deploy asks the running "
                           "careflow up to deploy its pipelines.path)", flag));
}

int deploy_to_target(const Cli& cli, const TargetDeployFlags& flags) {
  jobs::DeployTargetOptions options;
  if (flags.target == "flink") {
    options.target = jobs::DeployTargetKind::kFlink;
  } else if (flags.target == "confluent") {
    options.target = jobs::DeployTargetKind::kConfluent;
  } else {
    return usage(fmt::format("--target '{}': expected careflow, flink or confluent", flags.target));
  }
  const bool flink = options.target == jobs::DeployTargetKind::kFlink;
  if (flink && flags.gateway.empty() && !flags.dry_run) {
    return usage("--target flink needs --gateway http://HOST:PORT (Flink's SQL Gateway) or --dry-run");
  }
  if (flink && flags.confluent_cli) return usage("--confluent-cli is for --target confluent");
  if (!flink) {
    if (!flags.dry_run && !flags.confluent_cli) {
      return usage("--target confluent only prints the statements: add --dry-run (SQL) or --confluent-cli (the "
                   "`confluent flink statement create` commands), deploy/README.md");
    }
    for (const auto& [flag, given] : {std::pair<const char*, bool>{"--gateway", !flags.gateway.empty()},
                                      {"--bootstrap-servers", !flags.bootstrap_servers.empty()},
                                      {"--schema-registry-url", !flags.schema_registry_url.empty()},
                                      {"--schema-registry-user-info", !flags.schema_registry_user_info.empty()},
                                      {"--startup-mode", !flags.startup_mode.empty()},
                                      {"--warehouse", !flags.warehouse.empty()},
                                      {"--include-ml", flags.include_ml}}) {
      if (given) return usage(fmt::format("{} is for --target flink (Confluent Cloud supplies its Kafka, registry and Tableflow)", flag));
    }
  }
  if (!flags.gateway.empty() && flags.dry_run) return usage("--dry-run prints and sends nothing: leave out --gateway, or --dry-run");
  if (!flags.bootstrap_servers.empty()) options.bootstrap_servers = flags.bootstrap_servers;
  if (!flags.schema_registry_url.empty()) options.schema_registry_url = flags.schema_registry_url;
  options.registry_user_info = flags.schema_registry_user_info;
  if (!flags.startup_mode.empty()) {
    if (flags.startup_mode != "earliest-offset" && flags.startup_mode != "latest-offset" && flags.startup_mode != "group-offsets") {
      return usage(fmt::format("--startup-mode '{}': expected earliest-offset, latest-offset or group-offsets", flags.startup_mode));
    }
    options.startup_mode = flags.startup_mode;
  }
  // careflow up's warehouse by default: what its lake tables write, as a URI Iceberg's Hadoop catalog takes.
  options.warehouse = !flags.warehouse.empty()
                          ? flags.warehouse
                          : "file://" + (fs::absolute(cli.config().str("data_dir")) / "warehouse").lexically_normal().string();
  options.include_ml = flags.include_ml;
  if (flags.statement_timeout_ms <= 0) return usage("--statement-timeout-ms: expected a positive number of milliseconds");

  std::string root = flags.path;
  if (root.empty()) root = cli.config().str("pipelines.path");
  if (root.empty()) root = "pipelines";
  auto tables = jobs::read_pipelines(root);
  if (!tables) {
    fmt::print(stderr, "careflow: error: pipeline deploy: {}\n", tables.status().message());
    return kExitRuntimeError;
  }
  auto plan = jobs::plan_deployment(root, *tables, options);
  if (!plan) {
    fmt::print(stderr, "careflow: error: pipeline deploy: {}\n", plan.status().message());
    return kExitRuntimeError;
  }
  if (flags.confluent_cli) {
    fmt::print("{}", jobs::render_confluent_cli(*plan));
    return kExitOk;
  }
  if (flags.dry_run) {
    fmt::print("{}", jobs::render_script(*plan));
    return kExitOk;
  }
  return send(*plan, flags);
}

void add_target_deploy_options(CLI::App* deploy, TargetDeployFlags& f) {
  deploy->add_option("--target", f.target,
                     "careflow (default: the running careflow up deploys its pipelines.path), flink (an Apache Flink "
                     "SQL Gateway, or --dry-run) or confluent (printed for Confluent Cloud)");
  deploy->add_option("path", f.path, "With --target: the pipelines folder (default: pipelines.path, else pipelines)");
  deploy->add_option("--gateway", f.gateway, "Flink's SQL Gateway: http://HOST:PORT[/prefix] (Flink's default port is 8083)");
  deploy->add_option("--gateway-token", f.gateway_token, "A bearer token for the gateway (careflow up's api.token)")
      ->envname("CAREFLOW_GATEWAY_TOKEN");
  deploy->add_flag("--dry-run", f.dry_run, "Print the statements that would be sent, as a Flink SQL script, and send nothing");
  deploy->add_flag("--confluent-cli", f.confluent_cli,
                   "With --target confluent: print a shell script of `confluent flink statement create` commands");
  deploy->add_flag("--include-ml", f.include_ml,
                   "Send the DML that calls ML_DETECT_ANOMALIES / ML_FORECAST too (Confluent Cloud's; Apache Flink lacks them)");
  deploy->add_option("--bootstrap-servers", f.bootstrap_servers,
                     "Kafka tables' 'properties.bootstrap.servers' when the DDL has none (default localhost:9092)");
  deploy->add_option("--schema-registry-url", f.schema_registry_url,
                     "Avro tables' '[key.|value.]avro-confluent.url' when the DDL has none (default http://localhost:8081)");
  deploy->add_option("--schema-registry-user-info", f.schema_registry_user_info,
                     "USER:PASSWORD for the registry ('...basic-auth.user-info'; careflow up takes any user and its api.token)")
      ->envname("CAREFLOW_SCHEMA_REGISTRY_USER_INFO");
  deploy->add_option("--startup-mode", f.startup_mode,
                     "Kafka tables' 'scan.startup.mode' when the DDL has none (default earliest-offset)");
  deploy->add_option("--warehouse", f.warehouse,
                     "Iceberg tables' 'warehouse' (a 'hadoop' catalog) when the DDL has none (default file://<data_dir>/warehouse)");
  deploy->add_option("--statement-timeout-ms", f.statement_timeout_ms,
                     "How long one statement may take at the gateway before the deploy gives up (default 120000)");
}

}  // namespace careflow::app
