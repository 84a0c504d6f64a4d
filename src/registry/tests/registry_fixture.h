#pragma once
// A real registry behind careflow's real HTTP server on a free port, with its state in a scratch
// folder: the fixture of the registry's REST tests.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "http/http_server.h"
#include "http/tests/http_client.h"
#include "registry/registry_routes.h"

namespace careflow::registry::test_support {

using http::testing::call;
using nlohmann::json;

inline const std::string kV1 = R"({"type":"record","name":"Reading","namespace":"hc","fields":[{"name":"device_id","type":"string"}]})";
// v2 adds a field with a default: compatible both ways.
inline const std::string kV2 =
    R"({"type":"record","name":"Reading","namespace":"hc","fields":[{"name":"device_id","type":"string"},{"name":"unit","type":"string","default":"mmHg"}]})";
// v3 adds a field without a default: a new reader cannot read old data (not BACKWARD).
inline const std::string kV3 =
    R"({"type":"record","name":"Reading","namespace":"hc","fields":[{"name":"device_id","type":"string"},{"name":"value","type":"double"}]})";

inline std::string body(const std::string& schema) { return json{{"schema", schema}}.dump(); }

class RegistryHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("careflow-registry-" + std::to_string(getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    start();
  }
  void TearDown() override {
    stop();
    std::filesystem::remove_all(dir_);
  }
  void start() {
    auto reg = SchemaRegistry::open(dir_.string());
    ASSERT_TRUE(reg.is_ok()) << reg.status().to_string();
    registry_ = std::move(reg).value();
    router_ = std::make_unique<http::Router>();
    add_registry_routes(*router_, *registry_);
    http::HttpServerOptions options;
    options.port = 0;
    server_ = std::make_unique<http::HttpServer>(options, *router_);
    ASSERT_TRUE(server_->start().is_ok());
  }
  void stop() {
    if (server_) server_->stop();
    server_.reset();
    router_.reset();
    registry_.reset();
  }
  http::testing::Reply req(const std::string& method, const std::string& target, const std::string& b = "") {
    return call(server_->port(), method, target, b);
  }
  int register_schema(const std::string& subject, const std::string& schema) {
    auto r = req("POST", "/subjects/" + subject + "/versions", body(schema));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().value("id", -1);
  }
  void expect_error(const http::testing::Reply& r, int http, int code) {
    EXPECT_EQ(r.status, http) << r.body;
    EXPECT_EQ(r.json()["error_code"], code) << r.body;
    EXPECT_TRUE(r.json()["message"].is_string()) << r.body;
  }

  std::filesystem::path dir_;
  std::unique_ptr<SchemaRegistry> registry_;
  std::unique_ptr<http::Router> router_;
  std::unique_ptr<http::HttpServer> server_;
};

}  // namespace careflow::registry::test_support
