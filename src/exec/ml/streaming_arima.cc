// The per-partition model of the ML functions (streaming_arima.h).
#include "exec/ml/streaming_arima.h"

#include <boost/math/distributions/normal.hpp>

#include <cmath>
#include <limits>

#include "exec/ml/order_selection.h"
#include "exec/ml/stl.h"

namespace careflow::exec::ml {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void push_bounded(std::vector<double>& v, double x, size_t cap) {
  if (cap == 0) return;
  if (v.size() == cap) v.erase(v.begin());
  v.push_back(x);
}

}  // namespace

double normal_quantile_two_sided(double confidence_percentage) {
  const double p = 0.5 + confidence_percentage / 200.0;
  return boost::math::quantile(boost::math::normal_distribution<double>(), p);
}

StreamingArima::StreamingArima(const MlOptions& options)
    : options_(options), z_(normal_quantile_two_sided(options.confidence_percentage)) {}

double StreamingArima::seasonal_at(int ahead) const {
  if (period_ == 0) return 0.0;
  return seasonal_[static_cast<size_t>((phase_ + ahead) % period_)];
}

std::vector<ForecastPoint> StreamingArima::forecast(int h) const {
  std::vector<ForecastPoint> out;
  if (!fitted_) return out;
  const std::vector<double> means = forecast_means(fit_, tail_, errors_, h);
  const std::vector<double> psi = psi_weights(fit_, h);
  double psi2 = 0;
  for (int k = 0; k < h; ++k) {
    psi2 += psi[static_cast<size_t>(k)] * psi[static_cast<size_t>(k)];
    const double center = shift_ + scale_ * means[static_cast<size_t>(k)] + seasonal_at(k);
    const double half = z_ * scale_ * std::sqrt(fit_.sigma2 * psi2);
    out.push_back({center, center - half, center + half});
  }
  return out;
}

void StreamingArima::observe(double x) {
  if (fitted_) {
    // Carry the model one step: its one-step forecast, the error, the new lags.
    const double predicted = forecast_means(fit_, tail_, errors_, 1)[0];
    const double standardized = (x - seasonal_at(0) - shift_) / scale_;
    const double error = standardized - predicted;
    push_bounded(errors_, error, fit_.ma.size());
    push_bounded(tail_, standardized, static_cast<size_t>(fit_.order.p + fit_.order.d));
    const double original_error = error * scale_;
    if (squared_errors_.size() < static_cast<size_t>(options_.eval_window_size)) {
      squared_errors_.push_back(original_error * original_error);
    } else {
      squared_errors_[error_head_] = original_error * original_error;
      error_head_ = (error_head_ + 1) % squared_errors_.size();
    }
    if (period_ > 0) phase_ = (phase_ + 1) % period_;
  }
  const size_t cap = static_cast<size_t>(options_.max_training_size);
  if (window_.size() < cap) {
    window_.push_back(x);
  } else {
    window_[head_] = x;
    head_ = (head_ + 1) % cap;
  }
  ++since_fit_;
  if (static_cast<int>(window_.size()) >= options_.min_training_size &&
      (!fitted_ || since_fit_ >= options_.update_interval)) {
    refit();
  }
}

void StreamingArima::refit() {
  since_fit_ = 0;
  // The window in time order.
  std::vector<double> series(window_.size());
  for (size_t i = 0; i < window_.size(); ++i) series[i] = window_[(head_ + i) % window_.size()];
  const int n = static_cast<int>(series.size());

  int period = 0;
  std::vector<double> seasonal;
  if (options_.enable_stl) {
    period = options_.seasonality_period > 0 ? options_.seasonality_period : detect_period(series);
    if (period >= 2 && n >= 2 * period) {
      seasonal = stl_decompose(series, period).seasonal;
      for (int i = 0; i < n; ++i) series[static_cast<size_t>(i)] -= seasonal[static_cast<size_t>(i)];
    } else {
      period = 0;
    }
  }

  double mean = 0;
  for (double v : series) mean += v;
  mean /= n;
  double peak = 0;
  for (double v : series) peak = std::max(peak, std::abs(v - mean));
  double sum = 0;
  if (peak > 0) {
    for (double v : series) sum += ((v - mean) / peak) * ((v - mean) / peak);
  }
  const double sd = peak * std::sqrt(sum / n);
  const double scale = sd > 0 && std::isfinite(sd) ? sd : 1.0;
  for (double& v : series) v = (v - mean) / scale;

  ArimaFit fit = select_and_fit(series, options_.p, options_.d, options_.q, fitted_ ? &fit_ : nullptr);
  if (!fit.ok) return;  // keep the previous model, if any
  const size_t lags = static_cast<size_t>(fit.order.p + fit.order.d);
  tail_.assign(series.end() - static_cast<std::ptrdiff_t>(std::min(lags, series.size())), series.end());
  const size_t q = fit.ma.size();
  errors_.assign(fit.residuals.end() - static_cast<std::ptrdiff_t>(std::min(q, fit.residuals.size())),
                 fit.residuals.end());
  fit.residuals.clear();
  fit.residuals.shrink_to_fit();
  fit_ = std::move(fit);
  shift_ = mean;
  scale_ = scale;
  period_ = period;
  phase_ = 0;
  if (period > 0) seasonal_.assign(seasonal.end() - period, seasonal.end());
  else seasonal_.clear();
  fitted_ = true;
}

double StreamingArima::rmse() const {
  if (!fitted_) return kNaN;
  if (squared_errors_.empty()) return scale_ * std::sqrt(fit_.sigma2);
  double s = 0;
  for (double v : squared_errors_) s += v;
  return std::sqrt(s / static_cast<double>(squared_errors_.size()));
}

double StreamingArima::aic() const {
  if (!fitted_) return kNaN;
  // Standardizing divides every residual by `scale`: log L shifts by -n log(scale).
  return fit_.aic + 2.0 * fit_.residual_count * std::log(scale_);
}

size_t StreamingArima::state_bytes() const {
  return sizeof(*this) + sizeof(double) * (window_.capacity() + tail_.capacity() + errors_.capacity() +
                                           seasonal_.capacity() + squared_errors_.capacity() + fit_.ar.capacity() +
                                           fit_.ma.capacity());
}

}  // namespace careflow::exec::ml
