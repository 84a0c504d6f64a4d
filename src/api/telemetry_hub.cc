#include "api/telemetry_hub.h"

#include <algorithm>

namespace careflow::api {

TelemetryHub::TelemetryHub(size_t keep_recent, std::chrono::milliseconds ping_after)
    : keep_recent_(keep_recent), ping_after_(ping_after), pinger_("telemetry", [this] { ping_loop(); }) {}

TelemetryHub::~TelemetryHub() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  pinger_.join();
  for (auto& c : clients_) c->close();
}

void TelemetryHub::publish(const nlohmann::json& reading) { send_to_clients("telemetry", reading, &recent_); }

void TelemetryHub::publish_device_event(const nlohmann::json& event) {
  send_to_clients("device-event", event, &recent_device_events_);
}

void TelemetryHub::publish_event(const std::string& event_name, const nlohmann::json& data) {
  send_to_clients(event_name, data, nullptr);
}

void TelemetryHub::send_to_clients(const std::string& event_name, const nlohmann::json& data, std::deque<nlohmann::json>* ring) {
  // Formatted once and shared by every client's queue.
  auto event = std::make_shared<const std::string>("event: " + event_name + "\ndata: " + data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n");
  std::lock_guard lock(mutex_);
  if (ring) {
    ring->push_back(data);
    if (ring->size() > keep_recent_) ring->pop_front();
  }
  last_event_ = std::chrono::steady_clock::now();
  std::erase_if(clients_, [&](const std::shared_ptr<http::EventStream>& c) { return !c->send(event); });
}

nlohmann::json TelemetryHub::recent() const {
  std::lock_guard lock(mutex_);
  return nlohmann::json(recent_);
}

nlohmann::json TelemetryHub::recent_device_events() const {
  std::lock_guard lock(mutex_);
  return nlohmann::json(recent_device_events_);
}

void TelemetryHub::attach(std::shared_ptr<http::EventStream> client) {
  // A comment line first, so the client sees the stream open before the first reading.
  client->send(": connected\n\n");
  std::lock_guard lock(mutex_);
  clients_.push_back(std::move(client));
}

size_t TelemetryHub::client_count() const {
  std::lock_guard lock(mutex_);
  return static_cast<size_t>(std::count_if(clients_.begin(), clients_.end(), [](const auto& c) { return c->is_open(); }));
}

void TelemetryHub::ping_loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto due = last_event_ + ping_after_;
    if (std::chrono::steady_clock::now() >= due) {
      auto ping = std::make_shared<const std::string>("event: ping\ndata: {}\n\n");
      std::erase_if(clients_, [&](const std::shared_ptr<http::EventStream>& c) { return !c->send(ping); });
      last_event_ = std::chrono::steady_clock::now();
      continue;
    }
    wake_.wait_until(lock, due);
  }
}

void TelemetryHub::add_routes(http::Router& router, http::HttpServer& server) {
  router.add("GET", "/telemetry/metrics", [this](http::HttpRequest&) { return http::HttpResponse::json(200, recent()); },
             "The latest readings (at most 200), oldest first");
  router.add("GET", "/device-events/recent",
             [this](http::HttpRequest&) { return http::HttpResponse::json(200, recent_device_events()); },
             "The latest device events since careflow started, oldest first (live: event device-event on /telemetry/stream)");
  server.add_stream("/telemetry/stream", [this](const http::HttpRequest&, std::shared_ptr<http::EventStream> client) {
    attach(std::move(client));
  });
}

}  // namespace careflow::api
