#pragma once
// One partition's model for ML_DETECT_ANOMALIES / ML_FORECAST: the last maxTrainingSize values,
// an ARIMA refitted every updateInterval values once minTrainingSize have been seen (optionally on
// the STL-deseasonalized series), and between refits the model's state carried forward one
// observation at a time. Memory per partition: maxTrainingSize doubles and as many bytes (how each
// value entered) plus O(p + d + q + evalWindowSize + seasonal period) — the window is the only
// thing that grows, and it is capped (bench/results/ml.md measures it).
//
// Fits run on the window standardized to mean 0 and standard deviation 1, so that values of any
// magnitude (up to kMaxAbsValue) give the same numerics; results are scaled back.
#include <optional>
#include <vector>

#include "exec/ml/arima.h"
#include "exec/ml/ml_options.h"
#include "values/value.h"

namespace careflow::exec::ml {

// Values beyond this magnitude (and NaN, infinities) are not used for training: their squares
// would overflow a double. ML functions return NULL flags for them.
inline constexpr double kMaxAbsValue = 1e150;

struct ForecastPoint {
  double value = 0, lower = 0, upper = 0;
};

// What the model learns from a value outside its own one-step bounds.
enum class AnomalyHandling {
  // The value is learned as it is (ML_FORECAST: it forecasts the series it is given).
  kLearnActual,
  // The value is learned as its one-step forecast, so that a spike does not become the base of the
  // next forecasts and flag the normal rows after it (ML_DETECT_ANOMALIES; robust online
  // detectors do the same). A run of kMaxReplacedRun such values in a row is a change of the
  // series, not a spike: then the run's actual values are put back and the model refitted on them.
  kReplaceWithForecast,
};

// The longest run of consecutive anomalies that are replaced by their forecasts; the next one in a
// row restores the run's actual values (a level shift is learned after this many rows).
inline constexpr int kMaxReplacedRun = 3;

class StreamingArima {
 public:
  explicit StreamingArima(const MlOptions& options,
                          AnomalyHandling anomalies = AnomalyHandling::kLearnActual);

  // Whether a model has been fitted (minTrainingSize usable values seen and a fit succeeded).
  bool ready() const { return fitted_; }

  // The next `h` values' forecasts with their bounds at the confidence level; empty before ready().
  std::vector<ForecastPoint> forecast(int h) const;

  // Adds a value (finite, |x| <= kMaxAbsValue: the caller checks) and refits when due.
  void observe(double x);

  // The root mean square of the last evalWindowSize one-step-ahead errors (the fit's in-sample
  // standard deviation before any), and the model's AIC on the original scale. NaN when not ready.
  double rmse() const;
  double aic() const;

  const ArimaFit& model() const { return fit_; }
  int period() const { return period_; }
  // Bytes of state this partition holds (for the benchmark's memory per device).
  size_t state_bytes() const;

  // Checkpoints (streaming_arima_state.cc): the whole model as one list value, and back into a
  // model built with the same options. load throws std::invalid_argument naming what does not fit
  // (a list of another shape, a window larger than maxTrainingSize, ...).
  values::Value save() const;
  void load(const values::Value& state);

 private:
  void refit();
  double seasonal_at(int ahead) const;  // the seasonal part `ahead` values after the last one
  // How a window value entered, for the noise variance of a fit (see refit()).
  enum class Entry : unsigned char {
    kUnscreened,  // before a model existed, a restored run, or kLearnActual: all values as seen
    kScreened,    // inside the bounds of the model of its time: the noise's tails were cut off
    kReplaced,    // outside them, learned as its forecast: carries no information about the noise
  };
  void push_window(double x, Entry entry);
  size_t window_index_back(size_t i) const;  // index of the i-th most recent value (0 = last)
  double screened_sigma2(const ArimaFit& fit) const;

  const MlOptions& options_;
  AnomalyHandling anomalies_;
  std::vector<double> replaced_run_;  // actual values of the current run of replaced anomalies
  double z_;                        // the normal quantile of the two-sided confidence level
  std::vector<double> window_;      // ring of the last maxTrainingSize values
  std::vector<Entry> entries_;      // how each of them entered (same ring positions)
  size_t head_ = 0;                 // where the next value goes once the ring is full
  int since_fit_ = 0;
  bool fitted_ = false;
  ArimaFit fit_;                    // on the standardized, deseasonalized series; residuals dropped
  double shift_ = 0, scale_ = 1;    // standardized = (x - seasonal - shift) / scale
  std::vector<double> tail_;        // the last p + d standardized values (oldest first)
  std::vector<double> errors_;      // the last q one-step errors, standardized (oldest first)
  std::vector<double> seasonal_;    // the last period of the STL seasonal component
  int period_ = 0, phase_ = 0;      // the next value's position in seasonal_
  std::vector<double> squared_errors_;  // ring of the last evalWindowSize squared errors
  size_t error_head_ = 0;
};

// The two-sided normal quantile for a confidence percentage (99 -> 2.5758...).
double normal_quantile_two_sided(double confidence_percentage);

}  // namespace careflow::exec::ml
