// The REST API over real sockets against a real PostgreSQL: every route with good and bad input,
// Server-Sent Events fan-out, health and the OpenAPI document.

#include <gtest/gtest.h>

#include <sys/socket.h>

#include <cerrno>
#include <algorithm>
#include <atomic>
#include <fstream>
#include <mutex>
#include <regex>
#include <thread>

#include "api/tests/api_server_fixture.h"
#include "api/domain_routes.h"
#include "http/http_server.h"
#include "api/system_routes.h"
#include "api/simulation_routes.h"
#include "api/telemetry_hub.h"
#include "common/base64.h"
#include "log/embedded_log.h"
#include "sim/store_targets.h"
#include "http/tests/http_client.h"
#include "store/change_listener.h"
#include "store/migrations.h"
#include "store/pg_connection.h"
#include "store/tests/test_postgres.h"

namespace careflow::api {
namespace {

TEST_F(ApiServerTest, PatientsAndDevicesInCamelCase) {
  auto list = call(port_, "GET", "/patients");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json().size(), 6u);  // P001..P005 with CPAPs, P006 with an insulin pump
  EXPECT_EQ(list.json()[0]["patientId"], "P001");
  EXPECT_EQ(list.json()[0]["birthDate"], "1980-05-12");
  EXPECT_TRUE(list.json()[0].contains("createdAt"));

  auto device = call(port_, "GET", "/devices/DEV-P003");
  ASSERT_EQ(device.status, 200);
  EXPECT_EQ(device.json()["patientId"], "P003");
  EXPECT_DOUBLE_EQ(device.json()["pressureSetting"].get<double>(), 10.0);

  auto created = call(port_, "POST", "/patients", R"({"patientId":"P007","name":"Frank Green","gender":"M"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()["timezone"], "America/New_York");
  auto updated = call(port_, "PUT", "/patients/P007", R"({"zipCode":"15213"})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.json()["zipCode"], "15213");
  EXPECT_EQ(updated.json()["name"], "Frank Green");
  expect_error(call(port_, "POST", "/patients", R"({"patientId":"P007","name":"Twice"})"), 409, "conflict");
  expect_error(call(port_, "POST", "/devices", R"({"deviceId":"DEV-X","patientId":"P404"})"), 422, "validation_error",
               "patientId");
  expect_error(call(port_, "DELETE", "/patients/P001"), 409, "conflict");
  auto deleted = call(port_, "DELETE", "/patients/P007");
  ASSERT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.json(), (nlohmann::json{{"status", "deleted"}, {"patientId", "P007"}}));
  expect_error(call(port_, "GET", "/patients/P007"), 404, "not_found");
}

// devices.assigned_at of `device` in epoch milliseconds.
int64_t assigned_at_ms(store::Database& db, const std::string& device) {
  auto rows = db.exec("SELECT (extract(epoch FROM assigned_at) * 1000)::bigint FROM devices WHERE device_id = $1", {device});
  EXPECT_TRUE(rows.is_ok() && rows->rows.size() == 1);
  return rows.is_ok() && !rows->rows.empty() ? std::stoll(rows->rows[0][0].value_or("0")) : 0;
}

// A device the API creates or moves to another patient is assigned at the API's clock (in careflow
// up the simulator's story time, days behind the wall clock), not at PostgreSQL's now(); an update
// that keeps the patient leaves the assignment alone. The answer shows it as assignedAt.
TEST_F(ApiServerTest, ADeviceMovedOrCreatedIsAssignedAtTheApisClock) {
  const int64_t story = wall_clock_ms() - 3ll * 24 * 3600 * 1000 + 7;
  assignment_ms_ = story;
  auto moved = call(port_, "PUT", "/devices/DEV-P003", R"({"patientId":"P004"})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json()["patientId"], "P004");
  EXPECT_TRUE(moved.json()["assignedAt"].is_string()) << moved.body;
  EXPECT_EQ(assigned_at_ms(*db_, "DEV-P003"), story);
  ASSERT_EQ(call(port_, "PUT", "/devices/DEV-P003", R"({"softwareVersion":"1.3.0","patientId":"P004"})").status, 200);
  EXPECT_EQ(assigned_at_ms(*db_, "DEV-P003"), story);
  // Back to P003 with the clock standing still: a new assignment all the same, 1 ms later.
  ASSERT_EQ(call(port_, "PUT", "/devices/DEV-P003", R"({"patientId":"P003"})").status, 200);
  EXPECT_EQ(assigned_at_ms(*db_, "DEV-P003"), story + 1);
  auto created = call(port_, "POST", "/devices", R"({"deviceId":"DEV-X9","patientId":"P005","modelType":"CPAP-Pro"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(assigned_at_ms(*db_, "DEV-X9"), story);
  // The column is the server's: a body cannot set it.
  expect_error(call(port_, "PUT", "/devices/DEV-X9", R"({"assignedAt":"2020-01-01T00:00:00Z"})"), 422, "validation_error",
               "assignedAt");
}

TEST_F(ApiServerTest, PrescriptionLifecycle) {
  auto body = new_prescription();
  body["prescriptionId"] = "RX-MINE";
  auto created = call(port_, "POST", "/prescriptions", body.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["prescriptionId"];
  EXPECT_TRUE(std::regex_match(id, std::regex("RX-DEV-P002-[A-Za-z0-9]{4}"))) << id;
  EXPECT_EQ(created.json()["parameters"][0]["parameter_value"], 12.5);

  auto listed = call(port_, "GET", "/prescriptions");
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.json().size(), 7u);
  std::vector<std::string> devices;
  for (const auto& rx : listed.json()) devices.push_back(rx["deviceId"]);
  EXPECT_TRUE(std::is_sorted(devices.begin(), devices.end()));

  auto changed = call(port_, "PUT", "/prescriptions/" + id, R"({"medicationOrTherapy":"BiPAP","endDate":null})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.json()["medicationOrTherapy"], "BiPAP");
  EXPECT_TRUE(changed.json()["endDate"].is_null());
  EXPECT_EQ(changed.json()["startDate"], 1700000000000);

  auto gone = call(port_, "DELETE", "/prescriptions/" + id);
  ASSERT_EQ(gone.status, 200);
  EXPECT_EQ(gone.json(), (nlohmann::json{{"status", "deleted"}, {"prescriptionId", id}}));
  expect_error(call(port_, "GET", "/prescriptions/" + id), 404, "not_found");
  expect_error(call(port_, "DELETE", "/prescriptions/" + id), 404, "not_found");
}

TEST_F(ApiServerTest, BadInputNeverGetsA500) {
  expect_error(call(port_, "POST", "/prescriptions", "{not json"), 400, "bad_json");
  expect_error(call(port_, "POST", "/prescriptions", "[1,2]"), 400, "bad_json");
  auto body = new_prescription();
  body["patientId"] = "P404";
  expect_error(call(port_, "POST", "/prescriptions", body.dump()), 422, "validation_error", "patientId");
  body = new_prescription();
  body["deviceId"] = "DEV-P001";  // belongs to P001
  expect_error(call(port_, "POST", "/prescriptions", body.dump()), 422, "validation_error", "deviceId");
  body = new_prescription();
  body["endDate"] = 1600000000000;
  expect_error(call(port_, "POST", "/prescriptions", body.dump()), 422, "validation_error", "endDate");
  body = new_prescription();
  body["parameters"][0]["parameter_tolerance"] = -0.5;
  expect_error(call(port_, "POST", "/prescriptions", body.dump()), 422, "validation_error", "parameters");
  // The insulin pump's rule is a prescription's parameters too, each in its own range.
  body = new_prescription();
  body["parameters"] = {{{"parameter_name", "BloodGlucose"}, {"parameter_value", 120}, {"parameter_tolerance", 60}},
                        {{"parameter_name", "BolusThreshold"}, {"parameter_value", 250}, {"parameter_tolerance", 0}},
                        {{"parameter_name", "MaxBolusDose"}, {"parameter_value", 4}, {"parameter_tolerance", 0}},
                        {{"parameter_name", "BolusLockout"}, {"parameter_value", 30}, {"parameter_tolerance", 0}}};
  auto pump_rx = call(port_, "POST", "/prescriptions", body.dump());
  EXPECT_EQ(pump_rx.status, 201) << pump_rx.body;
  body["parameters"][2]["parameter_value"] = 40;
  auto too_much = call(port_, "POST", "/prescriptions", body.dump());
  expect_error(too_much, 422, "validation_error", "parameters");
  EXPECT_NE(too_much.body.find("must be between 0 and 25 (U), got 40"), std::string::npos) << too_much.body;
  body["parameters"][2]["parameter_name"] = "Voltage";
  auto unknown = call(port_, "POST", "/prescriptions", body.dump());
  EXPECT_NE(unknown.body.find("is not one of Pressure, FlowRate, FlowLevel, BloodGlucose, BolusThreshold, MaxBolusDose, "
                              "BolusLockout"),
            std::string::npos)
      << unknown.body;
  body = new_prescription();
  body["color"] = "blue";
  expect_error(call(port_, "POST", "/prescriptions", body.dump()), 422, "validation_error", "color");
  expect_error(call(port_, "POST", "/prescriptions", R"({"startDate": 1e999})"), 400, "bad_json");
  // A PUT that would put the end before the existing start is checked on the merged row.
  auto rx = call(port_, "GET", "/prescriptions").json()[0];
  expect_error(call(port_, "PUT", "/prescriptions/" + rx["prescriptionId"].get<std::string>(), R"({"endDate": 5})"), 422,
               "validation_error", "endDate");
  expect_error(call(port_, "PUT", "/prescriptions/" + rx["prescriptionId"].get<std::string>(), R"({"prescriptionId": "RX-OTHER"})"),
               422, "validation_error", "prescriptionId");
  expect_error(call(port_, "POST", "/prescriptions", std::string(2 << 20, ' ')), 413, "payload_too_large");
  expect_error(call(port_, "PATCH", "/prescriptions"), 405, "method_not_allowed");
  expect_error(call(port_, "GET", "/no/such/route"), 404, "not_found");
  // SQL-looking strings are data.
  auto sql = call(port_, "POST", "/patients", R"({"patientId":"P'; DROP TABLE patients;--","name":"x"})");
  EXPECT_EQ(sql.status, 201) << sql.body;
  EXPECT_EQ(call(port_, "GET", "/patients").json().size(), 7u);
}

TEST_F(ApiServerTest, CachedListsFollowChangesMadeOutsideTheApi) {
  ASSERT_EQ(call(port_, "GET", "/devices").json()[0]["softwareVersion"], "1.2.0");
  ASSERT_EQ(call(port_, "GET", "/devices").json()[0]["softwareVersion"], "1.2.0");  // now cached
  auto other = store::PgConnection::connect(pg_->conninfo());
  ASSERT_TRUE(other.is_ok());
  ASSERT_TRUE((*other)->exec("UPDATE devices SET software_version = '2.0.0' WHERE device_id = 'DEV-P001'").is_ok());
  std::string seen;
  for (int i = 0; i < 100 && seen != "2.0.0"; ++i) {
    seen = call(port_, "GET", "/devices").json()[0]["softwareVersion"];
    if (seen != "2.0.0") std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(seen, "2.0.0");
  // The API's own writes are visible to the very next read.
  ASSERT_EQ(call(port_, "PUT", "/devices/DEV-P001", R"({"softwareVersion":"3.0.0"})").status, 200);
  EXPECT_EQ(call(port_, "GET", "/devices").json()[0]["softwareVersion"], "3.0.0");
}

// With api.token set, reads need the token as well as changes (issue 15); /health and the web app's
// files stay open, and the event stream also takes it as ?token= (EventSource sends no headers).
TEST_F(ApiServerTest, ABearerTokenGuardsReadsAndChanges) {
  HttpServerOptions options;
  options.port = 0;
  options.bearer_token = "s3cret";
  HttpServer guarded(options, router_);
  guarded.add_stream("/telemetry/stream", [this](const http::HttpRequest&, std::shared_ptr<http::EventStream> client) {
    hub_->attach(std::move(client));
  });
  ASSERT_TRUE(guarded.start().is_ok());
  const int port = guarded.port();
  const std::map<std::string, std::string> bearer = {{"Authorization", "Bearer s3cret"}};
  for (const char* read : {"/patients", "/prescriptions", "/devices/DEV-P001", "/telemetry/metrics", "/openapi.json",
                           "/telemetry/stream"}) {
    auto denied = call(port, "GET", read);
    expect_error(denied, 401, "unauthorized");
    EXPECT_EQ(denied.headers["WWW-Authenticate"], "Bearer") << read;
  }
  expect_error(call(port, "GET", "/patients", "", {{"Authorization", "Bearer s3cre"}}), 401, "unauthorized");
  expect_error(call(port, "GET", "/patients?token=s3cret"), 401, "unauthorized");  // ?token= is for the stream only
  EXPECT_EQ(call(port, "GET", "/patients", "", bearer).status, 200);
  EXPECT_EQ(call(port, "GET", "/health").status, 200);
  // Basic auth with the token as the password: what Schema Registry clients send.
  EXPECT_EQ(call(port, "GET", "/patients", "", {{"Authorization", "Basic " + base64_encode("careflow:s3cret")}}).status, 200);

  auto denied = call(port, "POST", "/patients", R"({"patientId":"P7","name":"x"})");
  expect_error(denied, 401, "unauthorized");
  expect_error(call(port, "DELETE", "/patients/P001", "", {{"Authorization", "Bearer wrong"}}), 401, "unauthorized");
  auto allowed = call(port, "POST", "/patients", R"({"patientId":"P7","name":"x"})", bearer);
  EXPECT_EQ(allowed.status, 201) << allowed.body;

  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket stream(ioc);
  stream.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  const std::string request = "GET /telemetry/stream?token=s3cret HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  boost::asio::write(stream, boost::asio::buffer(request));
  std::string head(64, '\0');
  head.resize(boost::asio::read(stream, boost::asio::buffer(head.data(), 15)));
  EXPECT_EQ(head, "HTTP/1.1 200 OK");
  guarded.stop();
}

// Without a token, a page on another site must not create a prescription (issue 15): a text/plain
// POST (which a browser sends without asking) is 415, a DNS-rebound Host is 421, and nothing is
// written.
TEST_F(ApiServerTest, ACrossSitePrescriptionIsRefused) {
  const size_t before = call(port_, "GET", "/prescriptions").json().size();
  const std::string body = new_prescription().dump();
  expect_error(call(port_, "POST", "/prescriptions", body, {{"Content-Type", "text/plain"}}), 415, "unsupported_media_type",
               "Content-Type");
  expect_error(call(port_, "POST", "/prescriptions", body, {{"Host", "rebound.attacker.example:8000"}}), 421, "host_not_allowed",
               "Host");
  expect_error(call(port_, "GET", "/patients", "", {{"Host", "rebound.attacker.example"}}), 421, "host_not_allowed", "Host");
  expect_error(call(port_, "POST", "/prescriptions", body, {{"Origin", "https://attacker.example"}}), 403, "origin_not_allowed",
               "Origin");
  EXPECT_EQ(call(port_, "GET", "/prescriptions").json().size(), before);
  auto created = call(port_, "POST", "/prescriptions", body, {{"Content-Type", "application/json; charset=utf-8"}});
  EXPECT_EQ(created.status, 201) << created.body;
}

// The simulation routes with a real simulator, a real embedded log and the store's targets.
TEST_F(ApiServerTest, SimulationControlDefectsAndDeviceEvents) {
  const auto log_dir = root_ / "log";
  auto log = log::EmbeddedLog::open(log_dir.string());
  ASSERT_TRUE(log.is_ok()) << log.status().to_string();
  ASSERT_TRUE((*log)->create_topic(kDeviceEventsTopic, {}).is_ok());
  std::vector<sim::Reading> readings;
  std::mutex readings_mutex;
  sim::Simulator simulator({std::chrono::milliseconds(20), 7},
                           [this] { return sim::load_targets_from_store(*db_, 1800000000000); },
                           [&](const std::vector<sim::Reading>& r) {
                             std::lock_guard lock(readings_mutex);
                             readings.insert(readings.end(), r.begin(), r.end());
                             return Status::ok();
                           });
  Router router;
  auto json_events = sim::DeviceRecordEncoder::json();  // Avro events: tests/integration/sim_avro_test.cc
  add_simulation_routes(router, simulator);
  add_device_event_routes(router, *db_, **log, *json_events);
  HttpServerOptions options;
  options.port = 0;
  HttpServer server(options, router);
  ASSERT_TRUE(server.start().is_ok());
  const int port = server.port();

  expect_error(call(port, "POST", "/simulation/start", R"({"simulation_type":"single"})"), 422, "validation_error", "patient_id");
  expect_error(call(port, "POST", "/simulation/start", R"({"simulation_type":"some"})"), 422, "validation_error",
               "simulation_type");
  expect_error(call(port, "POST", "/simulation/start", R"({"simulation_type":"single","patient_id":"P404"})"), 422,
               "validation_error", "patient_id");
  auto started = call(port, "POST", "/simulation/start", R"({"simulation_type":"single","patient_id":"P002"})");
  ASSERT_EQ(started.status, 200) << started.body;
  EXPECT_EQ(started.json()["mode"], "single");
  expect_error(call(port, "POST", "/simulation/start", R"({"simulation_type":"all"})"), 409, "conflict");

  expect_error(call(port, "POST", "/device/DEV-P404/simulator/flow_rate_down"), 404, "not_found");
  expect_error(call(port, "POST", "/device/DEV-P002/simulator/melt_down"), 422, "validation_error", "type");
  auto defect = call(port, "POST", "/device/DEV-P002/simulator/flow_level_down");
  ASSERT_EQ(defect.status, 200) << defect.body;
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(call(port, "GET", "/simulation/status").json()["running"], true);
  auto stopped = call(port, "POST", "/simulation/stop");
  EXPECT_EQ(stopped.json()["status"], "stopped");
  EXPECT_EQ(call(port, "POST", "/simulation/stop").status, 200);  // idempotent
  {
    std::lock_guard lock(readings_mutex);
    ASSERT_FALSE(readings.empty());
    std::vector<double> flow_level;
    for (const auto& r : readings) {
      EXPECT_EQ(r.patient_id, "P002");
      if (r.metric_name == "FlowLevel") flow_level.push_back(r.metric_value);
    }
    ASSERT_GE(flow_level.size(), 8u);
    // The defect started at the tick after it was triggered; its sequence appears in order.
    const std::vector<double> start_of_defect = {60, 50, 40, 30};
    auto at = std::search(flow_level.begin(), flow_level.end(), start_of_defect.begin(), start_of_defect.end());
    EXPECT_NE(at, flow_level.end());
  }

  auto event = call(port, "POST", "/device/DEV-P004/events/power-status", R"({"battery_level": 15, "plugged": false})");
  ASSERT_EQ(event.status, 201) << event.body;
  EXPECT_EQ(event.json()["patient_id"], "P004");
  auto stored = (*log)->fetch({kDeviceEventsTopic, 0}, 0);
  ASSERT_TRUE(stored.is_ok());
  ASSERT_EQ(stored->records.size(), 1u);
  auto value = nlohmann::json::parse(*stored->records[0].value);
  EXPECT_EQ(stored->records[0].key, value["event_id"]);  // keyed by event, as the reference's topic is
  EXPECT_EQ(value["device_id"], "DEV-P004");
  EXPECT_EQ(value["battery_level"], 15);
  EXPECT_EQ(value["plugged"], false);
  EXPECT_EQ(value["event_type"], "POWER_STATUS");
  expect_error(call(port, "POST", "/device/DEV-P004/events/power-status", R"({"battery_level": 150})"), 422,
               "validation_error", "battery_level");
  expect_error(call(port, "POST", "/device/DEV-P004/events/teleport"), 404, "not_found");
  expect_error(call(port, "POST", "/device/DEV-X/events/gps"), 404, "not_found");
  EXPECT_EQ(call(port, "POST", "/device/DEV-P001/events/button-press").status, 201);
  server.stop();
}

// Story time stands still within a round: events recorded at once, even from many clients, reach
// the topic each a millisecond after the one before, in offset order, so none is at a time the
// topic's watermark (its newest event's time) has already reached.
TEST_F(ApiServerTest, EventsAtOneStoryTimeAreStampedStrictlyLaterInTopicOrder) {
  auto log = log::EmbeddedLog::open((root_ / "log").string());
  ASSERT_TRUE(log.is_ok()) << log.status().to_string();
  ASSERT_TRUE((*log)->create_topic(kDeviceEventsTopic, {}).is_ok());
  constexpr int64_t kStoryTime = 1800000000000;
  Router router;
  auto json_events = sim::DeviceRecordEncoder::json();
  DeviceEventHooks hooks;
  hooks.event_time = [] { return kStoryTime; };
  add_device_event_routes(router, *db_, **log, *json_events, std::move(hooks));
  HttpServerOptions options;
  options.port = 0;
  HttpServer server(options, router);
  ASSERT_TRUE(server.start().is_ok());
  const int port = server.port();

  constexpr int kClients = 4;
  constexpr int kPressesEach = 5;
  std::vector<std::thread> clients;
  std::atomic<int> created{0};
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&] {
      for (int i = 0; i < kPressesEach; ++i) {
        if (call(port, "POST", "/device/DEV-P002/events/button-press").status == 201) ++created;
      }
    });
  }
  for (auto& client : clients) client.join();
  server.stop();
  ASSERT_EQ(created.load(), kClients * kPressesEach);

  auto stored = (*log)->fetch({kDeviceEventsTopic, 0}, 0);
  ASSERT_TRUE(stored.is_ok());
  ASSERT_EQ(stored->records.size(), static_cast<size_t>(kClients * kPressesEach));
  for (size_t i = 0; i < stored->records.size(); ++i) {
    const int64_t ts = nlohmann::json::parse(*stored->records[i].value)["event_ts"].get<int64_t>();
    EXPECT_EQ(ts, kStoryTime + static_cast<int64_t>(i)) << "record " << i;
  }
}

TEST_F(ApiServerTest, ServesTheWebAppAtItsRootOnlyAndCorsForTheDevServer) {
  const auto web = root_ / "dist";
  std::filesystem::create_directories(web / "assets");
  std::ofstream(web / "index.html") << "<!doctype html><title>careflow</title>";
  std::ofstream(web / "assets" / "app-1234.js") << "console.log('careflow')";
  std::ofstream(root_ / "secret.txt") << "outside the web root";
  HttpServerOptions options;
  options.port = 0;
  HttpServer server(options, router_);
  server.serve_static(web.string());
  ASSERT_TRUE(server.start().is_ok());
  const int port = server.port();

  auto index = call(port, "GET", "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.headers["Content-Type"], "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("<title>careflow</title>"), std::string::npos);
  // The app routes on the fragment (/#/dashboards), so no other path is the app: an unknown one is
  // the API's JSON 404, never index.html with a 200 (issue 22).
  expect_error(call(port, "GET", "/dashboards/compliance"), 404, "not_found");
  expect_error(call(port, "GET", "/analytics/no-such-series"), 404, "not_found");
  expect_error(call(port, "GET", "/patients/P001/history"), 404, "not_found");
  expect_error(call(port, "GET", "/assets"), 404, "not_found");
  EXPECT_EQ(call(port, "GET", "/index.html").body, index.body);
  auto asset = call(port, "GET", "/assets/app-1234.js");
  EXPECT_EQ(asset.status, 200);
  EXPECT_EQ(asset.headers["Content-Type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(asset.headers["Cache-Control"], "public, max-age=31536000, immutable");
  expect_error(call(port, "GET", "/assets/missing.js"), 404, "not_found");
  auto escape = call(port, "GET", "/%2e%2e/secret.txt");
  EXPECT_EQ(escape.body.find("outside the web root"), std::string::npos) << escape.body;
  EXPECT_EQ(call(port, "GET", "/patients").json().size(), 6u);  // API routes win over files
  // A resource the API does not have is the API's JSON 404, not the web app.
  expect_error(call(port, "GET", "/patients/NOPE"), 404, "not_found");
  expect_error(call(port, "GET", "/prescriptions/RX-NOPE"), 404, "not_found");

  auto from_vite = call(port, "GET", "/patients", "", {{"Origin", "http://localhost:5173"}});
  EXPECT_EQ(from_vite.headers["Access-Control-Allow-Origin"], "http://localhost:5173");
  auto elsewhere = call(port, "GET", "/patients", "", {{"Origin", "http://evil.example"}});
  EXPECT_EQ(elsewhere.headers.count("Access-Control-Allow-Origin"), 0u);
  auto preflight = call(port, "OPTIONS", "/prescriptions", "", {{"Origin", "http://localhost:5173"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_NE(preflight.headers["Access-Control-Allow-Methods"].find("PUT"), std::string::npos);
  server.stop();
}

TEST_F(ApiServerTest, HealthNamesTheFailingComponent) {
  auto ok = call(port_, "GET", "/health");
  ASSERT_EQ(ok.status, 200);
  EXPECT_EQ(ok.json()["status"], "ok");
  EXPECT_EQ(ok.json()["components"]["database"]["status"], "ok");
  simulator_up_ = false;
  auto down = call(port_, "GET", "/health");
  ASSERT_EQ(down.status, 503);
  EXPECT_EQ(down.json()["failing"], nlohmann::json::array({"simulator"}));
  EXPECT_EQ(down.json()["components"]["simulator"]["message"], "stopped");
}

TEST_F(ApiServerTest, OpenApiListsEveryRoute) {
  auto doc = call(port_, "GET", "/openapi.json");
  ASSERT_EQ(doc.status, 200);
  const nlohmann::json document = doc.json();
  const auto& paths = document["paths"];
  for (const Router::Route& route : router_.routes()) {
    std::string method = route.method;
    for (char& c : method) c = static_cast<char>(std::tolower(c));
    EXPECT_TRUE(paths.contains(route.pattern) && paths[route.pattern].contains(method)) << route.method << " " << route.pattern;
  }
  EXPECT_TRUE(paths.contains("/telemetry/stream"));
  EXPECT_EQ(paths["/prescriptions/{id}"]["delete"]["parameters"][0]["name"], "id");
}

// Reads from a raw socket until `count` telemetry events arrived, the stream ends, or 20 s pass
// (reads wake every 200 ms, so a silent server fails the test instead of hanging it).
std::vector<nlohmann::json> read_events(boost::asio::ip::tcp::socket& socket, size_t count, std::string& pending) {
  std::vector<nlohmann::json> events;
  const timeval wake{0, 200 * 1000};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &wake, sizeof wake);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  char buf[65536];
  while (events.size() < count && std::chrono::steady_clock::now() < deadline) {
    size_t end;
    while ((end = pending.find("\n\n")) != std::string::npos) {
      std::string block = pending.substr(0, end);
      pending.erase(0, end + 2);
      if (block.starts_with("event: telemetry\ndata: ")) events.push_back(nlohmann::json::parse(block.substr(23)));
    }
    if (events.size() >= count) break;
    const ssize_t n = ::recv(socket.native_handle(), buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
    if (n <= 0) break;  // the server closed the stream
    pending.append(buf, static_cast<size_t>(n));
  }
  return events;
}

boost::asio::ip::tcp::socket open_stream(boost::asio::io_context& ioc, int port) {
  boost::asio::ip::tcp::socket s(ioc);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  std::string request = "GET /telemetry/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
  boost::asio::write(s, boost::asio::buffer(request));
  return s;
}

TEST_F(ApiServerTest, StreamsTheSameOrderedReadingsToEveryClientAndDropsAStalledOne) {
  boost::asio::io_context ioc;
  auto a = open_stream(ioc, port_);
  auto b = open_stream(ioc, port_);
  auto stalled = open_stream(ioc, port_);
  for (int i = 0; i < 50 && hub_->client_count() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(hub_->client_count(), 3u);

  for (int i = 0; i < 5; ++i) hub_->publish({{"device_id", "DEV-P001"}, {"metric_name", "Pressure"}, {"metric_value", i}});
  std::string pending_a, pending_b;
  auto got_a = read_events(a, 5, pending_a);
  auto got_b = read_events(b, 5, pending_b);
  ASSERT_EQ(got_a.size(), 5u);
  EXPECT_EQ(got_a, got_b);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(got_a[i]["metric_value"], i);

  // The stalled client never reads: once its queue passes the limit it is dropped, while the
  // others keep receiving everything, in order.
  // Paced like a (fast) simulator; the stalled client's kernel buffers and its 256 KiB queue
  // fill within the first megabyte.
  constexpr int kMore = 2500;
  std::vector<nlohmann::json> rest_a, rest_b;
  std::thread reader_a([&] { rest_a = read_events(a, kMore, pending_a); });
  std::thread reader_b([&] { rest_b = read_events(b, kMore, pending_b); });
  const std::string padding(500, 'x');
  for (int i = 0; i < kMore; ++i) {
    hub_->publish({{"metric_value", 100 + i}, {"padding", padding}});
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  reader_a.join();
  reader_b.join();
  ASSERT_EQ(rest_a.size(), static_cast<size_t>(kMore));
  ASSERT_EQ(rest_b.size(), static_cast<size_t>(kMore));
  for (int i = 0; i < kMore; ++i) {
    EXPECT_EQ(rest_a[i]["metric_value"], 100 + i);
    EXPECT_EQ(rest_b[i]["metric_value"], 100 + i);
  }
  for (int i = 0; i < 100 && hub_->client_count() > 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(hub_->client_count(), 2u);
  EXPECT_EQ(call(port_, "GET", "/telemetry/metrics").json().size(), 200u);
}

TEST_F(ApiServerTest, PingsAnIdleStream) {
  boost::asio::io_context ioc;
  auto s = open_stream(ioc, port_);
  std::string received;
  char buf[1024];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  const timeval wake{0, 200 * 1000};
  setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &wake, sizeof wake);
  while (received.find("event: ping") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    const ssize_t n = ::recv(s.native_handle(), buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
    if (n <= 0) break;
    received.append(buf, static_cast<size_t>(n));
  }
  EXPECT_NE(received.find("Content-Type: text/event-stream"), std::string::npos) << received;
  EXPECT_NE(received.find("event: ping"), std::string::npos) << received;
}

}  // namespace
}  // namespace careflow::api
