// Out of file descriptors (issue 15, "Trust"), against the real server over real loopback sockets.
// Its own executable because UBSan cannot run in a process without a free descriptor: the sanitizer
// build leaves it out (CMakeLists.txt says why), the debug build runs it.

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <chrono>
#include <thread>
#include <vector>

#include "http/tests/http_server_fixture.h"

namespace careflow::http {
namespace {

using namespace testing;

// The failure itself: out of file descriptors, accept() fails at once with the connection
// still pending, and retrying at once spun a core at 100%.
TEST_F(HttpServerTest, OutOfFileDescriptorsAcceptPausesInsteadOfSpinning) {
  start();
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  struct Restore {
    rlimit limit;
    ~Restore() { setrlimit(RLIMIT_NOFILE, &limit); }
  } restore{saved};
  rlimit low = saved;
  low.rlim_cur = open_file_descriptors() + 60;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  boost::asio::io_context ioc;
  std::vector<tcp::socket> clients;
  // The server gets at most a few of them; the rest stay pending. This side may run out first.
  try {
    for (int i = 0; i < 50; ++i) clients.push_back(connect(ioc, port_));
  } catch (const std::exception&) {
  }
  ASSERT_GE(clients.size(), 30u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  const double cpu_before = process_cpu_seconds();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const double cpu = process_cpu_seconds() - cpu_before;
  clients.clear();
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
  EXPECT_LT(cpu, 0.2) << "accept() was retried without a pause";

  auto health = connect(ioc, port_, std::chrono::milliseconds(2000));
  EXPECT_EQ(status_line(health, kHealth), "HTTP/1.1 200 OK");
}

}  // namespace
}  // namespace careflow::http
