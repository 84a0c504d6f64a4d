#pragma once
// The device simulator: every tick (a round), each simulated device emits the metrics of its targets
// (sim/reading.h's DeviceTarget) with one shared timestamp, the round's event time from its
// StoryClock (story time by default in careflow up, or the wall clock): the prescribed target plus
// bounded noise inside half the tolerance, unless a defect overrides a metric. With
// NoiseOptions::outlier_probability > 0 a reading now and then lands outside its band (target ±
// tolerance) for that one reading: the single noisy readings real devices send and alerting must
// ignore. Targets are re-read from the store every tick, so a changed prescription shows at once.
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
#include "sim/story_clock.h"

namespace careflow::sim {

struct NoiseOptions {
  // The chance that one reading leaves its band (target ± tolerance), for that reading only. 0..1.
  // Metrics without a tolerance (a device's own settings) never do.
  double outlier_probability = 0;
  // How far past the band's edge such a reading lands at most, as a fraction of the tolerance
  // (0.5: up to half the tolerance beyond target ± tolerance); it lands at least a fifth of that
  // past the edge, so it is outside the band after rounding to two decimals. > 0.
  double outlier_size = 0.5;
};

struct SimulatorOptions {
  std::chrono::milliseconds tick_interval{1000};  // 1 tick/s per device; smaller for load
  uint64_t seed = 0;                              // 0 = a random seed
  StoryTimeOptions time = {};                     // the readings' event time (real time by default)
  NoiseOptions noise = {};                        // no outliers by default
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
  // Idempotent. Clears every defect still running: a stopped device has no active defect, and the
  // next start begins normal (a defect triggered while stopped waits for the next start).
  void stop();
  bool running() const;
  // {"running", "mode", "patientId", "ticks", "readings", "activeDefects": {device: defect},
  //  "lastError": null or why the last tick's readings were not written,
  //  "skippedDevices": {device: why} — devices the last tick left out because a stored value is
  //  out of range (each is also logged as an error when it first appears),
  //  "storyTime": the clock's StoryClock::status(),
  //  "insulin": {device: {"boluses": n, "units": total}} delivered since careflow started}
  nlohmann::json status() const;
  // OK, or Unavailable with the sink's error while the last write failed (a registry that does not
  // answer, a full disk): what GET /health reports for the simulator.
  Status health() const;

  // Runs `defect` on the device from its next tick. NotFound for an unknown device,
  // InvalidArgument for an unknown defect or a glucose spike on a device without BloodGlucose.
  Status trigger_defect(const std::string& device_id, const std::string& defect);

  // A bolus command for the device's pump (device.commands, sim/device_commands.h) issued at
  // `issued_at_ms` (event time): the pump acts on it when a glucose spike is playing on the device
  // and the command was issued at or after the spike's first round, and the glucose falls
  // (Defect::receive_insulin); true then, and counted in status()'s "insulin". Any other bolus
  // (no spike, or one computed from readings before it: a pipeline recomputing old commands) is
  // history, not an order: false. InvalidArgument for units that are not a positive finite number.
  Result<bool> deliver_insulin(const std::string& device_id, double units, int64_t issued_at_ms);

  // One tick at `ts_ms` for the selected devices (all when not started): the model itself.
  Result<std::vector<Reading>> tick(int64_t ts_ms);
  // One tick at the clock's next round (what the thread runs, without its sink).
  Result<std::vector<Reading>> tick_next_round() { return tick(clock_.next_round()); }

  // The event time of something a device reports now (a device event): the current round's story
  // time, or the wall clock in real time.
  int64_t event_time_ms() const { return clock_.now(); }
  // See StoryClock::resume_after.
  void resume_story_after(int64_t ms) { clock_.resume_after(ms); }

 private:
  void run();
  nlohmann::json insulin_json() const;  // under mutex_
  double noisy(const DeviceTarget::Metric& metric);

  const SimulatorOptions options_;
  TargetLoader load_targets_;
  Sink sink_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::mt19937_64 rng_;
  std::mt19937_64 outlier_rng_;
  StoryClock clock_;
  std::map<std::string, Defect> defects_;  // by device
  struct Insulin {
    int64_t boluses = 0;
    double units = 0;
  };
  std::map<std::string, Insulin> insulin_;  // by device
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
