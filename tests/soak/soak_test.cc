// Soak: a real `careflow up` under sustained load on loopback for a bounded time — the simulator
// in fast mode, many Server-Sent Events clients, a writer creating, updating and deleting
// prescriptions through the API, the capture writing their change events. Afterwards:
//   - the process stayed up, /health answered throughout and no ERROR line was logged;
//   - every SSE client kept receiving readings;
//   - every acknowledged write is in healthcare.public.prescriptions exactly once, and nothing
//     that was not acknowledged;
//   - the resident set size plateaus: the last quarter's peak is within a margin of the second
//     quarter's (a leak proportional to time or to requests shows as growth between the two).
//
// CI runs it for 40 s (SOAK_SECONDS); `scripts/bench soak` runs it for several minutes on the
// release build and writes the figures to bench/results/soak.md (SOAK_MARKDOWN). Not under the
// sanitizers: ASan's quarantine holds freed memory on purpose, so RSS says nothing there.

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "http/tests/http_client.h"
#include "store/tests/test_postgres.h"
#include "tests/integration/run_process.h"

namespace careflow {
namespace {

namespace fs = std::filesystem;
using namespace careflow::testing;
using Clock = std::chrono::steady_clock;

constexpr const char* kToken = "soak-token";

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

long rss_kib(pid_t pid) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::atol(line.c_str() + 6);
  }
  return 0;
}

// Counts the telemetry events each SSE client receives, on one epoll thread.
class SseClients {
 public:
  SseClients(int port, int count) : received_(static_cast<size_t>(count)), pending_(static_cast<size_t>(count)) {
    epoll_ = epoll_create1(0);
    for (int i = 0; i < count; ++i) {
      int fd = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(static_cast<uint16_t>(port));
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        fd = -1;
      } else {
        const std::string request = fmt::format(
            "GET /telemetry/stream HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAccept: text/event-stream\r\n"
            "Authorization: Bearer {}\r\n\r\n",
            port, kToken);
        (void)!write(fd, request.data(), request.size());
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = static_cast<uint64_t>(i);
        epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
      }
      fds_.push_back(fd);
    }
    thread_ = std::thread([this] { run(); });
  }
  ~SseClients() {
    stopping_ = true;
    thread_.join();
    for (int fd : fds_) {
      if (fd >= 0) close(fd);
    }
    close(epoll_);
  }
  // Events received per client, and how many clients saw their stream closed.
  std::vector<int64_t> received() const {
    std::vector<int64_t> out;
    for (const auto& r : received_) out.push_back(r.load());
    return out;
  }
  int closed() const { return closed_.load(); }

 private:
  void run() {
    std::vector<epoll_event> events(256);
    char buf[65536];
    while (!stopping_) {
      const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 50);
      for (int e = 0; e < n; ++e) {
        const size_t i = events[static_cast<size_t>(e)].data.u64;
        const ssize_t got = read(fds_[i], buf, sizeof buf);
        if (got <= 0) {
          epoll_ctl(epoll_, EPOLL_CTL_DEL, fds_[i], nullptr);
          ++closed_;
          continue;
        }
        std::string& p = pending_[i];
        p.append(buf, static_cast<size_t>(got));
        size_t end;
        while ((end = p.find("\n\n")) != std::string::npos) {
          if (p.compare(0, end, "event: telemetry", 0, 16) == 0 || p.find("event: telemetry") < end) ++received_[i];
          p.erase(0, end + 2);
        }
      }
    }
  }
  std::vector<int> fds_;
  std::vector<std::atomic<int64_t>> received_;
  std::vector<std::string> pending_;
  std::atomic<int> closed_{0};
  int epoll_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// What the writer was told happened: one entry per acknowledged write, "op|prescription|tag".
struct Acknowledged {
  std::vector<std::string> events;
  int64_t refused = 0;  // answers other than the expected 2xx (each is a failure, kept for the report)
  std::string first_refusal;
};

class SoakTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = careflow::testing::fresh_test_dir("soak");
    port_ = store::testing::free_port();
  }
  void TearDown() override {
    if (up_.pid > 0 && wait_exit(up_.pid, std::chrono::milliseconds(0)) == -1) {
      kill(up_.pid, SIGKILL);
      wait_exit(up_.pid, std::chrono::seconds(10));
    }
    fs::remove_all(dir_);
  }
  http::testing::Reply call(const std::string& method, const std::string& target, const std::string& body = "") {
    return http::testing::call(port_, method, target, body, {{"Authorization", std::string("Bearer ") + kToken}});
  }

  // Creates, updates three times and deletes prescriptions in turn until `deadline`.
  Acknowledged write_prescriptions(Clock::time_point deadline) {
    Acknowledged acked;
    auto expect = [&](const http::testing::Reply& reply, int status, const std::string& what) {
      if (reply.status == status) return true;
      if (acked.refused++ == 0) acked.first_refusal = fmt::format("{}: {} {}", what, reply.status, reply.body);
      return false;
    };
    for (int n = 0; Clock::now() < deadline; ++n) {
      const std::string device = fmt::format("P00{}", n % 5 + 1);
      const std::string tag = fmt::format("soak-{}", n);
      auto created = call("POST", "/prescriptions",
                          fmt::format(R"({{"patientId":"{}","deviceId":"DEV-{}","medicationOrTherapy":"{}-0",)"
                                      R"("startDate":1700000000000,"parameters":[{{"parameter_name":"Pressure",)"
                                      R"("parameter_value":{},"parameter_tolerance":1.5,"unit":"mmHg"}}]}})",
                                      device, device, tag, 90 + n % 7));
      if (!expect(created, 201, "create " + tag)) continue;
      const std::string id = created.json().value("prescriptionId", "");
      acked.events.push_back(fmt::format("c|{}|{}-0", id, tag));
      for (int k = 1; k <= 3; ++k) {
        auto updated = call("PUT", "/prescriptions/" + id, fmt::format(R"({{"medicationOrTherapy":"{}-{}"}})", tag, k));
        if (expect(updated, 200, "update " + id)) acked.events.push_back(fmt::format("u|{}|{}-{}", id, tag, k));
      }
      if (expect(call("DELETE", "/prescriptions/" + id), 200, "delete " + id)) {
        acked.events.push_back(fmt::format("d|{}|{}-3", id, tag));
      }
    }
    return acked;
  }

  // The soak change events in the prescriptions topic, as "op|prescription|tag" with their counts.
  std::map<std::string, int> captured_events() {
    ProcessResult read = run_process(CAREFLOW_BINARY, {"--data-dir", (dir_ / "var").string(), "topic", "consume",
                                                       "healthcare.public.prescriptions", "--format", "avro"});
    EXPECT_EQ(read.exit_code, 0) << read.err;
    // A row in Avro's JSON encoding sits in a union branch named by its record: {"...Value": {...}}.
    auto row_of = [](const nlohmann::json& field) -> nlohmann::json {
      if (field.is_object() && field.size() == 1 && field.begin().key().find('.') != std::string::npos) return field.begin().value();
      return field;
    };
    std::map<std::string, int> counts;
    std::istringstream in(read.out);
    for (std::string line; std::getline(in, line);) {
      nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
      if (!event.is_object()) continue;  // tombstones print as null
      const std::string op = event.value("op", "");
      const nlohmann::json row = row_of(op == "d" ? event["before"] : event["after"]);
      if (!row.is_object()) continue;
      const std::string tag = row.value("medication_or_therapy", "");
      if (!tag.starts_with("soak-")) continue;
      ++counts[fmt::format("{}|{}|{}", op, row.value("prescription_id", ""), tag)];
    }
    return counts;
  }

  fs::path dir_;
  int port_ = 0;
  Background up_;
};

TEST_F(SoakTest, SteadyLoadKeepsMemoryFlatLosesNothingAndLogsNoError) {
  const int seconds = env_int("SOAK_SECONDS", 40);
  const int sse_clients = env_int("SOAK_SSE_CLIENTS", 200);
  const int tick_ms = env_int("SOAK_TICK_MS", 10);
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = std::min<rlim_t>(files.rlim_max, static_cast<rlim_t>(sse_clients) * 2 + 256);
  setrlimit(RLIMIT_NOFILE, &files);

  const std::vector<std::string> args = {"--data-dir", (dir_ / "var").string(), "--set", "http.port=" + std::to_string(port_),
                                         "--set", "database.port=" + std::to_string(store::testing::free_port()), "--set",
                                         "simulator.tick_ms=" + std::to_string(tick_ms), "--set", std::string("api.token=") + kToken,
                                         "up"};
  const std::string failed = start_careflow_up(CAREFLOW_BINARY, args, (dir_ / "up.out").string(), (dir_ / "up.err").string(), &up_);
  ASSERT_EQ(failed, "");
  auto started = call("POST", "/simulation/start", R"({"simulation_type":"all"})");
  ASSERT_EQ(started.status, 200) << started.body;
  const int64_t transactions_before = call("GET", "/cdc/status").json().value("transactions_written", int64_t{0});

  SseClients clients(port_, sse_clients);
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::seconds(seconds);
  Acknowledged acked;
  std::thread writer([&] { acked = write_prescriptions(deadline); });
  // Samples RSS once a second; /health must answer every time.
  std::vector<long> rss;
  int health_failures = 0;
  while (Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    ASSERT_EQ(wait_exit(up_.pid, std::chrono::milliseconds(0)), -1) << "careflow up died: " << read_file(up_.err_path);
    rss.push_back(rss_kib(up_.pid));
    if (call("GET", "/health").status != 200) ++health_failures;
  }
  writer.join();
  const std::vector<int64_t> received = clients.received();
  const int streams_closed = clients.closed();
  const auto status = call("GET", "/simulation/status").json();

  // Every acknowledged transaction is in the log before stopping (the topic commands need the log).
  int64_t written = 0;
  for (int i = 0; i < 3000; ++i) {
    written = call("GET", "/cdc/status").json().value("transactions_written", int64_t{0}) - transactions_before;
    if (written >= static_cast<int64_t>(acked.events.size())) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(kill(up_.pid, SIGTERM), 0);
  ASSERT_EQ(wait_exit(up_.pid, std::chrono::seconds(60)), 0) << read_file(up_.err_path);

  EXPECT_EQ(acked.refused, 0) << "first refusal: " << acked.first_refusal;
  EXPECT_EQ(health_failures, 0);
  EXPECT_EQ(streams_closed, 0) << "SSE streams closed by the server during the soak";
  int64_t fewest = INT64_MAX, total = 0;
  for (int64_t r : received) {
    fewest = std::min(fewest, r);
    total += r;
  }
  EXPECT_GT(fewest, 0) << "an SSE client received no reading";
  int error_lines = 0;
  std::istringstream err(read_file(up_.err_path));
  for (std::string line; std::getline(err, line);) {
    if (line.find(" ERROR ") == std::string::npos) continue;
    if (error_lines++ < 5) ADD_FAILURE() << "logged: " << line;
  }

  std::map<std::string, int> captured = captured_events();
  int64_t missing = 0, duplicated = 0;
  for (const std::string& e : acked.events) {
    auto it = captured.find(e);
    if (it == captured.end()) {
      if (missing++ < 5) ADD_FAILURE() << "acknowledged, not captured: " << e;
      continue;
    }
    if (it->second != 1 && duplicated++ < 5) ADD_FAILURE() << "captured " << it->second << " times: " << e;
    captured.erase(it);
  }
  for (const auto& [e, count] : captured) ADD_FAILURE() << "captured, never acknowledged: " << e << " x" << count;
  EXPECT_GT(acked.events.size(), 0u);

  // The plateau: after a quarter of warm-up, the last quarter's peak against the second quarter's.
  ASSERT_GE(rss.size(), 8u);
  const size_t q = rss.size() / 4;
  const long second_peak = *std::max_element(rss.begin() + static_cast<long>(q), rss.begin() + static_cast<long>(2 * q));
  const long last_peak = *std::max_element(rss.end() - static_cast<long>(q), rss.end());
  const long allowed = second_peak + second_peak / 5 + 16 * 1024;
  EXPECT_LE(last_peak, allowed) << "RSS grew from " << second_peak << " KiB to " << last_peak << " KiB";

  const std::string report = fmt::format(
      "{} s on loopback: simulator at {} ms per tick ({} readings in {} ticks), {} SSE clients, one writer "
      "creating, updating three times and deleting prescriptions through the API, the capture on.\n\n"
      "| figure | value |\n|---|---|\n"
      "| acknowledged writes | {} ({:.0f}/s), {} refused |\n"
      "| change events captured for them | each exactly once: {} missing, {} duplicated |\n"
      "| SSE events received | {} in all, at least {} per client; {} streams closed |\n"
      "| /health | {} failures in {} probes |\n"
      "| ERROR lines logged | {} |\n"
      "| RSS of careflow up | first {:.1f} MiB, peak of second quarter {:.1f} MiB, peak of last quarter {:.1f} MiB, "
      "last {:.1f} MiB |\n\n"
      "RSS once a second (MiB): {}\n",
      seconds, tick_ms, status.value("readings", int64_t{0}), status.value("ticks", int64_t{0}), sse_clients,
      acked.events.size(), static_cast<double>(acked.events.size()) / seconds, acked.refused, missing, duplicated, total,
      fewest, streams_closed, health_failures, rss.size(), error_lines,
      rss.front() / 1024.0, second_peak / 1024.0, last_peak / 1024.0, rss.back() / 1024.0, [&] {
        std::string s;
        for (long r : rss) s += fmt::format("{}{:.0f}", s.empty() ? "" : " ", r / 1024.0);
        return s;
      }());
  fmt::print("{}", report);
  if (const char* markdown = std::getenv("SOAK_MARKDOWN"); markdown && *markdown) std::ofstream(markdown) << report;
}

}  // namespace
}  // namespace careflow
