#pragma once
// Where the simulator's readings go: each tick's readings become records on the metrics topic (all
// or none, in the encoder's format), and only once they are in the log are they handed to every
// listener (the API's live stream). The simulator's Sink is write(); it runs on the simulator's
// thread. A write error is logged once per distinct error and once on recovery, not every tick
// (GET /health and /simulation/status report it meanwhile).

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "log/topics.h"
#include "sim/device_records.h"
#include "sim/reading.h"

namespace careflow::sim {

class ReadingFanOut {
 public:
  using Listener = std::function<void(const Reading&)>;

  // `encoder` and `topics` must outlive the fan-out.
  ReadingFanOut(DeviceRecordEncoder& encoder, log::Topics& topics, std::string topic);

  // Called with every reading written from now on, in order. Add listeners before the simulator
  // starts; a listener must not block.
  void add_listener(Listener listener);

  // One tick's readings to the topic, then to the listeners. The encoder's or the log's error
  // (named with the topic) when they were not written; an exception thrown on the way is an
  // Internal error, never the simulator thread's end.
  Status write(const std::vector<Reading>& readings);

 private:
  Status write_unguarded(const std::vector<Reading>& readings);
  void log_outcome(const Status& written);

  DeviceRecordEncoder& encoder_;
  log::Topics& topics_;
  const std::string topic_;
  std::vector<Listener> listeners_;
  std::mutex mutex_;
  std::string error_logged_;  // the last logged write error, to log each once
};

}  // namespace careflow::sim
