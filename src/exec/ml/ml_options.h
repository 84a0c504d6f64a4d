#pragma once
// The parameters of Confluent Cloud's ML_DETECT_ANOMALIES and ML_FORECAST (the third argument,
// a JSON_OBJECT or MAP of constants), validated where they enter: an unknown name, a value of the
// wrong kind or out of range is an error naming the parameter. docs/ml.md has the table.
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "values/value.h"

namespace careflow::exec::ml {

struct MlOptions {
  int min_training_size = 128;
  int max_training_size = 512;
  double confidence_percentage = 99.0;
  bool enable_stl = false;
  int seasonality_period = 0;  // 'm'; 0: detected from the data when enable_stl
  std::optional<int> p, d, q;  // unset: chosen automatically
  int horizon = 1;             // ML_FORECAST only
  int eval_window_size = 5;
  int update_interval = 5;
};

// The most values a partition keeps: state per partition is bounded by it.
inline constexpr int kMaxTrainingSizeLimit = 10000;
inline constexpr int kMaxHorizon = 1000;

// Applies one parameter to `options`. `value` is a constant: BOOLEAN, an integer, a DOUBLE (any
// exact or approximate number) or a STRING holding one of those. `forecast` is true for
// ML_FORECAST (which alone takes horizon).
Status apply_ml_option(MlOptions& options, std::string_view name, const values::Value& value, bool forecast);

// The checks between parameters, once all are applied (minTrainingSize <= maxTrainingSize, ...).
Status check_ml_options(const MlOptions& options);

}  // namespace careflow::exec::ml
