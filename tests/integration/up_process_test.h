#pragma once
// A test that drives a real `careflow up` child process: its own data dir, free HTTP and
// PostgreSQL ports, an API token, `careflow ...` commands beside it, REST calls with the token, and
// a clean stop (SIGTERM, then a kill in TearDown if it is still there).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "http/tests/http_client.h"
#include "store/tests/test_postgres.h"
#include "tests/integration/run_process.h"

namespace careflow::testing {

class UpProcessTest : public ::testing::Test {
 protected:
  UpProcessTest(std::string dir_prefix, std::string token) : dir_prefix_(std::move(dir_prefix)), token_(std::move(token)) {}

  void SetUp() override {
    dir_ = fresh_test_dir(dir_prefix_ + current_test_name());
    http_port_ = store::testing::free_port();
    pg_port_ = store::testing::free_port();
  }
  void TearDown() override {
    if (up_.pid > 0 && wait_exit(up_.pid, std::chrono::milliseconds(0)) == -1) {
      kill(up_.pid, SIGTERM);
      wait_exit(up_.pid, std::chrono::seconds(30));
    }
    std::filesystem::remove_all(dir_);
  }
  // The data dir and the token: what every `careflow` command of the test starts with.
  std::vector<std::string> common() const {
    return {"--data-dir", (dir_ / "var").string(), "--set", fmt::format("api.token={}", token_)};
  }
  ProcessResult careflow(std::vector<std::string> args, const std::string& input = "") {
    std::vector<std::string> all = common();
    all.insert(all.end(), args.begin(), args.end());
    return run_process(CAREFLOW_BINARY, all, input);
  }
  // `careflow up` on the test's ports (Kafka listener on any free port) with `settings` ("key=value").
  void start_up(const std::vector<std::string>& settings = {}) {
    std::vector<std::string> args = common();
    std::vector<std::string> all = {"http.port=" + std::to_string(http_port_), "database.port=" + std::to_string(pg_port_),
                                    "kafka_listener.port=0"};
    all.insert(all.end(), settings.begin(), settings.end());
    for (const std::string& s : all) {
      args.push_back("--set");
      args.push_back(s);
    }
    args.push_back("up");
    const std::string failed =
        start_careflow_up(CAREFLOW_BINARY, args, (dir_ / "up.out").string(), (dir_ / "up.err").string(), &up_);
    ASSERT_TRUE(failed.empty()) << failed;
  }
  void stop_up() {
    ASSERT_EQ(kill(up_.pid, SIGTERM), 0);
    ASSERT_EQ(wait_exit(up_.pid, std::chrono::seconds(60)), 0) << read_file((dir_ / "up.err").string());
    up_.pid = -1;
  }
  http::testing::Reply call(const std::string& method, const std::string& path, const std::string& body = "",
                            bool token = true) {
    std::map<std::string, std::string> headers;
    if (token) headers["Authorization"] = fmt::format("Bearer {}", token_);
    return http::testing::call(http_port_, method, path, body, headers);
  }

  std::filesystem::path dir_;
  int http_port_ = 0, pg_port_ = 0;
  Background up_;

 private:
  std::string dir_prefix_, token_;
};

}  // namespace careflow::testing
