// The per-partition model of the ML functions (streaming_arima.h).
#include "exec/ml/streaming_arima.h"

#include <boost/math/distributions/normal.hpp>

#include <cmath>
#include <limits>
#include <numbers>

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

StreamingArima::StreamingArima(const MlOptions& options, AnomalyHandling anomalies)
    : options_(options), anomalies_(anomalies), z_(normal_quantile_two_sided(options.confidence_percentage)) {}

void StreamingArima::push_window(double x, Entry entry) {
  const size_t cap = static_cast<size_t>(options_.max_training_size);
  if (window_.size() < cap) {
    window_.push_back(x);
    entries_.push_back(entry);
  } else {
    window_[head_] = x;
    entries_[head_] = entry;
    head_ = (head_ + 1) % cap;
  }
}

size_t StreamingArima::window_index_back(size_t i) const {
  const size_t n = window_.size();
  const size_t newest = n < static_cast<size_t>(options_.max_training_size) ? n - 1 : (head_ + n - 1) % n;
  return (newest + n - i % n) % n;
}

// With kReplaceWithForecast the window holds values screened by the bounds +-z sigma: the noise's
// tails beyond them were replaced, so the residuals of screened values have the variance of a
// normal truncated at +-z, c(z) sigma^2 with c(z) = 1 - 2 z phi(z) / (2 Phi(z) - 1), and replaced
// values have residuals near zero. Left alone, both shrink the next sigma, which screens more
// values, which shrinks it further (measured: 2.0% false alarms at 99% on a clean AR(1) series).
// So sigma^2 is estimated from the values that were not replaced, screened ones corrected by c(z).
double StreamingArima::screened_sigma2(const ArimaFit& fit) const {
  const double density = std::exp(-0.5 * z_ * z_) / std::sqrt(2.0 * std::numbers::pi);
  const double inside = options_.confidence_percentage / 100.0;
  const double c = 1.0 - 2.0 * z_ * density / inside;
  const size_t n = window_.size(), count = fit.residuals.size();
  double sum = 0;
  size_t used = 0;
  for (size_t r = 0; r < count; ++r) {
    const Entry entry = entries_[(head_ + n - count + r) % n];  // residual r is window value n - count + r
    if (entry == Entry::kReplaced) continue;
    const double e2 = fit.residuals[r] * fit.residuals[r];
    sum += entry == Entry::kScreened && c > 0 ? e2 / c : e2;
    ++used;
  }
  return used > 0 ? sum / static_cast<double>(used) : fit.sigma2;
}

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
  double learned = x;  // what enters the window and the model's lags
  Entry entry = Entry::kUnscreened;
  bool refit_now = false;
  if (fitted_) {
    // Carry the model one step: its one-step forecast, the error, the new lags.
    const double predicted = forecast_means(fit_, tail_, errors_, 1)[0];
    const double standardized = (x - seasonal_at(0) - shift_) / scale_;
    double error = standardized - predicted;
    // rmse reports how far the forecasts were from the values actually seen.
    const double original_error = error * scale_;
    if (squared_errors_.size() < static_cast<size_t>(options_.eval_window_size)) {
      squared_errors_.push_back(original_error * original_error);
    } else {
      squared_errors_[error_head_] = original_error * original_error;
      error_head_ = (error_head_ + 1) % squared_errors_.size();
    }
    // Outside the one-step bounds forecast(1) reports: |error| > z sigma (psi_0 = 1).
    const bool anomaly = std::abs(error) > z_ * std::sqrt(fit_.sigma2);
    if (anomalies_ == AnomalyHandling::kReplaceWithForecast && anomaly) {
      if (replaced_run_.size() + 1 < static_cast<size_t>(kMaxReplacedRun)) {
        replaced_run_.push_back(x);
        learned = shift_ + scale_ * predicted + seasonal_at(0);
        entry = Entry::kReplaced;
        error = 0.0;
      } else {
        // A persistent change: the run's actual values go back into the window and the model is
        // refitted on them below (the refit rebuilds the lags and errors from the window).
        for (size_t i = 0; i < replaced_run_.size(); ++i) {
          const size_t at = window_index_back(i);
          window_[at] = replaced_run_[replaced_run_.size() - 1 - i];
          entries_[at] = Entry::kUnscreened;
        }
        replaced_run_.clear();
        refit_now = true;
      }
    } else {
      replaced_run_.clear();
      if (anomalies_ == AnomalyHandling::kReplaceWithForecast) entry = Entry::kScreened;
    }
    push_bounded(errors_, error, fit_.ma.size());
    push_bounded(tail_, predicted + error, static_cast<size_t>(fit_.order.p + fit_.order.d));
    if (period_ > 0) phase_ = (phase_ + 1) % period_;
  }
  push_window(learned, entry);
  ++since_fit_;
  if (static_cast<int>(window_.size()) >= options_.min_training_size &&
      (!fitted_ || refit_now || since_fit_ >= options_.update_interval)) {
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
  if (anomalies_ == AnomalyHandling::kReplaceWithForecast) fit.sigma2 = screened_sigma2(fit);
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
  return sizeof(*this) + sizeof(Entry) * entries_.capacity() +
         sizeof(double) * (window_.capacity() + tail_.capacity() + errors_.capacity() + seasonal_.capacity() +
                           squared_errors_.capacity() + replaced_run_.capacity() + fit_.ar.capacity() +
                           fit_.ma.capacity());
}

}  // namespace careflow::exec::ml
