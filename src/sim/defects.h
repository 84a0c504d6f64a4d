#pragma once
// Device defects the demonstration can trigger. Each overrides one or more metrics for a fixed
// number of ticks, then the device returns to normal.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace careflow::sim {

// The names the API accepts: flow_level_down, pressure_oscillate, flow_rate_down (the reference's
// sequences), clogged_filter (Pressure rising > 10 %/min for 4 min while FlowRate stays constant),
// glucose_spike (BloodGlucose rising past 250 mg/dL and staying high until insulin brings it down:
// receive_insulin, what the pump does with a bolus command from device.commands).
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

  // A bolus the pump delivered: each unit lowers glucose by kGlucosePerInsulinUnit, spread over the
  // next rounds at most kGlucoseFallPerRound a round (insulin acts over time), never below the
  // device's normal target; then the level drifts back to that target and the spike is over. False (nothing happens) for
  // any defect but glucose_spike or for units that are not a positive number.
  bool receive_insulin(double units);
  // The event time of the defect's first round (set by the simulator when it plays it), or -1.
  int64_t started_ms() const { return started_ms_; }
  void set_started_ms(int64_t ms) { started_ms_ = ms; }
  double insulin_received() const { return insulin_units_; }

  // glucose_spike's rounds at the peak waiting for insulin before it goes back on its own: four
  // hours of story time, room for a bolus to come through the pipelines' checkpoints.
  static constexpr int kGlucosePlateauRounds = 48;
  static constexpr double kGlucosePerInsulinUnit = 50;  // mg/dL per unit: the correction factor
  static constexpr double kGlucoseFallPerRound = 40;    // mg/dL while insulin acts
  static constexpr double kGlucoseDriftPerRound = 10;   // mg/dL back to normal once it has acted

 private:
  std::map<std::string, Override> next_glucose(const std::map<std::string, double>& targets);

  std::string name_;
  int step_ = 0;
  int length_ = 0;
  // glucose_spike only: the level of the last round and the fall insulin still owes.
  double glucose_ = 0;
  double glucose_drop_due_ = 0;
  double insulin_units_ = 0;
  int64_t started_ms_ = -1;
};

}  // namespace careflow::sim
