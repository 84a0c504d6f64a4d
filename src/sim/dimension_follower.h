#pragma once
// The dimension topics (sim/dimension_seed.h) following the store while careflow up runs: a
// committed change to devices or patients, whoever made it (the API moving a device to another
// patient or adding one, psql, the OTA follower installing firmware), runs the seed again, which
// appends only what changed: a moved device's new assignment, a new device's assignment and
// allowlist entry, a patient's new time zone, a deleted device's or patient's tombstones. The
// button routing, the geofence and the OTA commands then join with the store as it is, not as it
// was at start.
//
// Changes are heard through the tables' notifications (store::ChangeListener, migration 3); after a
// lost connection every table counts as changed, so nothing is missed. Each round stamps its
// records with `event_time()` then (the simulator's event time, as at start). A device or patient
// deleted from the store gets a tombstone on the topics keyed by it, so the pipelines' upsert tables
// delete its row.
//
// Thread-safe: rounds run one at a time (the listener's thread, and the first one in start()).

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "log/topics.h"
#include "sim/device_records.h"
#include "sim/dimension_seed.h"
#include "store/change_listener.h"
#include "store/database.h"

namespace careflow::sim {

struct DimensionFollowerState {
  DimensionSeedReport first;       // the first round's report (what the banner shows)
  int rounds = 0;                  // rounds run so far, the first included
  int appended = 0;                // records they appended
  Status health = Status::ok();    // Unavailable with the last round's error while none has succeeded since
};

class DimensionFollower {
 public:
  // Listens first, then seeds once (so a change committed meanwhile is seeded by a later round) and
  // returns. `db`, `topics` and `encoder` must outlive the follower. Unavailable when the listening
  // connection cannot be made; a failed seed is not an error here (health() reports it and the next
  // change tries again).
  static Result<std::unique_ptr<DimensionFollower>> start(const std::string& conninfo, store::Database& db, log::Topics& topics,
                                                          DeviceRecordEncoder& encoder, log::TopicConfig topic_config,
                                                          std::function<int64_t()> event_time);
  ~DimensionFollower();  // stops listening; a round under way finishes first

  DimensionFollowerState state() const;
  Status health() const { return state().health; }

 private:
  DimensionFollower(store::Database& db, log::Topics& topics, DeviceRecordEncoder& encoder, log::TopicConfig topic_config,
                    std::function<int64_t()> event_time)
      : db_(db), topics_(topics), encoder_(encoder), topic_config_(std::move(topic_config)), event_time_(std::move(event_time)) {}
  void round();

  store::Database& db_;
  log::Topics& topics_;
  DeviceRecordEncoder& encoder_;
  const log::TopicConfig topic_config_;
  const std::function<int64_t()> event_time_;
  mutable std::mutex mutex_;  // one round at a time; guards state_
  DimensionFollowerState state_;
  std::unique_ptr<store::ChangeListener> listener_;  // last: stops before the rest goes
};

}  // namespace careflow::sim
