#include "sim/simulator.h"

#include "common/clock.h"
#include "common/exception_guard.h"
#include "common/logging.h"
#include "store/value_checks.h"

#include <fmt/format.h>

#include <cmath>

namespace careflow::sim {

Simulator::Simulator(SimulatorOptions options, TargetLoader targets, Sink sink)
    : options_(options),
      load_targets_(std::move(targets)),
      sink_(std::move(sink)),
      rng_(options.seed ? options.seed : std::random_device{}()),
      // Its own stream: the in-band values of a seed stay the same whatever the outlier settings.
      outlier_rng_(options.seed ? options.seed ^ 0x6f75746c69657273ull /* "outliers" */ : std::random_device{}()),
      clock_(options.time) {}

Simulator::~Simulator() { stop(); }

Status Simulator::start(std::optional<std::string> patient_id) {
  CF_ASSIGN_OR_RETURN(auto targets, load_targets_());
  std::unique_lock lock(mutex_);
  if (running_) return Status::failed_precondition("the simulation is already running; stop it first");
  if (patient_id) {
    const bool has_device = std::any_of(targets.begin(), targets.end(),
                                        [&](const DeviceTarget& t) { return t.patient_id == *patient_id; });
    if (!has_device) return Status::not_found(fmt::format("patient '{}' has no device with a prescription", *patient_id));
  }
  if (thread_.joinable()) {  // a previous run's thread has finished
    lock.unlock();
    thread_.join();
    lock.lock();
  }
  patient_filter_ = std::move(patient_id);
  running_ = true;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
  return Status::ok();
}

void Simulator::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    running_ = false;
    defects_.clear();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool Simulator::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

nlohmann::json Simulator::status() const {
  std::lock_guard lock(mutex_);
  nlohmann::json defects = nlohmann::json::object();
  for (const auto& [device, d] : defects_) {
    if (!d.finished()) defects[device] = d.name();
  }
  return {{"running", running_},
          {"mode", patient_filter_ ? "single" : "all"},
          {"patientId", patient_filter_ ? nlohmann::json(*patient_filter_) : nlohmann::json(nullptr)},
          {"ticks", ticks_},
          {"readings", readings_},
          {"activeDefects", defects},
          {"lastError", sink_error_ ? nlohmann::json(sink_error_->to_string()) : nlohmann::json(nullptr)},
          {"skippedDevices", skipped_},
          {"storyTime", clock_.status()},
          {"insulin", insulin_json()}};
}

nlohmann::json Simulator::insulin_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [device, given] : insulin_) out[device] = {{"boluses", given.boluses}, {"units", given.units}};
  return out;
}

Result<bool> Simulator::deliver_insulin(const std::string& device_id, double units, int64_t issued_at_ms) {
  if (!(units > 0) || !std::isfinite(units)) {
    return Status::invalid_argument(fmt::format("bolus for device '{}': {} units is not a positive dose", device_id, units));
  }
  std::lock_guard lock(mutex_);
  auto d = defects_.find(device_id);
  if (d == defects_.end() || d->second.started_ms() < 0 || issued_at_ms < d->second.started_ms() ||
      !d->second.receive_insulin(units)) {
    return false;
  }
  Insulin& given = insulin_[device_id];
  ++given.boluses;
  given.units += units;
  return true;
}

Status Simulator::health() const {
  std::lock_guard lock(mutex_);
  if (!sink_error_) return Status::ok();
  return Status::unavailable(fmt::format("the simulator's readings are not being written: {}", sink_error_->to_string()));
}

Status Simulator::trigger_defect(const std::string& device_id, const std::string& defect) {
  auto made = Defect::make(defect);
  if (!made) {
    std::string known;
    for (const std::string& n : defect_names()) known += (known.empty() ? "" : ", ") + n;
    return Status::invalid_argument(fmt::format("unknown defect '{}'; known: {}", defect, known));
  }
  CF_ASSIGN_OR_RETURN(auto targets, load_targets_());
  auto device = std::find_if(targets.begin(), targets.end(), [&](const DeviceTarget& t) { return t.device_id == device_id; });
  if (device == targets.end()) return Status::not_found(fmt::format("device '{}' not found", device_id));
  if (defect == "glucose_spike" &&
      std::none_of(device->metrics.begin(), device->metrics.end(), [](const auto& m) { return m.name == "BloodGlucose"; })) {
    return Status::invalid_argument(fmt::format(
        "device '{}' has no BloodGlucose target in its prescription; glucose_spike needs an insulin-pump prescription",
        device_id));
  }
  std::lock_guard lock(mutex_);
  defects_.insert_or_assign(device_id, std::move(*made));
  return Status::ok();
}

Result<std::vector<Reading>> Simulator::tick(int64_t ts_ms) {
  CF_ASSIGN_OR_RETURN(auto targets, load_targets_());
  std::lock_guard lock(mutex_);
  std::vector<Reading> out;
  std::map<std::string, std::string> skipped;
  for (const DeviceTarget& device : targets) {
    if (patient_filter_ && device.patient_id != *patient_filter_) continue;
    if (!device.invalid.empty()) {
      auto before = skipped_.find(device.device_id);
      if (before == skipped_.end() || before->second != device.invalid) {
        log_error("sim", "device skipped: a stored value is out of range",
                  {{"device", device.device_id}, {"reason", device.invalid}});
      }
      skipped.emplace(device.device_id, device.invalid);
      continue;
    }
    std::map<std::string, double> normal;
    for (const auto& m : device.metrics) normal[m.name] = m.target;
    std::map<std::string, Defect::Override> overrides;
    if (auto d = defects_.find(device.device_id); d != defects_.end()) {
      if (d->second.started_ms() < 0) d->second.set_started_ms(ts_ms);
      overrides = d->second.next(normal);
      if (d->second.finished()) defects_.erase(d);
    }
    for (const auto& m : device.metrics) {
      double value;
      if (auto o = overrides.find(m.name); o != overrides.end()) {
        value = o->second.value;
      } else {
        value = noisy(m);
      }
      // Two decimals, as a device display would report it.
      value = std::round(value * 100) / 100;
      out.push_back({device.device_id, device.patient_id, ts_ms, m.name, value, device.software_version});
    }
  }
  skipped_ = std::move(skipped);
  ++ticks_;
  readings_ += static_cast<int64_t>(out.size());
  return out;
}

double Simulator::noisy(const DeviceTarget::Metric& m) {
  const double spread = m.tolerance / 2;
  const double in_band = m.target + std::uniform_real_distribution<double>(-spread, spread)(rng_);
  if (options_.noise.outlier_probability <= 0 || m.tolerance <= 0) return in_band;
  std::uniform_real_distribution<double> unit(0, 1);
  if (unit(outlier_rng_) >= options_.noise.outlier_probability) return in_band;
  const double beyond = m.tolerance * options_.noise.outlier_size * (0.2 + 0.8 * unit(outlier_rng_));
  const bool up = unit(outlier_rng_) < 0.5;
  // Never outside what the metric can be (a level above 100 %): then the other side, or no outlier.
  const auto range = store::parameter_range(m.name);
  const auto possible = [&](double v) { return !range || (v >= range->min && v <= range->max); };
  const double high = m.target + m.tolerance + beyond, low = m.target - m.tolerance - beyond;
  if (possible(up ? high : low)) return up ? high : low;
  if (possible(up ? low : high)) return up ? low : high;
  return in_band;
}

void Simulator::run() {
  auto next = std::chrono::steady_clock::now();
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_until(lock, next, [&] { return stopping_; })) return;
    }
    next += options_.tick_interval;
    // A bug in a tick is reported as the simulator failing (/health, lastError), never the process.
    Status ticked = catch_exceptions("the simulator's tick", [this] {
      auto readings = tick_next_round();
      return readings && !readings->empty() ? sink_(*readings) : Status::ok();
    });
    {
      std::lock_guard lock(mutex_);
      if (ticked) sink_error_.reset();
      else sink_error_ = std::move(ticked);
    }
    // After a stall (a slow database), do not fire a burst of ticks to catch up.
    if (next < std::chrono::steady_clock::now()) next = std::chrono::steady_clock::now() + options_.tick_interval;
  }
}

}  // namespace careflow::sim
