// The dashboards' consumers on a real embedded log and registry: Avro values as careflow's sinks
// write them (Flink's legacy mapping: nullable fields, timestamp-millis) and Debezium envelopes
// ('debezium-avro-confluent'), decoded and aggregated within bounds; history replayed at start
// told apart from live records; an unreadable value skipped and reported.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "api/dashboard_feed.h"
#include "api/topic_follower.h"
#include "log/embedded_log.h"
#include "registry/client_implementations.h"
#include "registry/registry.h"
#include "serde/confluent_avro.h"

namespace careflow::api {
namespace {

namespace fs = std::filesystem;
using D = serde::avro::Datum;

AlertFilter only(std::set<std::string> kinds, std::string device = "", std::string patient = "", size_t limit = 100) {
  AlertFilter f;
  f.kinds = std::move(kinds);
  f.device_id = std::move(device);
  f.patient_id = std::move(patient);
  f.limit = limit;
  return f;
}

D some(D v) { return D::branch(1, std::move(v)); }
D none() { return D::branch(0, D::null()); }

// Nullable columns, as Flink derives a table's Avro schema.
std::string record_schema(const std::string& name, const std::vector<std::pair<std::string, std::string>>& columns) {
  std::string out = R"({"type":"record","name":")" + name + R"(","namespace":"org.apache.flink.avro.generated","fields":[)";
  for (size_t i = 0; i < columns.size(); ++i) {
    out += (i ? "," : "") + std::string(R"({"name":")") + columns[i].first + R"(","type":["null",)" + columns[i].second +
           R"(],"default":null})";
  }
  return out + "]}";
}

constexpr const char* kString = R"("string")";
constexpr const char* kDouble = R"("double")";
constexpr const char* kLong = R"("long")";
constexpr const char* kMillis = R"({"type":"long","logicalType":"timestamp-millis"})";

class DashboardFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dashboard-feed-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    auto log = log::EmbeddedLog::open((dir_ / "log").string());
    ASSERT_TRUE(log.is_ok()) << log.status().to_string();
    log_ = std::move(log).value();
    auto registry = registry::SchemaRegistry::open((dir_ / "registry").string());
    ASSERT_TRUE(registry.is_ok()) << registry.status().to_string();
    registry_ = std::move(registry).value();
    client_ = registry::embedded_client(*registry_, ".flink-dev");
  }
  void TearDown() override {
    log_.reset();
    fs::remove_all(dir_);
  }
  RegistryFactory factory() {
    return [this]() -> Result<std::unique_ptr<serde::RegistryClient>> { return registry::embedded_client(*registry_, ".flink-dev"); };
  }
  void append(const std::string& topic, const std::string& schema_json, const std::vector<D>& values, int64_t ts = 1700000000000) {
    if (!log_->partition_offsets(topic).is_ok()) {
      ASSERT_TRUE(log_->create_topic(topic, {}).is_ok());
    }
    auto schema = serde::avro::Schema::parse(schema_json);
    ASSERT_TRUE(schema.is_ok()) << schema.status().to_string();
    serde::SerializerOptions options;
    options.context = ".flink-dev";
    serde::AvroSerializer serializer(*client_, *schema, schema_json, options);
    std::vector<log::Record> records;
    for (const D& v : values) {
      auto bytes = serializer.serialize(topic, v);
      ASSERT_TRUE(bytes.is_ok()) << bytes.status().to_string();
      log::Record r;
      r.value = *bytes;
      r.timestamp_ms = ts;
      records.push_back(std::move(r));
    }
    ASSERT_TRUE(log_->append({topic, 0}, records).is_ok());
  }
  static bool eventually(const std::function<bool()>& done) {
    for (int i = 0; i < 100; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done();
  }

  std::string telemetry_schema() const {
    return record_schema("hc_fct_telemetry_1h", {{"device_id", kString}, {"patient_id", kString}, {"metric_name", kString},
                                                 {"window_start", kMillis}, {"window_end", kMillis}, {"avg_value", kDouble},
                                                 {"min_value", kDouble}, {"max_value", kDouble}, {"reading_count", kLong}});
  }
  D window(const char* metric, int64_t start, double avg, int64_t count) const {
    return D::list({some(D::text("DEV-P001")), some(D::text("P001")), some(D::text(metric)), some(D::integer(start)),
                    some(D::integer(start + 3600000)), some(D::real(avg)), some(D::real(avg - 1)), some(D::real(avg + 1)),
                    some(D::integer(count))});
  }

  fs::path dir_;
  std::unique_ptr<log::EmbeddedLog> log_;
  std::unique_ptr<registry::SchemaRegistry> registry_;
  std::unique_ptr<serde::RegistryClient> client_;
};

TEST_F(DashboardFeedTest, AggregatesAvroFactsAndAlertsFromTheLog) {
  const int64_t h = 1700002800000;  // an hour boundary
  append(kTelemetry1hTopic, telemetry_schema(), {window("Pressure", h, 12.0, 12), window("Pressure", h + 3600000, 13.0, 10)});
  const std::string alert_schema = record_schema(
      "alerts", {{"device_id", kString}, {"patient_id", kString}, {"metric", kString}, {"alert_status", kString},
                 {"out_since", kMillis}, {"alert_time", kMillis}, {"metric_value", kDouble}, {"target", kDouble},
                 {"tolerance", kDouble}, {"minutes_out", kLong}, {"message", kString}});
  auto alert = [](const char* status, int64_t at, const char* message) {
    return D::list({some(D::text("DEV-P002")), some(D::text("P002")), some(D::text("FlowRate")), some(D::text(status)),
                    some(D::integer(1700000000000)), some(D::integer(at)), some(D::real(3.5)), some(D::real(2.0)),
                    some(D::real(0.5)), some(D::integer(6)), some(D::text(message))});
  };
  append(kNonAdherenceTopic, alert_schema, {alert("ALERT", 1700000360000, "FlowRate out of range for 6 minutes")});

  DashboardFeed feed(*log_, factory(), nullptr);
  ASSERT_TRUE(eventually([&] { return feed.status(kNonAdherenceTopic).records == 1 && feed.status(kTelemetry1hTopic).records == 2; }))
      << feed.status(kTelemetry1hTopic).last_error;

  // Written while the feed runs: a RESOLVED, the same telemetry window again (a replay replaces it)
  // and a geofence alert that is then retracted, in Debezium envelopes.
  append(kNonAdherenceTopic, alert_schema, {alert("RESOLVED", 1700000900000, "FlowRate back in range")});
  append(kTelemetry1hTopic, telemetry_schema(), {window("Pressure", h + 3600000, 13.5, 11)});
  const std::string geo_row = record_schema("geo", {{"event_id", kString}, {"device_id", kString}, {"patient_id", kString},
                                                    {"event_time", kMillis}, {"message", kString}});
  const std::string geo_envelope = R"({"type":"record","name":"Envelope","fields":[{"name":"before","type":["null",)" + geo_row +
                                   R"(],"default":null},{"name":"after","type":["null","org.apache.flink.avro.generated.geo"],)"
                                   R"("default":null},{"name":"op","type":["null","string"],"default":null}]})";
  const D geo = D::list({some(D::text("E1")), some(D::text("DEV-P003")), some(D::text("P003")), some(D::integer(1700000500000)),
                         some(D::text("outside the care area"))});
  append(kGeofenceAlertsTopic, geo_envelope, {D::list({none(), some(geo), some(D::text("c"))})});
  ASSERT_TRUE(eventually([&] { return feed.status(kGeofenceAlertsTopic).records == 1 && feed.status(kTelemetry1hTopic).records == 3; }));

  const DashboardState& state = feed.state();
  nlohmann::json alerts = state.alerts({});
  ASSERT_EQ(alerts.size(), 3u) << alerts.dump();
  EXPECT_EQ(alerts[0]["kind"], "non_adherence");  // newest first
  EXPECT_EQ(alerts[0]["status"], "RESOLVED");
  EXPECT_EQ(alerts[0]["time"], "2023-11-14T22:28:20.000Z");
  EXPECT_EQ(alerts[1]["kind"], "geofence");
  EXPECT_EQ(alerts[1]["message"], "outside the care area");
  EXPECT_EQ(alerts[2]["status"], "ALERT");
  EXPECT_EQ(alerts[2]["row"]["out_since"], 1700000000000);
  EXPECT_EQ(alerts[2]["value"], 3.5);
  EXPECT_EQ(state.alerts(only({"geofence"})).size(), 1u);
  EXPECT_EQ(state.alerts(only({}, "DEV-P002")).size(), 2u);
  EXPECT_EQ(state.alerts(only({}, "", "P003")).size(), 1u);
  EXPECT_EQ(state.alerts(only({}, "", "", 1)).size(), 1u);

  nlohmann::json series = state.telemetry_series({});
  ASSERT_EQ(series.size(), 1u) << series.dump();
  ASSERT_EQ(series[0]["points"].size(), 2u) << series.dump();
  EXPECT_EQ(series[0]["points"][1]["avg"], 13.5);
  EXPECT_EQ(series[0]["points"][1]["count"], 11);
  EXPECT_EQ(state.telemetry_counts()["windows_received"], 3);

  // The retraction withdraws the geofence alert.
  append(kGeofenceAlertsTopic, geo_envelope, {D::list({some(geo), none(), some(D::text("d"))})});
  ASSERT_TRUE(eventually([&] { return state.alerts(only({"geofence"})).empty(); }));
}

TEST_F(DashboardFeedTest, FollowerTellsHistoryFromLiveAndSkipsWhatItCannotRead) {
  // What the topic holds when the follower finds it is history.
  const std::string topic = "followed";
  append(topic, telemetry_schema(), {window("Pressure", 0, 1, 1), window("Pressure", 3600000, 1, 1)});
  std::mutex mutex;
  std::vector<std::pair<int64_t, bool>> seen;  // offset, live
  auto follower = std::make_unique<TopicFollower>(*log_, topic, factory(), [&](const FollowedRecord& r) {
    std::lock_guard lock(mutex);
    seen.emplace_back(r.offset, r.live);
  });
  ASSERT_TRUE(eventually([&] { return follower->status().records == 2; })) << follower->status().last_error;
  log::Record garbage;
  garbage.value = std::string("\0\0\0\0\x63oops", 9);  // magic byte, an id the registry does not have
  ASSERT_TRUE(log_->append({topic, 0}, std::vector<log::Record>{garbage}).is_ok());
  append(topic, telemetry_schema(), {window("FlowRate", 0, 1, 1)});
  ASSERT_TRUE(eventually([&] { return follower->status().records == 3; }));
  const FollowerStatus status = follower->status();
  EXPECT_TRUE(status.topic_found);
  EXPECT_EQ(status.undecodable, 1);
  EXPECT_NE(status.last_error.find("followed/0 offset 2"), std::string::npos) << status.last_error;
  EXPECT_TRUE(follower->health().is_ok());
  follower.reset();  // stops and joins
  std::lock_guard lock(mutex);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], (std::pair<int64_t, bool>{0, false}));
  EXPECT_EQ(seen[1], (std::pair<int64_t, bool>{1, false}));
  EXPECT_EQ(seen[2], (std::pair<int64_t, bool>{3, true}));
}

TEST(DashboardStateTest, KeepsWithinItsBoundsOldestFirst) {
  DashboardLimits limits;
  limits.alerts_per_kind = 2;
  limits.windows_per_series = 2;
  limits.max_series = 1;
  limits.max_days = 2;
  DashboardState state("healthcare", limits);
  for (int i = 0; i < 4; ++i) {
    nlohmann::json drift = {{"device_id", "DEV-P001"}, {"metric", "Pressure"}, {"reading_time", 1000 * i},
                            {"direction", i % 2 ? "BELOW" : "ABOVE"}, {"message", "drift " + std::to_string(i)}};
    state.add(kDriftEventsTopic, drift, 'c', 0, "d/" + std::to_string(i));
    nlohmann::json window = {{"device_id", "DEV-P001"}, {"patient_id", "P001"}, {"metric_name", "Pressure"},
                             {"window_start", 3600000 * i}, {"reading_count", 5}};
    state.add(kTelemetry1hTopic, window, 'c', 0, "t/" + std::to_string(i));
  }
  // A second series and a second drift key pass max_series: not kept.
  state.add(kTelemetry1hTopic, {{"device_id", "DEV-P002"}, {"metric_name", "Pressure"}, {"window_start", 0}, {"reading_count", 1}}, 'c',
            0, "t/x");
  state.add(kDriftEventsTopic, {{"device_id", "DEV-P002"}, {"metric", "Pressure"}}, 'c', 0, "d/x");
  nlohmann::json alerts = state.alerts({});
  ASSERT_EQ(alerts.size(), 2u) << alerts.dump();
  EXPECT_EQ(alerts[0]["message"], "drift 3");
  EXPECT_EQ(alerts[1]["device_id"], "DEV-P002");  // time 0: the newest two kept are by arrival, listed by time
  nlohmann::json counts = state.drift_counts();
  ASSERT_EQ(counts.size(), 1u) << counts.dump();
  EXPECT_EQ(counts[0]["count"], 4);
  EXPECT_EQ(counts[0]["above"], 2);
  EXPECT_EQ(counts[0]["below"], 2);
  nlohmann::json series = state.telemetry_series({});
  ASSERT_EQ(series.size(), 1u);
  ASSERT_EQ(series[0]["points"].size(), 2u);
  EXPECT_EQ(series[0]["points"][0]["window_start"], "1970-01-01T02:00:00.000Z");
  EXPECT_GT(state.dropped(), 0);

  // Days of prescription changes: the row's updated_at date; the oldest day goes past max_days.
  for (const char* at : {"2026-01-01T10:00:00Z", "2026-01-02T10:00:00Z", "2026-01-02T11:00:00Z", "2026-01-03T09:00:00.5Z"}) {
    state.add(state.prescriptions_topic(), {{"prescription_id", "RX-1"}, {"updated_at", at}}, 'u', 0, "p");
  }
  EXPECT_EQ(state.prescription_changes_per_day(),
            nlohmann::json::parse(R"([{"date":"2026-01-02","count":2},{"date":"2026-01-03","count":1}])"));
  // New devices: once per device, by created_at.
  for (const char* device : {"DEV-P001", "DEV-P001", "DEV-P007"}) {
    state.add(state.devices_topic(), {{"device_id", device}, {"created_at", "2026-02-01T00:00:00Z"}}, 'r', 0, "v");
  }
  EXPECT_EQ(state.new_devices_per_day(), nlohmann::json::parse(R"([{"date":"2026-02-01","count":2}])"));
  // A row without the columns its topic needs is ignored, not a crash.
  EXPECT_FALSE(state.add(kTelemetry1hTopic, {{"device_id", "DEV-P001"}}, 'c', 0, "bad").has_value());
  EXPECT_FALSE(state.add(kTelemetry1hTopic, nlohmann::json::array(), 'c', 0, "bad").has_value());
  EXPECT_EQ(state.ignored(), 2);
}

}  // namespace
}  // namespace careflow::api
