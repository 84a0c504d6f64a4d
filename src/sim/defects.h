#pragma once
// Device defects the demonstration can trigger. Each overrides one or more metrics for a fixed
// number of ticks, then the device returns to normal.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace careflow::sim {

// The names the API accepts: flow_level_down, pressure_oscillate, flow_rate_down (the reference's
// sequences), clogged_filter (Pressure rising > 10 %/min for 4 min while FlowRate stays constant),
// glucose_spike (BloodGlucose rising past 250 mg/dL).
const std::vector<std::string>& defect_names();

class Defect {
 public:
  // nullopt for an unknown name.
  static std::optional<Defect> make(std::string_view name);

  const std::string& name() const { return name_; }
  bool finished() const { return step_ >= length_; }
  int length() const { return length_; }

  // The overridden values for the next tick, given the normal targets by metric name; advances.
  // A metric absent from the result follows its normal (noisy) value; one mapped to a value with
  // `exact` set is emitted without noise.
  struct Override {
    double value;
    bool exact;
  };
  std::map<std::string, Override> next(const std::map<std::string, double>& targets);

 private:
  std::string name_;
  int step_ = 0;
  int length_ = 0;
};

}  // namespace careflow::sim
