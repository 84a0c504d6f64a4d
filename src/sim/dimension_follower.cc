#include "sim/dimension_follower.h"

#include <fmt/format.h>

#include "common/logging.h"

namespace careflow::sim {

Result<std::unique_ptr<DimensionFollower>> DimensionFollower::start(const std::string& conninfo, store::Database& db,
                                                                    log::Topics& topics, DeviceRecordEncoder& encoder,
                                                                    log::TopicConfig topic_config,
                                                                    std::function<int64_t()> event_time) {
  std::unique_ptr<DimensionFollower> follower(
      new DimensionFollower(db, topics, encoder, std::move(topic_config), std::move(event_time)));
  // Prescriptions change nothing on these topics.
  CF_ASSIGN_OR_RETURN(follower->listener_,
                      store::ChangeListener::start(conninfo, [f = follower.get()](const std::string& table) {
                        if (table == "devices" || table == "patients") f->round();
                      }));
  follower->round();
  return follower;
}

DimensionFollower::~DimensionFollower() { listener_.reset(); }

void DimensionFollower::round() {
  std::lock_guard lock(mutex_);
  auto seeded = seed_dimension_topics(db_, topics_, encoder_, topic_config_, event_time_());
  ++state_.rounds;
  if (!seeded) {
    const bool first_failure = state_.health.is_ok();
    state_.health =
        Status::unavailable(fmt::format("the dimension topics do not follow the store: {}", seeded.status().to_string()));
    if (first_failure) log_error("sim", "dimension topics not updated", {{"error", seeded.status().to_string()}});
    return;
  }
  if (state_.rounds == 1) state_.first = *seeded;
  state_.appended += seeded->appended;
  if (!state_.health.is_ok()) log_info("sim", "dimension topics follow the store again", {});
  state_.health = Status::ok();
  if (state_.rounds > 1 && seeded->appended > 0) {
    log_info("sim", "dimension topics updated from the store", {{"appended", std::to_string(seeded->appended)}});
  }
}

DimensionFollowerState DimensionFollower::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

}  // namespace careflow::sim
