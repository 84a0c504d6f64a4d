#pragma once
// Everything `careflow up` runs, started in dependency order and stopped in reverse:
// topic log (embedded or Kafka) -> PostgreSQL (its own, or DATABASE_URL) -> migrations -> Schema
// Registry -> change data capture -> simulator (its readings and device events in simulator.format, Avro
// through the registry by default) -> HTTP API with live telemetry and the Schema Registry's routes.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "broker/kafka_listener.h"
#include "http/guarded_thread.h"
#include "http/http_server.h"
#include "api/list_cache.h"
#include "http/router.h"
#include "jobs/flink_gateway.h"
#include "jobs/job_manager.h"
#include "jobs/pipeline_deployer.h"
#include "jobs/query_service.h"
#include "jobs/sql_gateway.h"
#include "api/dashboard_feed.h"
#include "api/lake_history.h"
#include "api/telemetry_hub.h"
#include "cdc/cdc_connector.h"
#include "common/config.h"
#include "log/embedded_log.h"
#include "registry/registry.h"
#include "serde/registry_client.h"
#include "sim/device_commands.h"
#include "sim/ota_updates.h"
#include "sim/device_records.h"
#include "sim/dimension_follower.h"
#include "sim/reading_fanout.h"
#include "sim/simulator.h"
#include "store/change_listener.h"
#include "store/database.h"
#include "store/local_postgres.h"

namespace careflow::app {

inline constexpr const char* kDeviceMetricsTopic = "hc_raw_device_metrics";

class Services {
 public:
  // Starts every part; on failure stops what started and names the part that failed.
  static Result<std::unique_ptr<Services>> start(const Config& config);
  ~Services();  // stops everything, newest first

  std::string url() const;
  const std::string& data_dir() const { return data_dir_; }  // absolute
  bool serves_web_app() const { return !web_dir_.empty(); }
  // One line per running part, for the start-up banner.
  std::vector<std::string> describe() const;

 private:
  Services() = default;
  Status start_database(const Config& config);
  Status start_log(const Config& config);
  Status start_api(const Config& config);
  Status start_registry();
  Status start_cdc(const Config& config);
  Status start_kafka_listener(const Config& config);
  // The jobs (and the queries of `careflow sql` beside up) and their routes; before the server starts.
  Status start_jobs(const Config& config);
  Status deploy_pipelines(const std::string& path);
  // The registry client and encoder the simulator and the device-event route write with.
  Status open_device_records(const Config& config);
  std::string story_time_description() const;
  // hc_raw_device_assignments, hc_raw_care_areas, hc_raw_ota_allowlist: seeded, then following the
  // store (sim/dimension_follower.h).
  Status follow_dimensions(const Config& config);
  // The simulated pumps following device.commands (sim/device_commands.h) and the devices following
  // hc_fct_ota_update_commands (sim/ota_updates.h), each on a thread of its own.
  Status start_device_commands(const Config& config);
  // Polls `poll` until stopping; a failing log is logged when its error changes and retried.
  void follow_commands(const char* topic, const std::function<Result<size_t>(std::chrono::milliseconds)>& poll);

  std::string data_dir_;
  std::string database_where_;
  std::unique_ptr<store::LocalPostgres> postgres_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::ChangeListener> listener_;
  std::string conninfo_;
  std::unique_ptr<serde::RegistryClient> cdc_registry_client_;  // null with cdc.format = json
  std::unique_ptr<cdc::CdcConnector> cdc_;
  std::string prefix_;
  std::unique_ptr<log::Topics> log_;
  std::string log_where_;
  std::unique_ptr<sim::Simulator> simulator_;
  std::unique_ptr<registry::SchemaRegistry> registry_;
  std::unique_ptr<serde::RegistryClient> registry_client_;  // null with simulator.format = json
  std::unique_ptr<sim::DeviceRecordEncoder> device_records_;
  std::string device_records_where_;
  std::unique_ptr<sim::ReadingFanOut> readings_;
  std::unique_ptr<serde::RegistryClient> commands_registry_client_;
  std::unique_ptr<sim::DeviceCommandFollower> commands_;
  std::unique_ptr<serde::RegistryClient> ota_registry_client_;
  std::unique_ptr<sim::OtaUpdateFollower> ota_updates_;
  std::atomic<bool> commands_stopping_{false};
  std::unique_ptr<http::GuardedThread> commands_thread_;  // after what they use: stop first
  std::unique_ptr<http::GuardedThread> ota_thread_;
  std::unique_ptr<sim::DimensionFollower> dimensions_;  // after what it uses: stops first
  std::string dimensions_where_;  // the banner's line
  api::ListCache cache_;
  http::Router router_;
  std::unique_ptr<api::TelemetryHub> hub_;
  std::unique_ptr<api::DashboardFeed> dashboards_;  // the dashboards' topic followers (after hub_, before the server)
  std::unique_ptr<api::LakeHistory> lake_history_;   // the history series' lake tables (before the server)
  std::unique_ptr<http::HttpServer> server_;
  std::unique_ptr<serde::RegistryClient> jobs_registry_client_;  // the jobs' Avro formats' session registry
  std::unique_ptr<jobs::JobManager> jobs_;
  std::unique_ptr<jobs::QueryService> queries_;
  std::unique_ptr<jobs::SqlGateway> gateway_;
  std::unique_ptr<jobs::FlinkGateway> flink_gateway_;  // Flink's SQL Gateway protocol over gateway_
  std::unique_ptr<jobs::PipelineService> pipelines_;
  std::string pipelines_where_;  // the banner's line: what pipelines.path deployed
  std::unique_ptr<broker::KafkaListener> kafka_listener_;  // null when off or on log.backend = kafka
  std::string kafka_sasl_hint_;  // the kcat options the banner shows for SASL and TLS
  std::string host_;
  std::string web_dir_;
};

}  // namespace careflow::app
