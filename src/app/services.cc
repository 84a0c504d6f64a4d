#include "app/services.h"
#include "common/clock.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "api/analytics_routes.h"
#include "api/dashboard_feed.h"
#include "api/cdc_routes.h"
#include "api/device_event_routes.h"
#include "api/domain_routes.h"
#include "api/flink_gateway_routes.h"
#include "api/job_routes.h"
#include "api/pipeline_routes.h"
#include "api/simulation_routes.h"
#include "api/system_routes.h"
#include "app/open_log.h"
#include "app/open_registry.h"
#include "app/running_listener.h"
#include "cdc/capture_report.h"
#include "common/listener_limits.h"
#include "common/logging.h"
#include "lake/iceberg_rest.h"
#include "registry/client_implementations.h"
#include "registry/registry_routes.h"
#include "sim/dimension_seed.h"
#include "sim/store_targets.h"
#include "store/migrations.h"

namespace careflow::app {
namespace fs = std::filesystem;

namespace {

// The built web app: next to the binary's source tree (a build) or in the working directory.
std::string find_web_dist() {
  for (const fs::path& candidate : {fs::path("web/dist"), fs::path(CAREFLOW_SOURCE_DIR) / "web" / "dist"}) {
    if (fs::exists(candidate / "index.html")) return fs::absolute(candidate).string();
  }
  return "";
}

// "a, b,c" -> {"a", "b", "c"}; empty items are dropped.
std::vector<std::string> comma_list(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) items.push_back(std::move(item));
    start = end + 1;
  }
  return items;
}

// The newest record timestamp on `topic`, or nullopt when it holds none.
Result<std::optional<int64_t>> newest_timestamp(const log::Topics& topics, const std::string& topic) {
  CF_ASSIGN_OR_RETURN(auto partitions, topics.partition_offsets(topic));
  std::optional<int64_t> newest;
  for (const log::PartitionInfo& p : partitions) {
    if (p.end_offset <= p.start_offset) continue;
    CF_ASSIGN_OR_RETURN(log::FetchResult last, topics.fetch({topic, p.partition}, p.end_offset - 1, {1, 1 << 20}));
    for (const log::Record& r : last.records) newest = std::max(newest.value_or(r.timestamp_ms), r.timestamp_ms);
  }
  return newest;
}

Result<sim::SimulatorOptions> simulator_options(const Config& config) {
  sim::SimulatorOptions options;
  options.tick_interval = std::chrono::milliseconds(config.integer("simulator.tick_ms"));
  options.seed = static_cast<uint64_t>(config.integer("simulator.seed"));
  CF_ASSIGN_OR_RETURN(options.time.mode, sim::parse_time_mode(config.str("simulator.time")));
  CF_ASSIGN_OR_RETURN(options.time.start_ms, sim::parse_story_start(config.str("simulator.story_start"), wall_clock_ms()));
  options.time.step_ms = config.integer("simulator.story_step_ms");
  options.noise.outlier_probability = config.number("simulator.outlier_probability");
  options.noise.outlier_size = config.number("simulator.outlier_size");
  if (!(options.noise.outlier_probability >= 0 && options.noise.outlier_probability <= 1)) {
    return Status::invalid_argument(
        fmt::format("simulator.outlier_probability must be from 0 to 1, got {}", options.noise.outlier_probability));
  }
  if (!(options.noise.outlier_size > 0 && options.noise.outlier_size <= 100)) {
    return Status::invalid_argument(
        fmt::format("simulator.outlier_size must be above 0 and at most 100, got {}", options.noise.outlier_size));
  }
  return options;
}

}  // namespace

Result<std::unique_ptr<Services>> Services::start(const Config& config) {
  std::unique_ptr<Services> s(new Services());
  s->data_dir_ = fs::absolute(config.str("data_dir")).lexically_normal().string();
  std::error_code ec;
  fs::create_directories(s->data_dir_, ec);
  if (ec) return Status::io_error(fmt::format("creating data dir {}: {}", s->data_dir_, ec.message()));
  CF_RETURN_IF_ERROR(s->start_log(config).with_context("topic log"));
  CF_RETURN_IF_ERROR(s->start_database(config).with_context("database"));
  CF_RETURN_IF_ERROR(s->start_registry().with_context("schema registry"));
  CF_RETURN_IF_ERROR(s->start_cdc(config).with_context("change data capture"));
  CF_RETURN_IF_ERROR(s->start_api(config).with_context("API"));
  CF_RETURN_IF_ERROR(s->start_kafka_listener(config).with_context("Kafka listener"));
  return s;
}

Status Services::start_log(const Config& config) {
  CF_ASSIGN_OR_RETURN(log_, open_log(config, true));
  log_where_ = log_location(config);
  for (const char* topic : {kDeviceMetricsTopic, api::kDeviceEventsTopic}) {
    Status created = log_->create_topic(topic, default_topic_config(config));
    if (!created && created.code() != StatusCode::kAlreadyExists) return created;
  }
  log_info("log", "open", {{"where", log_where_}, {"topics", std::to_string(log_->list_topics().size())}});
  return Status::ok();
}

Status Services::start_database(const Config& config) {
  std::string conninfo = config.str("database.url");
  if (conninfo.empty()) {
    store::LocalPostgresOptions options;
    options.dir = data_dir_ + "/pg";
    options.port = static_cast<int>(config.integer("database.port"));
    // The server runs as the postgres user when careflow runs as root: it must reach its folder.
    fs::permissions(data_dir_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add);
    CF_ASSIGN_OR_RETURN(postgres_, store::LocalPostgres::start(options));
    conninfo = postgres_->conninfo();
    database_where_ = fmt::format("careflow's own PostgreSQL at {} (data in {})", postgres_->url(), options.dir);
  } else {
    database_where_ = fmt::format("PostgreSQL at {}", mask_url_password(conninfo));
  }
  CF_ASSIGN_OR_RETURN(db_, store::Database::open(conninfo, 4));
  CF_ASSIGN_OR_RETURN(auto wal, db_->exec("SHOW wal_level"));
  if (wal.rows.empty() || wal.rows[0][0] != "logical") {
    return Status::failed_precondition(fmt::format(
        "wal_level is '{}', but change data capture needs 'logical': set wal_level = logical in postgresql.conf and restart "
        "the server",
        wal.rows.empty() ? "?" : wal.rows[0][0].value_or("?")));
  }
  conninfo_ = conninfo;
  CF_ASSIGN_OR_RETURN(int applied, store::migrate(*db_));
  log_info("store", "ready", {{"migrations_applied", std::to_string(applied)}});
  CF_ASSIGN_OR_RETURN(listener_, store::ChangeListener::start(conninfo, [this](const std::string& table) {
                        cache_.invalidate(table);
                      }));
  return Status::ok();
}

// Before everything that writes Avro: the simulator, the device events (and change events in Avro).
Status Services::start_registry() {
  CF_ASSIGN_OR_RETURN(registry_, registry::SchemaRegistry::open(data_dir_ + "/registry"));
  registry::add_registry_routes(router_, *registry_);
  return Status::ok();
}

Status Services::start_cdc(const Config& config) {
  if (!config.boolean("cdc.enabled")) return Status::ok();
  prefix_ = config.str("cdc.topic_prefix");
  CF_ASSIGN_OR_RETURN(cdc::CdcOptions options, cdc::cdc_options_from_config(config, conninfo_));
  CF_ASSIGN_OR_RETURN(store::SqlRows database, db_->exec("SELECT current_database()"));
  options.envelope.database = database.rows.at(0).at(0).value_or("");  // source.db
  options.envelope.version = std::string("careflow-") + CAREFLOW_VERSION;
  options.topic_config = default_topic_config(config);
  if (options.format == cdc::EventFormat::kAvro) {
    // The registry is open (start_registry); the capture thread gets a client of its own.
    CF_ASSIGN_OR_RETURN(cdc_registry_client_, open_registry_client(config, registry_.get()));
    options.registry = cdc_registry_client_.get();
    options.key_serializer = serializer_options(config, true);
    options.value_serializer = serializer_options(config, false);
  }
  // The embedded log is durable once flushed; on Kafka an acknowledged append (acks=all) already is.
  options.make_durable = [this] {
    if (auto* embedded = dynamic_cast<log::EmbeddedLog*>(log_.get())) return embedded->flush();
    return Status::ok();
  };
  CF_ASSIGN_OR_RETURN(cdc_, cdc::CdcConnector::start(std::move(options), *log_));
  return Status::ok();
}

Status Services::start_api(const Config& config) {
  host_ = config.str("http.host");
  http::HttpServerOptions options;
  options.host = host_;
  options.port = static_cast<int>(config.integer("http.port"));
  options.bearer_token = config.str("api.token");
  options.allowed_hosts = comma_list(config.str("http.allowed_hosts"));
  options.cors_origins = comma_list(config.str("http.cors_origins"));
  const ListenerLimits limits = listener_limits(config);
  options.max_connections = limits.max_connections;
  options.idle_timeout = limits.idle_timeout;
  options.header_timeout = limits.header_timeout;
  options.body_timeout = limits.body_timeout;
  // Room for the connection cap: a flood of idle connections must meet the cap, not EMFILE.
  http::raise_open_file_limit();
  server_ = std::make_unique<http::HttpServer>(options, router_);
  hub_ = std::make_unique<api::TelemetryHub>();

  // The registry is open (start_registry): the simulator and the device events write through it.
  CF_RETURN_IF_ERROR(open_device_records(config).with_context("simulator.format"));
  readings_ = std::make_unique<sim::ReadingFanOut>(*device_records_, *log_, kDeviceMetricsTopic);
  readings_->add_listener([this](const sim::Reading& r) { hub_->publish(r.to_json()); });
  CF_ASSIGN_OR_RETURN(sim::SimulatorOptions sim_options, simulator_options(config));
  simulator_ = std::make_unique<sim::Simulator>(
      sim_options, [this] { return sim::load_targets_from_store(*db_, wall_clock_ms()); },
      [this](const std::vector<sim::Reading>& readings) { return readings_->write(readings); });
  // Story time goes on after the newest reading or event an earlier run left on the topics.
  for (const char* topic : {kDeviceMetricsTopic, api::kDeviceEventsTopic}) {
    CF_ASSIGN_OR_RETURN(std::optional<int64_t> newest, newest_timestamp(*log_, topic));
    if (newest) simulator_->resume_story_after(*newest);
  }
  CF_RETURN_IF_ERROR(follow_dimensions(config).with_context("dimension topics"));
  CF_RETURN_IF_ERROR(start_device_commands(config).with_context("device commands"));
  // A device the API creates or moves is assigned at the simulator's event time (story time), the
  // time the presses after it carry.
  api::add_domain_routes(router_, *db_, &cache_, [this] { return simulator_->event_time_ms(); });
  api::add_simulation_routes(router_, *simulator_);
  api::DeviceEventHooks event_hooks;
  event_hooks.event_time = [this] { return simulator_->event_time_ms(); };
  event_hooks.recorded = [this](const nlohmann::json& event) { hub_->publish_device_event(event); };
  api::add_device_event_routes(router_, *db_, *log_, *device_records_, std::move(event_hooks));
  // The dashboards follow the fact, alert and CDC topics from their first record, each through a
  // registry client of its own (in schema_registry.context, where the jobs' sinks register).
  dashboards_ = std::make_unique<api::DashboardFeed>(
      *log_, [this, config] { return open_registry_client(config, registry_.get()); }, hub_.get(),
      config.str("cdc.topic_prefix"));
  // The warehouse the 'iceberg' connector writes by default: the history series read their lake
  // tables there, and the Iceberg REST catalog serves it.
  const std::string warehouse = config.str("lake.warehouse").empty() ? data_dir_ + "/warehouse" : config.str("lake.warehouse");
  lake_history_ = std::make_unique<api::LakeHistory>(warehouse);
  api::add_analytics_routes(router_, *dashboards_, lake_history_.get());
  lake::iceberg::add_rest_catalog_routes(router_, warehouse, "/iceberg");
  hub_->add_routes(router_, *server_);
  std::vector<api::HealthCheck> checks = {
      {"database", [this] { return db_->exec("SELECT 1").status(); }},
      {"log", [this] { return log_->partition_offsets(kDeviceMetricsTopic).status(); }},
      {"simulator", [this] { return simulator_->health(); }},
      {"device_commands", [this] { return commands_thread_->health(); }},
      {"ota_updates", [this] { return ota_thread_->health(); }},
      {"telemetry", [this] { return hub_->health(); }},
      {"dashboards", [this] { return dashboards_->health(); }},
      {"dimensions", [this] { return dimensions_->health(); }}};
  if (cdc_) {
    // Down while it has failed or is retrying a lost connection; the web app's header shows it.
    checks.push_back({"cdc", [this] {
                        const cdc::CdcStatus s = cdc_->status();
                        if (s.state != "failed" && s.state != "retrying") return Status::ok();
                        return Status::unavailable(fmt::format("change data capture is {}: {}", s.state, s.last_error));
                      }});
  }
  if (!config.str("pipelines.path").empty()) {
    // Down while a deployed pipeline failed (its DDL or DML, or its job): the header's Pipelines dot.
    checks.push_back({"pipelines", [this] {
                        if (!pipelines_) return Status::unavailable("the pipelines are not deployed yet");
                        const nlohmann::ordered_json status = pipelines_->status();
                        std::string failed;
                        for (const auto& t : status["tables"]) {
                          if (!t["error"].is_null() || t["state"] == "FAILED") {
                            failed += (failed.empty() ? "" : ", ") + t["table"].get<std::string>();
                          }
                        }
                        if (failed.empty()) return Status::ok();
                        return Status::unavailable(fmt::format("failed: {} (careflow pipeline status)", failed));
                      }});
  }
  api::add_health_route(router_, std::move(checks));
  if (cdc_) api::add_cdc_routes(router_, *db_, *cdc_);
  CF_RETURN_IF_ERROR(start_jobs(config).with_context("jobs"));
  api::add_openapi_route(router_, {"/telemetry/stream", "/sql/results"});
  web_dir_ = find_web_dist();
  if (!web_dir_.empty()) server_->serve_static(web_dir_);
  CF_RETURN_IF_ERROR(server_->start());
  log_info("api", "listening", {{"url", url()}});
  // Not fatal: without the file, `careflow sql` beside up runs statements in its own process, as before.
  const std::string api_host = host_ == "0.0.0.0" ? "127.0.0.1" : host_;
  if (Status written = write_running_api(data_dir_, fmt::format("{}:{}", api_host, server_->port())); !written) {
    log_warn("api", "careflow sql beside careflow up will not find its API", {{"error", written.to_string()}});
  }
  return Status::ok();
}

Status Services::start_device_commands(const Config& config) {
  // Clients of their own: the commands' schemas are the jobs' (Flink's avro-confluent and
  // debezium-avro-confluent), whatever simulator.format the devices write with.
  CF_ASSIGN_OR_RETURN(commands_registry_client_, open_registry_client(config, registry_.get()));
  commands_ = std::make_unique<sim::DeviceCommandFollower>(*log_, *commands_registry_client_, *simulator_);
  commands_thread_ = std::make_unique<http::GuardedThread>("device commands", [this] {
    follow_commands(sim::kDeviceCommandsTopic, [this](std::chrono::milliseconds wait) { return commands_->poll(wait); });
  });
  CF_ASSIGN_OR_RETURN(ota_registry_client_, open_registry_client(config, registry_.get()));
  ota_updates_ = std::make_unique<sim::OtaUpdateFollower>(*log_, *ota_registry_client_, *db_);
  ota_thread_ = std::make_unique<http::GuardedThread>("OTA updates", [this] {
    follow_commands(sim::kOtaUpdateCommandsTopic, [this](std::chrono::milliseconds wait) { return ota_updates_->poll(wait); });
  });
  return Status::ok();
}

// Polls in rounds of at most 200 ms so a stop is seen quickly. A failing log (or database, for the
// OTA updates) is logged when its error changes and retried a second later: the devices resume
// where the group's offsets are.
void Services::follow_commands(const char* topic, const std::function<Result<size_t>(std::chrono::milliseconds)>& poll) {
  std::string last_error;
  while (!commands_stopping_) {
    auto read = poll(std::chrono::milliseconds(200));
    if (read.is_ok()) {
      last_error.clear();
      continue;
    }
    if (read.status().to_string() != last_error) {
      last_error = read.status().to_string();
      log_error("sim", "commands cannot be carried out", {{"topic", topic}, {"error", last_error}});
    }
    for (int i = 0; i < 10 && !commands_stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Status Services::start_jobs(const Config& config) {
  CF_ASSIGN_OR_RETURN(jobs_registry_client_, open_registry_client(config, registry_.get()));
  auto make_registries = [this, serializer = serializer_options(config, false)] {
    return std::make_unique<exec::SchemaRegistryClients>(
        jobs_registry_client_.get(), serializer,
        [](const std::string& url, const std::string& user_info) { return registry::http_client(url, user_info); });
  };
  jobs::JobManagerOptions options;
  options.data_dir = data_dir_;
  options.topics = log_.get();
  options.make_registries = make_registries;
  CF_ASSIGN_OR_RETURN(jobs_, jobs::JobManager::open(options));
  queries_ = std::make_unique<jobs::QueryService>(jobs::QueryServiceOptions{log_.get(), make_registries});
  gateway_ = std::make_unique<jobs::SqlGateway>(*jobs_, *queries_);
  api::add_job_routes(router_, *server_, *jobs_, *gateway_, *queries_);
  jobs::FlinkGatewayOptions flink_options;
  flink_options.idle_timeout = std::chrono::milliseconds(config.integer("sql_gateway.session_idle_timeout_ms"));
  flink_options.max_sessions = static_cast<size_t>(config.integer("sql_gateway.max_sessions"));
  flink_gateway_ = std::make_unique<jobs::FlinkGateway>(*gateway_, *jobs_, *queries_, flink_options);
  api::add_flink_gateway_routes(router_, *flink_gateway_);
  std::vector<jobs::JobInfo> all = jobs_->list();
  log_info("jobs", "ready", {{"jobs", std::to_string(all.size())}, {"resumed", std::to_string(jobs_->resumed())}});
  pipelines_ = std::make_unique<jobs::PipelineService>(*gateway_, *jobs_);
  const std::string& path = config.str("pipelines.path");
  api::add_pipeline_routes(router_, *pipelines_, path);
  return path.empty() ? Status::ok() : deploy_pipelines(path);
}

// A folder that cannot be read stops the start (pipelines.path asked for it); a table that fails is
// logged and shown by GET /pipelines while the others run.
Status Services::deploy_pipelines(const std::string& path) {
  auto deployed = pipelines_->deploy(path);
  if (!deployed) return deployed.status().with_context("pipelines.path");
  size_t started = 0, running = 0;
  for (const jobs::PipelineOutcome& t : deployed->tables) {
    if (t.job == "started") ++started;
    if (t.job == "running") ++running;
    if (!t.error.empty()) log_error("pipelines", "table failed", {{"table", t.name}, {"error", t.error}});
  }
  log_info("pipelines", "deployed", {{"path", path}, {"tables", std::to_string(deployed->tables.size())},
                                     {"started", std::to_string(started)}, {"running", std::to_string(running)},
                                     {"failed", std::to_string(deployed->failed())}});
  pipelines_where_ = fmt::format("{} tables from {}: {} jobs started, {} already running, {} failed", deployed->tables.size(),
                                 path, started, running, deployed->failed());
  return Status::ok();
}

// A seed that fails is not fatal: careflow runs without the topics (a registry that does not answer
// shows in GET /health as the "dimensions" component until a later round succeeds). Only a
// database that cannot be listened to stops the start.
Status Services::follow_dimensions(const Config& config) {
  CF_ASSIGN_OR_RETURN(dimensions_,
                      sim::DimensionFollower::start(conninfo_, *db_, *log_, *device_records_, default_topic_config(config),
                                                    [this] { return simulator_->event_time_ms(); }));
  if (!dimensions_->health()) return Status::ok();
  const sim::DimensionSeedReport seeded = dimensions_->state().first;
  dimensions_where_ = fmt::format("{}, {}, {} ({} appended, {} already there; following the store)",
                                  sim::kDeviceAssignmentsTopic, sim::kCareAreasTopic, sim::kOtaAllowlistTopic,
                                  seeded.appended, seeded.unchanged);
  log_info("sim", "dimension topics seeded",
           {{"appended", std::to_string(seeded.appended)}, {"unchanged", std::to_string(seeded.unchanged)}});
  return Status::ok();
}

// Last, once everything that writes topics runs: clients that connect find the topics in place.
Status Services::start_kafka_listener(const Config& config) {
  if (!config.boolean("kafka_listener.enabled") || config.str("log.backend") != "embedded") return Status::ok();
  broker::KafkaListenerOptions options;
  options.host = config.str("kafka_listener.host");
  options.port = static_cast<int>(config.integer("kafka_listener.port"));
  options.advertised_host = config.str("kafka_listener.advertised_host");
  const ListenerLimits limits = listener_limits(config);
  options.max_connections = limits.max_connections;
  options.request_timeout = limits.request_timeout();
  options.idle_timeout = std::chrono::milliseconds(config.integer("kafka_listener.idle_timeout_ms"));
  options.max_request_bytes = static_cast<int32_t>(config.integer("kafka_listener.max_request_bytes"));
  options.auto_create_topics = config.boolean("kafka_listener.auto_create_topics");
  options.sasl_username = config.str("kafka_listener.sasl_username");
  options.sasl_password = config.str("kafka_listener.sasl_password");
  options.tls_cert_file = config.str("kafka_listener.tls_cert_file");
  options.tls_key_file = config.str("kafka_listener.tls_key_file");
  const bool tls = !options.tls_cert_file.empty();
  if (!options.sasl_username.empty()) {
    kafka_sasl_hint_ = fmt::format(
        " -X security.protocol={} -X sasl.mechanism=PLAIN -X sasl.username={} -X sasl.password=<kafka_listener.sasl_password>",
        tls ? "SASL_SSL" : "SASL_PLAINTEXT", options.sasl_username);
  } else if (tls) {
    kafka_sasl_hint_ = " -X security.protocol=SSL";
  }
  if (tls) kafka_sasl_hint_ += fmt::format(" -X ssl.ca.location={}", options.tls_cert_file);
  options.topic_defaults = default_topic_config(config);
  kafka_listener_ = std::make_unique<broker::KafkaListener>(options, *log_);
  Status started = kafka_listener_->start();
  if (started) {
    // Not fatal: without the file, commands beside `up` say the data dir is in use, as before.
    if (Status written = write_running_listener(data_dir_, kafka_listener_->bootstrap()); !written) {
      log_warn("broker", "commands beside careflow up will not find its Kafka listener", {{"error", written.to_string()}});
    }
  }
  if (!started) {
    kafka_listener_.reset();
    return started.with_context(fmt::format("kafka_listener.host {}, kafka_listener.port {} (0 = any free port; "
                                            "kafka_listener.enabled = false turns it off)",
                                            options.host, options.port));
  }
  return Status::ok();
}

Status Services::open_device_records(const Config& config) {
  CF_ASSIGN_OR_RETURN(sim::RecordFormat format, sim::parse_record_format(config.str("simulator.format")));
  if (format == sim::RecordFormat::kJson) {
    device_records_ = sim::DeviceRecordEncoder::json();
    device_records_where_ = "JSON";
    return Status::ok();
  }
  CF_ASSIGN_OR_RETURN(registry_client_, open_registry_client(config, registry_.get()));
  device_records_ = sim::DeviceRecordEncoder::avro(*registry_client_, serializer_options(config, false));
  const std::string& context = config.str("schema_registry.context");
  device_records_where_ = fmt::format("Avro, schemas in the {} registry{}", registry_location(config),
                                      context.empty() || context == "." ? "" : fmt::format(", context {}", context));
  return Status::ok();
}

Services::~Services() {
  if (kafka_listener_) remove_running_listener(data_dir_);
  kafka_listener_.reset();  // first: its clients read and write the log everything else uses
  commands_stopping_ = true;
  commands_thread_.reset();  // before the simulator, the database and the log they use
  dimensions_.reset();
  ota_thread_.reset();
  if (simulator_) simulator_->stop();
  dashboards_.reset();  // its followers publish to the hub and read the log
  hub_.reset();  // ends the event streams while the server still runs
  if (server_) server_->stop();
  server_.reset();
  remove_running_api(data_dir_);
  // The jobs stop before the log they read and write closes; running ones stay kept as RUNNING.
  flink_gateway_.reset();  // its sessions' SELECTs stop before the query service goes
  pipelines_.reset();
  gateway_.reset();
  queries_.reset();
  jobs_.reset();
  simulator_.reset();
  cdc_.reset();  // before the database it reads and the log it writes
  listener_.reset();
  db_.reset();
  if (postgres_) (void)postgres_->stop();
  log_.reset();
}

std::string Services::url() const {
  const std::string host = host_ == "0.0.0.0" ? "127.0.0.1" : host_;
  return fmt::format("http://{}:{}/", host, server_ ? server_->port() : 0);
}

std::string Services::story_time_description() const {
  const nlohmann::json t = simulator_->status()["storyTime"];
  if (t["mode"] == "real") return "event time is the wall clock (simulator.time = real)";
  return fmt::format("story time from {}, {} min per round (simulator.time = story)", t["nowIso"].get<std::string>(),
                     t["stepMs"].get<int64_t>() / 60000.0);
}

std::vector<std::string> Services::describe() const {
  return {fmt::format("data:      {}", data_dir_),
          fmt::format("database:  {}", database_where_),
          fmt::format("topic log: {}", log_where_),
          cdc_ ? fmt::format("cdc:       slot {} → {}.<schema>.<table> as {}  (careflow cdc status)", cdc_->status().slot,
                             prefix_, cdc_registry_client_ ? "Avro" : "JSON")
               : std::string("cdc:       off (cdc.enabled = false)"),
          fmt::format("API:       {}  (try {}health, {}openapi.json)", url(), url(), url()),
          fmt::format("simulator: {} and {} as {}; {}", kDeviceMetricsTopic, api::kDeviceEventsTopic, device_records_where_,
                      story_time_description()),
          fmt::format("dimensions: {}", dimensions_where_.empty() && dimensions_ ? dimensions_->health().to_string()
                                                                                  : dimensions_where_),
          kafka_listener_ ? fmt::format("kafka:     {}  (Kafka clients: kcat -b {}{} -L)", kafka_listener_->bootstrap(),
                                        kafka_listener_->bootstrap(), kafka_sasl_hint_)
                          : std::string("kafka:     off (kafka_listener.enabled = false, or log.backend = kafka)"),
          fmt::format("jobs:      {} kept, {} resumed  ({}jobs; careflow sql -e 'SHOW JOBS'; state in {}/jobs)",
                      jobs_ ? jobs_->list().size() : 0, jobs_ ? jobs_->resumed() : 0, url(), data_dir_),
          pipelines_where_.empty() ? std::string("pipelines: none (set pipelines.path; scripts/demo deploys pipelines/)")
                                   : fmt::format("pipelines: {}  ({}pipelines)", pipelines_where_, url()),
          fmt::format("registry:  {}subjects (Confluent Schema Registry API; state in {}/registry)", url(), data_dir_),
          fmt::format("web app:   {}", web_dir_.empty() ? "not built yet (the web app arrives with its own issue)" : url())};
}

}  // namespace careflow::app
