#pragma once
// A real private PostgreSQL for store tests: a fresh cluster in a temporary directory on a free
// port, reachable by the postgres user, removed afterwards.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "store/local_postgres.h"

namespace careflow::store::testing {

inline int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("careflow-pg-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
             std::to_string(getpid()));
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
    // The server may run as the postgres user, which must be able to reach its directory.
    std::filesystem::permissions(root_, std::filesystem::perms::owner_all | std::filesystem::perms::group_exec |
                                            std::filesystem::perms::others_exec);
    options_.dir = (root_ / "pg").string();
    options_.port = free_port();
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::filesystem::path root_;
  LocalPostgresOptions options_;
};

// The same with the server started (pg_) before the test body runs.
class RunningPostgresTest : public PostgresTest {
 protected:
  void SetUp() override {
    PostgresTest::SetUp();
    auto started = LocalPostgres::start(options_);
    ASSERT_TRUE(started.is_ok()) << started.status().to_string();
    pg_ = std::move(started).value();
  }

  std::unique_ptr<LocalPostgres> pg_;
};

}  // namespace careflow::store::testing
