#pragma once
// The limits every careflow listener applies to its sockets (issue 15, "Trust"): the HTTP API and
// Schema Registry, and the Kafka listener. They come from one set of keys, http.max_connections and
// http.*_timeout_ms, read in one place, so no listener is left without them.

#include <chrono>
#include <cstddef>

#include "common/config.h"

namespace careflow {

struct ListenerLimits {
  size_t max_connections = 1024;              // open connections per listener
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  // From a request's first byte to its last, for protocols without a header/body split (Kafka).
  std::chrono::milliseconds request_timeout() const { return header_timeout + body_timeout; }
};

ListenerLimits listener_limits(const Config& config);

}  // namespace careflow
