#pragma once
// One device measurement, with the reference stack's field names (hc_raw_device_metrics).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace careflow::sim {

struct Reading {
  std::string device_id;
  std::string patient_id;
  int64_t ts = 0;  // epoch milliseconds; every metric of one tick shares it
  std::string metric_name;  // Pressure, FlowRate, FlowLevel, BloodGlucose
  double metric_value = 0;
  std::string software_version;

  nlohmann::json to_json() const {
    return {{"device_id", device_id}, {"patient_id", patient_id}, {"ts", ts},
            {"metric_name", metric_name}, {"metric_value", metric_value}, {"software_version", software_version}};
  }
  bool operator==(const Reading&) const = default;
};

// What a device should do: the targets of its current prescription.
struct DeviceTarget {
  std::string device_id;
  std::string patient_id;
  std::string software_version;
  struct Metric {
    std::string name;
    double target = 0;
    double tolerance = 0;
  };
  std::vector<Metric> metrics;  // in the prescription's order
  // Why the device cannot be simulated (a stored setting or parameter outside its range, which
  // rows written before the API checked ranges can hold); empty when it can. Such a device has no
  // metrics: the simulator skips it and reports it, it never guesses a value.
  std::string invalid = {};
};

}  // namespace careflow::sim
