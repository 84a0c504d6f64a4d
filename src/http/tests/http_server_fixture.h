#pragma once
// The real server on loopback and raw-socket helpers shared by the listener tests.

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "http/http_server.h"
#include "http/tests/http_client.h"

namespace careflow::http::testing {

using Clock = std::chrono::steady_clock;
using tcp = boost::asio::ip::tcp;

// CPU time (user + system) of this whole process, in seconds: the server's threads included.
inline double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

inline size_t open_file_descriptors() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

// A connected socket that waits at most `wait` for each read.
inline tcp::socket connect(boost::asio::io_context& ioc, int port, std::chrono::milliseconds wait = std::chrono::milliseconds(200)) {
  tcp::socket s(ioc);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  const timeval tv{static_cast<time_t>(wait.count() / 1000), static_cast<suseconds_t>((wait.count() % 1000) * 1000)};
  setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return s;
}

// Reads until the server closes the connection or `limit` passes; the time it took, or nullopt
// when the connection was still open at the limit.
inline std::optional<std::chrono::milliseconds> time_until_closed(tcp::socket& s, Clock::time_point since,
                                                           std::chrono::milliseconds limit) {
  char buf[4096];
  while (Clock::now() - since < limit) {
    const ssize_t n = ::recv(s.native_handle(), buf, sizeof buf, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since);
    }
  }
  return std::nullopt;
}

// A request written on a raw socket, and the status line of the answer ("" when none came).
inline std::string status_line(tcp::socket& s, const std::string& request) {
  boost::system::error_code ec;
  boost::asio::write(s, boost::asio::buffer(request), ec);
  std::string got;
  char buf[1024];
  const auto deadline = Clock::now() + std::chrono::seconds(1);
  while (got.find("\r\n") == std::string::npos && Clock::now() < deadline) {
    const ssize_t n = ::recv(s.native_handle(), buf, sizeof buf, 0);
    if (n > 0) got.append(buf, static_cast<size_t>(n));
    else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) break;
  }
  return got.substr(0, got.find("\r\n"));
}

inline const std::string kHealth = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add("GET", "/health", [](HttpRequest&) { return HttpResponse::json(200, {{"status", "ok"}}); });
    router_.add("GET", "/things", [](HttpRequest&) { return HttpResponse::json(200, nlohmann::json::array()); });
    router_.add("POST", "/things", [this](HttpRequest&) {
      ++posted_;
      return HttpResponse::json(201, {{"created", true}});
    });
    router_.add("POST", "/schemas", [](HttpRequest&) { return HttpResponse::json(200, {{"id", 1}}); }, "",
                {"application/vnd.schemaregistry.v1+json", "application/json"});
    router_.add("GET", "/boom", [](HttpRequest&) -> HttpResponse { throw std::runtime_error("the handler broke"); });
    options_.port = 0;
  }
  void start() {
    server_ = std::make_unique<HttpServer>(options_, router_);
    ASSERT_TRUE(server_->start().is_ok());
    port_ = server_->port();
  }
  void TearDown() override {
    if (server_) server_->stop();
  }

  Router router_;
  HttpServerOptions options_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
  std::atomic<int> posted_{0};
};

}  // namespace careflow::http::testing
