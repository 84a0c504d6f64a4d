#include "sim/defects.h"

#include <algorithm>
#include <cmath>

namespace careflow::sim {
namespace {

// The reference simulator's sequences.
const std::vector<double> kFlowLevelDown = {60, 50, 40, 30, 20, 15, 10, 0};
const std::vector<double> kPressureOscillate = {12, 16, 22, 21, 18, 15, 22, 19, 16, 13, 10};
const std::vector<double> kFlowRateDown = {2.5, 2.0, 1.0, 0.5, 0.0, 0.7, 1.4, 2.1, 1.3, 1.0, 0.7, 0.4, 0.1};
// Glucose spike (careflow's own): the rise, then a plateau at the peak (Defect::kGlucosePlateauRounds)
// waiting for insulin, then, without any, the way back on its own.
const std::vector<double> kGlucoseRise = {140, 170, 200, 230, 260, 290, 310};
const std::vector<double> kGlucoseRecovery = {300, 270, 230};

// Clogged filter: 4 minutes at one tick per second, pressure compounding 12 % per minute.
constexpr int kCloggedTicks = 240;
constexpr double kCloggedGrowthPerMinute = 1.12;

}  // namespace

const std::vector<std::string>& defect_names() {
  static const std::vector<std::string> names = {"flow_level_down", "pressure_oscillate", "flow_rate_down",
                                                 "clogged_filter", "glucose_spike"};
  return names;
}

std::optional<Defect> Defect::make(std::string_view name) {
  Defect d;
  d.name_ = std::string(name);
  if (name == "flow_level_down") d.length_ = static_cast<int>(kFlowLevelDown.size());
  else if (name == "pressure_oscillate") d.length_ = static_cast<int>(kPressureOscillate.size());
  else if (name == "flow_rate_down") d.length_ = static_cast<int>(kFlowRateDown.size());
  else if (name == "clogged_filter") d.length_ = kCloggedTicks;
  else if (name == "glucose_spike") {
    d.length_ = static_cast<int>(kGlucoseRise.size() + kGlucosePlateauRounds + kGlucoseRecovery.size());
  }
  else return std::nullopt;
  return d;
}

// Without insulin the rounds play by position: rise, plateau, recovery. Once insulin arrived the
// level falls by what the insulin still owes (at most kGlucoseFallPerRound a round), then drifts
// back kGlucoseDriftPerRound a round to the device's normal target, where the spike ends (normal
// noisy readings from the next round). Its length only bounds the rounds without insulin: with
// it, the spike lasts until the level is back, at most (310 - target) / 10 rounds more.
std::map<std::string, Defect::Override> Defect::next_glucose(const std::map<std::string, double>& targets) {
  const int i = step_ - 1;
  const int rise = static_cast<int>(kGlucoseRise.size());
  if (insulin_units_ == 0) {
    if (i < rise) glucose_ = kGlucoseRise[static_cast<size_t>(i)];
    else if (i < rise + kGlucosePlateauRounds) glucose_ = kGlucoseRise.back();
    else glucose_ = kGlucoseRecovery[static_cast<size_t>(i - rise - kGlucosePlateauRounds)];
    return {{"BloodGlucose", {glucose_, true}}};
  }
  auto target = targets.find("BloodGlucose");
  const double normal = target == targets.end() ? 0 : target->second;
  const double above = std::max(0.0, glucose_ - normal);
  const double fall = glucose_drop_due_ > 0 ? std::min({glucose_drop_due_, kGlucoseFallPerRound, above})
                                            : std::min(kGlucoseDriftPerRound, above);
  glucose_ -= fall;
  glucose_drop_due_ = std::max(0.0, glucose_drop_due_ - fall);
  step_ = glucose_ <= normal ? length_ : std::min(step_, length_ - 1);
  return {{"BloodGlucose", {glucose_, true}}};
}

bool Defect::receive_insulin(double units) {
  if (name_ != "glucose_spike" || !(units > 0) || !std::isfinite(units) || step_ == 0 || finished()) return false;
  insulin_units_ += units;
  glucose_drop_due_ += units * kGlucosePerInsulinUnit;
  return true;
}

std::map<std::string, Defect::Override> Defect::next(const std::map<std::string, double>& targets) {
  std::map<std::string, Override> out;
  if (finished()) return out;
  const int i = step_++;
  if (name_ == "flow_level_down") out["FlowLevel"] = {kFlowLevelDown[i], true};
  else if (name_ == "pressure_oscillate") out["Pressure"] = {kPressureOscillate[i], true};
  else if (name_ == "flow_rate_down") out["FlowRate"] = {kFlowRateDown[i], true};
  else if (name_ == "glucose_spike") return next_glucose(targets);
  else if (name_ == "clogged_filter") {
    auto pressure = targets.find("Pressure");
    auto flow = targets.find("FlowRate");
    const double base = pressure == targets.end() ? 10.0 : pressure->second;
    out["Pressure"] = {base * std::pow(kCloggedGrowthPerMinute, i / 60.0), true};
    if (flow != targets.end()) out["FlowRate"] = {flow->second, true};
  }
  return out;
}

}  // namespace careflow::sim
