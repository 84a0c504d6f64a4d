#pragma once
// Live telemetry fan-out: every reading goes to each connected Server-Sent Events client as
//   event: telemetry\ndata: {...}\n\n
// and into a ring of the latest readings (GET /telemetry/metrics); every device event (button press,
// power status, GPS: hc_raw_device_events' value) goes to them on the same stream as
//   event: device-event\ndata: {...}\n\n
// and into a ring of its own (GET /device-events/recent), so one connection carries both and a
// client listening for "telemetry" only is unaffected. A client that falls behind is
// dropped by its http::EventStream; publish() never waits for a client. After 15 s without a reading
// every client gets `event: ping` so proxies and browsers keep the connection.

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/guarded_thread.h"
#include "http/http_server.h"

namespace careflow::api {

class TelemetryHub {
 public:
  explicit TelemetryHub(size_t keep_recent = 200, std::chrono::milliseconds ping_after = std::chrono::seconds(15));
  ~TelemetryHub();

  void publish(const nlohmann::json& reading);
  void publish_device_event(const nlohmann::json& event);
  // Any other event on the same stream (the dashboards' "alert" and "fact"), kept in no ring.
  void publish_event(const std::string& event_name, const nlohmann::json& data);
  nlohmann::json recent() const;  // oldest first
  nlohmann::json recent_device_events() const;  // oldest first
  void attach(std::shared_ptr<http::EventStream> client);
  size_t client_count() const;
  // OK, or Unavailable once the ping thread failed (GET /health's "telemetry" component).
  Status health() const { return pinger_.health(); }

  // Registers GET /telemetry/metrics and /device-events/recent on the router and /telemetry/stream
  // on the server.
  void add_routes(http::Router& router, http::HttpServer& server);

 private:
  void ping_loop();
  void send_to_clients(const std::string& event_name, const nlohmann::json& data, std::deque<nlohmann::json>* ring);

  const size_t keep_recent_;
  const std::chrono::milliseconds ping_after_;
  mutable std::mutex mutex_;
  std::deque<nlohmann::json> recent_;
  std::deque<nlohmann::json> recent_device_events_;
  std::vector<std::shared_ptr<http::EventStream>> clients_;
  std::chrono::steady_clock::time_point last_event_ = std::chrono::steady_clock::now();
  bool stopping_ = false;
  std::condition_variable wake_;
  http::GuardedThread pinger_;  // last: starts once everything it reads exists
};

}  // namespace careflow::api
