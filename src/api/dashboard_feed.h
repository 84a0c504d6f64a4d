#pragma once
// The dashboards' consumers: one TopicFollower per fact, alert and CDC topic feeding one
// DashboardState, and what arrives live (not the history replayed at start) pushed to the
// TelemetryHub's stream as `event: alert` / `event: fact` / `event: alert-retracted`.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/dashboard_state.h"
#include "api/telemetry_hub.h"
#include "api/topic_follower.h"
#include "log/topics.h"

namespace careflow::api {

class DashboardFeed {
 public:
  // `hub` may be null (nothing pushed live).
  DashboardFeed(log::Topics& topics, RegistryFactory registry, TelemetryHub* hub, std::string cdc_prefix = "healthcare",
                DashboardLimits limits = {});
  ~DashboardFeed();  // stops the followers before the state they feed goes

  const DashboardState& state() const { return state_; }
  // Per topic: whether it exists, rows decoded, values skipped and why.
  std::map<std::string, FollowerStatus> status() const;
  FollowerStatus status(const std::string& topic) const;
  // OK, or Unavailable naming the first follower whose thread failed.
  Status health() const;

 private:
  DashboardState state_;
  TelemetryHub* hub_;
  std::vector<std::unique_ptr<TopicFollower>> followers_;  // last: they use the state
};

}  // namespace careflow::api
