#include "api/dashboard_feed.h"

#include <fmt/format.h>

namespace careflow::api {

DashboardFeed::DashboardFeed(log::Topics& topics, RegistryFactory registry, TelemetryHub* hub, std::string cdc_prefix,
                             DashboardLimits limits)
    : state_(std::move(cdc_prefix), limits), hub_(hub) {
  for (const std::string& topic : state_.topics()) {
    followers_.push_back(std::make_unique<TopicFollower>(topics, topic, registry, [this](const FollowedRecord& r) {
      const std::string id = fmt::format("{}/{}/{}", r.topic, r.partition, r.offset);
      auto update = state_.add(r.topic, r.change.row, r.change.op, r.timestamp_ms, id);
      if (update && r.live && hub_) hub_->publish_event(update->event, update->data);
    }));
  }
}

DashboardFeed::~DashboardFeed() { followers_.clear(); }

std::map<std::string, FollowerStatus> DashboardFeed::status() const {
  std::map<std::string, FollowerStatus> out;
  for (const auto& f : followers_) out[f->topic()] = f->status();
  return out;
}

FollowerStatus DashboardFeed::status(const std::string& topic) const {
  for (const auto& f : followers_) {
    if (f->topic() == topic) return f->status();
  }
  return {};
}

Status DashboardFeed::health() const {
  for (const auto& f : followers_) {
    if (Status s = f->health(); !s) return s;
  }
  return Status::ok();
}

}  // namespace careflow::api
