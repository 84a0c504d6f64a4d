#pragma once
// The API's routes on a real server over a real PostgreSQL (and an embedded log for the device
// events), shared by the API's server tests.

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "api/analytics_routes.h"
#include "api/device_event_routes.h"
#include "api/domain_routes.h"
#include "api/system_routes.h"
#include "api/telemetry_hub.h"
#include "common/clock.h"
#include "http/http_server.h"
#include "http/tests/http_client.h"
#include "log/embedded_log.h"
#include "sim/device_records.h"
#include "store/change_listener.h"
#include "store/migrations.h"
#include "store/tests/test_postgres.h"

namespace careflow::api {

using http::HttpServer;
using http::HttpServerOptions;
using http::Router;
using http::testing::call;
namespace testing = http::testing;

class ApiServerTest : public store::testing::PostgresTest {
 protected:
  void SetUp() override {
    PostgresTest::SetUp();
    auto pg = store::LocalPostgres::start(options_);
    ASSERT_TRUE(pg.is_ok()) << pg.status().to_string();
    pg_ = std::move(pg).value();
    auto db = store::Database::open(pg_->conninfo(), 4);
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    db_ = std::move(db).value();
    ASSERT_TRUE(store::migrate(*db_).is_ok());

    auto listener = store::ChangeListener::start(pg_->conninfo(), [this](const std::string& t) { cache_.invalidate(t); });
    ASSERT_TRUE(listener.is_ok()) << listener.status().to_string();
    listener_ = std::move(listener).value();
    add_domain_routes(router_, *db_, &cache_, [this] { return assignment_ms_ ? assignment_ms_.load() : wall_clock_ms(); });
    auto log = log::EmbeddedLog::open((root_ / "fixture-log").string());
    ASSERT_TRUE(log.is_ok()) << log.status().to_string();
    log_ = std::move(log).value();
    ASSERT_TRUE(log_->create_topic(kDeviceEventsTopic, {}).is_ok());
    add_device_event_routes(router_, *db_, *log_, *json_events_);  // Avro events: tests/integration/sim_avro_test.cc
    // JSON values only here (no registry); tests/integration/dashboards_up_test.cc reads the Avro facts.
    feed_ = std::make_unique<DashboardFeed>(*log_, nullptr, nullptr);
    add_analytics_routes(router_, *feed_);
    add_health_route(router_, {{"database", [this] { return db_->exec("SELECT 1").status(); }},
                               {"simulator", [this] { return simulator_up_ ? Status::ok() : Status::unavailable("stopped"); }}});
    HttpServerOptions options;
    options.port = 0;
    options.max_stream_queue_bytes = 256 * 1024;
    server_ = std::make_unique<HttpServer>(options, router_);
    hub_ = std::make_unique<TelemetryHub>(200, std::chrono::milliseconds(300));
    hub_->add_routes(router_, *server_);
    add_openapi_route(router_, {"/telemetry/stream"});
    ASSERT_TRUE(server_->start().is_ok());
    port_ = server_->port();
  }
  void TearDown() override {
    server_.reset();
    hub_.reset();
    feed_.reset();
    listener_.reset();
    log_.reset();
    db_.reset();
    pg_.reset();
    PostgresTest::TearDown();
  }

  nlohmann::json new_prescription() {
    return {{"patientId", "P002"},
            {"deviceId", "DEV-P002"},
            {"medicationOrTherapy", "CPAP Oxygen Flow"},
            {"startDate", 1700000000000},
            {"endDate", 1800000000000},
            {"parameters",
             {{{"parameter_name", "Pressure"}, {"parameter_value", 12.5}, {"parameter_type", "numeric"},
               {"parameter_tolerance", 1.0}, {"unit", "cmH2O"}}}}};
  }
  void expect_error(const testing::Reply& reply, int status, const std::string& code, const std::string& field = "") {
    EXPECT_EQ(reply.status, status) << reply.body;
    auto body = reply.json();
    EXPECT_EQ(body["error"]["code"], code) << reply.body;
    EXPECT_TRUE(body["error"]["message"].is_string()) << reply.body;
    if (!field.empty()) {
      EXPECT_EQ(body["error"]["field"], field) << reply.body;
    }
    // FastAPI's shape beside careflow's: the reference's clients show `detail`.
    EXPECT_EQ(body["detail"], body["error"]["message"]) << reply.body;
  }

  std::unique_ptr<store::LocalPostgres> pg_;
  std::unique_ptr<store::Database> db_;
  ListCache cache_;
  std::unique_ptr<store::ChangeListener> listener_;
  std::unique_ptr<log::EmbeddedLog> log_;
  std::unique_ptr<sim::DeviceRecordEncoder> json_events_ = sim::DeviceRecordEncoder::json();
  Router router_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<TelemetryHub> hub_;
  std::unique_ptr<DashboardFeed> feed_;
  bool simulator_up_ = true;
  std::atomic<int64_t> assignment_ms_{0};  // the API's clock for device assignments; 0: the wall clock
  int port_ = 0;
};

}  // namespace careflow::api
