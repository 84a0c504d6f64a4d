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
#include "http/tests/sse_event_reader.h"
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

// A "<field>: N kB" line of /proc/<pid>/status: VmRSS, or its parts RssAnon (heap) and RssFile
// (mapped files: the log's segments and indexes as they are read).
long status_kib(pid_t pid, std::string_view field) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with(field) && line.size() > field.size() && line[field.size()] == ':') {
      return std::atol(line.c_str() + field.size() + 1);
    }
  }
  return 0;
}

// Counts the telemetry events each SSE client receives.
class SseClients {
 public:
  SseClients(int port, int count) : received_(static_cast<size_t>(count)) {
    for (int i = 0; i < count; ++i) fds_.push_back(http::testing::connect_sse_stream(port, kToken));
    reader_ = std::make_unique<http::testing::SseEventReader>(
        fds_,
        [this](size_t client, std::string_view event) {
          if (event.find("event: telemetry") != std::string_view::npos) ++received_[client];
        },
        [this](size_t) { ++closed_; });
  }
  ~SseClients() {
    reader_->stop();
    for (int fd : fds_) {
      if (fd >= 0) close(fd);
    }
  }
  // Events received per client, and how many clients saw their stream closed.
  std::vector<int64_t> received() const {
    std::vector<int64_t> out;
    for (const auto& r : received_) out.push_back(r.load());
    return out;
  }
  int closed() const { return closed_.load(); }

 private:
  std::vector<int> fds_;
  std::vector<std::atomic<int64_t>> received_;
  std::atomic<int> closed_{0};
  std::unique_ptr<http::testing::SseEventReader> reader_;
};

// "23.5 23.6 ...": KiB samples as MiB.
std::string one_decimal_mib(const std::vector<long>& kib) {
  std::string s;
  for (long k : kib) s += fmt::format("{}{:.1f}", s.empty() ? "" : " ", k / 1024.0);
  return s;
}

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
                                         "--set", "kafka_listener.port=0", "up"};
  const std::string failed = start_careflow_up(CAREFLOW_BINARY, args, (dir_ / "up.out").string(), (dir_ / "up.err").string(), &up_);
  ASSERT_EQ(failed, "");
  // The writer starts once the capture streams: a row written during its snapshot is captured as
  // a snapshot read ("r"), as Debezium does, not as the create the writer was acknowledged.
  std::string cdc_state;
  for (int i = 0; i < 600 && cdc_state != "streaming"; ++i) {
    cdc_state = call("GET", "/cdc/status").json().value("state", "");
    if (cdc_state != "streaming") std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(cdc_state, "streaming") << "the capture did not start within 60 s";
  auto started = call("POST", "/simulation/start", R"({"simulation_type":"all"})");
  ASSERT_EQ(started.status, 200) << started.body;
  const int64_t transactions_before = call("GET", "/cdc/status").json().value("transactions_written", int64_t{0});

  SseClients clients(port_, sse_clients);
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::seconds(seconds);
  Acknowledged acked;
  std::thread writer([&] { acked = write_prescriptions(deadline); });
  // Samples RSS once a second; /health must answer every time.
  std::vector<long> rss, anon;
  int health_failures = 0;
  while (Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    ASSERT_EQ(wait_exit(up_.pid, std::chrono::milliseconds(0)), -1) << "careflow up died: " << read_file(up_.err_path);
    rss.push_back(status_kib(up_.pid, "VmRSS"));
    anon.push_back(status_kib(up_.pid, "RssAnon"));
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
      "last {:.1f} MiB |\n"
      "| of which heap (RssAnon) | first {:.1f} MiB, last {:.1f} MiB |\n\n"
      "RSS once a second (MiB): {}\n\nHeap once a second (MiB): {}\n",
      seconds, tick_ms, status.value("readings", int64_t{0}), status.value("ticks", int64_t{0}), sse_clients,
      acked.events.size(), static_cast<double>(acked.events.size()) / seconds, acked.refused, missing, duplicated, total,
      fewest, streams_closed, health_failures, rss.size(), error_lines,
      rss.front() / 1024.0, second_peak / 1024.0, last_peak / 1024.0, rss.back() / 1024.0, anon.front() / 1024.0,
      anon.back() / 1024.0, one_decimal_mib(rss), one_decimal_mib(anon));
  fmt::print("{}", report);
  if (const char* markdown = std::getenv("SOAK_MARKDOWN"); markdown && *markdown) std::ofstream(markdown) << report;
}

}  // namespace
}  // namespace careflow
