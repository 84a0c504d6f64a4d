// Live telemetry fan-out: 1,000 Server-Sent Events clients on loopback receive readings published
// at the simulator's pace (15 readings/s: 5 devices x 3 metrics, in ticks of 15), and we measure
// the delivery lag from publish() to the client having parsed the event, plus the process RSS.
// Peer, in the same run: the same bytes written by the publisher thread straight into each
// client's socket with blocking write() (no queues, no event loop) — the floor for this machine.
//
//   sse_bench [--markdown FILE] [--clients N] [--seconds N]

#include <fmt/format.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <thread>
#include <vector>

#include "http/http_server.h"
#include "api/telemetry_hub.h"
#include "http/tests/sse_event_reader.h"
#include <arpa/inet.h>
#include <netinet/in.h>

namespace {

using Clock = std::chrono::steady_clock;

int64_t now_us() { return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count(); }

long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return 0;
}

struct Lag {
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  size_t delivered = 0, expected = 0;
};

Lag summarize(std::vector<int64_t> lags_us, size_t expected) {
  Lag lag;
  lag.delivered = lags_us.size();
  lag.expected = expected;
  if (lags_us.empty()) return lag;
  std::sort(lags_us.begin(), lags_us.end());
  auto at = [&](double q) { return lags_us[static_cast<size_t>(q * (lags_us.size() - 1))] / 1000.0; };
  lag.p50_ms = at(0.5);
  lag.p99_ms = at(0.99);
  lag.max_ms = lags_us.back() / 1000.0;
  return lag;
}

// Each event's data carries "sent_us": its lag is now minus that.
class Receivers {
 public:
  explicit Receivers(const std::vector<int>& fds)
      : reader_(fds, [this](size_t, std::string_view event) {
          const size_t sent = event.find("\"sent_us\":");
          if (sent != std::string_view::npos) lags_.push_back(now_us() - std::stoll(std::string(event.substr(sent + 10))));
        }) {}
  std::vector<int64_t> stop() {
    reader_.stop();
    return std::move(lags_);
  }

 private:
  std::vector<int64_t> lags_;  // declared first: the reader's thread appends to it
  careflow::http::testing::SseEventReader reader_;
};

// Publishes `seconds` of readings at 15/s in ticks of 15, through `publish`.
template <typename Publish>
size_t publish_readings(int seconds, Publish publish) {
  size_t count = 0;
  auto next = Clock::now();
  for (int tick = 0; tick < seconds; ++tick) {
    std::this_thread::sleep_until(next);
    next += std::chrono::seconds(1);
    for (int device = 1; device <= 5; ++device) {
      for (const char* metric : {"Pressure", "FlowRate", "FlowLevel"}) {
        publish(nlohmann::json{{"device_id", fmt::format("DEV-P00{}", device)}, {"patient_id", fmt::format("P00{}", device)},
                               {"metric_name", metric}, {"metric_value", 11.25}, {"software_version", "1.2.0"},
                               {"ts", 1795575658916}, {"sent_us", now_us()}});
        ++count;
      }
    }
  }
  return count;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace careflow;
  std::string markdown_path;
  int clients = 1000, seconds = 10;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--markdown") == 0 && i + 1 < argc) markdown_path = argv[++i];
    else if (std::strcmp(argv[i], "--clients") == 0 && i + 1 < argc) clients = std::atoi(argv[++i]);
    else if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) seconds = std::atoi(argv[++i]);
  }
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = std::min<rlim_t>(files.rlim_max, static_cast<rlim_t>(clients) * 2 + 256);
  setrlimit(RLIMIT_NOFILE, &files);

  // careflow: HttpServer + TelemetryHub, as careflow up wires them.
  http::Router router;
  http::HttpServerOptions options;
  options.port = 0;
  http::HttpServer server(options, router);
  api::TelemetryHub hub;
  hub.add_routes(router, server);
  if (!server.start()) return 1;
  const long rss_before = rss_kib();
  std::vector<int> fds;
  for (int i = 0; i < clients; ++i) fds.push_back(careflow::http::testing::connect_sse_stream(server.port()));
  while (hub.client_count() < static_cast<size_t>(clients)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  Receivers ours_rx(fds);
  const size_t ours_sent = publish_readings(seconds, [&](const nlohmann::json& r) { hub.publish(r); });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const long rss_during = rss_kib();
  const Lag ours = summarize(ours_rx.stop(), ours_sent * static_cast<size_t>(clients));
  for (int fd : fds) close(fd);

  // Peer: blocking write() of the same event text to every client socket from the publisher.
  std::vector<int> peer_server_side, peer_client_side;
  for (int i = 0; i < clients; ++i) {
    int pair[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
    peer_server_side.push_back(pair[0]);
    peer_client_side.push_back(pair[1]);
  }
  Receivers peer_rx(peer_client_side);
  const size_t peer_sent = publish_readings(seconds, [&](const nlohmann::json& r) {
    const std::string event = "event: telemetry\ndata: " + r.dump() + "\n\n";
    for (int fd : peer_server_side) (void)!write(fd, event.data(), event.size());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const Lag peer = summarize(peer_rx.stop(), peer_sent * static_cast<size_t>(clients));
  for (int fd : peer_server_side) close(fd);
  for (int fd : peer_client_side) close(fd);

  const std::string table = fmt::format(
      "{} clients, 15 readings/s for {} s (each reading to every client: {} events/s).\n\n"
      "| path | delivered | p50 lag | p99 lag | max lag |\n|---|---|---|---|---|\n"
      "| careflow TelemetryHub -> HttpServer SSE over loopback TCP | {}/{} | {:.2f} ms | {:.2f} ms | {:.2f} ms |\n"
      "| peer: blocking write() of the same bytes per client (socketpair) | {}/{} | {:.2f} ms | {:.2f} ms | {:.2f} ms |\n\n"
      "p99 ratio (careflow / peer): {:.2f}. RSS of the careflow side: {:.1f} MiB with {} streams open "
      "({:.1f} MiB before they connected). Target (issue 4): p99 < 50 ms.\n",
      clients, seconds, 15 * clients, ours.delivered, ours.expected, ours.p50_ms, ours.p99_ms, ours.max_ms, peer.delivered,
      peer.expected, peer.p50_ms, peer.p99_ms, peer.max_ms, peer.p99_ms > 0 ? ours.p99_ms / peer.p99_ms : 0.0,
      rss_during / 1024.0, clients, rss_before / 1024.0);
  fmt::print("{}", table);
  if (!markdown_path.empty()) std::ofstream(markdown_path) << table;
  server.stop();
  return 0;
}
