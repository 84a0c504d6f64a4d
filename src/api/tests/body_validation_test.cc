// Body validation of the domain resources, without sockets or a database.

#include <gtest/gtest.h>

#include "api/domain_routes.h"

namespace careflow::api {
namespace {

using http::FieldError;

// The validation rules need no database: the specs' row checks are not called by parse_body.
class BodyValidation : public ::testing::Test {
 protected:
  ResourceSpec rx = prescriptions_resource(nullptr);
  ResourceSpec patients = patients_resource(nullptr);

  FieldError error_of(const ResourceSpec& spec, const nlohmann::json& body, bool creating = true) {
    auto parsed = parse_body(spec, body, creating);
    EXPECT_TRUE(std::holds_alternative<FieldError>(parsed)) << "accepted: " << body.dump();
    return std::holds_alternative<FieldError>(parsed) ? std::get<FieldError>(parsed) : FieldError{};
  }
  nlohmann::json good() {
    return {{"patientId", "P001"},
            {"deviceId", "DEV-P001"},
            {"medicationOrTherapy", "CPAP"},
            {"startDate", 1700000000000},
            {"parameters",
             {{{"parameter_name", "Pressure"}, {"parameter_value", 11.0}, {"parameter_tolerance", 1.0}, {"unit", "cmH2O"}}}}};
  }
};

TEST_F(BodyValidation, AcceptsTheReferenceShapesIncludingParametersAsAString) {
  auto parsed = parse_body(rx, good(), true);
  ASSERT_TRUE(std::holds_alternative<nlohmann::json>(parsed));
  const auto& row = std::get<nlohmann::json>(parsed);
  EXPECT_EQ(row["device_id"], "DEV-P001");
  EXPECT_EQ(row["parameters"][0]["parameter_type"], "numeric");  // defaulted
  EXPECT_FALSE(row["parameters"][0].contains("alert_after_minutes"));  // absent: the pipelines use 5

  nlohmann::json with_minutes = good();
  with_minutes["parameters"][0]["alert_after_minutes"] = 15;
  auto minutes = parse_body(rx, with_minutes, true);
  ASSERT_TRUE(std::holds_alternative<nlohmann::json>(minutes));
  EXPECT_EQ(std::get<nlohmann::json>(minutes)["parameters"][0]["alert_after_minutes"], 15);

  nlohmann::json as_string = good();
  as_string["parameters"] = good()["parameters"].dump();
  EXPECT_TRUE(std::holds_alternative<nlohmann::json>(parse_body(rx, as_string, true)));

  nlohmann::json with_id = good();
  with_id["prescriptionId"] = "RX-CLIENT";  // ignored, not an error
  auto ignored = parse_body(rx, with_id, true);
  ASSERT_TRUE(std::holds_alternative<nlohmann::json>(ignored));
  EXPECT_FALSE(std::get<nlohmann::json>(ignored).contains("prescription_id"));
}

TEST_F(BodyValidation, PrescriptionsTakeTheReferencesSnakeCaseAndItsDefaults) {
  auto parsed = parse_body(rx, {{"patient_id", "P001"}, {"device_id", "DEV-P001"}, {"start_date", nullptr}, {"parameters", "[]"}},
                           true);
  ASSERT_TRUE(std::holds_alternative<nlohmann::json>(parsed)) << std::get<FieldError>(parsed).message;
  const auto& row = std::get<nlohmann::json>(parsed);
  EXPECT_EQ(row["patient_id"], "P001");
  EXPECT_EQ(row["medication_or_therapy"], "");
  EXPECT_GT(row["start_date"].get<int64_t>(), 1700000000000);  // now
  EXPECT_EQ(row["parameters"], nlohmann::json::array());
  // On a PUT a null for a field with a default changes nothing, and nothing is defaulted.
  auto update = parse_body(rx, {{"start_date", nullptr}, {"medication_or_therapy", "BiPAP"}}, false);
  ASSERT_TRUE(std::holds_alternative<nlohmann::json>(update));
  EXPECT_EQ(std::get<nlohmann::json>(update), (nlohmann::json{{"medication_or_therapy", "BiPAP"}}));

  FieldError both = error_of(rx, {{"device_id", "DEV-P001"}, {"deviceId", "DEV-P001"}, {"patient_id", "P001"}});
  EXPECT_EQ(both.field, "deviceId");
  EXPECT_EQ(both.message, "deviceId and device_id name the same field; send only one of them");
  // Patients keep camelCase only: the reference's clients never write them.
  EXPECT_EQ(error_of(patients, {{"patient_id", "P9"}, {"name", "x"}}).field, "patient_id");
}

TEST_F(BodyValidation, NamesTheFieldOfEveryMistake) {
  auto body = good();
  body.erase("deviceId");
  EXPECT_EQ(error_of(rx, body).field, "deviceId");

  body = good();
  body["startDate"] = "yesterday";
  EXPECT_EQ(error_of(rx, body).field, "startDate");

  body = good();
  body["parameters"][0]["parameter_tolerance"] = -1;
  FieldError negative = error_of(rx, body);
  EXPECT_EQ(negative.field, "parameters");
  EXPECT_NE(negative.message.find("parameters[0].parameter_tolerance must not be negative"), std::string::npos);

  body = good();
  body["parameters"][0]["alert_after_minutes"] = 0;
  FieldError too_soon = error_of(rx, body);
  EXPECT_EQ(too_soon.field, "parameters");
  EXPECT_NE(too_soon.message.find("parameters[0].alert_after_minutes must be a whole number of minutes from 1 to 1440, got 0"),
            std::string::npos);
  body["parameters"][0]["alert_after_minutes"] = 7.5;
  EXPECT_NE(error_of(rx, body).message.find("alert_after_minutes must be a whole number"), std::string::npos);

  body = good();
  body["parameters"][0]["parameter_name"] = "Voltage";
  EXPECT_NE(error_of(rx, body).message.find("'Voltage'"), std::string::npos);

  body = good();
  body["parameters"] = "[not json";
  EXPECT_EQ(error_of(rx, body).field, "parameters");

  body = good();
  body["surprise"] = 1;
  FieldError unknown = error_of(rx, body);
  EXPECT_EQ(unknown.field, "surprise");
  EXPECT_EQ(unknown.message, "unknown field 'surprise'");

  EXPECT_EQ(error_of(patients, {{"patientId", "P9"}, {"name", "x"}, {"birthDate", "1990-02-30"}}).field, "birthDate");
  EXPECT_EQ(error_of(patients, {{"patientId", "P9"}, {"name", ""}}).field, "name");
  EXPECT_EQ(error_of(patients, {{"patientId", 7}, {"name", "x"}}).field, "patientId");
}

}  // namespace
}  // namespace careflow::api
