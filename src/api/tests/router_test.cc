// Routing, URL decoding and body validation, without sockets.

#include "api/router.h"

#include <gtest/gtest.h>

#include "api/domain_routes.h"
#include "api/url.h"

namespace careflow::api {
namespace {

HttpRequest request(std::string method, std::string path) {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

TEST(Router, MatchesPatternsAndAnswers404And405) {
  Router router;
  router.add("GET", "/items/{id}", [](HttpRequest& r) { return HttpResponse::json(200, {{"id", r.param("id")}}); });
  router.add("DELETE", "/items/{id}", [](HttpRequest&) { return HttpResponse::json(200, {}); });
  HttpRequest get = request("GET", "/items/a b");
  HttpResponse ok = router.dispatch(get);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(nlohmann::json::parse(ok.body)["id"], "a b");

  HttpRequest post = request("POST", "/items/1");
  HttpResponse not_allowed = router.dispatch(post);
  EXPECT_EQ(not_allowed.status, 405);
  EXPECT_EQ(nlohmann::json::parse(not_allowed.body)["error"]["code"], "method_not_allowed");
  ASSERT_EQ(not_allowed.headers.size(), 1u);
  EXPECT_EQ(not_allowed.headers[0].second, "GET, DELETE");

  HttpRequest missing = request("GET", "/nothing/here");
  EXPECT_EQ(router.dispatch(missing).status, 404);
  HttpRequest too_deep = request("GET", "/items/1/2");
  EXPECT_EQ(router.dispatch(too_deep).status, 404);
}

TEST(Url, DecodesPercentEscapesAndQueries) {
  EXPECT_EQ(url_decode("/a%20b%2Fc"), "/a b/c");
  EXPECT_EQ(url_decode("bad%zzescape%2"), "bad%zzescape%2");
  auto q = parse_query("a=1&b=x+y&c=%26&flag");
  EXPECT_EQ(q["a"], "1");
  EXPECT_EQ(q["b"], "x y");
  EXPECT_EQ(q["c"], "&");
  EXPECT_EQ(q.count("flag"), 1u);
}

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

  nlohmann::json as_string = good();
  as_string["parameters"] = good()["parameters"].dump();
  EXPECT_TRUE(std::holds_alternative<nlohmann::json>(parse_body(rx, as_string, true)));

  nlohmann::json with_id = good();
  with_id["prescriptionId"] = "RX-CLIENT";  // ignored, not an error
  auto ignored = parse_body(rx, with_id, true);
  ASSERT_TRUE(std::holds_alternative<nlohmann::json>(ignored));
  EXPECT_FALSE(std::get<nlohmann::json>(ignored).contains("prescription_id"));
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
