// A client written for the reference stack (FastAPI backend, Vue frontend, curl scripts) works
// against careflow unchanged: every request body here is the reference's verbatim, from its README
// and its frontend's api.js (docs/api.md lists them). Issue 22, "The API accepts what the
// reference's clients send".

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <thread>

#include "api/tests/api_server_fixture.h"
#include "common/clock.h"

namespace careflow::api {
namespace {

using ReferenceParityTest = ApiServerTest;

// The README's "Add a New Prescription" body, verbatim.
constexpr const char* kReadmePrescription = R"({
    "patient_id": "P001",
    "device_id": "DEV-P001",
    "medication_or_therapy": "Updated CPAP Settings",
    "parameters": [
      {
        "parameter_name": "Pressure",
        "parameter_value": 12.0,
        "parameter_type": "float",
        "parameter_tolerance": 1.5
      },
      {
        "parameter_name": "FlowRate",
        "parameter_value": 3.0,
        "parameter_type": "float",
        "parameter_tolerance": 0.5
      }
    ]
  })";

TEST_F(ReferenceParityTest, PrescriptionsAcceptTheReadmeSnakeCaseBodyAndAnswerCamelCase) {
  const int64_t before = wall_clock_ms();
  auto created = call(port_, "POST", "/prescriptions", kReadmePrescription);
  ASSERT_EQ(created.status, 201) << created.body;
  const nlohmann::json rx = created.json();
  EXPECT_EQ(rx["patientId"], "P001");
  EXPECT_EQ(rx["deviceId"], "DEV-P001");
  EXPECT_EQ(rx["medicationOrTherapy"], "Updated CPAP Settings");
  EXPECT_FALSE(rx.contains("patient_id"));  // answers stay camelCase
  ASSERT_EQ(rx["parameters"].size(), 2u);
  EXPECT_EQ(rx["parameters"][1]["parameter_name"], "FlowRate");
  EXPECT_EQ(rx["parameters"][1]["parameter_type"], "float");
  // No start_date: careflow's column needs one, so the prescription is valid from its creation.
  EXPECT_GE(rx["startDate"].get<int64_t>(), before);
  EXPECT_TRUE(rx["endDate"].is_null());
}

TEST_F(ReferenceParityTest, PrescriptionsAcceptTheReferenceFrontendsPayloads) {
  // api.js createPrescription: nulls for what the form left out, "" for no therapy, parameters as a
  // JSON string with floats written as 12.0.
  auto created = call(port_, "POST", "/prescriptions",
                      R"({"prescription_id":null,"patient_id":"P002","device_id":"DEV-P002","medication_or_therapy":"",)"
                      R"("start_date":null,"end_date":null,"parameters":"[{\"parameter_name\":\"Pressure\",\"parameter_value\":12.0,)"
                      R"(\"parameter_type\":\"float\",\"parameter_tolerance\":1.0}]"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()["medicationOrTherapy"], "");
  EXPECT_EQ(created.json()["parameters"][0]["parameter_value"], 12.0);
  const std::string id = created.json()["prescriptionId"];

  // stringifyParameters of an empty list.
  auto empty = call(port_, "POST", "/prescriptions", R"({"patient_id":"P003","device_id":"DEV-P003","parameters":"[]"})");
  ASSERT_EQ(empty.status, 201) << empty.body;
  EXPECT_EQ(empty.json()["parameters"], nlohmann::json::array());
  auto empty_list = call(port_, "POST", "/prescriptions", R"({"patient_id":"P003","device_id":"DEV-P003","parameters":[]})");
  ASSERT_EQ(empty_list.status, 201) << empty_list.body;

  // api.js updatePrescription: only what changed, snake_case.
  auto updated = call(port_, "PUT", "/prescriptions/" + id,
                      R"({"medication_or_therapy":"BiPAP","end_date":1900000000000,"parameters":"[{\"parameter_name\":\"FlowRate\",)"
                      R"(\"parameter_value\":3.0,\"parameter_type\":\"float\",\"parameter_tolerance\":0.5}]"})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.json()["medicationOrTherapy"], "BiPAP");
  EXPECT_EQ(updated.json()["endDate"], 1900000000000);
  EXPECT_EQ(updated.json()["parameters"][0]["parameter_name"], "FlowRate");
  EXPECT_EQ(updated.json()["startDate"], created.json()["startDate"]);
  // A null for a field the reference's update skips leaves it as it is.
  auto unchanged = call(port_, "PUT", "/prescriptions/" + id, R"({"start_date":null})");
  ASSERT_EQ(unchanged.status, 200) << unchanged.body;
  EXPECT_EQ(unchanged.json()["startDate"], created.json()["startDate"]);
  expect_error(call(port_, "PUT", "/prescriptions/" + id, R"({"prescription_id":"RX-OTHER"})"), 422, "validation_error",
               "prescription_id");
}

TEST_F(ReferenceParityTest, BothSpellingsOfOneFieldAreRefusedNamingBoth) {
  auto both = call(port_, "POST", "/prescriptions",
                   R"({"patient_id":"P001","patientId":"P001","device_id":"DEV-P001","parameters":[]})");
  expect_error(both, 422, "validation_error", "patientId");
  const std::string detail = both.json()["detail"];
  EXPECT_NE(detail.find("patient_id"), std::string::npos) << detail;
  EXPECT_NE(detail.find("patientId"), std::string::npos) << detail;
  auto rx = call(port_, "GET", "/prescriptions").json()[0]["prescriptionId"].get<std::string>();
  expect_error(call(port_, "PUT", "/prescriptions/" + rx, R"({"endDate":1900000000000,"end_date":1900000000000})"), 422,
               "validation_error", "endDate");
  // Still a 422 naming the field for a mistake in either spelling.
  expect_error(call(port_, "POST", "/prescriptions", R"({"patient_id":"P001","device_id":"DEV-P001","start_date":"today"})"),
               422, "validation_error", "start_date");
  expect_error(call(port_, "POST", "/prescriptions", R"({"patient_id":"P001","medication_or_therapy":"CPAP"})"), 422,
               "validation_error", "deviceId");
}

TEST_F(ReferenceParityTest, ErrorsCarryFastApisDetailString) {
  auto missing = call(port_, "GET", "/prescriptions/RX-NOPE");
  EXPECT_EQ(missing.status, 404);
  EXPECT_TRUE(missing.json()["detail"].is_string()) << missing.body;
  EXPECT_EQ(missing.json()["detail"], missing.json()["error"]["message"]);
  expect_error(call(port_, "POST", "/prescriptions", "{not json"), 400, "bad_json");
  expect_error(call(port_, "GET", "/analytics/no-such-series"), 404, "not_found");
  expect_error(call(port_, "GET", "/device-events/simulate-all"), 405, "method_not_allowed");
}

TEST_F(ReferenceParityTest, DevicesAnswerTheReferencesDeviceId) {
  auto devices = call(port_, "GET", "/devices");
  ASSERT_EQ(devices.status, 200);
  for (const auto& d : devices.json()) {
    EXPECT_EQ(d["device_id"], d["deviceId"]) << d.dump();
    EXPECT_TRUE(d.contains("patientId") && d.contains("pressureSetting") && d.contains("flowRateSetting")) << d.dump();
  }
  EXPECT_EQ(call(port_, "GET", "/devices/DEV-P002").json()["device_id"], "DEV-P002");
}

// The events' records, decoded from the fixture's JSON encoder.
std::vector<nlohmann::json> stored_events(log::EmbeddedLog& log) {
  std::vector<nlohmann::json> out;
  auto fetched = log.fetch({kDeviceEventsTopic, 0}, 0);
  EXPECT_TRUE(fetched.is_ok());
  if (!fetched.is_ok()) return out;
  for (const auto& r : fetched->records) {
    nlohmann::json value = nlohmann::json::parse(*r.value);
    EXPECT_EQ(r.key, value["event_id"]);
    out.push_back(value);
  }
  return out;
}

TEST_F(ReferenceParityTest, DeviceEventsTakeTheReadmesCurlBodiesAndAnswerItsFields) {
  // curl -X POST http://localhost:8000/device/DEV-P001/events/button-press (no body), twice.
  auto first = call(port_, "POST", "/device/DEV-P001/events/button-press");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.json()["press_count"], 1);
  EXPECT_EQ(first.json()["device_id"], "DEV-P001");
  EXPECT_EQ(first.json()["event_id"].get<std::string>().rfind("but-", 0), 0u) << first.body;
  auto second = call(port_, "POST", "/device/DEV-P001/events/button-press");
  EXPECT_EQ(second.json()["press_count"], 2);
  EXPECT_NE(second.json()["event_id"], first.json()["event_id"]);

  auto power = call(port_, "POST", "/device/DEV-P001/events/power-status", R"({"battery_level": 80, "plugged": true})");
  ASSERT_EQ(power.status, 201) << power.body;
  EXPECT_EQ(power.json()["battery_level"], 80);
  EXPECT_EQ(power.json()["plugged"], true);
  auto defaults = call(port_, "POST", "/device/DEV-P001/events/power-status");
  EXPECT_EQ(defaults.json()["battery_level"], 75);  // the reference's defaults

  auto outside = call(port_, "POST", "/device/DEV-P001/events/gps", R"({"inside_geofence": false})");
  ASSERT_EQ(outside.status, 201) << outside.body;
  EXPECT_EQ(outside.json()["inside_geofence"], false);
  EXPECT_NEAR(outside.json()["lat"].get<double>(), 41.8781 + 0.05, 1e-9);
  EXPECT_NEAR(outside.json()["lng"].get<double>(), -87.6298 + 0.05, 1e-9);
  auto inside = call(port_, "POST", "/device/DEV-P001/events/gps", R"({"patient_id": "P001"})");
  EXPECT_NEAR(inside.json()["lat"].get<double>(), 41.8781 + 0.0005, 1e-9);

  const auto events = stored_events(*log_);
  ASSERT_EQ(events.size(), 6u);
  // The reference's Avro value, field for field.
  const nlohmann::json& gps = events[4];
  std::vector<std::string> fields;
  for (const auto& [name, _] : gps.items()) fields.push_back(name);
  std::sort(fields.begin(), fields.end());
  EXPECT_EQ(fields, (std::vector<std::string>{"battery_level", "device_id", "event_id", "event_ts", "event_type", "hw_model",
                                              "lat", "lng", "patient_id", "plugged", "sw_version"}));
  EXPECT_EQ(events[0]["event_type"], "BUTTON_PRESSED");
  EXPECT_EQ(events[2]["event_type"], "POWER_STATUS");
  EXPECT_EQ(gps["event_type"], "GPS");
  EXPECT_EQ(gps["patient_id"], "P001");
  EXPECT_EQ(gps["sw_version"], "1.2.0");
  EXPECT_TRUE(gps["battery_level"].is_null());
  EXPECT_EQ(events[2]["battery_level"], 80);
  EXPECT_TRUE(events[2]["lat"].is_null());

  expect_error(call(port_, "POST", "/device/DEV-P001/events/power-status", R"({"battery_level": 150})"), 422, "validation_error",
               "battery_level");
  expect_error(call(port_, "POST", "/device/DEV-P001/events/power-status", R"({"battery_level": 50.5})"), 422,
               "validation_error", "battery_level");
  expect_error(call(port_, "POST", "/device/DEV-P001/events/gps", R"({"inside_geofence": "yes"})"), 422, "validation_error",
               "inside_geofence");
  expect_error(call(port_, "POST", "/device/DEV-P001/events/button-press", R"({"patient_id": "P002"})"), 422,
               "validation_error", "patient_id");
  expect_error(call(port_, "POST", "/device/DEV-P001/events/button-press", R"({"plugged": true})"), 422, "validation_error",
               "plugged");
  expect_error(call(port_, "POST", "/device/DEV-NOPE/events/gps"), 404, "not_found");
  EXPECT_EQ(stored_events(*log_).size(), 6u);  // nothing refused was written
}

TEST_F(ReferenceParityTest, SimulateAllRunsTheFourScenariosPerDevice) {
  // curl -X POST http://localhost:8000/device-events/simulate-all
  auto all = call(port_, "POST", "/device-events/simulate-all");
  ASSERT_EQ(all.status, 200) << all.body;
  ASSERT_EQ(all.json()["events"].size(), 6u * 4u);
  EXPECT_EQ(all.json()["events"][0]["press_count"], 1);
  EXPECT_EQ(all.json()["events"][1]["battery_level"], 80);
  EXPECT_EQ(all.json()["events"][2]["inside_geofence"], true);
  EXPECT_EQ(all.json()["events"][3]["inside_geofence"], false);

  auto one = call(port_, "POST", "/device-events/simulate-all?device_id=DEV-P003");
  ASSERT_EQ(one.status, 200) << one.body;
  ASSERT_EQ(one.json()["events"].size(), 4u);
  EXPECT_EQ(one.json()["events"][0]["device_id"], "DEV-P003");
  EXPECT_EQ(one.json()["events"][0]["press_count"], 2);
  expect_error(call(port_, "POST", "/device-events/simulate-all?device_id=DEV-NOPE"), 404, "not_found", "device_id");
  EXPECT_EQ(stored_events(*log_).size(), 6u * 4u + 4u);
}

TEST_F(ReferenceParityTest, AnalyticsRoutesAnswerTheEnvelopeWithAReasonUntilTheirTopicHasRows) {
  for (const char* path : {"/analytics/anomalies-per-device", "/analytics/config-changes-over-time",
                           "/analytics/new-devices-over-time", "/analytics/dashboard", "/analytics/telemetry-1h-counts",
                           "/analytics/telemetry-1h", "/analytics/compliance-1h", "/analytics/drift-counts",
                           "/analytics/alerts"}) {
    auto reply = call(port_, "GET", path);
    ASSERT_EQ(reply.status, 200) << path << " " << reply.body;
    const nlohmann::json body = reply.json();
    EXPECT_EQ(body["available"], false) << path;
    EXPECT_TRUE(body["data"].is_array() || body["data"].is_object()) << path;
    EXPECT_NE(body["message"].get<std::string>().find("does not exist yet"), std::string::npos) << path << body.dump();
  }
  auto dashboard = call(port_, "GET", "/analytics/dashboard").json();
  EXPECT_EQ(dashboard["anomalies_per_device"], nlohmann::json::array());
  EXPECT_EQ(dashboard["data"]["new_devices_over_time"], nlohmann::json::array());
  auto counts = call(port_, "GET", "/analytics/telemetry-1h-counts").json();
  EXPECT_EQ(counts["consumer_enabled"], true);
  EXPECT_EQ(counts["topic"], "hc_fct_telemetry_1h");
  EXPECT_EQ(counts["windows_received"], 0);

  // The topic appears (its pipeline deployed) but is empty: the message says so, within the
  // follower's one-second look.
  ASSERT_TRUE(log_->create_topic(kTelemetry1hTopic, {}).is_ok());
  const auto wait_for = [this](const char* path, const std::function<bool(const nlohmann::json&)>& done) {
    nlohmann::json body;
    for (int i = 0; i < 50; ++i) {
      body = call(port_, "GET", path).json();
      if (done(body)) return body;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << path << " never got there: " << body.dump();
    return body;
  };
  wait_for("/analytics/telemetry-1h-counts", [](const nlohmann::json& b) {
    return b["message"].get<std::string>().find("has no rows yet") != std::string::npos;
  });

  // Two windows (JSON values here; the Avro ones careflow's sinks write: dashboard_feed_test.cc).
  std::vector<log::Record> rows;
  for (const char* metric : {"Pressure", "FlowRate"}) {
    log::Record r;
    r.value = nlohmann::json{{"device_id", "DEV-P001"}, {"patient_id", "P001"}, {"metric_name", metric},
                             {"window_start", 1700000000000}, {"window_end", 1700003600000}, {"avg_value", 12.5},
                             {"min_value", 11.0}, {"max_value", 14.0}, {"reading_count", 12}}.dump();
    r.timestamp_ms = 1700003599999;
    rows.push_back(std::move(r));
  }
  ASSERT_TRUE(log_->append({kTelemetry1hTopic, 0}, rows).is_ok());
  // Until both rows are in: the follower may publish after the first of the two (flaky before).
  counts = wait_for("/analytics/telemetry-1h-counts", [](const nlohmann::json& b) {
    return b["available"] == true && b["windows_received"] == 2;
  });
  EXPECT_EQ(counts["windows_received"], 2);
  EXPECT_EQ(counts["total_readings_in_windows"], 24);
  EXPECT_EQ(counts["data"]["by_device"], nlohmann::json::parse(R"([{"device_id":"DEV-P001","windows":2,"readings":24}])"));
  EXPECT_EQ(counts["last_message_at"], "2023-11-14T23:13:19.999Z");
  auto series = call(port_, "GET", "/analytics/telemetry-1h?metric=FlowRate").json();
  ASSERT_EQ(series["data"].size(), 1u) << series.dump();
  EXPECT_EQ(series["data"][0]["points"][0]["window_start"], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(series["data"][0]["points"][0]["max"], 14.0);

  // Bad filters are 422 naming the parameter.
  expect_error(call(port_, "GET", "/analytics/alerts?kind=drift,nope"), 422, "invalid", "kind");
  expect_error(call(port_, "GET", "/analytics/alerts?limit=0"), 422, "invalid", "limit");
  expect_error(call(port_, "GET", "/analytics/alerts?limit=12x"), 422, "invalid", "limit");
}

}  // namespace
}  // namespace careflow::api
