#pragma once
// The device simulator: every tick, each simulated device emits Pressure, FlowRate and FlowLevel
// (and BloodGlucose when its prescription has it) with one shared timestamp: the prescribed target
// plus bounded noise inside half the tolerance, unless a defect overrides a metric. Targets are
// re-read from the store every tick, so a changed prescription shows at once.
//
// Deterministic given a seed: tick() is the whole model, and the thread only calls it on a clock.

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "sim/defects.h"
#include "sim/reading.h"

namespace careflow::sim {

struct SimulatorOptions {
  std::chrono::milliseconds tick_interval{1000};  // 1 tick/s per device; smaller for load
  uint64_t seed = 0;                              // 0 = a random seed
};

class Simulator {
 public:
  using TargetLoader = std::function<Result<std::vector<DeviceTarget>>()>;
  // Writes one tick's readings, all or none. An error is kept as the simulator's last error (status()
  // and health()) until a later tick's write succeeds; the simulator keeps ticking.
  using Sink = std::function<Status(const std::vector<Reading>&)>;

  Simulator(SimulatorOptions options, TargetLoader targets, Sink sink);
  ~Simulator();

  // Starts ticking every device, or only `patient_id`'s devices. FailedPrecondition when already
  // running; NotFound when the patient has no device with a prescription.
  Status start(std::optional<std::string> patient_id = std::nullopt);
  // Idempotent.
  void stop();
  bool running() const;
  // {"running", "mode", "patientId", "ticks", "readings", "activeDefects": {device: defect},
  //  "lastError": null or why the last tick's readings were not written,
  //  "skippedDevices": {device: why} — devices the last tick left out because a stored value is
  //  out of range (each is also logged as an error when it first appears)}
  nlohmann::json status() const;
  // OK, or Unavailable with the sink's error while the last write failed (a registry that does not
  // answer, a full disk): what GET /health reports for the simulator.
  Status health() const;

  // Runs `defect` on the device from its next tick. NotFound for an unknown device,
  // InvalidArgument for an unknown defect or a glucose spike on a device without BloodGlucose.
  Status trigger_defect(const std::string& device_id, const std::string& defect);

  // One tick at `ts_ms` for the selected devices (all when not started): the model itself.
  Result<std::vector<Reading>> tick(int64_t ts_ms);

 private:
  void run();

  const SimulatorOptions options_;
  TargetLoader load_targets_;
  Sink sink_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::mt19937_64 rng_;
  std::map<std::string, Defect> defects_;  // by device
  std::optional<std::string> patient_filter_;
  bool running_ = false;
  bool stopping_ = false;
  int64_t ticks_ = 0;
  int64_t readings_ = 0;
  std::optional<Status> sink_error_;  // of the last tick that had readings
  std::map<std::string, std::string> skipped_;  // device -> DeviceTarget::invalid, as of the last tick
  std::thread thread_;
};

}  // namespace careflow::sim
