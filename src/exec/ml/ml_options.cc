// Parameter names, kinds and ranges of ML_DETECT_ANOMALIES / ML_FORECAST (ml_options.h).
#include "exec/ml/ml_options.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "exec/ml/arima.h"

namespace careflow::exec::ml {

namespace {

constexpr const char* kKnown =
    "minTrainingSize, maxTrainingSize, confidencePercentage, enableStl, m, p, d, q, horizon, evalWindowSize, "
    "updateInterval";

// The number a parameter's value holds: an integer, a DOUBLE, or a STRING spelling a number.
std::optional<double> number_of(const values::Value& v) {
  if (v.is_int()) return static_cast<double>(v.as_int());
  if (v.is_double()) return v.as_double();
  if (v.is_string()) {
    const std::string& s = v.as_string();
    double d = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec == std::errc() && end == s.data() + s.size()) return d;
  }
  return std::nullopt;
}

Status integer_in(std::string_view name, const values::Value& v, int lo, int hi, int* out) {
  const std::optional<double> n = number_of(v);
  if (!n || !std::isfinite(*n) || std::floor(*n) != *n) {
    return Status::invalid_argument(fmt::format("parameter '{}' must be an integer", name));
  }
  if (*n < lo || *n > hi) {
    return Status::invalid_argument(fmt::format("parameter '{}' must be between {} and {}, got {}", name, lo, hi, *n));
  }
  *out = static_cast<int>(*n);
  return Status::ok();
}

}  // namespace

Status apply_ml_option(MlOptions& o, std::string_view name, const values::Value& v, bool forecast) {
  if (v.is_null()) return Status::invalid_argument(fmt::format("parameter '{}' must not be NULL", name));
  int i = 0;
  if (name == "minTrainingSize") return integer_in(name, v, 1, kMaxTrainingSizeLimit, &o.min_training_size);
  if (name == "maxTrainingSize") return integer_in(name, v, 1, kMaxTrainingSizeLimit, &o.max_training_size);
  if (name == "evalWindowSize") return integer_in(name, v, 1, kMaxTrainingSizeLimit, &o.eval_window_size);
  if (name == "updateInterval") return integer_in(name, v, 1, kMaxTrainingSizeLimit, &o.update_interval);
  // The seasonal period, in rows: 'm', as queries written for Confluent Cloud pass it
  // (JSON_OBJECT('enableStl' VALUE TRUE, 'm' VALUE 12)) and as pmdarima and R's forecast name it.
  if (name == "m") return integer_in(name, v, 2, kMaxTrainingSizeLimit / 2, &o.seasonality_period);
  if (name == "seasonalityPeriod") {
    // careflow's own name before 'm' (docs/ml.md); a query using it would fail on Confluent Cloud.
    return Status::invalid_argument("unknown parameter 'seasonalityPeriod'; the seasonal period is 'm'");
  }
  if (name == "horizon") {
    // Confluent's own anomaly-detection tutorial passes 'horizon' VALUE 1 to ML_DETECT_ANOMALIES,
    // which checks each row against its one-step forecast; what a larger horizon would change
    // there is not documented, so it is refused rather than guessed.
    if (!forecast) {
      Status s = integer_in(name, v, 1, 1, &o.horizon);
      if (!s.is_ok()) {
        return Status::invalid_argument("parameter 'horizon' must be 1 for ML_DETECT_ANOMALIES: it checks each row "
                                        "against its one-step forecast (use ML_FORECAST for more steps)");
      }
      return s;
    }
    return integer_in(name, v, 1, kMaxHorizon, &o.horizon);
  }
  if (name == "p" || name == "q" || name == "d") {
    const int hi = name == "d" ? kMaxDifferencing : name == "p" ? kMaxArOrder : kMaxMaOrder;
    Status s = integer_in(name, v, 0, hi, &i);
    if (!s.is_ok()) return s;
    (name == "p" ? o.p : name == "d" ? o.d : o.q) = i;
    return Status::ok();
  }
  if (name == "confidencePercentage") {
    const std::optional<double> n = number_of(v);
    if (!n || !std::isfinite(*n) || *n <= 0 || *n >= 100) {
      return Status::invalid_argument("parameter 'confidencePercentage' must be a number greater than 0 and less than 100");
    }
    o.confidence_percentage = *n;
    return Status::ok();
  }
  if (name == "enableStl") {
    if (v.is_bool()) o.enable_stl = v.as_bool();
    else if (v.is_string() && (v.as_string() == "true" || v.as_string() == "TRUE")) o.enable_stl = true;
    else if (v.is_string() && (v.as_string() == "false" || v.as_string() == "FALSE")) o.enable_stl = false;
    else return Status::invalid_argument("parameter 'enableStl' must be TRUE or FALSE");
    return Status::ok();
  }
  std::string hint;
  for (std::string_view known : {"minTrainingSize", "maxTrainingSize", "confidencePercentage", "enableStl",
                                 "evalWindowSize", "updateInterval", "horizon"}) {
    if (known.size() == name.size() &&
        std::equal(known.begin(), known.end(), name.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      hint = fmt::format("; did you mean '{}'?", known);
    }
  }
  if (hint.empty()) hint = fmt::format(" (known: {})", kKnown);
  return Status::invalid_argument(fmt::format("unknown parameter '{}'{}", name, hint));
}

Status check_ml_options(const MlOptions& o) {
  if (o.min_training_size > o.max_training_size) {
    return Status::invalid_argument(fmt::format("minTrainingSize ({}) must not exceed maxTrainingSize ({})",
                                                o.min_training_size, o.max_training_size));
  }
  const int needed = o.p.value_or(0) + o.d.value_or(0) + o.q.value_or(0) + 2;
  if (o.min_training_size < needed) {
    return Status::invalid_argument(fmt::format("minTrainingSize ({}) is too small for the order given: an ARIMA({}, {}, "
                                                "{}) needs at least {} values",
                                                o.min_training_size, o.p.value_or(0), o.d.value_or(0), o.q.value_or(0),
                                                needed));
  }
  if (o.seasonality_period > 0 && !o.enable_stl) {
    return Status::invalid_argument("parameter 'm' (the seasonal period) needs 'enableStl' VALUE TRUE");
  }
  if (o.seasonality_period > 0 && 2 * o.seasonality_period > o.max_training_size) {
    return Status::invalid_argument(fmt::format("m ({}) needs maxTrainingSize of at least two periods ({})",
                                                o.seasonality_period, 2 * o.seasonality_period));
  }
  return Status::ok();
}

}  // namespace careflow::exec::ml
