// What every listener must withstand (issue 15, "Trust"), against the real server over real
// loopback sockets: a connection cap, idle, slow-header and slow-body timeouts, handlers that throw,
// and the Host, Origin, Content-Type and token checks. Running out of file descriptors is
// fd_exhaustion_test.cc.

#include <gtest/gtest.h>

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "http/tests/http_server_fixture.h"

namespace careflow::http {
namespace {

using namespace testing;

TEST_F(HttpServerTest, AtTheConnectionCapNewConnectionsWaitWithoutSpinningAndAreServedOnceIdleOnesClose) {
  options_.max_connections = 32;
  start();
  boost::asio::io_context ioc;
  std::vector<tcp::socket> idle;
  for (int i = 0; i < 100; ++i) idle.push_back(connect(ioc, port_));
  for (int i = 0; i < 100 && server_->open_connections() < 32; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(server_->open_connections(), 32u);

  const double cpu_before = process_cpu_seconds();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_LT(process_cpu_seconds() - cpu_before, 0.2) << "the server used CPU while only idle connections were open";

  // Health waits in the backlog behind the idle connections ...
  auto health = connect(ioc, port_);
  EXPECT_EQ(status_line(health, kHealth), "");
  // ... and is answered once they close.
  idle.clear();
  auto later = connect(ioc, port_, std::chrono::milliseconds(2000));
  EXPECT_EQ(status_line(later, kHealth), "HTTP/1.1 200 OK");
  for (int i = 0; i < 200 && server_->open_connections() > 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_LE(server_->open_connections(), 2u);
}

TEST_F(HttpServerTest, AnIdleConnectionIsClosed) {
  options_.idle_timeout = std::chrono::milliseconds(300);
  start();
  boost::asio::io_context ioc;
  auto s = connect(ioc, port_);
  auto closed = time_until_closed(s, Clock::now(), std::chrono::seconds(3));
  ASSERT_TRUE(closed.has_value()) << "an idle connection stayed open";
  EXPECT_GE(closed->count(), 250);
  // A kept-alive connection after its answer too.
  auto kept = connect(ioc, port_);
  EXPECT_EQ(status_line(kept, kHealth), "HTTP/1.1 200 OK");
  EXPECT_TRUE(time_until_closed(kept, Clock::now(), std::chrono::seconds(3)).has_value());
}

// Slowloris: a header byte at a time, each well within the idle timeout, never finishing.
TEST_F(HttpServerTest, ASlowHeaderIsCutOff) {
  options_.header_timeout = std::chrono::milliseconds(500);
  start();
  boost::asio::io_context ioc;
  auto s = connect(ioc, port_);
  std::atomic<bool> stop{false};
  std::thread dripper([&] {
    const std::string header = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    for (size_t i = 0; i < header.size() && !stop; ++i) {
      if (::send(s.native_handle(), &header[i], 1, MSG_NOSIGNAL) != 1) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  auto closed = time_until_closed(s, Clock::now(), std::chrono::seconds(3));
  stop = true;
  dripper.join();
  ASSERT_TRUE(closed.has_value()) << "a header sent a byte at a time kept the connection";
  EXPECT_LT(closed->count(), 2000);
}

TEST_F(HttpServerTest, ASlowBodyIsCutOff) {
  options_.body_timeout = std::chrono::milliseconds(400);
  start();
  boost::asio::io_context ioc;
  auto s = connect(ioc, port_);
  const std::string partial =
      "POST /things HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":";
  boost::asio::write(s, boost::asio::buffer(partial));
  auto closed = time_until_closed(s, Clock::now(), std::chrono::seconds(3));
  ASSERT_TRUE(closed.has_value()) << "a body that never ends kept the connection";
  EXPECT_EQ(posted_, 0);
}

TEST_F(HttpServerTest, AHandlerThatThrowsIsA500AndTheServerGoesOn) {
  start();
  for (int i = 0; i < 3; ++i) {  // more times than there are I/O threads
    auto reply = call(port_, "GET", "/boom");
    EXPECT_EQ(reply.status, 500);
    EXPECT_EQ(reply.json()["error"]["code"], "internal") << reply.body;
    EXPECT_NE(reply.json()["error"]["message"].get<std::string>().find("the handler broke"), std::string::npos) << reply.body;
  }
  EXPECT_EQ(call(port_, "GET", "/health").status, 200);
}

TEST_F(HttpServerTest, BodiesMustSayTheirRoutesContentType) {
  start();
  auto plain = call(port_, "POST", "/things", R"({"a":1})", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(plain.status, 415) << plain.body;
  EXPECT_EQ(plain.json()["error"]["code"], "unsupported_media_type");
  EXPECT_EQ(plain.json()["error"]["field"], "Content-Type");
  EXPECT_EQ(call(port_, "POST", "/things", "a=1", {{"Content-Type", "application/x-www-form-urlencoded"}}).status, 415);
  EXPECT_EQ(posted_, 0);
  EXPECT_EQ(call(port_, "POST", "/things", R"({"a":1})", {{"Content-Type", "Application/JSON; charset=utf-8"}}).status, 201);
  EXPECT_EQ(call(port_, "POST", "/things").status, 201);  // no body, no Content-Type
  EXPECT_EQ(call(port_, "POST", "/schemas", "{}", {{"Content-Type", "application/vnd.schemaregistry.v1+json"}}).status, 200);
  EXPECT_EQ(call(port_, "POST", "/schemas", "{}", {{"Content-Type", "text/plain"}}).status, 415);
  EXPECT_EQ(posted_, 2);
}

TEST_F(HttpServerTest, OnlyThisServersHostNamesAndOriginsAreServed) {
  options_.allowed_hosts = {"careflow.internal"};
  start();
  const std::string port = std::to_string(port_);
  auto rebound = call(port_, "GET", "/things", "", {{"Host", "attacker.example:" + port}});
  EXPECT_EQ(rebound.status, 421) << rebound.body;
  EXPECT_EQ(rebound.json()["error"]["code"], "host_not_allowed");
  for (const std::string& host : std::vector<std::string>{"localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port, "LOCALHOST", "careflow.internal"}) {
    EXPECT_EQ(call(port_, "GET", "/things", "", {{"Host", host}}).status, 200) << host;
  }
  auto cross_site = call(port_, "POST", "/things", "{}", {{"Origin", "http://attacker.example"}});
  EXPECT_EQ(cross_site.status, 403) << cross_site.body;
  EXPECT_EQ(cross_site.json()["error"]["code"], "origin_not_allowed");
  EXPECT_EQ(call(port_, "POST", "/things", "{}", {{"Origin", "null"}}).status, 403);
  EXPECT_EQ(posted_, 0);
  const std::string self = "127.0.0.1:" + port;
  EXPECT_EQ(call(port_, "POST", "/things", "{}", {{"Host", self}, {"Origin", "http://127.0.0.1:1"}}).status, 403);  // another port's page
  // The page itself (same origin) and the dev server (a CORS origin) may.
  EXPECT_EQ(call(port_, "POST", "/things", "{}", {{"Host", self}, {"Origin", "http://" + self}}).status, 201);
  EXPECT_EQ(call(port_, "POST", "/things", "{}", {{"Origin", "http://localhost:5173"}}).status, 201);
}

TEST_F(HttpServerTest, WithATokenEveryRouteButHealthNeedsIt) {
  options_.bearer_token = "t0ken";
  start();
  EXPECT_EQ(call(port_, "GET", "/things").status, 401);
  EXPECT_EQ(call(port_, "GET", "/boom").status, 401);
  EXPECT_EQ(call(port_, "GET", "/health").status, 200);
  EXPECT_EQ(call(port_, "GET", "/things", "", {{"Authorization", "Bearer t0ken"}}).status, 200);
  EXPECT_EQ(call(port_, "GET", "/things", "", {{"Authorization", "Bearer t0ke"}}).status, 401);
  EXPECT_EQ(call(port_, "GET", "/things", "", {{"Authorization", "Bearer t0kenn"}}).status, 401);
  EXPECT_EQ(call(port_, "GET", "/things?token=t0ken").status, 401);  // not an event stream
  EXPECT_EQ(call(port_, "OPTIONS", "/things").status, 204);          // a browser's preflight carries no token
}

TEST(HostNameOf, DropsThePortAndBrackets) {
  EXPECT_EQ(host_name_of("LocalHost:8000"), "localhost");
  EXPECT_EQ(host_name_of("[::1]:8000"), "::1");
  EXPECT_EQ(host_name_of("[::1]"), "::1");
  EXPECT_EQ(host_name_of("::1"), "::1");
  EXPECT_EQ(host_name_of("example.org"), "example.org");
}

}  // namespace
}  // namespace careflow::http
