#include "common/listener_limits.h"

namespace careflow {

ListenerLimits listener_limits(const Config& config) {
  ListenerLimits limits;
  limits.max_connections = static_cast<size_t>(config.integer("http.max_connections"));
  limits.idle_timeout = std::chrono::milliseconds(config.integer("http.idle_timeout_ms"));
  limits.header_timeout = std::chrono::milliseconds(config.integer("http.header_timeout_ms"));
  limits.body_timeout = std::chrono::milliseconds(config.integer("http.body_timeout_ms"));
  return limits;
}

}  // namespace careflow
