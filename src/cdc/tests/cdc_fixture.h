#pragma once
// A real PostgreSQL (careflow's own, with the project's migrations and seed) and a real embedded
// log in a temporary directory, for the CDC tests.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <thread>

#include "cdc/cdc_connector.h"
#include "log/embedded_log.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/tests/test_postgres.h"

namespace careflow::cdc::testing {

struct Event {
  std::string topic;
  std::optional<nlohmann::json> key;    // the whole key record (schema + payload)
  std::optional<nlohmann::json> value;  // nullopt = tombstone
  const nlohmann::json& payload() const { return (*value)["payload"]; }
  std::string op() const { return value ? payload()["op"].get<std::string>() : "tombstone"; }
};

class CdcTest : public store::testing::PostgresTest {
 protected:
  void SetUp() override {
    PostgresTest::SetUp();
    start_postgres();
    auto db = store::Database::open(pg_->conninfo(), 2);
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    db_ = std::move(db).value();
    auto migrated = store::migrate(*db_);
    ASSERT_TRUE(migrated.is_ok()) << migrated.status().to_string();
    open_log();
  }
  void TearDown() override {
    connector_.reset();
    db_.reset();
    pg_.reset();
    log_.reset();
    PostgresTest::TearDown();
  }

  void start_postgres() {
    auto pg = store::LocalPostgres::start(options_);
    ASSERT_TRUE(pg.is_ok()) << pg.status().to_string();
    pg_ = std::move(pg).value();
  }
  void open_log() {
    log::EmbeddedLogOptions o;
    o.maintenance_interval_ms = 0;
    auto opened = log::EmbeddedLog::open((root_ / "log").string(), o);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    log_ = std::move(opened).value();
  }

  CdcOptions cdc_options() {
    CdcOptions o;
    o.conninfo = pg_->conninfo();
    o.envelope.database = "careflow";
    o.confirm_interval = std::chrono::milliseconds(50);
    o.heartbeat_interval = std::chrono::milliseconds(0);
    o.max_backoff = std::chrono::milliseconds(300);
    o.make_durable = [this] { return log_->flush(); };
    return o;
  }
  void start_cdc(CdcOptions o) {
    auto c = CdcConnector::start(std::move(o), *log_);
    ASSERT_TRUE(c.is_ok()) << c.status().to_string();
    connector_ = std::move(c).value();
  }

  store::SqlRows sql(const std::string& statement, const std::vector<store::SqlParam>& params = {}) {
    auto rows = db_->exec(statement, params);
    EXPECT_TRUE(rows.is_ok()) << statement << ": " << rows.status().to_string();
    return rows.is_ok() ? *rows : store::SqlRows{};
  }

  // Several statements in one round trip on a connection of its own (e.g. BEGIN; ...; COMMIT).
  void script(const std::string& statements) {
    auto conn = store::PgConnection::connect(pg_->conninfo());
    ASSERT_TRUE(conn.is_ok()) << conn.status().to_string();
    Status done = (*conn)->exec_script(statements);
    ASSERT_TRUE(done.is_ok()) << done.to_string();
  }

  std::vector<Event> events(const std::string& topic) {
    std::vector<Event> out;
    auto fetched = log_->fetch({topic, 0}, 0, {.max_records = 1'000'000, .max_bytes = 1ll << 40});
    if (!fetched) return out;
    for (const log::Record& r : fetched->records) {
      Event e;
      e.topic = topic;
      if (r.key) e.key = nlohmann::json::parse(*r.key);
      if (r.value) e.value = nlohmann::json::parse(*r.value);
      out.push_back(std::move(e));
    }
    return out;
  }
  int64_t count(const std::string& topic) {
    auto p = log_->partition_offsets(topic);
    return p.is_ok() ? p->at(0).end_offset : 0;
  }

  // Polls `done` for up to `timeout`; fails the test with the connector's status otherwise.
  bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const CdcStatus s = connector_ ? connector_->status() : CdcStatus{};
    ADD_FAILURE() << "timed out; cdc state " << s.state << ", last error: " << s.last_error;
    return false;
  }
  bool wait_streaming() {
    return wait_until([&] { return connector_->status().state == "streaming"; });
  }

  std::unique_ptr<store::LocalPostgres> pg_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<log::EmbeddedLog> log_;
  std::unique_ptr<CdcConnector> connector_;
};

inline constexpr const char* kPrescriptions = "healthcare.public.prescriptions";
inline constexpr const char* kPatients = "healthcare.public.patients";
inline constexpr const char* kDevices = "healthcare.public.devices";

}  // namespace careflow::cdc::testing
