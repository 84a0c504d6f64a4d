#include "sim/defects.h"

#include <cmath>

namespace careflow::sim {
namespace {

// The reference simulator's sequences.
const std::vector<double> kFlowLevelDown = {60, 50, 40, 30, 20, 15, 10, 0};
const std::vector<double> kPressureOscillate = {12, 16, 22, 21, 18, 15, 22, 19, 16, 13, 10};
const std::vector<double> kFlowRateDown = {2.5, 2.0, 1.0, 0.5, 0.0, 0.7, 1.4, 2.1, 1.3, 1.0, 0.7, 0.4, 0.1};
const std::vector<double> kGlucoseSpike = {140, 170, 200, 230, 260, 290, 310, 300, 270, 230};

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
  else if (name == "glucose_spike") d.length_ = static_cast<int>(kGlucoseSpike.size());
  else return std::nullopt;
  return d;
}

std::map<std::string, Defect::Override> Defect::next(const std::map<std::string, double>& targets) {
  std::map<std::string, Override> out;
  if (finished()) return out;
  const int i = step_++;
  if (name_ == "flow_level_down") out["FlowLevel"] = {kFlowLevelDown[i], true};
  else if (name_ == "pressure_oscillate") out["Pressure"] = {kPressureOscillate[i], true};
  else if (name_ == "flow_rate_down") out["FlowRate"] = {kFlowRateDown[i], true};
  else if (name_ == "glucose_spike") out["BloodGlucose"] = {kGlucoseSpike[i], true};
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
